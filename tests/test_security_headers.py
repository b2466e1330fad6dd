"""Security headers and cookies on every response; no inline code anywhere.

The routes come from app.url_map, visited anonymously, by a signed-in
administrator and by a registered kiosk, so a new page cannot escape.
"""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kiosk.data.models import DocumentType, KioskDevice, OfficeClosure, ServiceCounter
from kiosk.web.security import CONTENT_SECURITY_POLICY
from tests.support.factories import collection_booking, form_data, make_submission
from tests.support.http import hidden_value
from tests.support.staff import PASSWORD, make_staff, sign_in, staff_client
from tests.support.tickets import ticket_token

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
KIOSK_TOKEN = "security-walk-kiosk-token"


@pytest.fixture
def samples(app):
    """Values for URL arguments, by name, pointing at rows that exist."""
    with app.app_context():
        submission = make_submission()
        kiosk = KioskDevice.create(name="Lobi", token=KIOSK_TOKEN)
        # Admin pages about an account act on this one, never on the walker's.
        target = make_staff("target", role="staff")
        closure = OfficeClosure.create(day=dt.date(2031, 6, 2), reason="Hari jadi")
        return {
            "member_id": target.id,
            "number": submission.number,
            "filename": "css/site.css",
            "type_id": DocumentType.select().first().id,
            "kiosk_id": kiosk.id,
            "closure_id": closure.id,
            "counter_id": ServiceCounter.select().first().id,
            "token": ticket_token(app),
            "booking_id": collection_booking().id,
            "state": "arrived",
            "message_id": 1,
            "page": "kk_reason",
        }


@pytest.fixture
def clients(app, samples):
    """Anonymous, administrator and kiosk browsers."""
    with app.app_context():
        admin = staff_client(app, "walker", role="admin")
    kiosk = app.test_client()
    kiosk.set_cookie("kiosk_token", KIOSK_TOKEN)
    return {"anonymous": app.test_client(), "admin": admin, "kiosk": kiosk}


def _url(rule, values):
    path = rule.rule
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        fallback = 1 if converter == "IntegerConverter" else values["number"]
        path = re.sub(rf"<(\w+:)?{name}>", str(values.get(name, fallback)), path)
    return path


def _responses(app, clients, samples):
    """(who, method, url, response) for every route, method and browser."""
    found = []
    for rule in app.url_map.iter_rules():
        url = _url(rule, samples)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in clients.items():
                response = client.open(url, method=method)
                response.get_data()  # finish streamed bodies (CSV) now
                response.close()
                found.append((who, method, url, response))
                if who == "admin" and method != "GET":
                    _stay_signed_in(client)
    return found


def _stay_signed_in(client):
    """An empty POST may have signed the administrator out (logout): sign in again."""
    if client.get("/staff").status_code != 200:
        assert sign_in(client, "walker").status_code == 303


