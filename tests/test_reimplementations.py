"""Code kept in place of a library's own API for speed gives the library's answers.

Six pieces do what a library does, faster (their gains are measured by
bench/reimplementations.py and written beside each): the request's catalog and
locale kept on `g` and templates asking it directly (web/i18n.py), date patterns
parsed once (web/dates.py; babel's own named formats are compared in
test_i18n.py), the QR mask chosen with bit operations (domain/qr.py), the public
record read by SQL built once (data/public_record.py), a request's INSERTs built
once (data/compiled.py) and templates' globals with a set of keys
(web/templating.py). Each is compared here with the library doing the same work.
"""

import datetime as dt
import re

import flask_babel
import peewee as pw
import pytest
import qrcode
from babel import dates as babel_dates
from babel.messages.pofile import read_po
from flask import Flask, render_template_string

from kiosk.data import public_record
from kiosk.data.models import DocumentType, OfficeSettings, StatusEvent, Submission
from kiosk.domain import qr, tracking
from kiosk.services import submissions
from kiosk.web import dates, i18n
from tests.conftest import TRANSLATIONS
from tests.support.factories import make_submission
from tests.support.pages import without_tokens

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _catalog_messages():
    with (TRANSLATIONS / "id/LC_MESSAGES/messages.po").open("rb") as source:
        catalog = read_po(source, locale="id")
    return [message for message in catalog if message.id]


def _sample_values(text):
    """Values for a message's named placeholders: markup for text, 3 for numbers."""
    return {
        name: 3 if kind == "d" else "<b>x</b>"
        for name, kind in _PLACEHOLDER.findall(text)
    }


def _plain_flask_babel_app(locale):
    """A bare Flask app with flask-babel's own setup on the same catalogs."""
    plain = Flask("plain")
    plain.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    flask_babel.Babel(plain, locale_selector=lambda: locale)
    return plain


def _template_calls(messages):
    """One Jinja expression per message, with values for its placeholders."""
    calls = []
    for message in messages:
        if isinstance(message.id, tuple):  # singular, plural: ngettext
            singular, plural = message.id
            values = _sample_values(singular + plural)
            values.pop("num", None)
            call = f"ngettext({singular!r}, {plural!r}, 2, **{values!r})"
        else:
            call = f"_({message.id!r}, **{_sample_values(message.id)!r})"
        calls.append("{{ " + call + " }}")
    return calls


@pytest.mark.parametrize("locale", ["id", "en"])
def test_templates_translate_every_message_as_flask_babel_does(app, locale):
    calls = _template_calls(_catalog_messages())
    source = "\n".join(calls)
    with app.test_request_context(f"/?lang={locale}"):
        app.preprocess_request()
        ours = render_template_string(source).split("\n")
    plain = _plain_flask_babel_app(locale)
    with plain.test_request_context("/"):
        theirs = render_template_string(source).split("\n")
    assert len(ours) == len(calls) > 500
    assert ours == theirs


@pytest.mark.parametrize("locale", ["id", "en"])
def test_lazy_labels_and_gettext_match_flask_babel(app, locale):
    labels = [
        *i18n.STATUS_LABELS.values(),
        *i18n.STATUS_EXPLANATIONS.values(),
        *i18n.STATUS_NEXT_STEPS.values(),
        *i18n.CHANNEL_LABELS.values(),
        *i18n.NUMBER_ERRORS.values(),
        i18n.NOT_FOUND,
    ]
    with app.test_request_context(f"/?lang={locale}"):
        app.preprocess_request()
        ours = [str(label) for label in labels]
        # A message in another language inside this request (WhatsApp texts).
        other = "en" if locale == "id" else "id"
        with flask_babel.force_locale(other):
            ours_other = [str(label) for label in labels]
    plain = flask_babel.Domain(translation_directories=[str(TRANSLATIONS)])
    for language, shown in ((locale, ours), (other, ours_other)):
        with _plain_flask_babel_app(language).test_request_context("/"):
            assert shown == [plain.gettext(label._args[0]) for label in labels]


def test_the_kept_catalog_and_locale_follow_force_locale_and_refresh(app):
    """The catalog and language read from flask-babel's state on `g` are the
    ones its own get_locale() gives: in a forced locale, nested, after it and
    after refresh()."""
    template = "{{ _('Received') }} {{ current_locale() }}"
    with app.test_request_context("/?lang=id"):
        app.preprocess_request()
        shown = [render_template_string(template)]
        with flask_babel.force_locale("en"):
            shown.append(render_template_string(template))
            with flask_babel.force_locale("id"):
                shown.append(render_template_string(template))
            shown.append(str(i18n.STATUS_LABELS["submitted"]))
        shown.append(render_template_string(template))
        flask_babel.refresh()
        shown.append(i18n.current_locale())
        assert flask_babel.get_locale().language == "id"
    assert shown == [
        "Diterima id",
        "Received en",
        "Diterima id",
        "Received",
        "Diterima id",
        "id",
    ]


