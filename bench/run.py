"""Benchmark the real server over real HTTP: `python bench/run.py [--smoke]`.

Builds (or reuses) a database of a million requests, serves it with waitress in
a subprocess, drives it with wrk on 127.0.0.1, and prints every figure as a
ratio to a trivial route measured on the same server in the same run, so the
numbers hold on a noisy machine. See the README's "Performance" section.
"""

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: import `bench` and `kiosk` from the repository root, not
    # this folder's modules as top-level names.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import (  # noqa: E402
    dataset,
    load,
    pages,
    qrbench,
    report,
    scaling,
    scenarios,
)
from bench.server import Server  # noqa: E402
from kiosk.domain import tracking

BENCH_DIR = Path(__file__).resolve().parent
PUBLIC_BASE_URL = "https://dukcapil.sijunjungkab.go.id"  # a real office's length
KIOSK_COOKIE = "kiosk_token"


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds each")
    parser.add_argument("--warmup", type=int, default=2, help="seconds each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--sample", type=int, default=20_000, help="random numbers")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a quick run that only proves the harness works (no warm-up, 4 "
        "connections, 1-second scenarios unless given)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a budget fails"
    )
    parser.add_argument(
        "--no-scaling",
        action="store_true",
        help="leave out the processes x threads runs and PostgreSQL",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.warmup, args.connections = 0, 4
    return args


def _log(message):
    print(message, flush=True)


def _page_weights(url, number, kiosk_token):
    wanted = [
        ("home", "home /", "/", None),
        ("apply", "apply /apply", "/apply", None),
        ("tracking", "tracking /t/<n>", f"/t/{number}", None),
        ("receipt", "receipt /t/<n>/receipt", f"/t/{number}/receipt", None),
        ("stats", "statistics /stats", "/stats", None),
        ("kiosk", "kiosk start /kiosk", "/kiosk", {KIOSK_COOKIE: kiosk_token}),
    ]
    weighed = []
    for key, name, path, cookies in wanted:
        text, page = pages.weigh(url, path, cookies)
        # The page's content is in the HTML itself, not fetched by a script.
        works = page["status"] == 200 and "<main" in text
        if key == "tracking":
            works = works and tracking.display(number) in text and "<time" in text
        weighed.append(page | {"key": key, "name": name, "works_without_js": works})
    return weighed


def main(argv=None):
    args = _arguments(argv)
    load.wrk_path()  # fail before building anything when wrk is missing
    started = dt.datetime.now(dt.UTC)
    data = dataset.ensure(args.rows, args.data_dir, log=_log)
    samples = dataset.sample_rows(data.path, args.sample)
    numbers = [number for number, _, _ in samples]
    niks = list(dict.fromkeys(nik for _, nik, _ in samples if nik))  # random order
    longest = max(samples, key=lambda row: row[2])[0]  # the longest timeline
    settings = {
        "rows": args.rows, "duration": args.duration, "warmup": args.warmup,
        "connections": args.connections, "threads": args.threads,
        "wrk_threads": args.wrk_threads, "smoke": args.smoke,
        "public_base_url": PUBLIC_BASE_URL,
    }  # fmt: skip
    _log("qr: ours against segno, in-process ...")
    qr = qrbench.compare(PUBLIC_BASE_URL, numbers, 60 if args.smoke else 400)
    results = {
        "schema": 1,
        "generated_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "environment": _environment(args.data_dir),
        "settings": settings,
        "dataset": {k: v for k, v in data.meta.items() if k != "password"}
        | {"file": data.path.name, "size_mb": data.path.stat().st_size / 2**20},
        "qr": qr,
        "notes": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        work = Path(work)
        server = Server(data.path, work / "instance", work / "server.log",
                        args.threads, PUBLIC_BASE_URL)  # fmt: skip
        with server:
            _measure(server, args, data, numbers, niks, longest, work, results)
            results["server"] = server.memory() | {"threads": args.threads}
        if not args.no_scaling:
            _log("scale-out: processes x threads, and PostgreSQL ...")
            results["scaling"] = {
                "sqlite": scaling.processes_threads(args, data.path, numbers, work),
                "postgres": scaling.postgres_submissions(args, work),
            }
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["environment"]["load_average_at_end"] = os.getloadavg()[0]
    results["budgets"] = report.evaluate(results)
    text = report.render(results)
    results["table"] = text
    path = report.write_json(results, args.results)
    print("\n" + text + f"\n\nResults written to {path}", flush=True)
    failed = [b for b in results["budgets"] if b["passed"] is False]
    return 1 if args.strict and failed else 0


def _measure(server, args, data, numbers, niks, longest, work, results):
    cookie, why_not = scenarios.sign_in(server.url, data.meta)
    if why_not:
        results["notes"].append(why_not)
    cursor, page = scenarios.staff_cursor(data.path, 1000)
    if cookie and page != 1000:
        results["notes"].append(f"only {page} queue pages: 'page 1,000' is page {page}")
    runner = scenarios.Runner(server, results["settings"], work, cookie)
    _log(f"server: {server.url} (waitress, {args.threads} threads); baseline ...")
    before_rps, before = runner.baseline()
    rows, staff_time = [], {}
    for scenario in scenarios.build(numbers, niks[:5000], cursor):
        if not scenario.paths or (scenario.staff and not cookie):
            continue
        _log(f"measuring {scenario.name} ...")
        rows.append((scenario, runner.load(scenario)))
        if scenario.staff:
            single = runner.one_at_a_time(scenario, max(1, args.duration // 2))
            staff_time[scenario.key] = single | {"name": scenario.name}
    results["stats_server_time"] = {}
    office_today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)).date()
    for scenario in scenarios.stats_pages(office_today):
        if scenario.staff and not cookie:
            continue
        _log(f"measuring {scenario.name}, cold, one at a time ...")
        single = runner.one_at_a_time(scenario, max(1, args.duration // 2))
        results["stats_server_time"][scenario.key] = single | {"name": scenario.name}
    _log("measuring submissions ...")
    results["submissions"] = runner.submissions()
    _log("baseline again ...")
    after_rps, after = runner.baseline()
    baseline_rps = (before_rps + after_rps) / 2
    results["baseline"] = {
        "rps": baseline_rps, "before_rps": before_rps, "after_rps": after_rps,
        # What this machine's queueing alone costs at this concurrency.
        "p99_ms": (before.p99_ms + after.p99_ms) / 2,
    }  # fmt: skip
    results["scenarios"] = [scenarios.row(s, r, baseline_rps) for s, r in rows]
    results["staff_server_time"] = staff_time
    _log("weighing pages ...")
    results["pages"] = _page_weights(server.url, longest, data.meta["kiosk_token"])


def _environment(data_dir):
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg()[0],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": load.wrk_version(),
        "fsync_ms": _fsync_ms(data_dir),
        "tried": {
            name: os.environ[name]
            for name in ("BENCH_SQLITE_PRAGMAS", "BENCH_APP_CONFIG")
            if os.environ.get(name)
        },
    }


def _fsync_ms(folder, rounds=100):
    """How long the database's disk takes to make a small write durable: every
    stored request waits for one of these (synchronous=FULL)."""
    probe = Path(folder) / f"fsync-probe-{os.getpid()}"
    times = []
    with open(probe, "wb") as out:
        for _ in range(rounds):
            out.write(b"x" * 4096)
            out.flush()
            started = time.perf_counter()
            os.fsync(out.fileno())
            times.append((time.perf_counter() - started) * 1000)
    probe.unlink()
    times.sort()
    return {"p50": times[len(times) // 2], "p99": times[int(len(times) * 0.99)]}


if __name__ == "__main__":
    sys.exit(main())