class InlineCode(HTMLParser):
    """Collects everything a CSP without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"{name}= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag} {name}>")


def _revalidated(url, response):
    path = url.split("?")[0]
    return (
        re.fullmatch(r"/(t|api/v1/track)/[0-9A-Z]{9}", path) is not None
        and response.status_code == 200
        and response.headers["Cache-Control"] == "no-cache, private"
        and bool(response.headers.get("ETag"))
    )


def _check_headers(response, where):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
    assert headers["Referrer-Policy"] == "no-referrer", where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["X-Frame-Options"] == "DENY", where
    assert "camera=()" in headers["Permissions-Policy"], where
    assert "Strict-Transport-Security" not in headers, where  # plain HTTP here
    for cookie in headers.getlist("Set-Cookie"):
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert "httponly" in attributes, (where, cookie)
        assert "samesite=lax" in attributes, (where, cookie)


def test_the_policy_is_strict():
    directives = dict(
        d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";")
    )
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "data:" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY


def test_every_route_for_every_browser_has_the_headers_and_no_inline_code(
    app, clients, samples
):
    responses = _responses(app, clients, samples)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {"static", "api.track", "kiosk.start", "staff_auth.login"} <= endpoints
    statuses, pages = {}, 0
    for who, method, url, response in responses:
        where = f"{who} {method} {url} -> {response.status_code}"
        assert response.status_code < 500, where
        _check_headers(response, where)
        statuses.setdefault(response.status_code, []).append(where)
        if not url.startswith("/static/"):
            assert response.headers["Cache-Control"] == "no-store" or (
                "immutable" in response.headers["Cache-Control"]  # QR images
                or url == "/api/v1/openapi.json"  # the same for everyone
                # Tracking answers: kept by the browser only, and always
                # revalidated (web/revalidation.py).
                or _revalidated(url, response)
            ), where
        if response.mimetype == "text/html":
            scanner = InlineCode()
            scanner.feed(response.get_data(as_text=True))
            assert scanner.problems == [], f"{where}: {scanner.problems}"
            pages += 1
    # The walk reached real pages, not only redirects and refusals.
    assert len(statuses.get(200, [])) >= 30, sorted(statuses)
    assert pages >= 40


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")),
)
def test_no_template_has_inline_code(path):
    text = (TEMPLATES / path).read_text()
    scanner = InlineCode()
    scanner.feed(re.sub(r"\{#.*?#\}", "", text, flags=re.S))
    assert scanner.problems == []
    # Also what the HTML parser cannot see through Jinja syntax.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    in_tag = r"<[a-zA-Z][^<>]*"
    assert not re.search(in_tag + r"\sstyle\s*=", text), "style attribute"
    assert not re.search(in_tag + r"\s(hx-)?on[\w:-]*\s*=", text), "event handler"


def test_error_responses_carry_the_headers_too(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/__boom")
    def boom():
        raise RuntimeError("a bug")

    client = app.test_client()
    too_big = client.post("/apply", data={"note": "x" * (1024 * 1024 + 1)})
    for response, status in [
        (client.get("/__boom?lang=en"), 500),
        (client.get("/no-such-page"), 404),
        (client.delete("/apply"), 405),
        (too_big, 413),
    ]:
        assert response.status_code == status
        _check_headers(response, status)
        assert response.headers["Cache-Control"] == "no-store"
    page = client.get("/__boom?lang=en").text
    assert "Sorry, something went wrong on our side" in page
    assert "RuntimeError" not in page and "Traceback" not in page
    assert client.delete("/apply").headers["Allow"]


def test_https_adds_hsts_and_secures_every_cookie(make_app, samples):
    app = make_app(HTTPS=True)
    client = app.test_client()
    # TLS ends at a proxy that does not say so: the app itself sees plain http.
    behind_proxy = {"base_url": "http://localhost"}
    responses = [
        client.get("/apply?lang=en", **behind_proxy),  # session (CSRF), language
        client.get(f"/kiosk?k={KIOSK_TOKEN}", **behind_proxy),  # the kiosk's cookie
        client.get("/static/css/site.css", **behind_proxy),
    ]
    cookies = [c for r in responses for c in r.headers.getlist("Set-Cookie")]
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "lang", "kiosk_token"}
    for cookie in cookies:
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite=lax"} <= attributes, cookie
    for response in responses:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_and_lax_without_https(client):
    cookie = client.get("/apply").headers["Set-Cookie"]
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax"} <= attributes
    assert "secure" not in attributes


def test_static_files_may_be_cached_but_carry_the_headers(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    _check_headers(response, "static")
    assert response.headers.get("Cache-Control") != "no-store"


def test_every_state_changing_request_needs_a_csrf_token(make_app, samples):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_staff("csrf-admin", role="admin")
    admin = app.test_client()
    page = admin.get("/staff/login").text
    signed_in = admin.post(
        "/staff/login",
        data={
            "username": "csrf-admin",
            "password": PASSWORD,
            "csrf_token": hidden_value(page, "csrf_token"),
        },
    )
    assert signed_in.status_code == 303
    admin.set_cookie("kiosk_token", KIOSK_TOKEN)
    changing = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(changing) >= 10
    for rule in changing:
        url = _url(rule, samples)
        response = admin.post(url, data=form_data(step="confirm"))
        assert response.status_code == 400, url
        assert "The form had expired" in response.text or "kedaluwarsa" in response.text


def test_a_host_the_site_does_not_know_is_refused_with_a_page(make_app, monkeypatch):
    """KIOSK_TRUSTED_HOSTS: a forged Host header gets a 400, not a page whose links
    (and QR codes, when no public base URL is set) point at the forger's host."""
    monkeypatch.setenv("KIOSK_TRUSTED_HOSTS", "dukcapil.sijunjungkab.go.id, .lan")
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    assert app.config["TRUSTED_HOSTS"] == ["dukcapil.sijunjungkab.go.id", ".lan"]
    client = app.test_client()
    submission = make_submission()
    for host in ("dukcapil.sijunjungkab.go.id", "kiosk-1.lan"):
        response = client.get(f"/t/{submission.number}", headers={"Host": host})
        assert response.status_code == 200, host
    for path in ("/", f"/t/{submission.number}", f"/t/{submission.number}/qr.svg"):
        refused = client.get(path + "?lang=en", headers={"Host": "evil.example"})
        assert refused.status_code == 400, path
        _check_headers(refused, 400)
        assert "Something in the request was not right" in refused.text
        assert "does not answer to the address" in refused.text
        assert "evil.example" not in refused.text
    indonesian = app.test_client().get("/", headers={"Host": "evil.example"})
    assert "Situs ini tidak melayani alamat yang diminta" in indonesian.text


def test_a_host_header_that_is_no_host_name_gets_a_400_page(make_app):
    """Without KIOSK_TRUSTED_HOSTS a Host that cannot be a name (a label over 63
    characters) leaves Flask without URLs; it still gets the plain 400 page."""
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    submission = make_submission()
    for path in ("/", f"/t/{submission.number}", f"/t/{submission.number}/qr.svg"):
        refused = client.get(path + "?lang=en", headers={"Host": "a" * 70 + ".example"})
        assert refused.status_code == 400, path
        _check_headers(refused, 400)
        assert "does not answer to the address" in refused.text


def test_a_host_too_long_for_a_qr_code_gets_a_400_not_a_500(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False, PUBLIC_BASE_URL=None)
    client = app.test_client()
    submission = make_submission()
    host = "a.b." * 800 + "example"
    for kind in ("svg", "png"):
        response = client.get(
            f"/t/{submission.number}/qr.{kind}", headers={"Host": host}
        )
        assert response.status_code == 400, kind
        _check_headers(response, 400)
    assert client.get(f"/t/{submission.number}/qr.svg").status_code == 200


def test_a_missing_static_file_is_not_cached(client):
    missing = client.get("/static/nope.js")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"
    present = client.get("/static/css/site.css")
    assert present.status_code == 200
    assert "no-store" not in present.headers.get("Cache-Control", "")
