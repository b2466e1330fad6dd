"""The start command (kiosk/serve.py): slow clients cannot lock others out, and
it will not listen beyond this machine without the site's public address."""

from __future__ import annotations

import http.client
import itertools
import socket
import subprocess
import sys
import threading
import time

import pytest

from kiosk import create_app
from kiosk.data.db import db
from kiosk.data.models import OfficeSettings
from kiosk.serve import is_loopback
from tests.support.live import (
    READY_TIMEOUT,
    REPO_ROOT,
    server_environment,
    wait_until_healthy,
)
from tests.support.pg import free_port

SLOW_CLIENTS = 200  # twice waitress's default connection limit
# A request that never ends: a request line, then one header a byte at a time.
TRICKLE = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: " + b"a" * 30_000


def _start(tmp_path, *arguments, env=None, host="127.0.0.1"):
    """Run `python -m kiosk.serve` on a free port: the process, its URL, its log."""
    port = free_port()
    log_path = tmp_path / f"serve-{port}.log"
    command = [
        sys.executable, "-m", "kiosk.serve",
        "--listen", f"{host}:{port}", *arguments,
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=server_environment(tmp_path / "instance", None, None, env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}", log_path


@pytest.fixture
def serve(tmp_path):
    """Factory: start kiosk.serve with these arguments, wait until it is healthy."""
    processes = []

    def start(*arguments, **kwargs):
        process, url, log_path = _start(tmp_path, *arguments, **kwargs)
        processes.append(process)
        wait_until_healthy(url, process, log_path, READY_TIMEOUT)
        return url

    yield start
    for process in processes:
        process.terminate()
        process.wait(10)


def _health(url):
    """Status, headers and seconds taken of GET /healthz on a new connection."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, int(port), timeout=2)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status, response.headers, time.monotonic() - started
    finally:
        connection.close()


class SlowClients:
    """Connections that take forever over their request: half send nothing at
    all, half send a request a byte at a time and never finish it."""

    def __init__(self, url, count):
        host, port = url.removeprefix("http://").split(":")
        self.sockets = [
            socket.create_connection((host, int(port))) for _ in range(count)
        ]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self):
        talkers = self.sockets[::2]
        for byte in itertools.cycle(TRICKLE):
            for sock in talkers:
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    pass
            if self._stop.wait(0.2):
                return

    def close(self):
        self._stop.set()
        self._thread.join(5)
        for sock in self.sockets:
            sock.close()


@pytest.mark.slow
def test_slow_clients_do_not_lock_others_out(serve):
    url = serve()
    slow = SlowClients(url, SLOW_CLIENTS)
    try:
        time.sleep(1)  # the server has accepted them all
        for _ in range(5):
            status, headers, seconds = _health(url)
            assert status == 200
            assert seconds < 2
            time.sleep(0.3)
        assert "Server" not in headers  # no software name and version
    finally:
        slow.close()


@pytest.mark.slow
def test_a_connection_that_sends_nothing_is_closed_after_the_channel_timeout(serve):
    url = serve("--channel-timeout", "2")
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as idle:
        idle.settimeout(15)
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server
        waited = time.monotonic() - started
    # Between channel_timeout and channel_timeout plus the cleanup interval (1 s)
    # and a turn of the event loop (1 s).
    assert 1.5 <= waited <= 5
    assert _health(url)[0] == 200


@pytest.mark.parametrize(
    "address, loopback",
    [
        ("127.0.0.1:8080", True),
        ("127.8.9.10:8080", True),
        ("[::1]:8080", True),
        ("localhost:8080", True),
        ("0.0.0.0:8080", False),
        ("[::]:8080", False),
        ("*:8080", False),
        ("192.168.10.5:8080", False),
        ("dukcapil.lan:8080", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(address, loopback):
    assert is_loopback(address) is loopback


def _refusal(tmp_path, env=None):
    """Run kiosk.serve on 0.0.0.0; the exit status and what it wrote to stderr."""
    command = [
        sys.executable, "-m", "kiosk.serve", "--listen", f"0.0.0.0:{free_port()}",
    ]  # fmt: skip
    finished = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=server_environment(tmp_path / "instance", None, None, env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return finished.returncode, finished.stderr


@pytest.mark.slow
def test_listening_on_all_addresses_without_the_public_address_is_refused(tmp_path):
    status, stderr = _refusal(tmp_path)
    assert status == 2
    assert "refusing to listen on 0.0.0.0:" in stderr
    assert "KIOSK_TRUSTED_HOSTS=dukcapil.sijunjungkab.go.id" in stderr
    assert "KIOSK_PUBLIC_BASE_URL=https://dukcapil.sijunjungkab.go.id" in stderr


@pytest.mark.slow
def test_trusted_hosts_allow_listening_on_all_addresses(serve):
    url = serve(env={"KIOSK_TRUSTED_HOSTS": "127.0.0.1"}, host="0.0.0.0")
    assert _health(url)[0] == 200


@pytest.mark.slow
def test_a_public_address_in_the_office_settings_allows_it_too(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": None, "SECRET_KEY": "test"})
    with app.app_context(), db.connection_context():
        settings = OfficeSettings.saved()
        settings.public_base_url = "https://dukcapil.sijunjungkab.go.id"
        settings.save()
    app.extensions["database"].close_all()
    process, url, log_path = _start(tmp_path, host="0.0.0.0")
    try:
        wait_until_healthy(url, process, log_path, READY_TIMEOUT)
    finally:
        process.terminate()
        process.wait(10)


def test_listen_takes_a_host_and_a_port(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-m", "kiosk.serve", "--listen", "8080"],
        cwd=REPO_ROOT,
        env=server_environment(tmp_path / "instance", None, None, None),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "expected HOST:PORT" in finished.stderr


def test_the_server_keeps_few_malloc_arenas_unless_told_otherwise(monkeypatch):
    """serve_limits.limit_malloc_arenas: glibc's mallopt accepts the limit
    (peak RSS 164 MB against 143 in the benchmark); MALLOC_ARENA_MAX wins."""
    from kiosk import serve_limits

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert serve_limits.limit_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert serve_limits.limit_malloc_arenas() is False
