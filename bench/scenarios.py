"""The measured scenarios: what each one requests, and how its figures are kept."""

import datetime as dt
import statistics
import types
from dataclasses import dataclass

from bench import dataset, load, pages, synth
from kiosk.services import queue

LABEL = "X-Bench-Label"


@dataclass
class Scenario:
    key: str
    name: str
    paths: list  # one is picked at random for every request
    staff: bool = False
    # Revalidate: each request sends the ETag its path answered with before,
    # as a browser that keeps the page does, and expects 304.
    revalidate: bool = False

    @property
    def expected_status(self):
        return 304 if self.revalidate else 200


# Numbers whose copies the revalidation scenarios keep (each fetched once
# first, for its ETag): a few thousand residents checking their own request.
REVALIDATED = 2_000


def infix_queries():
    """Parts of names typed from inside a word, as a clerk who heard only
    part of a name would: four letters from the second of each first and
    last name the data uses ("putr" finds Saputra, Syahputra and Putri)."""
    names = synth.FIRST_NAMES + synth.LAST_NAMES
    return list(dict.fromkeys(name[1:5].lower() for name in names))


def build(numbers, niks, cursor):
    """The GET scenarios, in the order they run."""
    staff_pages = [f"/staff?after={cursor}"]
    return [
        # Not a budget: the floor every app page stands on (Flask, the app's
        # request hooks and one database round-trip), to tell page cost from it.
        Scenario("healthz", "app floor /healthz", ["/healthz"]),
        Scenario("tracking", "tracking page /t/<n>", [f"/t/{n}" for n in numbers]),
        Scenario(
            "api",
            "tracking API /api/v1/track/<n>",
            [f"/api/v1/track/{n}" for n in numbers],
        ),
        Scenario(
            "tracking_304",
            "tracking page revalidated (304)",
            [f"/t/{n}" for n in numbers[:REVALIDATED]],
            revalidate=True,
        ),
        Scenario(
            "api_304",
            "tracking API revalidated (304)",
            [f"/api/v1/track/{n}" for n in numbers[:REVALIDATED]],
            revalidate=True,
        ),
        Scenario("qr", "QR SVG /t/<n>/qr.svg", [f"/t/{n}/qr.svg" for n in numbers]),
        Scenario(
            "qr_304",
            "QR SVG revalidated (304)",
            [f"/t/{n}/qr.svg" for n in numbers[:REVALIDATED]],
            revalidate=True,
        ),
        Scenario("home", "home page /", ["/"]),
        Scenario("apply", "apply form /apply", ["/apply"]),
        Scenario("staff_first_page", "staff queue, first page", ["/staff"], True),
        Scenario("staff_page_1000", "staff queue, page 1,000", staff_pages, True),
        Scenario(
            "staff_nik_search",
            "staff search by NIK",
            [f"/staff?q={k}" for k in niks],
            True,
        ),
        Scenario(
            "staff_infix_search",
            "staff search inside a name",
            [f"/staff?q={q}" for q in infix_queries()],
            True,
        ),
    ]


def stats_pages(today):
    """The statistics pages, each over many periods (months, quarters, years
    and ranges of days back over the data's 18 months), measured one request
    at a time with the statistics cache off (bench/serve.py): cold every time."""
    months, month = [], today.replace(day=1)
    for _ in range(18):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    periods = [f"period=month&month={m:%Y-%m}" for m in months]
    periods += [f"period=quarter&quarter={m.year}-Q{(m.month - 1) // 3 + 1}"
                for m in months[::3]]  # fmt: skip
    periods += [f"period=year&year={year}" for year in {m.year for m in months}]
    periods += [
        f"period=range&from={start:%Y-%m-%d}&to={today - dt.timedelta(days=back):%Y-%m-%d}"
        for back in (0, 30, 90)
        for start in (today - dt.timedelta(days=d) for d in (120, 365, 540))
    ]
    periods.append("")  # the default: the last 12 months
    return [
        Scenario("stats_page", "statistics /stats", [f"/stats?{p}" for p in periods]),
        Scenario(
            "stats_csv",
            "statistics CSV /stats.csv",
            [f"/stats.csv?sep=semicolon&{p}" for p in periods],
        ),
        Scenario(
            "stats_json",
            "statistics JSON /api/v1/stats",
            [f"/api/v1/stats?{p}" for p in periods],
        ),
        Scenario(
            "staff_report",
            "monthly report /staff/admin/report",
            [f"/staff/admin/report?{p}" for p in periods],
            True,
        ),
    ]


def percentile(samples, share):
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _server_ms(samples):
    """Server wall time (median, p99) and CPU time (mean) per request, in ms,
    and the SQL statements a request runs (mean)."""
    wall = [sample[0] for sample in samples]
    cpu = [sample[1] for sample in samples]
    statements = [sample[2] for sample in samples]
    return {
        "p50_ms": statistics.median(wall) * 1000 if wall else 0.0,
        "p99_ms": percentile(wall, 0.99) * 1000,
        "cpu_ms": statistics.mean(cpu) * 1000 if cpu else 0.0,
        "statements": statistics.mean(statements) if statements else 0.0,
        "samples": len(samples),
    }