def test_template_globals_are_jinjas_with_a_set_of_keys(app):
    """TemplateGlobals (web/templating.py) is what make_globals gives, and its
    keys are ChainMap's, globals added after a template was loaded included."""
    from collections import ChainMap

    from kiosk.web.templating import TemplateGlobals

    jinja = app.jinja_env
    template = jinja.get_template("public/tracking.html")
    assert type(template.globals) is TemplateGlobals
    jinja.globals["added_later"] = 1
    try:
        assert template.globals.keys() == set(ChainMap(*template.globals.maps))
        assert "added_later" in template.globals.keys()
    finally:
        del jinja.globals["added_later"]


def test_pages_with_imported_macros_render_as_with_jinjas_chainmap(app, client):
    """The same pages with every template's globals Jinja's own ChainMap."""
    from collections import ChainMap

    with app.app_context():
        number = make_submission(status="ready").number
    paths = [f"/t/{number}", "/apply", "/stats", f"/t/{number}/receipt"]
    ours = [client.get(path).get_data(as_text=True) for path in paths]
    for template in list(app.jinja_env.cache.values()):
        template.globals = ChainMap(*template.globals.maps)
        template._module = None
    theirs = [client.get(path).get_data(as_text=True) for path in paths]
    assert [without_tokens(page) for page in ours] == [
        without_tokens(page) for page in theirs
    ]
    assert all("<main" in page for page in ours)


def _library_minute(value):
    """flask-babel's medium date and short time put into babel's glue, and
    the zone's abbreviation: what dates.MINUTE means."""
    glue = babel_dates.get_datetime_format("medium", flask_babel.get_locale())
    text = glue.replace("'", "").replace(
        "{1}", flask_babel.format_date(value, "medium")
    )
    text = text.replace("{0}", flask_babel.format_time(value, "short"))
    zone = dates.ZONE_ABBREVIATIONS.get(str(flask_babel.get_timezone()))
    return f"{text} {zone}" if zone else text


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
def test_a_moment_to_the_minute_reads_as_babel_composes_it(app, zone):
    start, step = dt.datetime(2026, 1, 1, 0, 7), dt.timedelta(hours=37, minutes=13)
    moments = [start + n * step for n in range(240)]  # a year: each weekday and hour
    with app.app_context():
        OfficeSettings.update(timezone=zone).execute()
    for locale in ("id", "en"):
        with app.test_request_context(f"/?lang={locale}"):
            app.preprocess_request()
            for moment in moments:
                expected = _library_minute(moment)
                assert dates.format_datetime(moment, dates.MINUTE) == expected
            assert dates.format_datetime(None, dates.MINUTE) == ""
            assert dates.format_date(None) == ""


