"""Start the app under waitress in a subprocess, and read its memory use."""

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
    """waitress serving bench.serve:app on 127.0.0.1 with a fixed thread count."""

    def __init__(self, database, instance, log_path, threads, public_base_url):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.threads = threads
        instance.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.env.update(
            PYTHONUNBUFFERED="1",
            KIOSK_INSTANCE_PATH=str(instance),
            KIOSK_DATABASE_URL=f"sqlite:///{database}",
            KIOSK_SECRET_KEY="bench-secret-key",
            KIOSK_PUBLIC_BASE_URL=public_base_url,
        )
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        command = [
            sys.executable, "-m", "waitress",
            f"--listen=127.0.0.1:{self.port}",
            f"--threads={self.threads}",
            "bench.serve:app",
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
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def memory(self):
        """Peak (VmHWM) and current (VmRSS) resident memory of waitress, in MB."""
        values = {}
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                values[name] = int(rest.split()[0]) / 1024  # kB
        return {"peak_rss_mb": values["VmHWM"], "rss_mb": values["VmRSS"]}

    def timings(self):
        """Server-side seconds per X-Bench-Label since the last call (and reset)."""
        with urllib.request.urlopen(self.url + "/__bench/timings", timeout=10) as r:
            return json.loads(r.read())

    def log_tail(self, chars=4000):
        return log_tail(self.log_path, chars)
