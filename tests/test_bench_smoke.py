"""The benchmark harness still runs end to end: a small database, short runs.

Nothing here asserts a timing budget; `make bench` reports those. What is
checked is that the harness measured real pages (the expected statuses, real
submissions stored) and wrote every figure the README and run comparisons use.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULT_KEYS = {
    "schema", "generated_at", "finished_at", "environment", "settings", "dataset",
    "baseline", "scenarios", "staff_server_time", "stats_server_time",
    "submissions", "pages", "qr",
    "server", "budgets", "table", "notes",
}  # fmt: skip
SCENARIOS = {
    "healthz", "tracking", "tracking_304", "api", "api_304", "qr", "qr_304",
    "home", "apply", "staff_first_page", "staff_page_1000", "staff_nik_search",
    "staff_infix_search",
}  # fmt: skip
SCENARIO_KEYS = {
    "rps", "ratio", "p50_ms", "p99_ms", "server_p50_ms", "server_cpu_ms", "ok_share",
    "rss_mb_after", "statements",
}  # fmt: skip
PAGES = {"home", "apply", "tracking", "receipt", "stats", "kiosk"}
PAGE_KEYS = {
    "raw_bytes", "gzip_bytes", "js_bytes", "works_without_js", "resources",
    "html_gzip_cpu_ms",
}  # fmt: skip


def _environment(**changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(changes)
    return env


def _run(tmp_path, *extra, env=None):
    command = [
        sys.executable, "bench/run.py", "--rows", "2000", "--duration", "1",
        "--smoke", "--data-dir", str(tmp_path / "data"),
        "--results", str(tmp_path / "results"),
        # The scale-out runs have their own test (test_bench_scaling.py).
        "--no-scaling", *extra,
    ]  # fmt: skip
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env or _environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_smoke_run_measures_every_scenario_and_writes_the_results(tmp_path):
    # One run for every check: a module fixture would run once per xdist worker.
    done = _run(tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    results = json.loads((tmp_path / "results" / "latest.json").read_text())
    _check_printed_table(done.stdout, results)
    _check_json_figures(results)
    _check_real_pages_were_measured(results)


def _check_printed_table(output, results):
    assert "| scenario" in output and "x baseline" in output
    assert "First visit (HTML + CSS + JS + images)" in output
    for budget in results["budgets"]:
        assert budget["budget"] in output
    assert results["table"] in output


def _check_json_figures(results):
    assert RESULT_KEYS <= set(results)
    assert results["baseline"]["rps"] > 0
    by_key = {s["key"]: s for s in results["scenarios"]}
    assert set(by_key) == SCENARIOS
    for scenario in by_key.values():
        assert SCENARIO_KEYS <= set(scenario), scenario["key"]
    # Statements per request are counted: a tracking page reads its version,
    # and its record unless the page is kept (about half of them here).
    assert by_key["tracking"]["statements"] >= 1.5
    assert by_key["tracking_304"]["statements"] >= 1
    assert set(results["staff_server_time"]) == {
        "staff_first_page", "staff_page_1000", "staff_nik_search",
        "staff_infix_search",
    }  # fmt: skip
    assert set(results["stats_server_time"]) == {
        "stats_page", "stats_csv", "stats_json", "staff_report",
    }  # fmt: skip
    for timing in results["stats_server_time"].values():
        assert timing["samples"] > 0 and timing["p50_ms"] > 0
    assert "Statistics, cold cache" in results["table"]
    assert {p["key"] for p in results["pages"]} == PAGES
    for page in results["pages"]:
        assert PAGE_KEYS <= set(page), page["key"]
    assert results["server"]["peak_rss_mb"] > 0
    assert results["qr"]["svg_bytes_max"] > 0
    assert [b["key"] for b in results["budgets"]] == [k for k, _ in report.BUDGETS]


def _check_real_pages_were_measured(results):
    for scenario in results["scenarios"]:
        assert scenario["ok_share"] == 1.0, (scenario["key"], scenario["statuses"])
        revalidated = scenario["key"].endswith("_304")
        assert scenario["expected_status"] == (304 if revalidated else 200)
    submissions = results["submissions"]
    assert submissions["created"] > 0
    assert submissions["refused"] == 0 and submissions["form_failed"] == 0
    # Every budget was measured (pass or fail), none skipped.
    assert all(b["passed"] in (True, False) for b in results["budgets"])
    # The fast mask choice in kiosk.qr gives qrcode's own output.
    assert results["qr"]["matches_qrcode_make"]


def test_harness_without_wrk_says_how_to_install_it(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    done = _run(tmp_path, env=_environment(PATH=str(empty), BENCH_WRK=""))
    assert done.returncode != 0
    assert "wrk not found" in done.stderr
    assert "apt-get install -y wrk" in done.stderr
    assert not (tmp_path / "data").exists()  # it stopped before building anything
