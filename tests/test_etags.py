"""Tracking pages and the tracking API let a phone revalidate its copy:
validators on every answer, 304 without a body when nothing changed, a new
tag after every kind of change that alters what the resident reads (and then
the same page as one rendered from scratch), nothing revealed of numbers that
do not exist, and 304s counted against the lookup limit."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from kiosk.data.models import (
    DocumentType,
    OfficeSettings,
    PublicChange,
    RequestPaper,
    Submission,
)
from kiosk.domain import tracking
from kiosk.services import (
    calendar,
    collection,
    request_papers,
    requirements,
    retention,
    submissions,
)
from kiosk.web.forms.collection import slot_value
from tests.support import papers as files
from tests.support.factories import make_submission
from tests.support.staff import make_staff

KINDS = ("/t/{}", "/api/v1/track/{}")


def _get(client, url, tag=None, **headers):
    if tag:
        headers["If-None-Match"] = tag
    return client.get(url, headers=headers)


def _forget_caches(app):
    for cache in app.extensions["caches"].values():
        cache.forget()


@pytest.fixture
def cached_app(make_app):
    """The app as an office runs it: pages and settings kept by the process."""
    return make_app(PAGE_CACHE_SECONDS=60, SETTINGS_CACHE_SECONDS=5)


@pytest.mark.parametrize("kind", KINDS)
def test_answers_carry_validators_and_an_unchanged_copy_gets_304(app, client, kind):
    with app.app_context():
        url = kind.format(make_submission().number)
    first = client.get(url)
    assert first.status_code == 200
    tag, weak = first.get_etag()
    assert tag and not weak  # strong: the bytes are the same while it holds
    assert first.headers["Cache-Control"] == "no-cache, private"
    assert first.last_modified is not None
    assert "Set-Cookie" not in first.headers
    again = _get(client, url, first.headers["ETag"])
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "no-cache, private"
    # Weak comparison, as If-None-Match asks, and a tag among others.
    assert _get(client, url, f'W/"{tag}"').status_code == 304
    assert _get(client, url, f'"other", "{tag}"').status_code == 304
    assert _get(client, url, '"other"').status_code == 200


def test_tags_differ_by_request_language_and_kind_of_answer(app, client):
    with app.app_context():
        one, two = make_submission().number, make_submission().number
    tags = {
        client.get(url).headers["ETag"]
        for url in (
            f"/t/{one}",
            f"/t/{one}?lang=en",
            f"/api/v1/track/{one}",
            f"/t/{two}",
        )
    }
    assert len(tags) == 4
    # The tag stands for the request's state, not for the moment it was read.
    # (?lang=en is remembered in a cookie: /t/{two} was read in English.)
    assert client.get(f"/t/{two}").headers["ETag"] in tags


@pytest.mark.parametrize("kind", KINDS)
def test_a_number_that_does_not_exist_gets_no_tag_and_no_304(app, client, kind):
    with app.app_context():
        real = make_submission().number
    unknown = tracking.generate()
    while unknown == real:
        unknown = tracking.generate()
    real_tag = client.get(kind.format(real)).headers["ETag"]
    for tag in ("*", real_tag, '"anything"'):
        missing = _get(client, kind.format(unknown), tag)
        assert missing.status_code == 404
        assert "ETag" not in missing.headers and "Last-Modified" not in missing.headers
    mistyped = real[:-1] + ("0" if real[-1] != "0" else "1")
    answer = _get(client, kind.format(mistyped), real_tag)
    assert answer.status_code == 400 and "ETag" not in answer.headers


def test_revalidations_count_against_the_lookup_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        number = make_submission().number
    tag = client.get(f"/t/{number}").headers["ETag"]
    assert _get(client, f"/t/{number}", tag).status_code == 304
    assert _get(client, f"/api/v1/track/{number}", tag).status_code == 200
    assert _get(client, f"/t/{number}", tag).status_code == 429


# -- every change a resident can see moves the tag ---------------------------


def _status_moved(app, number, clerk):
    current = Submission.by_number(number)
    submissions.move(
        current, "verifying", version=current.version, staff=clerk, public_note="ok"
    )


def _ticked(app, number, clerk):
    submission = Submission.by_number(number)
    (first, *_) = requirements.of_request(submission)
    requirements.record(submission, {first.key: True}, staff=clerk)


def _paper_sent(app, number, clerk):
    response = app.test_client().post(
        f"/t/{number}/papers",
        data={"requirement": "1", "files": (io.BytesIO(files.jpeg()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303


def _paper_refused(app, number, clerk):
    paper = RequestPaper.get()
    request_papers.decide(paper, request_papers.REFUSED, clerk, "Foto buram")


def _status_moved_to(number, status, clerk):
    current = Submission.by_number(number)
    submissions.move(current, status, version=current.version, staff=clerk)


def _day_closed(app, number, clerk):
    due = Submission.by_number(number).due_date
    today = dt.date.today()
    day = next(
        today + dt.timedelta(days=d)
        for d in range(1, 10)
        if calendar.office_calendar(today).is_working_day(today + dt.timedelta(days=d))
        and today + dt.timedelta(days=d) <= due
    )
    calendar.add_closure(clerk, day, "Cuti bersama", today)
    assert Submission.by_number(number).due_date != due


def _office_edited(app, number, clerk):
    OfficeSettings.update(address="Jl. Prof. M. Yamin No. 9, Muaro Sijunjung").execute()


def _requirements_edited(app, number, clerk):
    kind = Submission.by_number(number).document_type
    DocumentType.update(
        requirements_id="Fotokopi KK\nSurat pengantar RT/RW",
        requirements_en="Copy of the family card\nA letter from the RT/RW",
    ).where(DocumentType.id == kind.id).execute()


def _purged(app, number, clerk):
    """A rejected request's retention period ends: it is purged."""
    later = dt.datetime.now() + dt.timedelta(days=400)
    assert retention.purge_personal_data(now=later) >= 1


