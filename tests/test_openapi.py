"""The API's OpenAPI document: valid, served like the rest of the API, and fitting
every API answer (tests/conftest.py checks each one the suite receives)."""

import collections
import json

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from kiosk.data.models import OfficeSettings
from kiosk.domain import tracking, workflow
from kiosk.web import openapi
from kiosk.web.i18n import LOCALES
from kiosk.web.views.errors import API_CODES
from tests.support.factories import make_submission

TRACK = "/api/v1/track/{number}"


@pytest.fixture
def number(app):
    with app.app_context():
        return make_submission().number


def _typo(number):
    """The number with its first symbol changed: the check symbol catches it."""
    return ("1" if number[0] != "1" else "2") + number[1:]


def _new_answers(api_answers, before):
    """(status, language) -> answers checked since `before` was taken."""
    return dict(api_answers.counts - before)


def test_the_document_is_valid_openapi_3_1_and_served_as_json(client):
    response = client.get("/api/v1/openapi.json?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document == json.loads(openapi.TEXT)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/"}]
    assert "No personal data is ever returned" in document["info"]["description"]
    # The same for everyone: it may be kept, unlike every other answer.
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Content-Security-Policy"].startswith("default-src")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_the_validator_would_refuse_a_broken_document():
    broken = json.loads(openapi.TEXT)
    responses = broken["paths"][TRACK]["get"]["responses"]
    responses["404"] = {"$ref": "#/components/responses/Nowhere"}
    with pytest.raises(Exception, match="Nowhere"):
        validate(broken, cls=OpenAPIV31SpecValidator)


