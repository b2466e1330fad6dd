"""Several app servers on one PostgreSQL database, as a busy office runs them."""

import shutil
import socket
import subprocess
import threading
import time

import psycopg2
import pytest

from tests.support.factories import form_data
from tests.support.http import SiteClient, hidden_value, submit_concurrently
from tests.support.pg import free_port

TOTAL = 1_000
CLIENTS = 16


def _query(url, sql):
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


def _start_together(live_server, count, **options):
    """Start `count` servers at the same moment (so their migrations race)."""
    barrier = threading.Barrier(count)
    servers, failures = [None] * count, []

    def start(index):
        barrier.wait()
        try:
            servers[index] = live_server(**options)
        except Exception as error:  # reported below, with the server log
            failures.append(error)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return servers


@pytest.mark.slow
def test_two_servers_on_one_empty_postgres_share_the_work(live_server, postgres_server):
    url = postgres_server.create_database()
    servers = _start_together(
        live_server,
        2,
        # Pooled connections, as the README recommends for app servers.
        database_url=url.replace("postgresql://", "postgres+pool://", 1),
        config_overrides={"RATELIMIT_ENABLED": False},
        threads=CLIENTS,
    )
    for server in servers:
        assert "Traceback" not in server.log_text(), server.log_text()

    run = submit_concurrently([s.url for s in servers], TOTAL, clients=CLIENTS)
    print(f"{TOTAL} submissions over two servers in {run.seconds:.1f} s")
    assert run.errors == []
    assert len(set(run.numbers)) == len(run.numbers) == TOTAL

    # Both migrations ran, one after the other: tables once, defaults seeded once.
    assert _query(url, "SELECT COUNT(*) FROM office_settings") == [(1,)]
    codes = [code for (code,) in _query(url, "SELECT code FROM document_type")]
    assert len(codes) == len(set(codes)) >= 6
    stored = [number for (number,) in _query(url, "SELECT number FROM submission")]
    assert sorted(stored) == sorted(run.numbers)
    first_events = _query(
        url,
        "SELECT COUNT(DISTINCT submission_id) FROM status_event"
        " WHERE from_status IS NULL AND to_status = 'submitted'",
    )
    assert first_events == [(TOTAL,)]


@pytest.mark.slow
def test_a_form_from_one_server_can_be_sent_to_the_other(live_server, postgres_server):
    """Servers share the secret key, so a session (and its CSRF token) travels."""
    url = postgres_server.create_database()
    first, second = _start_together(live_server, 2, database_url=url)
    with SiteClient(first.url) as on_first, SiteClient(second.url) as on_second:
        page = on_first.get("/apply").text
        on_second.cookies = on_first.cookies  # the load balancer switched servers
        answer = on_second.post_form(
            "/apply/check",
            form_data(
                csrf_token=hidden_value(page, "csrf_token"),
                form_token="scale-out-form-1",
                step="confirm",
            ),
        )
        assert answer.status == 303, answer.text[:500]
        receipt = answer.headers["Location"]
        assert on_first.get(receipt).status == 200


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis (Debian's redis-server) on a free loopback port."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server missing: run `make system-deps`"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.mark.slow
def test_servers_sharing_redis_share_each_clients_budget(live_server, redis_url):
    settings = {
        "env": {"KIOSK_RATELIMIT_STORAGE_URL": redis_url},
        "config_overrides": {"LOOKUP_RATE_LIMIT": "3 per minute"},
    }
    first, second = _start_together(live_server, 2, **settings)
    with SiteClient(first.url) as on_first, SiteClient(second.url) as on_second:
        statuses = [
            client.get("/t/7KQ4M2XP9").status
            for client in (on_first, on_second, on_first, on_second)
        ]
    # Alone, each server would have allowed three; together they allow three.
    assert 429 not in statuses[:3] and statuses[3] == 429