# change: (the request's status before it, what makes it)
CHANGES = {
    "status": ("submitted", _status_moved),
    "tick": ("submitted", _ticked),
    "paper": ("needs_info", _paper_sent),
    "closure": ("submitted", _day_closed),
    "office": ("submitted", _office_edited),
    "requirements": ("submitted", _requirements_edited),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("kind", KINDS)
def test_a_change_gives_a_new_tag_and_the_page_a_fresh_render_gives(
    cached_app, change, kind
):
    client = cached_app.test_client()
    with cached_app.app_context():
        clerk = make_staff()
        status, make_change = CHANGES[change]
        number = make_submission(status=status).number
    url = kind.format(number) + "?lang=en"
    before = client.get(url)
    with cached_app.app_context():
        make_change(cached_app, number, clerk)
    # Another process's change shows when the settings copy expires.
    cached_app.extensions["caches"]["public_digest"].forget()
    cached_app.extensions["caches"]["office"].forget()
    cached_app.extensions["caches"]["document_types"].forget()
    after = _get(client, url, before.headers["ETag"])
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    # (The API leaves out the office until the resident must come, and the
    # files sent.)
    if not (kind.startswith("/api") and change in ("office", "paper")):
        assert after.data != before.data
    _forget_caches(cached_app)
    assert client.get(url).data == after.data  # what a cold process renders


def test_booking_and_a_decision_on_a_paper_move_the_tag(app, client):
    with app.app_context():
        clerk = make_staff()
        number = make_submission(status="ready").number
        now = dt.datetime.now(ZoneInfo("Asia/Jakarta")).replace(tzinfo=None)
        offered = collection.offered(now, calendar.office_calendar(now.date()))
        slot = next(slot for _day, slots in offered for slot in slots)
    tags = [client.get(f"/t/{number}").headers["ETag"]]
    booked = client.post(f"/t/{number}/collect", data={"slot": slot_value(slot.start)})
    assert booked.status_code == 303
    tags.append(client.get(f"/t/{number}").headers["ETag"])
    with app.app_context():
        booking = collection.booking_by_number(number)
        assert collection.mark(booking.id, collection.MISSED, clerk)
    tags.append(client.get(f"/t/{number}").headers["ETag"])
    with app.app_context():
        waiting = make_submission(status="needs_info").number
    _upload = app.test_client().post(
        f"/t/{waiting}/papers",
        data={"requirement": "1", "files": (io.BytesIO(files.jpeg()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert _upload.status_code == 303
    paper_tags = [client.get(f"/t/{waiting}").headers["ETag"]]
    with app.app_context():
        _paper_refused(app, waiting, clerk)
    paper_tags.append(client.get(f"/t/{waiting}").headers["ETag"])
    assert len(set(tags)) == 3 and len(set(paper_tags)) == 2


def test_a_purge_moves_the_tag(app, client):
    with app.app_context():
        clerk = make_staff()
        number = make_submission(status="rejected").number
    before = client.get(f"/t/{number}").headers["ETag"]
    with app.app_context():
        _purged(app, number, clerk)
        assert PublicChange.get_by_id(Submission.by_number(number).id).changes >= 1
    assert client.get(f"/t/{number}").headers["ETag"] != before


# -- QR images ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_a_qr_revalidation_draws_nothing_and_is_not_counted(make_app, kind):
    app = make_app(
        RATELIMIT_ENABLED=True,
        QR_RATE_LIMIT="2 per minute",
        PUBLIC_BASE_URL="https://dukcapil.example.go.id",
    )
    client = app.test_client()
    url = f"/t/{tracking.generate()}/qr.{kind}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "immutable" in first.headers["Cache-Control"]
    drawn = app.extensions["caches"]["qr"]
    drawn.forget()
    for _ in range(5):
        again = _get(client, url, first.headers["ETag"])
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == first.headers["ETag"]
    assert not drawn._entries  # nothing drawn again for the 304s
    assert client.get(url).status_code == 200  # the second drawing counted
    assert client.get(url).status_code == 429


def test_a_qr_tag_stands_for_the_address_it_holds(make_app):
    number = tracking.generate()
    tags = set()
    for base in ("https://a.example.go.id", "https://b.example.go.id"):
        for _ in range(2):  # another process with the same settings: same tag
            client = make_app(PUBLIC_BASE_URL=base).test_client()
            tags.add(client.get(f"/t/{number}/qr.svg").headers["ETag"])
    assert len(tags) == 2
    client = make_app(PUBLIC_BASE_URL="https://a.example.go.id").test_client()
    assert client.get(f"/t/{number}/qr.png").headers["ETag"] not in tags
