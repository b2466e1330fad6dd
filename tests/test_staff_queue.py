"""The work queue: counts, filters, search, keyset paging and the scan box."""

import datetime as dt
import re

import pytest

from kiosk.data import name_index
from kiosk.data.models import DocumentType, Submission, utcnow
from kiosk.domain import tracking
from kiosk.services import name_search, queue
from kiosk.web import caches
from tests.support.factories import make_submission
from tests.support.pages import without_tokens
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    fast_passwords,
    htmx_headers,
    many_submissions,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

ROW = re.compile(r'name="selected" value="([0-9A-Z]+):\d+"')


def shown(response):
    """Tracking numbers listed on a queue page, in order."""
    return ROW.findall(response.get_data(as_text=True))


def test_queue_counts_open_requests_and_finished_ones_of_the_last_30_days(app, clerk):
    make_submission()
    make_submission()
    make_submission(status="needs_info")
    make_submission(status="ready")
    recent = make_submission(status="completed")
    old = make_submission(status="completed")
    make_submission(status="rejected")
    Submission.update(updated_at=utcnow() - dt.timedelta(days=40)).where(
        Submission.id == old.id
    ).execute()
    counts = queue.count_now(utcnow())
    assert counts["submitted"] == 2
    assert counts["needs_info"] == 1
    assert counts["ready"] == 1
    assert counts["open"] == 4
    assert counts["completed"] == 1  # the old one is outside the window
    assert counts["rejected"] == 1
    page = clerk.get("/staff").get_data(as_text=True)
    assert 'id="count-open"' in page
    assert "last 30 days" in page
    # The list itself still shows every completed request when asked for.
    completed = shown(clerk.get("/staff?status=completed"))
    assert set(completed) == {recent.number, old.number}


def test_status_filter_and_all_open(app, clerk):
    fresh = make_submission()
    checking = make_submission(status="verifying")
    done = make_submission(status="completed")
    assert shown(clerk.get("/staff?status=verifying")) == [checking.number]
    assert set(shown(clerk.get("/staff?status=open"))) == {
        fresh.number,
        checking.number,
    }
    assert set(shown(clerk.get("/staff"))) == {
        fresh.number,
        checking.number,
        done.number,
    }
    # Unknown values are ignored rather than breaking the page.
    assert len(shown(clerk.get("/staff?status=bogus&channel=fax&order=x"))) == 3


def test_document_type_and_channel_filters(app, clerk):
    kk_web = make_submission(code="KK", channel="web")
    ktp_whatsapp = make_submission(code="KTP", channel="whatsapp")
    assert shown(clerk.get("/staff?document_type=KTP")) == [ktp_whatsapp.number]
    assert shown(clerk.get("/staff?document_type=kk")) == [kk_web.number]
    assert shown(clerk.get("/staff?channel=whatsapp")) == [ktp_whatsapp.number]
    assert shown(clerk.get("/staff?channel=web&document_type=KTP")) == []
    assert shown(clerk.get("/staff?document_type=NOPE")) == []


def test_date_range_uses_the_office_calendar_day(app, clerk):
    # 18:00 UTC on the 10th is 01:00 on the 11th in Jakarta.
    late = make_submission(created_at=dt.datetime(2026, 11, 10, 18, 0))
    early = make_submission(created_at=dt.datetime(2026, 11, 10, 2, 0))
    assert shown(clerk.get("/staff?date_from=2026-11-11")) == [late.number]
    assert shown(clerk.get("/staff?date_to=2026-11-10")) == [early.number]
    both = clerk.get("/staff?date_from=2026-11-10&date_to=2026-11-11")
    assert set(shown(both)) == {late.number, early.number}
    bad = clerk.get("/staff?date_from=10-11-2026")
    assert "A date was not understood" in bad.get_data(as_text=True)
    assert len(shown(bad)) == 2


@pytest.mark.parametrize(
    "query", ["date_from=0001-01-01", "date_to=9999-12-31", "date_from=1899-12-31"]
)
def test_a_date_outside_any_plausible_range_is_explained(app, clerk, query):
    make_submission()
    response = clerk.get(f"/staff?{query}")
    assert response.status_code == 200
    assert "A date was not understood" in response.get_data(as_text=True)
    assert len(shown(response)) == 1


def test_overdue_filter_shows_open_requests_past_their_date(app, clerk):
    today = dt.date.today()
    late = make_submission(due_date=today - dt.timedelta(days=2))
    make_submission(due_date=today + dt.timedelta(days=2))
    finished_late = make_submission(status="completed")
    Submission.update(due_date=today - dt.timedelta(days=9)).where(
        Submission.id == finished_late.id
    ).execute()
    response = clerk.get("/staff?overdue=1")
    assert shown(response) == [late.number]
    assert 'overdue-tag">Late<' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "{display}",
        "{lower}",
        "https://dukcapil.example/t/{number}",
        "  {spaced} ",
    ],
)
def test_search_by_tracking_number_in_any_form(app, clerk, query):
    wanted = make_submission(applicant_name="Andi Saputra")
    make_submission(applicant_name="Rina Wati")
    number = wanted.number
    text = query.format(
        display=tracking.display(number),
        lower=number.lower(),
        number=number,
        spaced=" ".join(number),
    )
    assert shown(clerk.get("/staff", query_string={"q": text})) == [number]


