"""Run the real application under waitress in a subprocess, for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .pg import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 20.0  # seconds for GET /healthz to answer 200
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL


class ServerFailed(RuntimeError):
    """The server exited or did not become healthy in time."""


def log_tail(log_path: Path, chars: int = 4000) -> str:
    """The end of a server's log, for an error message ("" if it is unreadable)."""
    try:
        return Path(log_path).read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def wait_until_healthy(
    url: str, process: subprocess.Popen, log_path: Path, timeout: float
) -> None:
    """Wait until GET ``url``/healthz answers 200 from the server ``process`` runs.

    Raises ServerFailed, with the end of the log at ``log_path``, if the process
    exits first or ``timeout`` seconds pass. Used by bench/server.py too.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(
                f"server exited with {process.returncode} before it was "
                f"ready; log {log_path}:\n{log_tail(log_path)}"
            )
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise ServerFailed(
        f"GET /healthz did not answer 200 within {timeout:.0f} s; "
        f"log {log_path}:\n{log_tail(log_path)}"
    )


class LiveServer:
    """A waitress process serving ``tests.support.serve:app`` on 127.0.0.1,
    with the site's connections (``tests/support/waitress_run.py``).

    ``url`` has no trailing slash. ``stop()`` ends the process gracefully,
    ``kill()`` with SIGKILL (a crash: nothing gets to flush or clean up), and
    ``restart()`` starts it again on the same port with the same instance folder,
    database and environment, whether or not the old process is still running.
    """

    def __init__(self, env: dict[str, str], log_path: Path, threads: int = 8):
        self.env = env
        self.log_path = log_path
        self.threads = threads
        self.wsgi_target = "tests.support.serve:app"
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __repr__(self) -> str:
        return f"<LiveServer {self.url} pid={self.process and self.process.pid}>"

    def start(self) -> LiveServer:
        # Retry with a fresh port if another process grabbed ours first; keep the
        # port on restart so that URLs a test already holds stay valid.
        attempts = 1 if self.port else 4
        for attempt in range(attempts):
            if attempts > 1:
                self.port = free_port()
            try:
                self._spawn()
                wait_until_healthy(self.url, self.process, self.log_path, READY_TIMEOUT)
                return self
            except ServerFailed:
                self.kill()
                if attempt == attempts - 1 or "in use" not in self.log_text()[-2000:]:
                    raise
        raise AssertionError("unreachable")

    def _spawn(self) -> None:
        self._log = open(self.log_path, "ab")  # closed in _reap()
        self._log.write(f"--- start on port {self.port} ---\n".encode())
        self._log.flush()
        command = [
            sys.executable, "-m", "tests.support.waitress_run",
            f"--listen=127.0.0.1:{self.port}",
            f"--threads={self.threads}",
            self.wsgi_target,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal goes to pytest only
        )

    def stop(self) -> None:
        """SIGTERM, wait, and SIGKILL if it will not go."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reap()

    def kill(self) -> None:
        """SIGKILL: simulate a crash of the server process."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reap()

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()

    def _reap(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        """Everything the server printed so far (all starts), for diagnostics."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def server_environment(
    instance_path: Path,
    database_url: str | None,
    config_overrides: dict | None,
    env: dict[str, str | None] | None,
) -> dict[str, str]:
    """The subprocess environment: the caller's, minus any KIOSK_* settings."""
    result = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    result.update(
        PYTHONUNBUFFERED="1",
        KIOSK_INSTANCE_PATH=str(instance_path),
        KIOSK_SECRET_KEY="live-server-test-secret",
    )
    if database_url:
        result["KIOSK_DATABASE_URL"] = database_url
    if config_overrides:
        result["KIOSK_TEST_CONFIG"] = json.dumps(config_overrides)
    for name, value in (env or {}).items():
        if value is None:
            result.pop(name, None)  # None unsets, e.g. KIOSK_SECRET_KEY
        else:
            result[name] = str(value)
    return result
