"""Benchmark harness: `python bench/run.py` (see its docstring and the README)."""