def test_search_by_the_first_letters_of_the_name_ignores_case(app, clerk):
    andi = make_submission(applicant_name="Andi Saputra")
    andini = make_submission(applicant_name="Andini Putri")
    budi = make_submission(applicant_name="Budi Andi")
    assert set(shown(clerk.get("/staff?q=andi"))) == {
        andi.number,
        andini.number,
        budi.number,
    }
    assert shown(clerk.get("/staff?q=ANDI+SAP")) == [andi.number]
    assert shown(clerk.get("/staff?q=andi+s")) == [andi.number]
    assert shown(clerk.get("/staff?q=zulkifli")) == []


def test_search_by_any_word_of_the_name(app, clerk):
    siti = make_submission(applicant_name="Siti Aminah")
    make_submission(applicant_name="Siti Rahmawati")
    make_submission(applicant_name="Aminuddin Koto")
    for q in ("aminah", "AMINAH", "Aminah", "amina"):
        assert shown(clerk.get("/staff", query_string={"q": q})) == [siti.number], q
    # Two letters match only where a word begins (three or more may match
    # inside a word too: tests/test_name_infix.py).
    assert shown(clerk.get("/staff?q=in")) == []


def test_several_words_must_all_begin_words_of_the_name_in_any_order(app, clerk):
    siti = make_submission(applicant_name="Siti Aminah")
    rahma = make_submission(applicant_name="Siti Rahmawati")
    make_submission(applicant_name="Aminah Koto")
    for q in ("siti ami", "aminah siti", "Siti Aminah", "ami s", "siti, aminah"):
        assert shown(clerk.get("/staff", query_string={"q": q})) == [siti.number], q
    assert shown(clerk.get("/staff?q=siti+rahma")) == [rahma.number]
    assert shown(clerk.get("/staff?q=siti+koto")) == []
    # A typed word that begins another typed word adds nothing.
    assert set(shown(clerk.get("/staff?q=siti+si"))) == {siti.number, rahma.number}


def test_names_with_punctuation_or_accents_are_found_as_typed(app, clerk):
    maruf = make_submission(applicant_name="Ma'ruf Amin")
    double = make_submission(applicant_name="Siti-Aminah Putri")
    jose = make_submission(applicant_name="José Rizal")
    for q, wanted in [
        ("maruf", maruf),
        ("ma'ruf", maruf),
        ("ruf", maruf),
        ("sitiaminah", double),
        ("aminah putri", double),
        ("siti-am", double),
        ("jose", jose),
        ("JOSÉ riz", jose),
    ]:
        assert shown(clerk.get("/staff", query_string={"q": q})) == [wanted.number], q


def test_a_nine_letter_name_that_reads_as_a_tracking_number_finds_both(
    app, clerk, monkeypatch
):
    # "Nurjannah" passes the check symbol: it is also the number NVRJANNAH.
    number = tracking.parse("nurjannah").number
    named = make_submission(applicant_name="Siti Nurjannah")
    numbered = make_submission(applicant_name="Rina Wati")
    Submission.update(number=number).where(Submission.id == numbered.id).execute()
    make_submission(applicant_name="Nurjanah Koto")
    wanted = sorted([named.number, number])
    assert sorted(shown(clerk.get("/staff?q=Nurjannah"))) == wanted
    # The same through the walk, when a word is common.
    monkeypatch.setattr(name_search, "FEW_MATCHES", 1)
    assert sorted(shown(clerk.get("/staff?q=Nurjannah"))) == wanted


def test_purged_requests_are_not_found_by_name(app, clerk):
    from kiosk.data.models import NameWord, OfficeSettings
    from kiosk.services import retention

    old = make_submission(applicant_name="Rosmaini Kaharuddin", status="completed")
    kept = make_submission(applicant_name="Rosmaini Putri")
    settings = OfficeSettings.saved()
    settings.retention_days = 0
    settings.save()
    assert set(shown(clerk.get("/staff?q=rosmaini"))) == {old.number, kept.number}
    assert retention.purge_personal_data(now=utcnow() + dt.timedelta(days=1)) == 1
    assert shown(clerk.get("/staff?q=rosmaini")) == [kept.number]
    assert shown(clerk.get("/staff?q=kaharuddin")) == []
    assert not NameWord.select().where(NameWord.submission == old.id).exists()


def _named(count, name, *, start, step=dt.timedelta(minutes=1), **values):
    """`count` requests called `name`, inserted at once and then given their
    name words the way a starting server gives them to older requests."""
    from kiosk.data import migrations

    rows = many_submissions(
        count, start=start, step=step, applicant_name=name, **values
    )
    migrations.fill_name_words()
    return rows


