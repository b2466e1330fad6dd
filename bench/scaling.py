"""Scale-out figures: processes x threads, and durable submissions on PostgreSQL.

    python -m bench.scaling --rows 2000 --duration 2 [--data-dir DIR]

processes_threads() serves the SQLite dataset as 1x8, 1x4, 2x2 and 2x4
(processes x threads); postgres_submissions() starts a durable throwaway
PostgreSQL and serves it with two app processes. Both measure with the same
scenarios and wrk settings as bench/run.py; render() prints the tables and the
budget verdict. With more than one process the server-side timings (CPU ms per
request) are not measured: /__bench/timings would reach one process only.
"""

import argparse
import functools
import json
import sys
import tempfile
from pathlib import Path

from bench import dataset, load, scenarios
from bench.server import Server
from bench.tables import markdown_table as _table

BENCH_DIR = Path(__file__).resolve().parent
PUBLIC_BASE_URL = "https://dukcapil.sijunjungkab.go.id"  # as bench/run.py
CONFIGURATIONS = ((1, 8), (1, 4), (2, 2), (2, 4))  # (processes, threads)
POSTGRES_PROCESSES = 2
POSTGRES_THREADS = (2, 4)
TRACKED = 5_000  # numbers the PostgreSQL tracking scenario picks from
BUDGET_KEY = "postgres_submissions"
BUDGET = "durable submissions >= 300/s with 2 processes on PostgreSQL"
NO_TIMINGS = (
    "Runs with more than one process report no server-side timings: "
    "/__bench/timings would reach one of the processes only. Memory is the sum over "
    "the app processes (largest single process in brackets). Every row is "
    "served as kiosk.serve serves the site, with its limits (connections, "
    "timeouts, poll()), none of which a few dozen connections reach, and its "
    "connections without waitress's busy loop (kiosk/serve_channel.py)."
)


def _settings(args):
    """What scenarios.Runner reads, from bench/run.py-style arguments."""
    return {
        "duration": args.duration, "warmup": args.warmup,
        "connections": args.connections, "wrk_threads": args.wrk_threads,
    }  # fmt: skip


def _tracking(numbers):
    """bench/run.py's own tracking-page scenario."""
    built = scenarios.build(numbers, [], "")
    return next(s for s in built if s.key == "tracking")


def _measure(server, args, work, numbers=None, numbers_after=None):
    """Baseline, durable submissions, then the tracking page, on one server.
    `numbers_after()` gives the numbers to track once submissions have run."""
    runner = scenarios.Runner(server, _settings(args), work)
    baseline_rps, baseline = runner.baseline()
    submitted = runner.submissions()
    numbers = numbers or numbers_after()
    figures = {
        "processes": server.processes,
        "threads": server.threads,
        "baseline_rps": baseline_rps,
        "baseline_p99_ms": baseline.p99_ms,
        "submissions": submitted,
        "server_timings": server.timed,
    }
    if numbers:
        tracked = _tracking(numbers)
        figures["tracking"] = scenarios.row(tracked, runner.load(tracked), baseline_rps)
    figures["memory"] = server.memory()
    return figures


def processes_threads(args, data_path, numbers, work):
    """Each configuration of CONFIGURATIONS on the SQLite dataset."""
    work = Path(work)
    rows = []
    for processes, threads in CONFIGURATIONS:
        name = f"{processes}x{threads}"
        print(f"scaling: SQLite, {processes} process(es) x {threads} threads ...")
        server = Server(data_path, work / f"instance-{name}", work / f"{name}.log",
                        threads, PUBLIC_BASE_URL, processes=processes)  # fmt: skip
        with server:
            rows.append(_measure(server, args, work, numbers=numbers))
    return {"database": "SQLite", "rows": rows}


def postgres_submissions(args, work):
    """Two app processes on a durable PostgreSQL, for each POSTGRES_THREADS;
    each starts on an empty database (the app creates the schema)."""
    from tests.support.pg import DURABLE_SETTINGS, PostgresServer

    work = Path(work)
    postgres = PostgresServer(durable=True).start()
    # On tmpfs an fsync costs nothing: say where the files were.
    where = {"folder": str(postgres.root), "filesystem": _filesystem(postgres.root)}
    rows = []
    try:
        for threads in POSTGRES_THREADS:
            url = postgres.create_database("bench")
            name = f"pg-{POSTGRES_PROCESSES}x{threads}"
            print(f"scaling: PostgreSQL, {POSTGRES_PROCESSES} x {threads} threads ...")
            server = Server(url, work / f"instance-{name}", work / f"{name}.log",
                            threads, PUBLIC_BASE_URL,
                            processes=POSTGRES_PROCESSES)  # fmt: skip
            with server:
                stored = functools.partial(_stored, url)
                rows.append(_measure(server, args, work, numbers_after=stored))
            postgres.drop_database(url)
    finally:
        postgres.stop()
    return {
        "database": "PostgreSQL", "settings": DURABLE_SETTINGS, "files": where,
        "rows": rows,
    }  # fmt: skip


