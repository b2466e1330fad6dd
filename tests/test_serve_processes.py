"""`python -m kiosk.serve --processes N`: several app processes on one socket,
supervised by a parent that stops them all together."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.serve_processes import importable_name
from tests.support.http import SiteClient
from tests.support.live import (
    READY_TIMEOUT,
    REPO_ROOT,
    server_environment,
    wait_until_healthy,
)
from tests.support.pg import free_port
from tests.support.processes import children_of, connections_by_process, is_running

CONNECTIONS = 20  # held open at once, so that both processes accept some


class Served:
    """A `kiosk.serve --processes 2 --threads 2` parent, its port and log."""

    def __init__(self, tmp_path, database_url=None, host="127.0.0.1", extra=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "serve.log"
        self.seen = set()  # app processes, killed at teardown even if orphaned
        command = [
            sys.executable, "-m", "kiosk.serve",
            "--listen", f"{host}:{self.port}", "--processes", "2", "--threads", "2",
            *extra,
        ]  # fmt: skip
        env = server_environment(tmp_path / "instance", database_url, None, None)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_healthy(self):
        wait_until_healthy(self.url, self.process, self.log_path, READY_TIMEOUT)
        return self

    def children(self, count=2):
        """The parent's child processes (app processes answer from the first
        request on)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while len(found := children_of(self.process.pid)) < count:
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.05)
        self.seen.update(found)
        return found

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for child in self.seen:
            if is_running(child):
                os.kill(child, signal.SIGKILL)


@pytest.fixture
def served(tmp_path):
    started = []

    def start(**options):
        server = Served(tmp_path, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _gone(pids, seconds=35):
    deadline = time.monotonic() + seconds
    while any(is_running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _answered_by(server, children):
    """Hold CONNECTIONS kept-alive connections that each got an answer; how many
    of them each app process holds."""
    connections = []
    try:
        for _ in range(CONNECTIONS):
            connection = http.client.HTTPConnection(
                "127.0.0.1", server.port, timeout=10
            )
            connections.append(connection)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
        return connections_by_process(children, server.port)
    finally:
        for connection in connections:
            connection.close()


def test_two_processes_answer_on_one_socket_and_stop_together(served, database_url):
    server = served(database_url=database_url).wait_until_healthy()
    children = server.children()
    assert len(children) == 2

    # Rounds until both have answered: the second may still be building its app
    # (or waiting for the first one's migrations) when the first one answers.
    deadline = time.monotonic() + READY_TIMEOUT
    answered = set()
    while answered != set(children) and time.monotonic() < deadline:
        held = _answered_by(server, children)
        assert sum(held.values()) == CONNECTIONS, held
        answered |= {pid for pid, count in held.items() if count}
    assert answered == set(children), server.log()

    # A real application through the public form: stored, then trackable on
    # new connections (whichever process takes them).
    with SiteClient(server.url) as client:
        number = client.submit()
    for _ in range(4):
        with SiteClient(server.url) as reader:
            assert reader.get(f"/t/{number}").status == 200

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(35) == 0
    assert _gone(children), children
    assert "Traceback" not in server.log(), server.log()
    # Each process keeps its own rate-limit counters in memory: said at start.
    assert "up to 2 times each limit" in server.log()


def test_a_child_that_dies_stops_the_other_and_the_parent_fails(served):
    server = served().wait_until_healthy()
    victim, other = server.children()

    os.kill(victim, signal.SIGKILL)
    assert server.process.wait(35) != 0
    assert _gone([other]), other
    assert f"app process {victim} exited" in server.log()


def test_children_stop_when_the_parent_is_killed_outright(served):
    server = served().wait_until_healthy()
    children = server.children()

    server.process.kill()
    server.process.wait()
    # Otherwise they would hold the port, and a restarted server could not bind it.
    assert _gone(children), children


def _command_line(pid):
    return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")


def test_with_worker_starts_one_message_worker_beside_the_app_processes(served):
    server = served(extra=["--with-worker"]).wait_until_healthy()
    children = server.children(count=3)
    assert len(children) == 3
    modules = sorted(_command_line(pid)[2].decode() for pid in children)
    assert modules == ["kiosk.serve_processes", "kiosk.serve_processes", "kiosk.worker"]

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(35) == 0
    assert _gone(children), children


def test_several_processes_still_refuse_to_listen_publicly_unconfigured(served):
    server = served(host="0.0.0.0")
    assert server.process.wait(READY_TIMEOUT) == 2
    assert "refusing to listen on 0.0.0.0" in server.log()


def test_a_factory_must_be_importable_by_name():
    from kiosk import create_app

    assert importable_name(create_app) == "kiosk:create_app"
    with pytest.raises(ValueError):
        importable_name(lambda: None)
