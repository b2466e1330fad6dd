"""The scale-out benchmark (bench/scaling.py) runs end to end: a small database,
short runs, real PostgreSQL. No timing is judged here, only that every
configuration served real pages and stored real submissions."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import scaling

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_scaling_run_measures_every_configuration(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    command = [
        sys.executable, "-m", "bench.scaling", "--rows", "2000", "--duration", "1",
        "--smoke", "--data-dir", str(tmp_path / "data"),
        "--json", str(tmp_path / "scaling.json"),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    results = json.loads((tmp_path / "scaling.json").read_text())

    sqlite, postgres = results["sqlite"]["rows"], results["postgres"]["rows"]
    assert [(r["processes"], r["threads"]) for r in sqlite] == list(
        scaling.CONFIGURATIONS
    )
    assert [(r["processes"], r["threads"]) for r in postgres] == [
        (2, threads) for threads in scaling.POSTGRES_THREADS
    ]
    assert results["postgres"]["settings"]["fsync"] == "on"
    for row in sqlite + postgres:
        assert row["baseline_rps"] > 0
        assert row["tracking"]["ok_share"] == 1.0, row["tracking"]["statuses"]
        submitted = row["submissions"]
        assert submitted["created"] > 0
        assert submitted["refused"] == 0 and submitted["form_failed"] == 0
        # Two app processes: memory summed over both, timings not claimed.
        several = row["processes"] > 1
        assert (row["memory"].get("processes") == 2) is several
        assert row["server_timings"] is not several

    assert [v["key"] for v in results["budgets"]] == [scaling.BUDGET_KEY]
    assert results["budgets"][0]["passed"] in (True, False)
    assert scaling.BUDGET in done.stdout
    assert "Processes x threads, SQLite dataset" in done.stdout
    assert "report no server-side timings" in done.stdout
