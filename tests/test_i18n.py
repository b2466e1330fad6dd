"""Languages: the Indonesian catalog is complete and current; selection order."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.support.factories import make_submission
from tests.support.pages import CATALOG

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
}


def _method_map():
    return [("**.py", "python"), ("**.html", "jinja2")]


def extracted_messages():
    """Every message id used in the code and templates."""
    found = set()
    for folder in ("kiosk", "templates"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder, _method_map(), keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog():
    with open(CATALOG, "rb") as handle:
        return read_po(handle, locale="id")


def _translated(message):
    if isinstance(message.string, str):
        return bool(message.string.strip())
    return all(part.strip() for part in message.string)


def test_every_message_has_an_indonesian_translation():
    entries = {
        (m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog() if m.id
    }
    missing = sorted(i for i in extracted_messages() if i not in entries)
    untranslated = sorted(
        i for i, m in entries.items() if not _translated(m) or m.fuzzy
    )
    assert not missing, f"not in the catalog (run `make translations`): {missing}"
    assert not untranslated, f"no Indonesian translation: {untranslated}"


def test_catalog_has_no_stale_entries():
    used = extracted_messages()
    stale = sorted(
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog()
        if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in used
    )
    assert not stale, f"in the catalog but no longer used: {stale}"


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\([a-z_]+\)[sd]")
    for message in catalog():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = (
            [message.string] if isinstance(message.string, str) else message.string
        )
        for target in targets:
            assert sorted(placeholder.findall(source)) == sorted(
                placeholder.findall(target)
            ), source


def test_indonesian_is_the_default(client):
    page = client.get("/").text
    assert '<html lang="id">' in page
    assert "Ajukan permohonan dokumen" in page


def test_accept_language_chooses_english(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in page
    assert "Apply for a document" in page


def test_unsupported_accept_language_falls_back_to_indonesian(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.5"}).text
    assert '<html lang="id">' in page


def test_explicit_choice_is_remembered_and_beats_accept_language(client):
    first = client.get("/?lang=en", headers={"Accept-Language": "id"})
    assert '<html lang="en">' in first.text
    cookie = first.headers["Set-Cookie"]
    assert "lang=en" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    later = client.get("/stats", headers={"Accept-Language": "id"})
    assert '<html lang="en">' in later.text
    back = client.get("/?lang=id", headers={"Accept-Language": "en"})
    assert '<html lang="id">' in back.text


def test_the_old_code_for_indonesian_counts_as_indonesian(client):
    page = client.get("/", headers={"Accept-Language": "in-ID,in;q=0.9,en;q=0.8"}).text
    assert '<html lang="id">' in page


def test_the_api_answers_each_call_in_its_own_language(app, client):
    """A bot asks for many residents: no cookie is set for it, none is read."""
    with app.app_context():
        number = make_submission().number
    english = client.get(f"/api/v1/track/{number}?lang=en")
    assert english.json["status"]["label"] == "Received"
    assert "Set-Cookie" not in english.headers
    client.set_cookie("lang", "en")
    indonesian = client.get(
        f"/api/v1/track/{number}", headers={"Accept-Language": "id-ID"}
    )
    assert indonesian.json["status"]["label"] == "Diterima"


def test_unknown_lang_parameter_is_ignored(client):
    response = client.get("/?lang=xx")
    assert response.status_code == 200
    assert '<html lang="id">' in response.text


def test_language_switch_links_keep_the_page(client):
    page = client.get("/stats?lang=en").text
    assert 'href="/stats?lang=id"' in page


def test_dates_are_formatted_in_the_office_language(app, client):
    from tests.support.factories import make_submission

    with app.app_context():
        submission = make_submission()
    month_id = {
        1: "Januari",
        2: "Februari",
        3: "Maret",
        4: "April",
        5: "Mei",
        6: "Juni",
        7: "Juli",
        8: "Agustus",
        9: "September",
        10: "Oktober",
        11: "November",
        12: "Desember",
    }
    page_id = client.get(f"/t/{submission.number}?lang=id").text
    assert month_id[submission.due_date.month] in page_id
    page_en = client.get(f"/t/{submission.number}?lang=en").text
    assert submission.due_date.strftime("%B") in page_en


@pytest.mark.parametrize(("lang", "label"), [("id", "Diterima"), ("en", "Received")])
def test_api_speaks_the_requested_language(app, client, lang, label):
    from tests.support.factories import make_submission

    with app.app_context():
        submission = make_submission()
    body = client.get(f"/api/v1/track/{submission.number}?lang={lang}").json
    assert body["status"]["label"] == label
    assert body["language"] == lang


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Jayapura"])
def test_dates_read_exactly_as_babel_writes_them(app, zone):
    """The template filters parse each pattern once; the words must not change."""
    import datetime as dt

    import flask_babel

    from kiosk.data.models import OfficeSettings
    from kiosk.web import dates

    moments = [
        dt.datetime(2026, month, day, hour, minute, 5)
        for month, day in ((1, 1), (2, 28), (5, 31), (12, 31))
        for hour, minute in ((0, 0), (9, 7), (16, 59), (17, 0), (23, 59))
    ]
    with app.app_context():
        OfficeSettings.update(timezone=zone).execute()
    for locale in ("id", "en"):
        with app.test_request_context(f"/?lang={locale}"):
            app.preprocess_request()
            for moment in moments:
                expected = flask_babel.format_datetime(moment, "EEEE HH:mm")
                assert dates.format_datetime(moment, "EEEE HH:mm") == expected
            for fmt in ("short", "medium", "long", "full", "MMM y"):
                for moment in moments:
                    expected = _day_without_zero(
                        flask_babel.format_datetime(moment, fmt)
                    )
                    assert dates.format_datetime(moment, fmt) == expected
                    expected = _day_without_zero(flask_babel.format_date(moment, fmt))
                    assert dates.format_date(moment, fmt) == expected
                    expected = _day_without_zero(
                        flask_babel.format_date(moment.date(), fmt)
                    )
                    assert dates.format_date(moment.date(), fmt) == expected


def _day_without_zero(text):
    """Babel's Indonesian full date says "Kamis, 01 Januari 2026"; the site
    writes the day as Indonesian does: "Kamis, 1 Januari 2026"."""
    return re.sub(r"\b0(\d) (?=[A-Z][a-z]+ \d{4})", r"\1 ", text)


@pytest.mark.parametrize(
    ("zone", "lang", "shown"),
    [
        ("Asia/Jakarta", "id", "29 Nov 2026 11.47 WIB"),
        ("Asia/Jakarta", "en", "Nov 29, 2026, 11:47\u202fAM WIB"),
        ("Asia/Jayapura", "id", "29 Nov 2026 13.47 WIT"),
        ("UTC", "id", "29 Nov 2026 04.47"),
    ],
)
def test_a_moment_is_shown_to_the_minute_with_its_zone(app, zone, lang, shown):
    import datetime as dt

    from kiosk.data.models import OfficeSettings
    from kiosk.web import dates

    with app.app_context():
        OfficeSettings.update(timezone=zone).execute()
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        moment = dt.datetime(2026, 11, 29, 4, 47, 20)  # stored in UTC
        assert dates.format_datetime(moment, dates.MINUTE) == shown


def test_an_indonesian_full_date_has_no_leading_zero(app):
    import datetime as dt

    from kiosk.web import dates

    with app.test_request_context("/?lang=id"):
        app.preprocess_request()
        assert (
            dates.format_date(dt.date(2026, 12, 2), "full") == "Rabu, 2 Desember 2026"
        )


def test_template_gettext_escapes_values_and_translates(app):
    """`_()` in templates: the Indonesian text, values escaped, "%%" read as "%"."""
    template = app.jinja_env.from_string(
        '{{ _("Select %(number)s", number=value) }}|{{ _("History") }}|{{ _("100%%") }}'
    )
    with app.test_request_context("/?lang=id"):
        app.preprocess_request()
        shown = template.render(value="<b>7KQ</b>")
    select, history, percent = shown.split("|")
    assert "&lt;b&gt;7KQ&lt;/b&gt;" in select and "<b>" not in select
    assert select != "Select &lt;b&gt;7KQ&lt;/b&gt;"  # translated
    assert history == "Riwayat"
    assert percent == "100%"