@pytest.fixture(params=["ids", "walk"])
def plan_kind(request, monkeypatch):
    """A search read both ways a page can be: the matches by their ids (few),
    or the queue walked in its order (many: FEW_MATCHES made small)."""
    if request.param == "walk":
        monkeypatch.setattr(name_search, "FEW_MATCHES", 5)
    return request.param


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_keyset_pages_over_name_matches(app, clerk, plan_kind, order):
    start = dt.datetime(2026, 10, 1, 0, 0)
    # Matches and others interleaved in time, some sharing a creation time.
    _named(70, "Siti Aminah", start=start, step=dt.timedelta(0))
    _named(40, "Siti Rahma", start=start, step=dt.timedelta(seconds=30))
    _named(55, "Aminah Koto Siti", start=start + dt.timedelta(seconds=1))
    wanted = {
        s.number: (s.created_at, s.id)
        for s in Submission.select()
        if "Aminah" in s.applicant_name
    }
    for q in ("aminah", "siti+ami"):
        pages = _walk(clerk, f"/staff?q={q}&order={order}")
        assert [len(p) for p in pages] == [50, 50, 25], q
        numbers = [n for page in pages for n in page]
        assert set(numbers) == set(wanted) and len(numbers) == 125, q
        keys = [wanted[n] for n in numbers]
        assert keys == sorted(keys, reverse=order == "newest"), q
        # Back from the last page, "previous page" shows the middle one again.
        last = clerk.get(f"/staff?q={q}&order={order}").get_data(as_text=True)
        for _ in range(2):
            link = re.search(r'id="page-next" rel="next" href="([^"]+)"', last)
            last = clerk.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
        link = re.search(r'id="page-previous" rel="prev" href="([^"]+)"', last)
        assert shown(clerk.get(link.group(1).replace("&amp;", "&"))) == pages[1]


def test_two_common_words_that_few_names_share(app, clerk, monkeypatch):
    # Each word is common and few names have both: their ids are collected
    # through the name_word indexes before the page reads them.
    monkeypatch.setattr(name_search, "FEW_MATCHES", 70)
    start = dt.datetime(2026, 10, 1)
    _named(80, "Siti Rahma", start=start)
    _named(80, "Aminah Koto", start=start + dt.timedelta(seconds=20))
    both = _named(55, "Siti Aminah", start=start + dt.timedelta(seconds=40))
    pages = _walk(clerk, "/staff?q=aminah+siti")
    assert [len(p) for p in pages] == [50, 5]
    numbers = [n for page in pages for n in page]
    assert numbers == [row["number"] for row in reversed(both)]
    assert shown(clerk.get("/staff?q=rahma+koto")) == []


def test_a_search_text_with_no_letters_is_explained(app, clerk):
    make_submission(applicant_name="Andi Saputra")
    response = clerk.get("/staff", query_string={"q": "'-'"})
    assert "Type at least 2 letters of the name." in response.get_data(as_text=True)
    assert shown(response) == []


@pytest.mark.parametrize("other", ["\ud7ff", "\U0010ffff", "\uffff", "_"])
def test_characters_that_are_no_letters_part_words(app, clerk, other):
    andi = make_submission(applicant_name="Andi Saputra")
    response = clerk.get("/staff", query_string={"q": "Andi" + other + "sap"})
    assert response.status_code == 200
    assert shown(response) == [andi.number]


def test_the_upper_bound_of_a_name_prefix_skips_what_cannot_be_stored():
    assert name_search._above_every_name_starting("andi") == "andj"
    assert name_search._above_every_name_starting("a\ud7ff") == "a\ue000"
    assert name_search._above_every_name_starting("a\U0010ffff") == "b"
    assert name_search._above_every_name_starting("\U0010ffff") == ""


def test_search_by_nik_and_by_phone_in_any_format(app, clerk):
    wanted = make_submission(nik="1303015501900002", phone="+6281298765432")
    make_submission(phone="+6281200000001")
    assert shown(clerk.get("/staff?q=1303015501900002")) == [wanted.number]
    assert shown(clerk.get("/staff?q=1303 0155 0190 0002")) == [wanted.number]
    for phone in ("081298765432", "+62 812-9876-5432", "6281298765432"):
        assert shown(clerk.get("/staff", query_string={"q": phone})) == [wanted.number]


def test_search_explains_a_mistyped_number(app, clerk):
    wanted = make_submission()
    typo = wanted.number[:-1] + ("0" if wanted.number[-1] != "0" else "1")
    response = clerk.get("/staff", query_string={"q": typo})
    assert "typing mistake" in response.get_data(as_text=True)
    assert shown(response) == []
    digits = clerk.get("/staff?q=12345")
    assert "Type a whole NIK" in digits.get_data(as_text=True)


