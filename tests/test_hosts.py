"""Secure by default: without KIOSK_TRUSTED_HOSTS the site answers only to this
computer and to its public address, so a forged Host header never reaches a
receipt, a QR code or a redirect; QR images have a rate limit of their own."""

import pytest

from kiosk.data.models import OfficeSettings
from kiosk.domain import qr, tracking
from tests.support.factories import make_submission

FORGED = "evil.example"


def _paths(number):
    return (
        "/",
        f"/t/{number}",
        f"/t/{number}/receipt",
        f"/t/{number}/qr.svg",
        f"/t/{number}/qr.png",
        "/staff//admin",
        "/staff/admin/",
        "/static/css/site.css",
        "/api/v1/track/" + number,
    )


def test_a_fresh_install_refuses_a_host_it_was_not_told_of(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    number = make_submission().number
    for path in _paths(number):
        response = client.get(path, headers={"Host": FORGED})
        assert response.status_code == 400, path
        assert FORGED not in response.text, path
        assert "Location" not in response.headers, path
        if path.startswith("/api/"):
            assert response.json["error"]["code"] == "bad_request"
        else:
            assert "KIOSK_TRUSTED_HOSTS" in response.text, path
    # This computer, by name or address, with or without a port.
    for host in ("localhost", "127.0.0.1:8080", "[::1]:8080", "127.0.1.1"):
        page = client.get(f"/t/{number}", headers={"Host": host})
        assert page.status_code == 200, host
    # A load balancer's health probe may use any address: nothing is built from it.
    assert client.get("/healthz", headers={"Host": "10.0.0.5"}).status_code == 200


def test_the_public_address_names_the_host_to_answer_to(make_app):
    app = make_app(PUBLIC_BASE_URL="https://dukcapil.example.go.id")
    client = app.test_client()
    number = make_submission().number
    page = client.get(
        f"/t/{number}/receipt", headers={"Host": "dukcapil.example.go.id"}
    )
    assert page.status_code == 200
    assert f"https://dukcapil.example.go.id/t/{number}" in page.text
    assert client.get("/", headers={"Host": FORGED}).status_code == 400
    # Its redirects stay on the office's host.
    redirect = client.get("/staff//admin", headers={"Host": "dukcapil.example.go.id"})
    assert redirect.status_code in (301, 302, 303, 308)
    assert FORGED not in redirect.headers["Location"]


def test_the_office_setting_is_a_public_address_too(make_app):
    app = make_app()
    client = app.test_client()
    with app.app_context():
        OfficeSettings.update(public_base_url="https://capil.example.go.id").execute()
    assert client.get("/", headers={"Host": "capil.example.go.id"}).status_code == 200
    assert client.get("/", headers={"Host": FORGED}).status_code == 400


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_qr_images_hold_the_public_address_and_have_a_rate_limit(make_app, kind):
    app = make_app(
        RATELIMIT_ENABLED=True,
        QR_RATE_LIMIT="3 per minute",
        PUBLIC_BASE_URL="https://dukcapil.example.go.id",
    )
    client = app.test_client()
    number = make_submission().number
    first = client.get(f"/t/{number}/qr.{kind}", headers={"Host": "localhost"})
    assert first.status_code == 200
    if kind == "svg":
        url = f"https://dukcapil.example.go.id/t/{number}"
        expected = qr.svg(url, title=tracking.display(number))
        assert first.data == (
            expected.encode() if isinstance(expected, str) else expected
        )
    for _ in range(2):
        assert client.get(f"/t/{number}/qr.{kind}").status_code == 200
    limited = client.get(f"/t/{number}/qr.{kind}")
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    # Looking numbers up has its own budget, untouched by the images.
    assert client.get(f"/t/{number}").status_code == 200