def _library_matrix(data):
    code = qrcode.QRCode(error_correction=qrcode.ERROR_CORRECT_M, border=qr.QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def test_qr_modules_are_qrcodes_own_for_every_size_past_version_seven():
    urls = [
        f"https://{'d' * length}.go.id/t/{tracking.generate()}"
        for length in range(1, 240, 7)
    ]
    versions = set()
    for url in urls:
        ours = qr.matrix(url)
        assert ours == _library_matrix(url), url
        versions.add((len(ours) - 2 * qr.QUIET_ZONE - 17) // 4)
    # Version 7 and up carry version information, laid out by its own code.
    assert min(versions) <= 3 and max(versions) >= 8


def _library_record(number):
    """The same record from peewee's query, built anew for the lookup."""
    head = public_record._RECORD_COLUMNS
    rows = list(
        Submission.select(*head, *public_record._EVENT_COLUMNS)
        .join(DocumentType)
        .switch(Submission)
        .join(StatusEvent, pw.JOIN.LEFT_OUTER)
        .where(Submission.number == number)
        .order_by(StatusEvent.created_at, StatusEvent.id)
        .tuples()
    )
    if not rows:
        return None
    events = tuple(
        public_record.PublicEvent(status, note or "", at)
        for *_, status, note, at in rows
        if status
    )
    return public_record.PublicRecord(number, *rows[0][: len(head)], events=events)


def test_a_public_record_is_what_peewees_query_reads(app):
    with app.app_context():
        plain = make_submission()
        moved = make_submission(code="AKL")
        for target, note in (
            ("verifying", ""),
            ("needs_info", "Bawa surat keterangan lahir"),
            ("verifying", ""),
        ):
            moved = submissions.move(
                moved, target, version=moved.version, staff=None, public_note=note
            )
        # Two events at the same moment: the id decides their order.
        tie = make_submission(code="KIA")
        first = StatusEvent.get(StatusEvent.submission == tie.id)
        StatusEvent.create(
            submission=tie,
            from_status="submitted",
            to_status="verifying",
            created_at=first.created_at,
        )
        unknown = tracking.generate()
        for number in (plain.number, moved.number, tie.number, unknown):
            assert public_record.find(number) == _library_record(number), number
        assert len(public_record.find(moved.number).events) == 4


def test_a_compiled_insert_stores_what_model_create_stores(app):
    """data/compiled.Insert: the same row as peewee's Model.create, defaults
    included, and the same instance back (services/submissions.py, audit.py)."""
    from kiosk.data import compiled
    from tests.support.staff import make_staff

    with app.app_context():
        kind = DocumentType.get(DocumentType.code == "KTP")
        clerk = make_staff()
        at = dt.datetime(2026, 11, 2, 3, 4, 5, 678000)
        values = dict(
            document_type=kind, applicant_name="Siti Rahma", name_key="siti rahma",
            nik="1303054507900001", phone=None, kecamatan="Kupitan",
            nagari="Padang Laweh", channel="counter", language="en", note="",
            due_date=dt.date(2026, 11, 5), recorded_by=clerk, kiosk=None,
            created_at=at, updated_at=at,
        )  # fmt: skip
        ours = compiled.Insert(Submission).create(number="7KQ4M2XPR", **values)
        theirs = Submission.create(number="7KQ4M2XP0", **values)
        event_values = dict(to_status="submitted", staff=clerk, created_at=at)
        event = compiled.Insert(StatusEvent).create(submission=ours, **event_values)
        library_event = StatusEvent.create(submission=theirs, **event_values)

        def stored(model, row_id):
            row = model.select().where(model.id == row_id).dicts().get()
            return {
                k: v for k, v in row.items() if k not in ("id", "number", "submission")
            }

        assert stored(Submission, ours.id) == stored(Submission, theirs.id)
        assert stored(StatusEvent, event.id) == stored(StatusEvent, library_event.id)
        assert ours.id == Submission.get(Submission.number == "7KQ4M2XPR").id
        # The instance holds every field; peewee's leaves out those that are
        # None by default.
        shown = {**theirs.__data__, "id": 0, "number": ""}
        assert {**ours.__data__, "id": 0, "number": ""} == {
            name: shown.get(name) for name in ours.__data__
        }
        with pytest.raises(pw.IntegrityError):  # as Model.create raises it
            compiled.Insert(Submission).create(number="7KQ4M2XPR", **values)


def test_compiled_rows_store_what_insert_many_stores(app):
    """data/compiled.InsertRows: the rows peewee's insert_many stores, for
    each number of rows, with its ON CONFLICT clause (the daily tallies add up)."""
    from kiosk.data import compiled, tallies
    from kiosk.data.models import DailyTally, NameWord

    with app.app_context():
        ours, theirs = make_submission(), make_submission()
        fields = [NameWord.submission, NameWord.word]
        ignore = compiled.InsertRows(NameWord, fields, lambda q: q.on_conflict_ignore())
        for count in (1, 3, 40):  # 40: more than are kept compiled
            words = [f"kata{count}x{i}" for i in range(count)]
            ignore.insert([(ours.id, w) for w in words + words[:1]])
            NameWord.insert_many(
                [(theirs.id, w) for w in words + words[:1]], fields=fields
            ).on_conflict_ignore().execute()

        def words_of(submission):
            query = NameWord.select(NameWord.word).where(
                NameWord.submission == submission.id
            )
            return sorted(word for (word,) in query.tuples())

        assert words_of(ours) == words_of(theirs)
        day = dt.date(2026, 11, 2)
        rows = [
            ("channel", day, "web", "received", 0, 2),
            ("type", day, "9", "x", 0, 1),
        ]
        tallies.add(rows)
        tallies.add(rows)
        added = DailyTally.select(DailyTally.key, DailyTally.count).where(
            DailyTally.day == day
        )
        assert dict(added.tuples()) == {"web": 4, "9": 2}
