"""Property-based fuzzing of every form and every URL: never a 5xx, always escaped.

How many cases run: each fuzz run below asks for the profile's max_examples
times its share (at least MIN_CASES) and checks afterwards that hypothesis
really ran that many. With conftest's profiles, per database backend:
- default profile (`make test`, 60 examples): at most SMOKE_CASES a run,
  811 cases: a smoke run;
- full profile (HYPOTHESIS_PROFILE=full, `make fuzz`, 1,700 examples): 22,185
  cases, over the 10,000 promised even on one backend
  (test_full_run_has_ten_thousand_cases adds them up, and run_cases checks
  that each run really made its share).
Adding a form is one line in FORMS.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.data.models import KioskDevice
from kiosk.domain import tracking
from tests.support.factories import form_data, make_submission
from tests.support.staff import make_staff, sign_in, staff_client

MIN_CASES = 10
SMOKE_CASES = 30
KIOSK_TOKEN = "fuzz-kiosk-token"
APPLY_FIELDS = tuple(form_data())
# A birth certificate's own questions (the date as its three boxes), on its page.
BIRTH_ANSWERS = {
    "document_type": "AKL",
    "child_name": "Budi Santoso",
    "child_sex": "male",
    "child_birth_date-day": "3",
    "child_birth_date-month": "11",
    "child_birth_date-year": "2024",
    "child_birth_place": "Muaro Sijunjung",
    "birth_order": "1",
}
# Markup a resident might type; it must always come back escaped.
PAYLOADS = (
    "<script>alert('fuzz')</script>",
    "<img src=x onerror=alert('fuzz')>",
    "\"><svg onload=alert('fuzz')>",
    "javascript:alert('fuzz')",
    "</textarea><b>fuzz</b>",
    "{{ 7 * 7 }}{% raw %}",
)


@dataclass(frozen=True)
class Form:
    """A form (or query) to fuzz: where it goes, its fields, who sends it."""

    name: str
    url: str  # may hold {number}, {member_id}, {kiosk_id}
    fields: tuple[str, ...]
    who: str = "anonymous"  # anonymous, kiosk, staff or admin
    method: str = "POST"
    fixed: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    valid: dict = field(default_factory=dict)  # a good baseline to mutate
    in_place: bool = False  # an htmx check of one field (HX-Trigger-Name fuzzed)
    share: float = 0.35  # of the profile's examples; small where scrypt runs


OFFICE_FIELDS = (
    "office_name", "office_name_en", "address", "opening_hours_id",
    "opening_hours_en", "phone", "whatsapp", "public_base_url", "timezone",
    "retention_days", "areas", "distancing_notice_id", "distancing_notice_en",
    "kiosk_idle_warning_seconds", "kiosk_idle_reset_seconds",
)  # fmt: skip
TYPE_FIELDS = (
    "code", "name_id", "name_en", "requirements_id", "requirements_en",
    "service_days", "position", "active",
)  # fmt: skip
QUEUE_FIELDS = (
    "status", "document_type", "channel", "overdue", "q", "order",
    "date_from", "date_to", "after", "before",
)  # fmt: skip
HTMX = {"HX-Request": "true"}

FORMS = (
    Form("apply-check", "/apply/check", APPLY_FIELDS, valid=form_data()),
    Form("apply-confirm", "/apply/check", APPLY_FIELDS, fixed={"step": "confirm"},
         valid=form_data()),
    Form("apply-page", "/apply/birth_child", tuple(BIRTH_ANSWERS),
         valid=BIRTH_ANSWERS),
    Form("apply-field-check", "/apply", APPLY_FIELDS, headers=HTMX, valid=form_data(),
         in_place=True),
    Form("apply-type-details", "/apply", ("document_type", "via"), method="GET",
         headers=dict(HTMX, **{"HX-Target": "document-type-details"})),
    Form("track", "/track", ("number",), method="GET"),
    Form("kiosk-apply", "/kiosk/apply",
         APPLY_FIELDS + ("step", "return_to", "back", "change"), who="kiosk",
         valid=form_data()),
    Form("kiosk-status", "/kiosk/status", ("number",), who="kiosk", method="GET"),
    Form("staff-login", "/staff/login", ("username", "password", "next"), share=0.05),
    Form("staff-queue", "/staff", QUEUE_FIELDS, who="staff", method="GET"),
    Form("staff-scan", "/staff/scan", ("number",), who="staff", method="GET"),
    Form("staff-move", "/staff/s/{number}/move",
         ("target", "version", "public_note", "internal_note"), who="staff"),
    Form("staff-bulk", "/staff/bulk",
         ("selected", "target", "public_note", "internal_note", "filters"), who="staff"),
    Form("staff-intake", "/staff/new", APPLY_FIELDS + ("channel",), who="staff",
         valid=form_data(channel="whatsapp")),
    Form("admin-staff-create", "/staff/admin/staff",
         ("username", "display_name", "role", "password", "password_again"),
         who="admin", share=0.05),
    Form("admin-staff-edit", "/staff/admin/staff/{member_id}",
         ("display_name", "role", "active"), who="admin"),
    Form("admin-password", "/staff/admin/staff/{member_id}/password",
         ("password", "password_again"), who="admin", share=0.05),
    Form("admin-type-new", "/staff/admin/types/new", TYPE_FIELDS, who="admin"),
    Form("admin-office", "/staff/admin/office", OFFICE_FIELDS, who="admin"),
    Form("admin-kiosks", "/staff/admin/kiosks", ("name", "paper_width"), who="admin"),
    Form("admin-kiosk-switch", "/staff/admin/kiosks/{kiosk_id}/active", ("active",),
         who="admin"),
    Form("admin-audit", "/staff/admin/audit", ("before",), who="admin", method="GET"),
    Form("admin-security", "/staff/admin/security", ("kind", "staff", "before"),
         who="admin", method="GET"),
    Form("admin-calendar", "/staff/admin/calendar", ("day", "reason"), who="admin"),
    Form("collection-book", "/t/{number}/collect", ("slot",)),
    Form("staff-handover", "/staff/collections/1/collected", ("collector_name", "relation", "relation_other"), who="staff"),
    Form("admin-collection", "/staff/admin/collection", tuple(f"{n}_{d}" for d in range(7) for n in ("open", "opens", "closes", "slot", "capacity")), who="admin"),
    Form("kiosk-check-in", "/kiosk/check-in", ("number", "service"), who="kiosk"),
    Form("staff-check-in", "/staff/check-in", ("number", "service"), who="staff"),
    Form("staff-calls", "/staff/calls", ("counter", "action", "ticket"), who="staff"),
    Form("admin-counters", "/staff/admin/counters", ("new-number", "new-name", "new-services", "new-active"), who="admin"),
    Form("admin-counter-edit", "/staff/admin/counters/1", ("c1-number", "c1-name", "c1-services", "c1-active"), who="admin"),
    Form("admin-no-show", "/staff/admin/counters/no-show", ("wait-no_show_minutes",), who="admin"),
    Form("staff-account-password", "/staff/account/password",
         ("current_password", "password", "password_again"), who="staff", share=0.05),
    Form("admin-export", "/staff/admin/export.csv", QUEUE_FIELDS, who="admin",
         method="GET"),
)  # fmt: skip
# The other fuzz runs, with their shares.
OTHER_RUNS = {
    "path-segments": 0.5,
    "raw-bodies": 0.5,
    "csrf": 0.5,
    "unknown-numbers": 0.5,
}


def cases_for(share, max_examples):
    return max(MIN_CASES, int(max_examples * share))


def run_cases(strategy, check, share):
    """Run `check` on generated cases and make sure that many really ran."""
    wanted = cases_for(share, settings.default.max_examples)
    if settings.default.max_examples < settings.get_profile("full").max_examples:
        # `make test` is a smoke run (the suite has a time budget); `make fuzz`
        # runs the full profile.
        wanted = min(wanted, SMOKE_CASES)
    ran = []

    @settings(
        max_examples=wanted,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def property_holds(case):
        ran.append(case)
        check(case)

    property_holds()
    assert len(ran) >= wanted


# -- values -------------------------------------------------------------------

texts = st.one_of(
    st.text(max_size=80),  # any code point, NUL included
    st.sampled_from(PAYLOADS),
    st.builds(lambda a, p, b: a + p + b, st.text(max_size=10), st.sampled_from(PAYLOADS),
              st.text(max_size=10)),
    st.sampled_from(("", " ", "0", "-1", "99999999999999999999", "1e309", "NaN")),
)  # fmt: skip
usual_values = st.one_of(
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=60),  # mostly malformed UTF-8
)
huge_values = st.builds(
    lambda n, c: c * n,
    st.integers(1_000, 150_000),
    st.sampled_from((b"a", b"\xff", "ä".encode(), b"<")),
)
# One value in twenty is huge: enough to meet size limits often, cheap overall.
raw_values = st.integers(0, 19).flatmap(
    lambda i: huge_values if i == 0 else usual_values
)


def _encode(pairs):
    return "&".join(
        f"{quote_from_bytes(k.encode())}={quote_from_bytes(v)}" for k, v in pairs
    )


def form_bodies(form):
    """Query strings / bodies: a baseline (valid or empty), then changed fields."""
    names = st.sampled_from(form.fields + ("unexpected",))
    changes = st.lists(st.tuples(names, raw_values), max_size=len(form.fields) + 2)
    baselines = st.sampled_from([{}, form.valid] if form.valid else [{}])

    def build(baseline, changed):
        pairs = {k: v.encode() for k, v in {**baseline, **form.fixed}.items()}
        for name, value in changed:
            pairs[name] = value
        sent = [(k, v) for k, v in pairs.items()]
        return _encode(sent), b" ".join(v for _, v in sent)

    return st.builds(build, baselines, changes)


def assert_sound(response, sent=b"", where=""):
    """Never a server error; markup sent in is never returned raw."""
    assert response.status_code < 500, where
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        for payload in PAYLOADS[:3]:
            if payload.encode() in sent:
                assert payload not in body, (where, payload)


# -- who sends them -------------------------------------------------------------


@pytest.fixture
def world(app):
    """browser(who) for each role (made on first use), and rows URLs point at."""
    with app.app_context():
        values = {
            "number": make_submission().number,
            # Admin forms about an account act on this one, not on the fuzzer's.
            "member_id": make_staff("fuzz-target").id,
            "kiosk_id": KioskDevice.create(name="Other", token="fuzz-other-kiosk").id,
        }
    made = {}

    def browser(who):
        if who not in made:
            with app.app_context():
                if who == "kiosk":
                    KioskDevice.create(name="Fuzz", token=KIOSK_TOKEN)
                    made[who] = app.test_client()
                    made[who].set_cookie("kiosk_token", KIOSK_TOKEN)
                elif who in ("staff", "admin"):
                    role = "admin" if who == "admin" else "staff"
                    made[who] = staff_client(app, f"fuzz-{who}", role=role)
                else:
                    made[who] = app.test_client()
        return made[who]

    return browser, values


def _keep_signed_in(client, who):
    """A post to /staff/logout ends the session: start a new one."""
    if who in ("staff", "admin") and client.get("/staff").status_code != 200:
        assert sign_in(client, f"fuzz-{who}").status_code == 303


# -- the fuzz runs --------------------------------------------------------------


@pytest.mark.fuzz
@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_forms_never_fail_and_escape_what_they_echo(app, world, form):
    browser, values = world
    client = browser(form.who)
    url = form.url.format(**values)
    hx_trigger = st.sampled_from(form.fields + ("csrf_token", "x\u00ff"))

    def check(case):
        (body, sent), trigger = case
        headers = dict(form.headers)
        if form.in_place:
            headers["HX-Trigger-Name"] = trigger
        if form.method == "GET":
            response = client.get(f"{url}?{body}", headers=headers)
        else:
            response = client.post(
                url, data=body, headers=headers,
                content_type="application/x-www-form-urlencoded",
            )  # fmt: skip
        response.get_data()
        assert_sound(response, sent, f"{form.name}: {body[:300]}")

    run_cases(st.tuples(form_bodies(form), hx_trigger), check, form.share)


@pytest.mark.fuzz
def test_any_path_segment_on_any_route(app, world):
    browser, values = world
    browsers = {who: browser(who) for who in ("anonymous", "kiosk", "staff")}
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    segments = st.one_of(
        st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe="")),
        texts.map(lambda t: quote_from_bytes(t.encode("utf-8", "surrogatepass"))),
        st.sampled_from(["..", "%2e%2e%2f", "%00", "%ff%fe", "%c0%af", "~", "%"]),
    )
    whom = st.sampled_from(sorted(browsers))

    def check(case):
        rule, segment, who = case
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", segment)
            for kind in ("int", "path"):
                path = path.replace(f"<{kind}:{name}>", segment)
        response = browsers[who].get(path)
        response.get_data()
        assert_sound(response, segment.encode(), f"{who} GET {path[:200]}")

    run_cases(
        st.tuples(st.sampled_from(rules), segments, whom), check,
        OTHER_RUNS["path-segments"],
    )  # fmt: skip


@pytest.mark.fuzz
def test_raw_bodies_of_any_type_to_any_form(app, world):
    browser, values = world
    browsers = {who: browser(who) for who in ("anonymous", "kiosk", "admin")}
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    types = st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xYzZY",
            "multipart/form-data",
            "application/json",
            "text/plain; charset=latin-1",
            "application/x-www-form-urlencoded; charset=utf-16",
        ]
    )
    bodies = st.one_of(
        st.binary(max_size=300),
        st.builds(lambda a, b: b"--xYzZY\r\nContent-Disposition: form-data; name=\""
                  + a + b"\"\r\n\r\n" + b + b"\r\n--xYzZY--\r\n",
                  st.binary(max_size=20), st.binary(max_size=60)),
    )  # fmt: skip

    def check(case):
        rule, content_type, body, who = case
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", str(values["number"]))
            url = url.replace(f"<int:{name}>", "1")
        client = browsers[who]
        response = client.post(url, data=body, content_type=content_type)
        response.get_data()
        assert_sound(response, body, f"{who} POST {url} {content_type}")
        if url.endswith("/logout"):
            _keep_signed_in(client, who)

    run_cases(
        st.tuples(
            st.sampled_from(posts), types, bodies, st.sampled_from(sorted(browsers))
        ),
        check,
        OTHER_RUNS["raw-bodies"],
    )


@pytest.mark.fuzz
def test_forged_csrf_tokens_are_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.get("/apply")  # a real session with a real token in it

    def check(case):
        token, in_header = case
        pairs = [(k, v.encode()) for k, v in form_data().items()]
        pairs += [("step", b"confirm"), ("form_token", b"csrf-fuzz")]
        headers = {}
        if in_header:
            headers["X-CSRFToken"] = token.decode("latin-1")
        else:
            pairs.append(("csrf_token", token))
        response = client.post(
            "/apply", data=_encode(pairs), headers=headers,
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip
        # Refused: 400, or 413 when the forged token alone is over the size limit.
        assert response.status_code in (400, 413)

    # Header values cannot hold line breaks (the test client refuses them).
    tokens = st.one_of(raw_values, st.text(max_size=120).map(str.encode)).map(
        lambda t: t.replace(b"\n", b"").replace(b"\r", b"")
    )
    run_cases(st.tuples(tokens, st.booleans()), check, OTHER_RUNS["csrf"])


@pytest.mark.fuzz
def test_unknown_numbers_all_get_the_same_answer(client):
    """No oracle: every unknown well-formed number gets the same status and size."""
    reference_body = "0" * tracking.RANDOM_LENGTH
    reference = tracking_number(reference_body)
    html = client.get(f"/t/{reference}")
    api = client.get(f"/api/v1/track/{reference}")
    assert (html.status_code, api.status_code) == (404, 404)

    def check(body):
        number = tracking_number(body)
        page = client.get(f"/t/{number}")
        answer = client.get(f"/api/v1/track/{number}")
        assert page.status_code == 404 and answer.status_code == 404
        assert len(page.data) == len(html.data)
        assert len(answer.data) == len(api.data)
        assert sorted(answer.get_json()["error"]) == sorted(api.get_json()["error"])
        assert set(page.headers.keys()) == set(html.headers.keys())

    symbols = st.text(alphabet=tracking.ALPHABET, min_size=8, max_size=8)
    run_cases(symbols, check, OTHER_RUNS["unknown-numbers"])


def tracking_number(body):
    return body + tracking.check_symbol(body)


def test_full_run_has_ten_thousand_cases():
    full = settings.get_profile("full").max_examples
    shares = [f.share for f in FORMS] + list(OTHER_RUNS.values())
    total = sum(cases_for(share, full) for share in shares)
    assert total >= 10_000, total


# -- hostile input, example by example --------------------------------------------

MEGABYTE = 1024 * 1024


@pytest.mark.parametrize("who, url", [("anonymous", "/apply"),
                                      ("anonymous", "/staff/login"),
                                      ("kiosk", "/kiosk/apply"),
                                      ("staff", "/staff/new")])  # fmt: skip
def test_bodies_over_one_megabyte_are_refused_with_413(world, who, url):
    browser, _ = world
    client = browser(who)
    url += "?lang=id"
    urlencoded = client.post(url, data={"note": "a" * MEGABYTE})
    multipart = client.post(
        url, data={"note": "a" * MEGABYTE, "file": (io.BytesIO(b"x"), "x.txt")}
    )
    for response in (urlencoded, multipart):
        assert response.status_code == 413
        assert "Data yang Anda kirim terlalu besar" in response.text


def test_a_long_field_under_the_limit_is_only_a_validation_error(client):
    response = client.post(
        "/apply/check?lang=en",
        data=form_data(note="catatan " * 100_000, form_token="t"),
    )
    assert response.status_code == 422
    assert "The note must be 500 characters or fewer." in response.text


@pytest.mark.parametrize(
    "request_args",
    [
        {"path": "/apply", "method": "POST", "data": form_data(nagari="Muaro\x00")},
        {"path": "/apply", "method": "POST", "data": {"note\x00": "x"}},
        {"path": "/track?number=7KQ4M2XP9%00"},
        {"path": "/track?num%00ber=1"},
        {"path": "/t/7KQ4M2X%00P9"},
        {"path": "/staff/login", "method": "POST", "data": {"username": "a\x00"}},
    ],
)
def test_nul_bytes_are_refused_before_anything_reads_them(client, request_args):
    assert client.open(**request_args).status_code == 400


def test_a_nul_byte_in_a_cookie_is_refused(client):
    client.set_cookie("kiosk_token", "abc\x00def")
    assert client.get("/").status_code == 400
    assert client.get("/api/v1/track/7KQ4M2XP9").status_code == 400


def test_a_multipart_part_whose_name_cannot_be_read_is_refused(client):
    # Werkzeug gives such a part the name None, which no check may trip over.
    body = (
        b'--xYzZY\r\nContent-Disposition: form-data; name="\\"\r\n\r\nv\r\n'
        b"--xYzZY--\r\n"
    )
    response = client.post(
        "/apply", data=body, content_type="multipart/form-data; boundary=xYzZY"
    )
    assert response.status_code == 400


def test_malformed_utf8_gets_an_answer_not_an_error(client):
    fields = form_data(applicant_name="Siti%FF%FE")
    body = "&".join(f"{k}={v}" for k, v in fields.items())
    response = client.post(
        "/apply/check?lang=en",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert "The name can only contain letters" in response.text
    assert client.get("/t/%FF%FE%C0%AF").status_code in (400, 404)
    assert client.get("/api/v1/track/%ED%A0%80").status_code in (400, 404)


def test_markup_in_names_and_notes_is_shown_escaped_everywhere(app, world):
    browser, _ = world
    script = "<script>alert('fuzz')</script>"
    resident = browser("anonymous")
    kept = resident.post("/apply/check", data=form_data(note=script, form_token="m1"))
    assert kept.status_code == 303
    check = resident.get("/apply/check")
    assert check.status_code == 200
    assert script not in check.text and "&lt;script&gt;" in check.text
    refused = resident.post("/apply/check", data=form_data(applicant_name=script))
    assert refused.status_code == 422 and script not in refused.text
    kiosk = browser("kiosk").post(
        "/kiosk/apply", data=form_data(note=script, step="note", form_token="m2")
    )
    assert kiosk.status_code < 500 and script not in kiosk.text
    # Rows written by other means (an import, an old version) are escaped too.
    with app.app_context():
        number = make_submission(applicant_name=script, note=script).number
    staff = browser("staff")
    for url in (f"/staff/s/{number}", f"/staff?q={number}", f"/t/{number}"):
        page = staff.get(url)
        assert page.status_code == 200, url
        assert script not in page.text, url
    assert "&lt;script&gt;" in staff.get(f"/staff/s/{number}").text


@pytest.mark.slow
def test_the_real_server_refuses_a_huge_body(live_server):
    from tests.support.http import SiteClient

    server = live_server(config_overrides={"RATELIMIT_ENABLED": False})
    with SiteClient(server.url) as client:
        response = client.post_form("/apply?lang=en", {"note": "a" * (MEGABYTE + 10)})
        assert response.status == 413
        assert "What you sent is too large" in response.text
