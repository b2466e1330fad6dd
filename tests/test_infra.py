"""Tests of the test infrastructure itself (no kiosk imports)."""

import socket
import urllib.request

import psycopg2
import pytest

from tests.support.live import LiveServer, server_environment
from tests.support.pg import free_port


def _query(url, sql, *params):
    connection = psycopg2.connect(url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def test_postgres_databases_are_independent(postgres_server):
    first = postgres_server.create_database()
    second = postgres_server.create_database()
    assert first != second
    _query(first, "CREATE TABLE note (body text)")
    _query(first, "INSERT INTO note VALUES (%s)", "only in the first")

    assert _query(first, "SELECT body FROM note") == [("only in the first",)]
    with pytest.raises(psycopg2.errors.UndefinedTable):
        _query(second, "SELECT body FROM note")


def test_postgres_is_15_or_later_with_utf8(postgres_server):
    url = postgres_server.create_database()
    [(version,)] = _query(url, "SHOW server_version_num")
    [(encoding,)] = _query(url, "SHOW server_encoding")
    assert int(version) >= 150000
    assert encoding == "UTF8"
    # Non-ASCII names (a resident's name may have any letter) round-trip.
    assert _query(url, "SELECT %s", "Ñoman Ölçü 名") == [("Ñoman Ölçü 名",)]


def test_postgres_listens_on_loopback_only(postgres_server):
    url = postgres_server.create_database()
    [(listen,)] = _query(url, "SHOW listen_addresses")
    assert listen == "127.0.0.1"
    [(fsync,)] = _query(url, "SHOW fsync")
    assert fsync == "off"
    # Nothing answers on another local address of this machine.
    try:
        other = socket.gethostbyname(socket.gethostname())
    except OSError:
        other = "127.0.0.2"
    if other.startswith("127."):
        other = "127.0.0.2"  # still loopback, but not the address we listen on
    with (
        pytest.raises(OSError),
        socket.create_connection((other, postgres_server.port), timeout=2),
    ):
        pass


def test_dropped_database_disconnects_clients(postgres_server):
    url = postgres_server.create_database()
    connection = psycopg2.connect(url)  # left open, as an app's pool would
    try:
        postgres_server.drop_database(url)
        with pytest.raises(psycopg2.OperationalError):
            _query(url, "SELECT 1")
    finally:
        connection.close()


def test_database_url_per_backend(database_url, db_backend):
    if db_backend == "sqlite":
        assert database_url.startswith("sqlite:///") and database_url.endswith(".db")
    else:
        assert database_url.startswith("postgresql://postgres@127.0.0.1:")
        assert _query(database_url, "SELECT 1") == [(1,)]


def test_free_port_is_bindable():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_server_environment_isolates_kiosk_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_PUBLIC_BASE_URL", "https://leaked.example")
    env = server_environment(
        tmp_path / "instance",
        "sqlite:////tmp/x.db",
        {"RATELIMIT_ENABLED": False},
        {"KIOSK_HTTPS": "1", "KIOSK_SECRET_KEY": None},
    )
    assert "KIOSK_PUBLIC_BASE_URL" not in env
    assert "KIOSK_SECRET_KEY" not in env
    assert env["KIOSK_INSTANCE_PATH"] == str(tmp_path / "instance")
    assert env["KIOSK_DATABASE_URL"] == "sqlite:////tmp/x.db"
    assert env["KIOSK_TEST_CONFIG"] == '{"RATELIMIT_ENABLED": false}'
    assert env["KIOSK_HTTPS"] == "1"


def test_live_server_lifecycle_without_kiosk(tmp_path):
    """Start, crash and restart a stand-in WSGI app through LiveServer's machinery."""
    (tmp_path / "standin.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    server = LiveServer(
        {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        log_path=tmp_path / "server.log",
    )
    server.wsgi_target = "standin:app"
    try:
        server.start()
        url = server.url
        assert urllib.request.urlopen(url + "/healthz").read() == b"ok"
        first_pid = server.process.pid
        server.kill()
        assert server.process.returncode == -9
        server.restart()
        assert server.url == url  # same port, so URLs held by a test stay valid
        assert server.process.pid != first_pid
        assert urllib.request.urlopen(url + "/healthz").status == 200
    finally:
        server.stop()
    assert server.process.poll() is not None


CSP_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Uji</title></head>
<body><main><h1>Halo</h1><img src="/x.png"></main></body></html>"""


def test_browser_runs_axe_under_strict_csp(page):
    """Debian's Chromium starts, and axe-core still runs where inline scripts can't."""
    from tests.support.axe import axe_violations

    page.route(
        "http://infra.test/**",
        lambda route: route.fulfill(
            body=CSP_PAGE,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'"},
        ),
    )
    page.goto("http://infra.test/")
    assert page.evaluate("navigator.language") == "id-ID"
    assert page.viewport_size == {"width": 390, "height": 844}
    # The page's own CSP blocks inline scripts...
    inline_ran = page.evaluate(
        """() => { const s = document.createElement('script');
                  s.textContent = 'window.inlineRan = true';
                  document.head.append(s); return window.inlineRan === true; }"""
    )
    assert inline_ran is False
    # ...but axe is injected another way, and finds the image without alt text.
    assert [v["id"] for v in axe_violations(page)] == ["image-alt"]