def _filesystem(path):
    """The type of the filesystem `path` is on (ext4, tmpfs, ...), from /proc."""
    best, kind = "", "unknown"
    for line in Path("/proc/mounts").read_text().splitlines():
        _, mount, fstype, *_ = line.split()
        inside = str(path) == mount or str(path).startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > len(best):
            best, kind = mount, fstype
    return kind


def _stored(url):
    """Tracking numbers the submissions just stored, in random order."""
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number FROM submission ORDER BY random() LIMIT %s", (TRACKED,)
            )
            return [number for (number,) in cursor.fetchall()]
    finally:
        connection.close()


COLUMNS = (
    ("processes x threads", "l", lambda r: f"{r['processes']} x {r['threads']}"),
    ("baseline req/s", "r", lambda r: f"{r['baseline_rps']:,.0f}"),
    ("baseline p99 ms", "r", lambda r: f"{r['baseline_p99_ms']:.1f}"),
    ("tracking req/s", "r", lambda r: _of(r, "tracking", "rps", "{:,.0f}")),
    ("x baseline", "r", lambda r: _of(r, "tracking", "ratio", "{:.2f}")),
    ("tracking p99 ms", "r", lambda r: _of(r, "tracking", "p99_ms", "{:.1f}")),
    ("stored/s", "r", lambda r: f"{r['submissions']['per_s']:.0f}"),
    ("refused", "r", lambda r: str(r["submissions"]["refused"])),
    ("submit p50 ms", "r", lambda r: f"{r['submissions']['p50_ms']:.1f}"),
    ("submit p99 ms", "r", lambda r: f"{r['submissions']['p99_ms']:.1f}"),
    ("RSS MB", "r", lambda r: _memory(r["memory"])),
)


def _of(row, part, key, shape):
    return shape.format(row[part][key]) if part in row else "-"


def _memory(memory):
    if "rss_mb_max" in memory:
        return f"{memory['rss_mb']:.0f} ({memory['rss_mb_max']:.0f})"
    return f"{memory['rss_mb']:.0f}"


def evaluate(scaling):
    """The budget verdict, shaped as bench/report.evaluate's entries."""
    rows = (scaling.get("postgres") or {}).get("rows") or []
    if not rows:
        return [{"key": BUDGET_KEY, "budget": BUDGET, "measured": "not measured",
                 "passed": None}]  # fmt: skip
    best = max(rows, key=lambda r: r["submissions"]["per_s"])
    measured = "; ".join(
        f"{r['submissions']['per_s']:.0f}/s with {r['processes']} x {r['threads']} "
        f"threads (refused {r['submissions']['refused']})"
        for r in rows
    )
    passed = best["submissions"]["per_s"] >= 300
    return [{"key": BUDGET_KEY, "budget": BUDGET, "measured": measured,
             "passed": passed}]  # fmt: skip


def render(scaling):
    """Markdown tables of `scaling` ({"sqlite": ..., "postgres": ...}, either
    may be missing) and the verdicts: (text, verdicts)."""
    out = []
    for key, title in (
        ("sqlite", "Processes x threads, SQLite dataset"),
        ("postgres", "Two processes on PostgreSQL (fsync, synchronous_commit and "
                     "full_page_writes on; an empty database at the start; files on "
                     "{filesystem})"),
    ):  # fmt: skip
        part = scaling.get(key)
        if part:
            title = title.format(**part.get("files", {}))
            out += [f"{title}:", "", _table(COLUMNS, part["rows"]), ""]
    multi = [
        r for part in scaling.values() if part for r in part["rows"]
        if not r["server_timings"]
    ]  # fmt: skip
    if multi:
        out += [NO_TIMINGS, ""]
    verdicts = evaluate(scaling)
    for v in verdicts:
        mark = {True: "PASS", False: "FAIL", None: "SKIP"}[v["passed"]]
        out.append(f"- {mark} {v['budget']}: {v['measured']}")
    return "\n".join(out), verdicts


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds each")
    parser.add_argument("--warmup", type=int, default=2, help="seconds each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--sample", type=int, default=20_000, help="random numbers")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--smoke", action="store_true", help="as bench/run.py's")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    if args.smoke:
        args.warmup, args.connections = 0, 4
    return args


def main(argv=None):
    args = _arguments(argv)
    load.wrk_path()  # fail before building anything when wrk is missing
    data = dataset.ensure(args.rows, args.data_dir, log=print)
    numbers = [n for n, _, _ in dataset.sample_rows(data.path, args.sample)]
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as work:
        scaling = {"sqlite": processes_threads(args, data.path, numbers, work)}
        if not args.no_postgres:
            scaling["postgres"] = postgres_submissions(args, work)
    text, verdicts = render(scaling)
    if args.json:
        args.json.write_text(json.dumps(scaling | {"budgets": verdicts}, indent=2))
    print("\n" + text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
