"""Drive wrk: one scenario at a time, results read from the JSON line it prints."""

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "wrk"
MARKER = "BENCH_JSON "


class WrkMissing(SystemExit):
    def __init__(self):
        super().__init__(
            "bench: wrk not found. Install it with `apt-get install -y wrk` "
            "(`make bench` does this for you)."
        )


def wrk_path():
    """wrk from $BENCH_WRK or the PATH; a clear exit when it is not installed."""
    found = os.environ.get("BENCH_WRK") or shutil.which("wrk")
    if not found:
        raise WrkMissing()
    return found


def wrk_version():
    out = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True)
    return (out.stdout + out.stderr).splitlines()[0].strip()


@dataclass
class Result:
    requests: int
    seconds: float
    bytes: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: dict
    counters: dict = field(default_factory=dict)

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def share(self, counter):
        """Fraction of responses counted under `counter` (e.g. status_200)."""
        total = self.requests or 1
        return self.counters.get(counter, 0) / total

    @property
    def socket_errors(self):
        return sum(v for k, v in self.errors.items() if k != "status")


def run(url, script, *, duration, connections, threads, args=(), headers=()):
    """Run wrk with bench/wrk/common.lua + `script`; returns a Result."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        combined = Path(folder) / "scenario.lua"
        combined.write_text(
            (SCRIPTS / "common.lua").read_text() + "\n" + (SCRIPTS / script).read_text()
        )
        command = [
            wrk_path(),
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={max(1, round(duration))}s",
            "--timeout=10s",
            f"--script={combined}",
        ]
        for header in headers:
            command += ["--header", header]
        command += [url, "--", *map(str, args)]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 60
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"wrk failed ({done.returncode}): {' '.join(command)}\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    data = json.loads(lines[-1][len(MARKER) :])
    latency = {k: v / 1000 for k, v in data["latency_us"].items()}
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        p50_ms=latency["p50"],
        p90_ms=latency["p90"],
        p99_ms=latency["p99"],
        mean_ms=latency["mean"],
        max_ms=latency["max"],
        errors=data["errors"],
        counters=data["counters"],
    )


def write_paths(folder, name, paths):
    """A file of request paths, one per line, for paths.lua."""
    target = Path(folder) / f"{name}.txt"
    target.write_text("\n".join(paths) + "\n")
    return target