def test_newest_or_oldest_first(app, clerk):
    start = dt.datetime(2026, 11, 1, 1, 0)
    first = make_submission(created_at=start)
    second = make_submission(created_at=start + dt.timedelta(hours=1))
    assert shown(clerk.get("/staff")) == [second.number, first.number]
    assert shown(clerk.get("/staff?order=oldest")) == [first.number, second.number]


def _walk(client, url, direction="next"):
    """Follow the pager from `url`; every page's numbers in order."""
    pages = []
    while url:
        response = client.get(url)
        pages.append(shown(response))
        link = re.search(
            rf'id="page-{direction}" rel="\w+" href="([^"]+)"',
            response.get_data(as_text=True),
        )
        url = link.group(1).replace("&amp;", "&") if link else None
    return pages


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_keyset_pages_cover_every_row_once_even_with_equal_times(app, clerk, order):
    start = dt.datetime(2026, 10, 1, 0, 0)
    # Groups of three requests share a creation time: the id breaks the tie.
    many_submissions(60, start=start, step=dt.timedelta(0))
    many_submissions(
        65, start=start + dt.timedelta(minutes=5), step=dt.timedelta(seconds=1)
    )
    pages = _walk(clerk, f"/staff?order={order}")
    assert [len(p) for p in pages] == [50, 50, 25]
    numbers = [n for page in pages for n in page]
    assert len(numbers) == len(set(numbers)) == 125
    rows = {s.number: (s.created_at, s.id) for s in Submission.select()}
    keys = [rows[n] for n in numbers]
    assert keys == sorted(keys, reverse=order == "newest")
    # Back from the last page with "previous page" gives the same pages reversed.
    last = clerk.get(f"/staff?order={order}").get_data(as_text=True)
    for _ in range(2):
        next_url = re.search(r'id="page-next" rel="next" href="([^"]+)"', last).group(1)
        last = clerk.get(next_url.replace("&amp;", "&")).get_data(as_text=True)
    previous_url = re.search(
        r'id="page-previous" rel="prev" href="([^"]+)"', last
    ).group(1)
    back = clerk.get(previous_url.replace("&amp;", "&"))
    assert shown(back) == pages[1]


def test_paging_keeps_the_filters(app, clerk):
    start = dt.datetime(2026, 10, 1, 0, 0)
    many_submissions(55, start=start, channel="sms")
    many_submissions(10, start=start, channel="web")
    pages = _walk(clerk, "/staff?channel=sms")
    assert [len(p) for p in pages] == [50, 5]


def test_a_broken_cursor_shows_the_first_page(app, clerk):
    many_submissions(3, start=dt.datetime(2026, 10, 1))
    assert len(shown(clerk.get("/staff?after=garbage"))) == 3
    assert len(shown(clerk.get("/staff?before=20261301000000000000-5"))) == 3


def _plan(sql, params, sort=False):
    """The database's plan; on PostgreSQL with the alternatives to indexes off, so
    that a missing index shows as a plan that still scans or sorts."""
    from kiosk.data.db import db

    if db.for_update:  # PostgreSQL
        db.execute_sql(f"SET enable_sort = {'on' if sort else 'off'}")
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            db.execute_sql(f"SET {setting} = off")
        rows = db.execute_sql("EXPLAIN " + sql, params).fetchall()
        return "\n".join(row[0] for row in rows)
    rows = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(row[-1] for row in rows)


CURSOR = (dt.datetime(2026, 10, 1, 0, 0), 500)


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"order": "oldest"},
        {"status": "verifying"},
        {"status": "open"},
        {"document_type": "KTP"},
        {"channel": "whatsapp"},
        {"date_from": "2026-10-01", "date_to": "2026-10-31"},
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_every_page_is_read_through_an_index_without_sorting(app, args, direction):
    from kiosk.data.db import db

    filters = queue.Filters.from_args(args)
    query = queue.page_query(
        filters,
        today=dt.date(2026, 11, 1),
        zone=dt.UTC,
        boundary=CURSOR,
        backwards=direction == "before",
    )
    sql, params = query.sql()
    assert "OFFSET" not in sql.upper()
    plan = _plan(sql, params)
    if db.for_update:  # PostgreSQL
        assert "Index" in plan, plan
        assert "Sort" not in plan and "Seq Scan" not in plan, plan
    else:
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    ("q", "index"), [("1303015501900002", "nik"), ("081298765432", "phone")]
)
def test_searches_use_their_index(app, q, index):
    from kiosk.data.db import db

    filters = queue.Filters.from_args({"q": q})
    query = queue.filtered(filters, dt.date(2026, 11, 1), dt.UTC)
    sql, params = query.order_by(Submission.created_at.desc()).limit(51).sql()
    plan = _plan(sql, params, sort=True)  # a few matches are sorted cheaply
    if db.for_update:
        assert "submission_" + index in plan, plan
    else:
        assert f"submission_{index}" in plan, plan


