"""Rate limits: lookups, submissions and sign-in per client; who is exempt."""

import subprocess
import sys

import pytest
from flask import Flask

from kiosk.data.models import KioskDevice
from kiosk.web.security import rate_limit_key
from tests.support.factories import form_data, make_submission
from tests.support.http import SiteClient
from tests.support.live import (
    READY_TIMEOUT,
    REPO_ROOT,
    server_environment,
    wait_until_healthy,
)
from tests.support.pg import free_port

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOOKUP_RATE_LIMIT": "3 per minute",
    "SUBMIT_RATE_LIMIT": "2 per minute",
    "LOGIN_RATE_LIMIT": "3 per minute",
}


@pytest.fixture
def limited(make_app):
    """Factory: an app with small limits, and a number that exists in it."""

    def build(**overrides):
        app = make_app(**dict(LIMITS, **overrides))
        with app.app_context():
            app.number = make_submission().number
        return app

    return build


def _from(address):
    return {"REMOTE_ADDR": address}


def _lookups(client, number, **kwargs):
    """One of each kind of lookup, then the tracking page again."""
    return [
        client.get(f"/track?number={number}", **kwargs).status_code,
        client.get(f"/t/{number}", **kwargs).status_code,
        client.get(f"/api/v1/track/{number}", **kwargs).status_code,
        client.get(f"/t/{number}", **kwargs).status_code,
    ]