def test_every_api_route_is_described(app):
    described = set(openapi.DOCUMENT["paths"])
    routes = {
        rule.rule.replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == described


def test_the_lists_are_the_codes_own():
    schemas = openapi.DOCUMENT["components"]["schemas"]
    assert schemas["StatusCode"]["enum"] == list(workflow.STATUSES)
    assert schemas["Tracking"]["properties"]["language"]["enum"] == list(LOCALES)
    # Each error's codes, as errors.py and lookup.py give them (403 is for
    # staff and kiosk pages only).
    responses = openapi.DOCUMENT["paths"][TRACK]["get"]["responses"]
    codes = {
        int(status): _error_codes(answer["$ref"].rpartition("/")[2])
        for status, answer in responses.items()
        if status not in ("200", "304")
    }
    assert codes == {
        status: ["empty", "malformed", "typo", code] if status == 400 else [code]
        for status, code in API_CODES.items()
        if status != 403
    }
    # The examples are a real number, written as residents write it.
    parameter = openapi.DOCUMENT["paths"][TRACK]["get"]["parameters"][0]
    parsed = tracking.parse(parameter["example"])
    assert parsed.ok and parsed.number == openapi.EXAMPLE_NUMBER


def _error_codes(name):
    schema = openapi.RESPONSES[name]["content"]["application/json"]["schema"]
    return schema["properties"]["error"]["properties"]["code"]["enum"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_answers_of_every_status_are_checked(api_answers, client, number, lang):
    before = collections.Counter(api_answers.counts)
    track = f"/api/v1/track/{{}}?lang={lang}"
    statuses = [
        client.get(track.format(number)).status_code,
        client.get(f"/api/v1/openapi.json?lang={lang}").status_code,
        client.get(track.format(_typo(number))).status_code,  # typo
        client.get(track.format("7KQ-4M2")).status_code,  # malformed
        client.get(track.format("%20-")).status_code,  # empty
        client.get(track.format(tracking.generate())).status_code,
        client.get(f"/api/v1/nope?lang={lang}").status_code,
        client.post(track.format(number)).status_code,
        client.post(track.format(number), data={"x": "a" * 1024 * 1024}).status_code,
    ]
    assert statuses == [200, 200, 400, 400, 400, 404, 404, 405, 413]
    assert _new_answers(api_answers, before) == {
        (200, lang): 2,
        (400, lang): 3,
        (404, lang): 2,
        (405, lang): 1,
        (413, lang): 1,
    }
    assert api_answers.problems == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_rate_limited_answers_are_checked(api_answers, make_app, lang):
    app = make_app(RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT="1 per minute")
    with app.app_context():
        number = make_submission().number
    client = app.test_client()
    before = collections.Counter(api_answers.counts)
    language = {"Accept-Language": f"{lang};q=0.9"}
    first = client.get(f"/api/v1/track/{number}", headers=language)
    limited = client.get(f"/api/v1/track/{number}", headers=language)
    assert (first.status_code, limited.status_code) == (200, 429)
    assert first.headers["X-RateLimit-Remaining"] == "0"
    assert limited.get_json()["error"]["code"] == "rate_limited"
    # The description is no lookup: it stays open to a limited client.
    assert client.get("/api/v1/openapi.json", headers=language).status_code == 200
    assert _new_answers(api_answers, before) == {(200, lang): 2, (429, lang): 1}
    assert api_answers.problems == []


@pytest.fixture
def good_answer(app, client):
    """A real 200 answer as (path, headers, parsed body), from a request that
    waits for the resident (so that `office` is an object, not null)."""
    with app.app_context():
        number = make_submission(status=workflow.NEEDS_INFO).number
        OfficeSettings.update(whatsapp="+6281200000000").execute()
    path = f"/api/v1/track/{number}"
    response = client.get(f"{path}?lang=en")
    assert response.get_json()["office"]["whatsapp"]
    return path, dict(response.headers), response.get_json()


def _changed(body, change):
    body = json.loads(json.dumps(body))
    change(body)
    return json.dumps(body).encode()


WRONG_BODIES = {
    "personal data": (
        lambda b: b.update(applicant_name="Siti"),
        "Additional properties are not allowed ('applicant_name'",
    ),
    "unknown status": (
        lambda b: b["status"].update(code="lost"),
        "status/code: 'lost' is not one of",
    ),
    "a date that is no date": (
        lambda b: b.update(expected_date="next week"),
        "expected_date: 'next week' is not a 'date'",
    ),
    "a time not in UTC": (
        lambda b: b["timeline"][0].update(at="2025-03-04T09:15:00+07:00"),
        "timeline/0/at: '2025-03-04T09:15:00+07:00' does not match 'Z$'",
    ),
    "a moment that never was": (
        lambda b: b.update(created_at="2025-02-30T10:00:00Z"),
        "created_at: '2025-02-30T10:00:00Z' is not a 'date-time'",
    ),
    "a missing field": (lambda b: b.pop("language"), "'language' is a required"),
    "a wrong language": (
        lambda b: b.update(language="fr"),
        "language: 'fr' is not one of",
    ),
    "a bad number": (
        lambda b: b.update(number="7KQ-4M2-XPR"),
        "number: '7KQ-4M2-XPR' does not match",
    ),
}


@pytest.mark.parametrize("wrong", sorted(WRONG_BODIES))
def test_the_check_catches_a_wrong_answer(api_answers, good_answer, wrong):
    path, headers, body = good_answer
    assert api_answers.check("GET", path, 200, headers, json.dumps(body)) == []
    change, expected = WRONG_BODIES[wrong]
    problems = api_answers.check("GET", path, 200, headers, _changed(body, change))
    assert any(expected in problem for problem in problems), problems


def test_the_check_catches_wrong_errors_headers_and_statuses(api_answers):
    path = f"/api/v1/track/{openapi.EXAMPLE_NUMBER}"
    json_type = {"Content-Type": "application/json"}

    def error(code, status):
        message = {"code": code, "status": status, "message": "…"}
        return json.dumps({"error": message})

    limited = {**json_type, "Retry-After": "30"}
    assert (
        api_answers.check("GET", path, 429, limited, error("rate_limited", 429)) == []
    )
    checks = {
        "no Retry-After header": (429, json_type, error("rate_limited", 429)),
        "error/code: 'typo' is not one of ['not_found']": (
            404, json_type, error("typo", 404),
        ),
        "error/status: 404 was expected": (404, json_type, error("not_found", 400)),
        "status 418 is not described": (418, json_type, error("teapot", 418)),
        "Content-Type 'text/html' is not described": (
            404, {"Content-Type": "text/html"}, "<p>Not found</p>",
        ),
        "the body is not JSON": (404, json_type, "Not found"),
    }  # fmt: skip
    for expected, (status, headers, body) in checks.items():
        problems = api_answers.check("GET", path, status, headers, body)
        assert any(expected in problem for problem in problems), (expected, problems)
    # An address the document does not describe answers an Error of its status.
    other = api_answers.check("GET", "/api/v1/other", 404, json_type, "{}")
    assert other == ["body: 'error' is a required property"]


def test_a_wrong_answer_from_an_app_fails_the_test_that_received_it(
    api_answers, make_app
):
    app = make_app()
    app.add_url_rule("/api/v1/broken", "broken", lambda: ({"error": "oops"}, 400))
    assert app.test_client().get("/api/v1/broken").status_code == 400
    # What pytest_runtest_call does after each test:
    with pytest.raises(AssertionError, match=r"GET /api/v1/broken -> 400: error"):
        api_answers.raise_problems()
    assert api_answers.problems == []
