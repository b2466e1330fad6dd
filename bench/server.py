"""Start the app under waitress in a subprocess, and read its memory use.

`python -m bench.serve`, served as kiosk.serve serves the site: one process, or
kiosk.serve's parent and its N app processes; /__bench/timings would reach one
of those only, so such runs report no server-side timings (`timed` is False).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

# Taken from the test harness, not the reverse: the suite's live server must not hinge on bench.
from tests.support.live import ServerFailed, log_tail, wait_until_healthy

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_SECONDS = 60  # the first start on a big database warms its caches


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """waitress serving bench.serve's app on 127.0.0.1: `processes` processes of
    `threads` threads each. `database` is an SQLite file or a database URL."""

    def __init__(
        self, database, instance, log_path, threads, public_base_url, processes=1
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.threads = threads
        self.processes = processes
        self.timed = processes == 1
        instance.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        url = str(database)
        self.env.update(
            PYTHONUNBUFFERED="1",
            KIOSK_INSTANCE_PATH=str(instance),
            KIOSK_DATABASE_URL=url if "://" in url else f"sqlite:///{database}",
            KIOSK_SECRET_KEY="bench-secret-key",
            KIOSK_PUBLIC_BASE_URL=public_base_url,
        )
        if not self.timed:
            self.env["BENCH_TIMINGS"] = "off"
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        command = [
            sys.executable, "-m", "bench.serve",
            "--listen", f"127.0.0.1:{self.port}",
            "--threads", str(self.threads),
            "--processes", str(self.processes),
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_healthy(self.url, self.process, self.log_path, READY_SECONDS)
        except ServerFailed:
            self.stop()
            raise

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                # Several processes: each lets its running requests finish.
                self.process.wait(40 if self.processes > 1 else 10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def memory(self):
        """Peak (VmHWM) and current (VmRSS) resident memory of waitress, in MB;
        with several processes, the app processes' sum (and the largest one)."""
        if self.processes == 1:
            return _memory(self.process.pid)
        each = [_memory(pid) for pid in _children(self.process.pid)]
        return {
            "peak_rss_mb": sum(m["peak_rss_mb"] for m in each),
            "rss_mb": sum(m["rss_mb"] for m in each),
            "peak_rss_mb_max": max(m["peak_rss_mb"] for m in each),
            "rss_mb_max": max(m["rss_mb"] for m in each),
            "processes": len(each),
        }

    def timings(self):
        """Server-side seconds per X-Bench-Label since the last call (and reset);
        none with several processes."""
        if not self.timed:
            return {}
        with urllib.request.urlopen(self.url + "/__bench/timings", timeout=10) as r:
            return json.loads(r.read())

    def log_tail(self, chars=4000):
        return log_tail(self.log_path, chars)


def _memory(pid):
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            values[name] = int(rest.split()[0]) / 1024  # kB
    return {"peak_rss_mb": values["VmHWM"], "rss_mb": values["VmRSS"]}


def _children(pid):
    """The app processes kiosk.serve's parent `pid` started."""
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in listed]