class Runner:
    """Runs scenarios against one server with the same wrk settings."""

    def __init__(self, server, settings, workdir, staff_cookie=None):
        self.server = server
        self.settings = settings
        self.workdir = workdir
        self.cookie = staff_cookie

    def _headers(self, scenario, label):
        headers = [f"{LABEL}: {label}"]
        if scenario.staff:
            headers.append(f"Cookie: session={self.cookie}")
        return headers

    def _wrk(self, scenario, label, duration, connections, threads):
        paths = scenario.paths
        if scenario.revalidate:
            paths = self._tagged(scenario)
        paths_file = load.write_paths(self.workdir, scenario.key, paths)
        return load.run(
            self.server.url,
            "paths.lua",
            args=[paths_file],
            duration=duration,
            connections=connections,
            threads=threads,
            headers=self._headers(scenario, label),
        )

    def _tagged(self, scenario):
        """Each path with the ETag it answers with now ("path\tETag")."""
        kept = getattr(scenario, "_tagged", None)
        if kept is None:
            cookies = {"session": self.cookie} if scenario.staff else None
            kept = [
                f"{path}\t{pages.etag_of(self.server.url, path, cookies)}"
                for path in scenario.paths
            ]
            scenario._tagged = kept
        return kept

    def baseline(self):
        plain = Scenario("baseline", "baseline /__baseline", ["/__baseline"])
        result = self.load(plain)
        return result.per_second, result

    def load(self, scenario):
        """Warm up, then measure at the configured concurrency."""
        s = self.settings
        if s["warmup"]:
            self._wrk(
                scenario, "warmup", s["warmup"], s["connections"], s["wrk_threads"]
            )
        self.server.timings()  # drop the warm-up's samples
        result = self._wrk(
            scenario, scenario.key, s["duration"], s["connections"], s["wrk_threads"]
        )
        result.server = _server_ms(self.server.timings().get(scenario.key, []))
        result.rss_mb = self.server.memory()["rss_mb"]
        return result

    def one_at_a_time(self, scenario, duration):
        """One connection: the server's own time for the query, without queueing."""
        label = "single-" + scenario.key
        self._wrk(scenario, label, duration, 1, 1)
        return _server_ms(self.server.timings().get(label, []))

    def submissions(self):
        """Clients that each GET /apply and POST it back, one connection each."""
        s = self.settings
        clients = s["connections"]
        if s["warmup"]:
            load.run(self.server.url, "submit.lua", duration=s["warmup"],
                     connections=clients, threads=clients)  # fmt: skip
        self.server.timings()  # drop the warm-up's samples
        result = load.run(self.server.url, "submit.lua", duration=s["duration"],
                          connections=clients, threads=clients)  # fmt: skip
        timings = self.server.timings()
        counters = result.counters
        refused = sum(v for k, v in counters.items() if k.startswith("refused_"))
        return {
            "clients": clients,
            "seconds": result.seconds,
            "created": counters.get("created", 0),
            "per_s": counters.get("created", 0) / result.seconds,
            "refused": refused,
            "refusals": {k: v for k, v in counters.items() if k.startswith("refused_")},
            "form_failed": counters.get("form_failed", 0),
            "requests": result.requests,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "socket_errors": result.socket_errors,
            # Server time of each half: a POST's wall time well above its CPU
            # time is waiting for the write lock and the disk.
            "form_server": _server_ms(timings.get("submit-form", [])),
            "post_server": _server_ms(timings.get("submit-post", [])),
        }


def row(scenario, result, baseline_rps):
    return {
        "key": scenario.key,
        "name": scenario.name,
        "paths": len(scenario.paths),
        "rps": result.per_second,
        "ratio": result.per_second / baseline_rps if baseline_rps else 0.0,
        "p50_ms": result.p50_ms,
        "p90_ms": result.p90_ms,
        "p99_ms": result.p99_ms,
        "max_ms": result.max_ms,
        "requests": result.requests,
        "bytes_per_response": result.bytes / result.requests if result.requests else 0,
        "expected_status": scenario.expected_status,
        "ok_share": result.share(f"status_{scenario.expected_status}"),
        "statuses": result.counters,
        "socket_errors": result.socket_errors,
        "server_p50_ms": result.server["p50_ms"],
        "server_p99_ms": result.server["p99_ms"],
        "server_cpu_ms": result.server["cpu_ms"],
        "statements": result.server["statements"],
        "rss_mb_after": result.rss_mb,
    }


def staff_cursor(database_path, page):
    """The keyset cursor that opens `page` (rows newest first), as the queue makes
    it, and the page it really is (a small smoke-test table has fewer pages)."""
    offset = (page - 1) * queue.PAGE_SIZE - 1
    created_at, row_id, really = dataset.keyset_boundary(
        database_path, offset, queue.PAGE_SIZE
    )
    cursor = queue.cursor_of(types.SimpleNamespace(created_at=created_at, id=row_id))
    return cursor, really


def sign_in(url, meta):
    """The staff session cookie, or (None, why) when there is no console to use."""
    status = pages.status_of(url, "/staff/login")
    if status != 200:
        return None, f"GET /staff/login answered {status}: staff scenarios skipped"
    cookie = pages.sign_in(url, meta["admin"], meta["password"])
    status = pages.status_of(url, "/staff", {"session": cookie})
    if status != 200:
        return None, f"GET /staff signed in answered {status}: staff scenarios skipped"
    return cookie, None