OFFICE_SIZE = 20_000
SYLLABLES = "ra di ma sya fi tri nur ha ya ni wan da ti la sa ri yu fa zi mi".split()
LAST_NAMES = (
    "Saputra Siregar Chaniago Piliang Koto Tanjung Lubis Nasution Putra Hidayat"
).split()


def _office(size=OFFICE_SIZE):
    """A queue the size the planners see in an office, read with fresh
    statistics: `size` requests and their name words inserted at once.

    "Siti" begins two names in five and each last name one in ten; the other
    first names are thousands of rarer ones, "Zubaidah" is in four names and
    "Nurjannah" (also a tracking number) in three.
    """
    from kiosk.data.db import db
    from kiosk.data.models import NameWord
    from kiosk.domain.search import name_words
    from tests.support.factories import APPLICANT

    kk = DocumentType.get(DocumentType.code == "KK")
    statuses = ["completed"] * 14 + ["rejected", "submitted", "verifying"]
    statuses += ["needs_info", "processing", "ready"]
    start = dt.datetime(2025, 1, 1)
    rows, words = [], []
    for i in range(size):
        if i % 5 < 2:
            first = "Siti"
        else:
            first = "".join(SYLLABLES[i // 20**k % 20] for k in range(3)).title()
        if i % 5000 == 7:
            first = "Zubaidah"
        if i % 7000 == 11:
            first = "Nurjannah"
        name = f"{first} {LAST_NAMES[i // 5 % 10]}"
        created = start + dt.timedelta(minutes=20 * i)
        rows.append(
            {
                **{k: v for k, v in APPLICANT.items() if k != "language"},
                "id": i + 1,
                "number": tracking.generate(),
                "document_type": kk.id,
                "applicant_name": name,
                "name_key": name.lower(),
                "nik": f"1303010101{i % 1000000:06d}",
                "channel": "web",
                "status": statuses[i % len(statuses)],
                "created_at": created,
                "updated_at": created,
                "due_date": created.date() + dt.timedelta(days=5),
            }
        )
        words.extend((i + 1, word) for word in name_words(name))
    with db.atomic():
        for at in range(0, size, 500):
            Submission.insert_many(rows[at : at + 500]).execute()
        for at in range(0, len(words), 1000):
            NameWord.insert_many(
                words[at : at + 1000], fields=[NameWord.submission, NameWord.word]
            ).execute()
    if db.for_update:  # PostgreSQL: the sequence goes on after the ids given
        db.execute_sql(
            "SELECT setval('submission_id_seq', (SELECT max(id) FROM submission))"
        )
    db.execute_sql("ANALYZE")


def _table_scans(plan):
    """Lines of a plan that read all of submission or name_word from the table
    itself (an index walked in order is not one)."""
    from kiosk.data.db import db

    if db.for_update:
        return re.findall(r"Seq Scan on (?:submission|name_word)\b.*", plan)
    return re.findall(r"^SCAN t\d+$|^SCAN (?:submission|name_word)\b.*$", plan, re.M)


# (filters, how the page reads the matches). At OFFICE_SIZE rows, with
# FEW_MATCHES = 1000: "Zubaidah" and "Nurjannah" are rare, "Siti" common, and
# "Siti Saputra" two common words that 800 names share.
NAME_SEARCHES = [
    ({"q": "zubaidah"}, "ids"),
    ({"q": "zubaidah", "status": "open", "order": "oldest"}, "ids"),
    ({"q": "zubaidah koto", "document_type": "KK"}, "ids"),
    ({"q": "nurjannah"}, "ids"),
    ({"q": "siti saputra"}, "ids"),
    ({"q": "siti"}, "walk"),
    ({"q": "siti", "order": "oldest"}, "walk"),
    ({"q": "siti", "status": "verifying"}, "walk"),
    ({"q": "siti", "channel": "web"}, "walk"),
    ({"q": "Nurjannah"}, "ids"),
]


def test_name_searches_read_through_indexes_at_an_office_size(app, monkeypatch):
    """Every page of a name search, both ways, at a realistic size: the word
    ranges come from the (word, submission) index, each other word is checked
    through the (submission, word) key, and submission is either read by id
    (few matches, sorted) or walked in queue order through its index (many,
    no sort) - never read whole."""
    from kiosk.data.db import db
    from kiosk.data.models import NameWord

    monkeypatch.setattr(name_search, "FEW_MATCHES", 1000)
    # Words matched by their first letters only, as on a database without a
    # trigram index (matches inside words: tests/test_name_infix.py).
    monkeypatch.setattr(name_index, "available", lambda: False)
    _office()
    postgres = bool(db.for_update)
    word_index = "name_word_word_submission_id"
    word_key = "name_word_pkey" if postgres else "sqlite_autoindex_name_word_1"
    # Counting a typed word reads its index alone.
    counted = _plan(*name_search._words_matching("siti").limit(1000).sql())
    assert word_index in counted and not _table_scans(counted), counted
    assert ("Index Only Scan" if postgres else "COVERING INDEX") in counted, counted
    # Collecting the requests two common words share: the first word's range,
    # the second checked by key (or, on PostgreSQL, a hash of its own range).
    collected = _plan(
        *name_search._requests_with(["siti", "saputra"]).limit(1000).sql()
    )
    assert word_index in collected and not _table_scans(collected), collected
    for args, way in NAME_SEARCHES:
        for direction in ("after", "before"):
            filters = queue.Filters.from_args(args)
            query = queue.page_query(
                filters,
                today=dt.date(2026, 11, 1),
                zone=dt.UTC,
                boundary=(dt.datetime(2025, 3, 1), 4321),
                backwards=direction == "before",
            )
            sql, params = query.sql()
            plan = _plan(sql, params, sort=way == "ids")
            where = f"{args} {direction}:\n{plan}"
            assert not _table_scans(plan), where
            walked = "Index Scan" if postgres else "t1 USING INDEX submission_"
            if way == "ids":
                # By id and sorted, or (when the planner finds it cheaper for
                # these few) an index walked in order.
                by_id = (
                    "submission_pkey" if postgres else "t1 USING INTEGER PRIMARY KEY"
                )
                assert by_id in plan or walked in plan, where
                assert args["q"] == "siti saputra" or word_index in plan, where
            else:
                assert walked in plan and word_key in plan, where
                assert "Sort" not in plan and "TEMP B-TREE" not in plan, where
    # The pages above really were read the way they are named for.
    assert name_search._word_entries("siti", 1000) == 1000
    assert NameWord.select().where(NameWord.word == "zubaidah").count() == 4


def test_duplicates_of_a_page_are_found_through_the_nik_index(app):
    from kiosk.data.db import db

    _office(2_000)
    niks = [f"1303010101{i:06d}" for i in range(50)]
    plan = _plan(*queue._open_twice(niks).sql(), sort=True)
    assert "submission_nik" in plan, plan
    assert not _table_scans(plan) and "Seq Scan" not in plan, plan
    if not db.for_update:
        assert "SCAN t1" not in plan, plan


def test_queue_fragment_for_htmx_and_full_page_otherwise(app, clerk):
    make_submission(channel="sms")
    full = clerk.get("/staff?channel=sms")
    fragment = clerk.get("/staff?channel=sms&q=", headers=htmx_headers("queue"))
    assert "HX-Request" in full.headers["Vary"]
    assert "HX-Request" in fragment.headers["Vary"]
    full_html = full.get_data(as_text=True)
    fragment_html = fragment.get_data(as_text=True)
    assert full_html.startswith("<!doctype html>")
    assert 'id="scan"' in full_html and "data-autofocus" in full_html
    assert fragment_html.lstrip().startswith('<div id="queue"')
    assert "<html" not in fragment_html
    assert len(shown(fragment)) == 1
    # The address bar gets a clean, shareable URL for what is shown.
    assert fragment.headers["HX-Push-Url"] == "/staff?channel=sms"
    assert 'hx-push-url="true"' in fragment_html
    boosted = clerk.get(
        "/staff", headers={**htmx_headers("queue"), "HX-Boosted": "true"}
    )
    assert boosted.get_data(as_text=True).startswith("<!doctype html>")


def test_scan_box_opens_a_request_from_a_scanned_url_or_number(app, clerk):
    wanted = make_submission()
    for text in (
        f"https://dukcapil.example/t/{wanted.number}",
        tracking.display(wanted.number).lower(),
        wanted.number.replace("0", "O"),
    ):
        response = clerk.get("/staff/scan", query_string={"number": text})
        assert response.status_code == 303, text
        assert response.headers["Location"] == f"/staff/s/{wanted.number}"
    htmx = clerk.get(
        "/staff/scan",
        query_string={"number": wanted.number},
        headers=htmx_headers("scan-box"),
    )
    assert htmx.status_code == 200
    assert htmx.headers["HX-Redirect"] == f"/staff/s/{wanted.number}"


def test_a_nik_or_name_in_the_scan_box_searches_the_queue(app, clerk):
    wanted = make_submission(applicant_name="Siti Aminah", nik="1303051203850417")
    for text in ("1303 0512 0385 0417", "Siti Am"):
        response = clerk.get("/staff/scan", query_string={"number": text})
        assert response.status_code == 303, text
        queue = clerk.get(response.headers["Location"]).get_data(as_text=True)
        assert wanted.display_number in queue, text
    htmx = clerk.get(
        "/staff/scan",
        query_string={"number": "Siti"},
        headers=htmx_headers("scan-box"),
    )
    assert htmx.headers["HX-Redirect"] == "/staff?q=Siti"
    # Nine symbols with a typing mistake are still a mistyped number.
    typo = wanted.number[:-1] + ("1" if wanted.number[-1] != "1" else "2")
    mistyped = clerk.get("/staff/scan", query_string={"number": typo})
    assert mistyped.status_code == 400


def test_scan_box_says_in_place_when_a_number_is_unknown_or_mistyped(app, clerk):
    wanted = make_submission()
    body = wanted.number[:8]
    unknown = next(
        body[:-1] + c + tracking.check_symbol(body[:-1] + c)
        for c in tracking.ALPHABET
        if body[:-1] + c != body
    )
    typo = wanted.number[:-1] + ("0" if wanted.number[-1] != "0" else "1")
    cases = [
        (unknown, 404, "There is no request with this number"),
        (typo, 400, "typing mistake"),
        ("x", 400, "9 letters and digits"),  # a name would be searched
    ]
    for text, status, message in cases:
        fragment = clerk.get(
            "/staff/scan",
            query_string={"number": text},
            headers=htmx_headers("scan-box"),
        )
        html = fragment.get_data(as_text=True)
        assert fragment.status_code == status, text
        assert html.lstrip().startswith('<form id="scan-box"')
        assert message in html
        assert f'value="{text}"' in html and "data-select" in html
        page = clerk.get("/staff/scan", query_string={"number": text})
        assert page.status_code == status
        assert message in page.get_data(as_text=True)
        assert page.get_data(as_text=True).startswith("<!doctype html>")


def test_document_types_added_by_the_admin_appear_in_the_filter(app, clerk):
    DocumentType.create(code="SKTT", name_id="Surat Tinggal", name_en="Stay Letter")
    assert '<option value="SKTT">Stay Letter</option>' in clerk.get("/staff").get_data(
        as_text=True
    )


def test_counts_are_kept_briefly_but_changes_made_here_show_at_once(make_app):
    from kiosk.services import submissions

    app = make_app(QUEUE_COUNTS_CACHE_SECONDS=60)
    with app.app_context():
        first = make_submission()
        assert caches.queue_counts()["submitted"] == 1
        # A change written by another server process is seen when the copy expires.
        Submission.update(status="verifying").where(Submission.id == first.id).execute()
        assert caches.queue_counts()["submitted"] == 1
        assert queue.count_now(utcnow())["submitted"] == 0
        # A request stored or moved through this process shows at once.
        make_submission()
        assert caches.queue_counts()["submitted"] == 1
        assert caches.queue_counts()["verifying"] == 1
        current = Submission.get_by_id(first.id)
        submissions.move(current, "processing", version=current.version, staff=None)
        assert caches.queue_counts()["verifying"] == 0
        assert caches.queue_counts()["processing"] == 1


DUPLICATE_TAG = re.compile(
    r'<a class="duplicate-tag" href="/staff\?q=(\d{16})">Possible duplicate'
)


def _tagged(response):
    """{number: the NIK its "Possible duplicate" tag searches for} on a page."""
    tagged = {}
    for row in response.get_data(as_text=True).split("<tr>")[1:]:
        number = ROW.search(row)
        tag = DUPLICATE_TAG.search(row)
        if number and tag:
            tagged[number.group(1)] = tag.group(1)
    return tagged


def test_two_open_requests_for_the_same_nik_and_document_are_tagged(app, clerk):
    nik = "1303054507900001"
    web = make_submission(nik=nik, channel="web")
    whatsapp = make_submission(nik=nik, channel="whatsapp", status="verifying")
    other_document = make_submission("KTP", nik=nik)
    finished = make_submission(nik=nik, status="completed")
    someone_else = make_submission(nik="1303054507900002")
    response = clerk.get("/staff")
    assert _tagged(response) == {web.number: nik, whatsapp.number: nik}
    assert set(shown(response)) >= {
        other_document.number,
        finished.number,
        someone_else.number,
    }
    # The tag opens the queue searched by that NIK.
    found = clerk.get(f"/staff?q={nik}")
    assert {web.number, whatsapp.number} <= set(shown(found))
    # Once one of the two is finished, neither is a likely duplicate any more.
    from kiosk.services import submissions

    current = Submission.get_by_id(whatsapp.id)
    submissions.move(current, "rejected", version=current.version, staff=None,
                     public_note="Permohonan ganda")  # fmt: skip
    assert _tagged(clerk.get("/staff")) == {}


def test_purged_requests_are_never_tagged(app, clerk):
    first = make_submission(status="completed")
    second = make_submission(status="rejected")
    Submission.update(nik="", applicant_name="", purged_at=utcnow()).where(
        Submission.id.in_([first.id, second.id])
    ).execute()
    make_submission(nik="1303054507900003")
    assert _tagged(clerk.get("/staff")) == {}
    assert queue.possible_duplicates([]) == set()


# -- the people a request is about (the child, the deceased, ...) -----------

CHILD = {
    "child_name": "Aisyah Putri Ramadhani",
    "child_sex": "female",
    "child_birth_date": dt.date(2025, 2, 14),
    "child_birth_place": "Muaro Sijunjung",
    "birth_order": 2,
    "mother_name": "Nurhayati",
}


def _death(deceased_nik, name="Syamsul Bahri"):
    return {
        "deceased_name": name,
        "deceased_nik": deceased_nik,
        "death_date": dt.date(2026, 11, 2),
        "death_place": "RSUD Sijunjung",
        "reporter_relation": "child",
    }


def test_a_birth_certificate_is_found_by_the_childs_name(app, clerk):
    birth = make_submission("AKL", applicant_name="Nurhayati Koto", details=CHILD)
    make_submission(
        "AKL",
        applicant_name="Rina Wati",
        details={**CHILD, "child_name": "Budi Santoso"},
    )
    make_submission(
        applicant_name="Aisyah Lubis"
    )  # the applicant's name, another request
    found = clerk.get("/staff?q=putri")
    assert shown(found) == [birth.number]
    # The row says whom the certificate is for, beside the parent who applied.
    assert '<span class="queue-subject">for Aisyah Putri Ramadhani</span>' in found.text
    assert shown(clerk.get("/staff?q=Aisyah Ramadhani")) == [birth.number]
    assert len(shown(clerk.get("/staff?q=aisyah"))) == 2


def test_a_death_certificate_is_found_by_the_deceaseds_nik(app, clerk):
    deceased = "1303051507450003"
    death = make_submission("AKM", nik="1303055001800004", details=_death(deceased))
    make_submission("AKM", details=_death("1303051507450011", "Ahmad Yani"))
    assert shown(clerk.get(f"/staff?q={deceased}")) == [death.number]
    assert shown(clerk.get("/staff?q=1303 0515 0745 0003")) == [death.number]
    # The applicant's NIK still finds it, and a NIK named in one request and
    # applying in another finds both.
    assert shown(clerk.get("/staff?q=1303055001800004")) == [death.number]
    own = make_submission(
        "KTP", nik=deceased, created_at=utcnow() - dt.timedelta(days=1)
    )
    assert shown(clerk.get(f"/staff?q={deceased}")) == [death.number, own.number]


def test_a_subject_nik_search_uses_the_request_person_nik_index(app):
    from kiosk.data.db import db
    from kiosk.data.models import RequestPerson

    _office(2_000)
    RequestPerson.insert_many(
        [(i, "child", 1, "Anak", f"1303014101{i:06d}") for i in range(1, 2_001)],
        fields=[
            RequestPerson.submission,
            RequestPerson.role,
            RequestPerson.position,
            RequestPerson.name,
            RequestPerson.nik,
        ],
    ).execute()
    db.execute_sql("ANALYZE")
    filters = queue.Filters.from_args({"q": "1303014101000777"})
    query = queue.filtered(filters, dt.date(2026, 11, 1), dt.UTC)
    sql, params = query.order_by(Submission.created_at.desc()).limit(51).sql()
    plan = _plan(sql, params, sort=True)  # a few matches are sorted cheaply
    assert "request_person_nik" in plan, plan
    assert "submission_nik" in plan, plan
    assert not _table_scans(plan), plan
    if db.for_update:
        assert "Seq Scan on request_person" not in plan, plan
    else:
        assert not re.search(r"^SCAN (request_person|t\d)\b", plan, re.M), plan
    assert [s.id for s in query] == [777]


def test_a_page_read_with_its_columns_only_shows_what_whole_rows_show(
    app, clerk, monkeypatch
):
    """queue.PAGE_COLUMNS: the same pages as with every column of the request,
    its type and its recorder (statuses, channels, late tags, duplicates, an
    erased name, the person a certificate is for)."""
    from tests.support.factories import LONG_AGO, nik

    twice = nik()
    for status in ("submitted", "verifying", "needs_info", "processing", "ready"):
        make_submission(status=status, today=LONG_AGO, channel="kiosk")
    for status in ("completed", "rejected"):
        make_submission(status=status, channel="counter")
    make_submission(code="KTP", nik=twice)
    make_submission(code="KTP", nik=twice, channel="whatsapp")
    erased = make_submission(status="completed")
    Submission.update(nik="", applicant_name="", purged_at=utcnow()).where(
        Submission.id == erased.id
    ).execute()
    make_submission("AKL", details={**CHILD, "child_name": "Nur Hidayati"})
    paths = [
        "/staff",
        "/staff?status=completed",
        "/staff?order=oldest",
        "/staff?q=" + twice,
    ]

    def pages():
        return [
            without_tokens(clerk.get(path).get_data(as_text=True)) for path in paths
        ]

    narrow = pages()
    monkeypatch.setattr(queue, "PAGE_COLUMNS", queue.WHOLE_ROWS)
    assert pages() == narrow
    text = "\n".join(narrow)
    assert "Possible duplicate" in text and "Late" in text and "(erased)" in text
    assert "Nur Hidayati" in text
    assert len(shown(clerk.get("/staff?status=completed"))) == 2