def test_all_kinds_of_lookup_share_one_budget_per_client(limited):
    app = limited()
    client = app.test_client()
    assert _lookups(client, app.number) == [303, 200, 200, 429]
    assert client.get(f"/t/{app.number}/receipt").status_code == 429
    # Someone else is not affected.
    other = app.test_client()
    assert (
        other.get(f"/t/{app.number}", environ_base=_from("10.1.2.3")).status_code == 200
    )
    # Pages that are not lookups stay open to the limited client.
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "lang, title, hint",
    [
        ("id", "Terlalu banyak permintaan", "Anda dapat mencoba lagi dalam"),
        ("en", "Too many requests", "You can try again in"),
    ],
)
def test_a_limited_client_gets_a_translated_page_with_retry_after(
    limited, lang, title, hint
):
    app = limited()
    client = app.test_client()
    for _ in range(3):
        client.get(f"/t/{app.number}?lang={lang}")
    response = client.get(f"/t/{app.number}?lang={lang}")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert title in response.text and hint in response.text
    assert f'<html lang="{lang}">' in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_api_answers_429_in_json(limited):
    app = limited()
    client = app.test_client()
    for _ in range(3):
        client.get(f"/api/v1/track/{app.number}")
    response = client.get(
        f"/api/v1/track/{app.number}", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.get_json()["error"]["status"] == 429
    assert "You can try again in" in response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0


def _send_three_requests(client, token_prefix):
    """Statuses of three confirmed applications, each from a form of its own."""
    return [
        client.post(
            "/apply/check",
            data=form_data(form_token=f"{token_prefix}{i}", step="confirm"),
        ).status_code
        for i in range(3)
    ]


def test_submissions_are_limited_per_client_but_the_form_is_not(limited):
    app = limited()
    client = app.test_client()
    for _ in range(5):
        assert client.get("/apply").status_code == 200
    assert _send_three_requests(client, "t") == [303, 303, 429]
    # Submitting and looking up have separate budgets.
    assert client.get(f"/t/{app.number}").status_code == 200


def test_checking_and_changing_answers_do_not_use_up_the_submission_budget(limited):
    app = limited()
    client = app.test_client()
    for _ in range(5):  # the answers shown again, not sent
        response = client.post("/apply/check", data=form_data(form_token="t"))
        assert response.status_code == 303
        assert client.get("/apply/check").status_code == 200
    for _ in range(5):  # question pages
        response = client.post("/apply/applicant", data=form_data())
        assert response.status_code == 303
    for _ in range(3):
        in_place = client.post(
            "/apply",
            data={"nik": "123"},
            headers={"HX-Request": "true", "HX-Trigger-Name": "nik"},
        )
        assert in_place.status_code == 200
    assert _send_three_requests(client, "s") == [303, 303, 429]


def test_registered_kiosks_are_never_limited(limited):
    app = limited()
    with app.app_context():
        KioskDevice.create(name="Lobi", token="k" * 40)
        KioskDevice.create(name="Lama", token="o" * 40, active=False)
    kiosk = app.test_client()
    kiosk.set_cookie("kiosk_token", "k" * 40)
    for _ in range(3):
        assert _lookups(kiosk, app.number) == [303, 200, 200, 200]
    # The token counts only in the kiosk's start address, which sets the cookie.
    elsewhere = app.test_client()
    statuses = [
        elsewhere.get(f"/t/{app.number}?k={'k' * 40}").status_code for _ in range(4)
    ]
    assert statuses[-1] == 429
    first_visit = app.test_client()
    assert first_visit.get(f"/kiosk?k={'k' * 40}").status_code == 303
    for _ in range(5):
        response = first_visit.get(f"/t/{app.number}")
        assert response.status_code == 200
    switched_off = app.test_client()
    switched_off.set_cookie("kiosk_token", "o" * 40)
    assert _lookups(switched_off, app.number, environ_base=_from("10.9.9.9"))[-1] == 429


def test_the_office_network_can_be_exempted(limited):
    app = limited(RATELIMIT_EXEMPT_NETWORKS="10.20.0.0/16, 192.168.1.0/24")
    client = app.test_client()
    inside = _from("10.20.3.4")
    assert _lookups(client, app.number, environ_base=inside) == [303, 200, 200, 200]
    outside = _from("10.21.0.1")
    assert _lookups(client, app.number, environ_base=outside)[-1] == 429
    # A server listening on IPv6 sees an IPv4 client as ::ffff:a.b.c.d.
    mapped = _from("::ffff:192.168.1.9")
    assert _lookups(client, app.number, environ_base=mapped) == [303, 200, 200, 200]


def test_behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(limited):
    app = limited(TRUSTED_PROXIES=1)
    client = app.test_client()

    def via_proxy(forwarded_for):
        return {"headers": {"X-Forwarded-For": forwarded_for}}

    assert _lookups(client, app.number, **via_proxy("203.0.113.7"))[-1] == 429
    assert _lookups(client, app.number, **via_proxy("203.0.113.8"))[-1] == 429
    # Only the entry the proxy wrote counts: a forged one in front changes nothing.
    forged = via_proxy("198.51.100.1, 203.0.113.7")
    assert client.get(f"/t/{app.number}", **forged).status_code == 429


def test_without_trusted_proxies_forwarded_for_is_ignored(limited):
    app = limited()
    client = app.test_client()
    statuses = [
        client.get(
            f"/t/{app.number}", headers={"X-Forwarded-For": f"203.0.113.{i}"}
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_exempt_network_is_read_from_the_forwarded_address(limited):
    app = limited(TRUSTED_PROXIES=1, RATELIMIT_EXEMPT_NETWORKS="10.20.0.0/16")
    client = app.test_client()
    lan = {"headers": {"X-Forwarded-For": "10.20.0.9"}}
    assert _lookups(client, app.number, **lan) == [303, 200, 200, 200]


# -- whom a limit counts -------------------------------------------------------


@pytest.mark.parametrize(
    "address, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
        ("2001:DB8:1:3:0:0:0:1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_a_limit_counts_ipv4_addresses_and_ipv6_networks(address, key):
    with Flask(__name__).test_request_context(environ_base=_from(address)):
        assert rate_limit_key() == key


def _tracking_statuses(client, number, addresses):
    return [
        client.get(f"/t/{number}", environ_base=_from(address)).status_code
        for address in addresses
    ]


def test_addresses_in_one_ipv6_64_share_one_budget(limited):
    app = limited()
    same_64 = [f"2001:db8:1:2::{i}" for i in range(1, 4)] + ["2001:db8:1:2:a::9"]
    statuses = _tracking_statuses(app.test_client(), app.number, same_64)
    assert statuses == [200, 200, 200, 429]


def test_each_ipv6_64_has_its_own_budget(limited):
    app = limited()
    client = app.test_client()
    assert _tracking_statuses(client, app.number, ["2001:db8:1:2::1"] * 4)[-1] == 429
    neighbours = ["2001:db8:1:3::1", "2001:db8:1:1::1", "2001:db8:2:2::1"]
    assert _tracking_statuses(client, app.number, neighbours) == [200, 200, 200]


def test_an_ipv4_mapped_address_shares_the_ipv4_budget(limited):
    app = limited()
    addresses = ["203.0.113.7", "::ffff:203.0.113.7"] * 2
    statuses = _tracking_statuses(app.test_client(), app.number, addresses)
    assert statuses == [200, 200, 200, 429]


# -- sign-in ----------------------------------------------------------------


def _sign_in(client, username, address, password="wrong-password-1"):
    return client.post(
        "/staff/login",
        data={"username": username, "password": password},
        environ_base=_from(address),
    ).status_code


def test_sign_in_attempts_are_limited_per_client(limited):
    client = limited().test_client()
    statuses = [_sign_in(client, f"user{i}", "10.0.0.5") for i in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert _sign_in(client, "user9", "10.0.0.6") != 429


def test_sign_in_attempts_are_limited_per_username_from_any_client(limited):
    """Failures against one username count wherever they come from: after
    five, the next attempt waits (sign_in_delays), from any address."""
    client = limited().test_client()
    statuses = [_sign_in(client, "siti", f"10.0.1.{i}") for i in range(6)]
    assert statuses == [422] * 5 + [429]
    assert _sign_in(client, "budi", "10.0.1.99") != 429


# -- the real server ----------------------------------------------------------


@pytest.mark.slow
def test_the_real_server_limits_lookups_and_sends_retry_after(live_server):
    server = live_server(config_overrides={"LOOKUP_RATE_LIMIT": "5 per minute"})
    with SiteClient(server.url) as client:
        statuses = [client.get("/t/7KQ4M2XP9").status for _ in range(6)]
        assert statuses[-1] == 429 and 429 not in statuses[:5]
        limited = client.get("/t/7KQ4M2XP9?lang=en")
        assert 0 < int(limited.headers["Retry-After"]) <= 60
        assert "Too many requests" in limited.text


@pytest.mark.slow
def test_a_client_cannot_forge_forwarded_for_to_escape_its_limit(live_server):
    """Waitress drops X-Forwarded-* unless it comes from the proxy it was told of."""
    server = live_server(
        config_overrides={"LOOKUP_RATE_LIMIT": "3 per minute"},
        env={"KIOSK_TRUSTED_PROXIES": "1"},
    )
    with SiteClient(server.url) as client:
        statuses = [
            client.get("/t/7KQ4M2XP9", headers={"X-Forwarded-For": f"203.0.113.{i}"})
            for i in range(4)
        ]
    assert [r.status for r in statuses][-1] == 429


@pytest.fixture
def behind_proxy(tmp_path):
    """The app under waitress configured as the README says for nginx in front."""
    port = free_port()
    environment = server_environment(
        tmp_path / "instance",
        None,
        {"LOOKUP_RATE_LIMIT": "3 per minute"},
        {"KIOSK_TRUSTED_PROXIES": "1"},
    )
    command = [
        sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}",
        "--trusted-proxy=127.0.0.1",
        "--trusted-proxy-headers=x-forwarded-for x-forwarded-proto",
        "tests.support.serve:app",
    ]  # fmt: skip
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, tmp_path / "server.log", READY_TIMEOUT)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.slow
def test_behind_nginx_each_client_has_its_own_budget(behind_proxy):
    """nginx appends the client's address; the app limits that address."""
    with SiteClient(behind_proxy) as proxy:
        first = {"X-Forwarded-For": "203.0.113.20"}
        statuses = [proxy.get("/t/7KQ4M2XP9", headers=first).status for _ in range(4)]
        assert statuses[-1] == 429
        # A forged entry in front of nginx's own is not taken as the client.
        forged = {"X-Forwarded-For": "203.0.113.99, 203.0.113.20"}
        assert proxy.get("/t/7KQ4M2XP9", headers=forged).status == 429
        second = {"X-Forwarded-For": "203.0.113.21"}
        assert proxy.get("/t/7KQ4M2XP9", headers=second).status != 429


def test_a_mistyped_exempt_network_stops_the_app_from_starting(make_app):
    with pytest.raises(ValueError, match="192.168.1.300/24"):
        make_app(RATELIMIT_EXEMPT_NETWORKS="10.0.0.0/8, 192.168.1.300/24")


def test_flask_limiter_installs_its_check_before_every_request_as_we_rely_on():
    """security._skip_the_check_without_defaults removes this bound method;
    if a new flask-limiter installs its check otherwise, this fails first."""
    from flask_limiter import Limiter

    app = Flask(__name__)
    own = Limiter(key_func=lambda: "client", default_limits=[])
    own.init_app(app)
    assert own._check_request_limit in app.before_request_funcs[None]


def test_without_default_limits_no_check_runs_before_each_request(limited):
    from kiosk.web.security import limiter

    app = limited()
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    # The decorated limits still hold (and so does every test above).
    client = app.test_client()
    assert _lookups(client, app.number)[-1] == 429


def test_a_default_limit_keeps_the_check_before_each_request(limited):
    app = limited(RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
