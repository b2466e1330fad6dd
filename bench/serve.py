"""What waitress serves during a benchmark: the real app behind a thin wrapper.

The baseline every figure is compared with is /__baseline: a trivial route added
to the same Flask app for the run only (the product has no such route), so it
passes through the same request hooks (database connection, office settings,
kiosk identification, rate limiter, security headers) as every page; the ratio
then shows what a page itself costs. The wrapper answers /__bench/timings, the
server-side time of
requests that carried an X-Bench-Label header: wall time from the WSGI call
until the response body is closed (queueing in waitress and the network left
out), and the CPU time the serving thread spent in that span. With one GIL the
CPU time per request is what bounds requests/s, and unlike wall time it hardly
changes when other processes load the machine.
Everything else goes to the app exactly as wsgi:app would serve it.

`python -m bench.serve --processes N --threads T --listen HOST:PORT` serves it
as `python -m kiosk.serve` serves the site (kiosk/serve_limits.py): one process
in this one, several as kiosk.serve's processes with `build` as the factory;
each of those keeps its own timings, so none are kept (BENCH_TIMINGS=off).
`bench.serve:app` is the app itself, built when first asked for.
"""

import json
import logging
import os
import sys
import threading
import time

from kiosk import create_app, serve, serve_limits
from kiosk.serve_processes import serve_processes

# Waitress warns about its task queue under load, which a benchmark causes.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

BASELINE_BODY = "ok\n"
LABEL_HEADER = "HTTP_X_BENCH_LABEL"


class Timings:
    """(wall, cpu seconds, SQL statements) by label; list.append is atomic
    under the GIL."""

    def __init__(self):
        self._by_label = {}
        self._lock = threading.Lock()

    def add(self, label, wall, cpu, statements):
        samples = self._by_label.get(label)
        if samples is None:
            with self._lock:
                samples = self._by_label.setdefault(label, [])
        samples.append((wall, cpu, statements))

    def take(self):
        with self._lock:
            taken, self._by_label = self._by_label, {}
        return taken


class _Timed:
    """Wraps a response body; the request's time ends when waitress closes it."""

    def __init__(self, body, done):
        self._body = body
        self._done = done

    def __iter__(self):
        return iter(self._body)

    def close(self):
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            self._done()


class BenchApp:
    def __init__(self, app, timed=True):
        self.app = app
        self.timed = timed
        self.timings = Timings()

    @property
    def config(self):
        """The app's: kiosk.serve sizes waitress's body limit from it."""
        return self.app.config

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/__bench/timings":
            body = json.dumps(self.timings.take()).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        label = environ.get(LABEL_HEADER)
        if not label or not self.timed:
            return self.app(environ, start_response)
        started, cpu = time.perf_counter(), time.thread_time()
        _statements.count = 0

        def done():
            wall = time.perf_counter() - started
            self.timings.add(label, wall, time.thread_time() - cpu, _statements.count)

        return _Timed(self.app(environ, start_response), done)


def _try_pragmas():
    """BENCH_SQLITE_PRAGMAS (JSON) changes the app's SQLite pragmas for a run, to
    measure a proposed setting without editing kiosk/data/db.py; unset, nothing changes.
    """
    changes = json.loads(os.environ.get("BENCH_SQLITE_PRAGMAS") or "{}")
    if changes:
        from kiosk.data import db

        db.SQLITE_PRAGMAS.update(changes)


def _overrides():
    """Config for the run: limits stay on but high enough never to refuse.

    The limiter still counts every request (its real cost is measured), but one
    client address sending thousands of requests a second must not get 429s.
    """
    # BENCH_APP_CONFIG (JSON): more config keys for a run, to try a setting.
    overrides = json.loads(os.environ.get("BENCH_APP_CONFIG") or "{}")
    return {
        "LOOKUP_RATE_LIMIT": "100000000 per hour",
        "SUBMIT_RATE_LIMIT": "100000000 per hour",
        "QR_RATE_LIMIT": "100000000 per hour",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        # The statistics are measured with their cache cold: every request
        # sums the daily tallies afresh, as the first visitor of a period does.
        "STATS_CACHE_SECONDS": 0,
        **overrides,
    }


def _with_baseline(flask_app):
    """Add the trivial /__baseline route to this run's app."""
    flask_app.add_url_rule(
        "/__baseline",
        "bench_baseline",
        lambda: (BASELINE_BODY, 200, {"Content-Type": "text/plain"}),
    )
    return flask_app


_statements = threading.local()  # SQL statements run by this thread's request


def _counting_statements():
    """Count every statement the app runs (all go through execute_sql),
    per serving thread, for the timings."""
    from kiosk.data.db import db

    run = db.obj.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        _statements.count = getattr(_statements, "count", 0) + 1
        return run(sql, params, *args, **kwargs)

    db.obj.execute_sql = execute_sql


def build():
    """The app a benchmark serves, in this process."""
    _try_pragmas()
    timed = os.environ.get("BENCH_TIMINGS") != "off"
    app = BenchApp(_with_baseline(create_app(_overrides())), timed=timed)
    if timed:
        _counting_statements()
    return app


def __getattr__(name):
    """`bench.serve:app`, built on first use: a process that imports this module
    for `build` builds only the app it serves."""
    if name == "app":
        globals()["app"] = built = build()
        return built
    raise AttributeError(name)


def main(argv=None):
    arguments = serve.parse_arguments(argv)
    if arguments.processes == 1:
        serve_limits.serve(build(), arguments, listen=" ".join(arguments.listen))
        return 0
    return serve_processes(build, arguments)


if __name__ == "__main__":
    sys.exit(main())
