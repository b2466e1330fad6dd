"""Staff search finds a typed word of three letters or more inside a word of a
name, through a trigram index on each database (kiosk/data/name_index.py):
kept in step with name_word, emptied by the purge, filled on an existing
database at start, and read through its index at an office's size."""

import datetime as dt
import logging
import threading
import uuid

import pytest

from kiosk.data import migrations, name_index
from kiosk.data.models import (
    MigrationMark,
    NameWord,
    OfficeSettings,
    Submission,
    utcnow,
)
from kiosk.domain.search import name_words
from kiosk.services import name_search, queue, retention
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    fast_passwords,
    staff_client,
)
from tests.test_staff_queue import _named, _office, _table_scans, shown

pytestmark = pytest.mark.usefixtures("fast_passwords")

only_sqlite = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
only_postgres = pytest.mark.parametrize("db_backend", ["postgres"], indirect=True)


def _found(clerk, q):
    return set(shown(clerk.get("/staff", query_string={"q": q})))


@pytest.mark.parametrize("common", [False, True])
def test_a_word_of_three_letters_is_found_inside_a_word_of_the_name(
    app, clerk, monkeypatch, common
):
    aminah = make_submission(applicant_name="Siti Aminah").number
    fatimah = make_submission(applicant_name="Fatimah Rahmawati").number
    koto = make_submission(applicant_name="Aminuddin Koto").number
    cases = {
        "minah": {aminah},
        "MINAH": {aminah},
        "rahm": {fatimah},  # (the start of a word, as before)
        "wati": {fatimah},
        "timah": {fatimah},
        "ami": {aminah, koto},
        "min": {aminah, koto},
        "uddin": {koto},
        "iti minah": {aminah},
        "minah, koto": set(),
        "tima wati": {fatimah},
        # Two letters match only where a word of the name begins.
        "in": set(),
        "ti": set(),
        "ko in": set(),
        "ko ud": set(),
    }
    if common:
        # Matches enough to walk the queue in its order instead of reading
        # them by id (see name_search.name_match).
        monkeypatch.setattr(name_search, "FEW_MATCHES", 2)
        cases["ami"] |= {  # both ways: a long page, then the walk's
            row["number"]
            for row in _named(3, "Samira Zubaidah", start=dt.datetime(2026, 1, 1))
        }
    for q, wanted in cases.items():
        assert _found(clerk, q) == wanted, q
    hint = "or 3 letters or more from inside a word."
    assert hint in clerk.get("/staff").get_data(as_text=True)


def test_words_stored_for_others_a_request_is_about_are_found_inside_too(app, clerk):
    request = make_submission(applicant_name="Budi Santoso")
    # Other code stores the name of the child a request is about in name_word.
    NameWord.insert_many(
        [(request.id, "nurhaliza"), (request.id, "putri")],
        fields=[NameWord.submission, NameWord.word],
    ).execute()
    assert _found(clerk, "haliza") == {request.number}
    assert _found(clerk, "haliza anto") == {request.number}
    NameWord.delete().where(NameWord.word == "nurhaliza").execute()
    assert _found(clerk, "haliza") == set()
    assert _found(clerk, "utri") == {request.number}
    # Taking one word away leaves the words that hold it ("ami" in "samira").
    other = make_submission(applicant_name="Ami Samira").number
    assert _found(clerk, "ami") == {other}
    NameWord.delete().where(NameWord.word == "ami").execute()
    assert _found(clerk, "ami") == {other}
    assert _found(clerk, "amir") == {other}
    NameWord.delete().where(NameWord.word == "samira").execute()
    assert _found(clerk, "ami") == set()


def _trigram_rows():
    """{request id: its words} as the SQLite trigram table holds them."""
    from kiosk.data.db import db

    found = {}
    for row_id, word in db.execute_sql(f"SELECT rowid, words FROM {name_index.TABLE}"):
        found.setdefault(row_id // name_index.SLOTS, []).append(word)
    return {key: sorted(words) for key, words in found.items()}


def _expected():
    return {
        s.id: sorted(name_words(s.applicant_name))
        for s in Submission.select()
        if s.applicant_name
    }


def test_the_purge_erases_the_names_from_the_trigram_index(app, clerk):
    from kiosk.data.db import db

    old = make_submission(applicant_name="Rosmaini Kaharuddin", status="completed")
    kept = make_submission(applicant_name="Rosmaini Putri")
    settings = OfficeSettings.saved()
    settings.retention_days = 0
    settings.save()
    assert _found(clerk, "haruddin") == {old.number}
    assert _found(clerk, "maini") == {old.number, kept.number}
    assert retention.purge_personal_data(now=utcnow() + dt.timedelta(days=1)) == 1
    assert _found(clerk, "haruddin") == set()
    assert _found(clerk, "maini") == {kept.number}
    assert not NameWord.select().where(NameWord.submission == old.id).exists()
    if db.for_update:  # PostgreSQL: the GIN index is over name_word itself
        found = NameWord.select().where(name_search._word_match("haruddin")).count()
        assert found == 0
        return
    assert _trigram_rows() == {kept.id: ["putri", "rosmaini"]}
    # Nothing of the erased words is left among the index's terms either.
    db.execute_sql(
        "CREATE VIRTUAL TABLE temp.trigram_terms USING "
        f"fts5vocab(main, {name_index.TABLE}, instance)"
    )
    docs = {
        doc // name_index.SLOTS
        for (doc,) in db.execute_sql("SELECT doc FROM trigram_terms")
    }
    terms = {term for (term,) in db.execute_sql("SELECT term FROM trigram_terms")}
    assert docs == {kept.id}
    assert "udd" not in terms and "kah" not in terms
    stored = db.execute_sql(f"SELECT c0 FROM {name_index.TABLE}_content")
    assert sorted(stored) == [("putri",), ("rosmaini",)]
    # A deletion only marks the old entries until FTS5 merges its segments:
    # the purge merges them, so the erased trigrams are gone from the pages.
    blocks = db.execute_sql(f"SELECT block FROM {name_index.TABLE}_data")
    data = b"".join(block or b"" for (block,) in blocks)
    for trigram in (b"kah", b"aha", b"har", b"aru", b"rud", b"udd", b"ddi", b"din"):
        assert trigram not in data, trigram


def _as_before_the_index(app):
    """Make the database look as the version before the trigram index left it."""
    from kiosk.data.db import db

    with app.app_context(), db.connection_context():
        if db.for_update:
            db.execute_sql(f"DROP INDEX {name_index.POSTGRES_INDEX}")
            db.execute_sql(f"DROP EXTENSION {name_index.POSTGRES_EXTENSION}")
            return
        for trigger in name_index.SQLITE_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER {trigger}")
        db.execute_sql(f"DROP TABLE {name_index.TABLE}")
        MigrationMark.delete().where(
            MigrationMark.name == name_index.FILL_MARK
        ).execute()


NAMES = ("Siti Aminah", "Fatimah Rahmawati", "Ma'ruf Amin", "Aminuddin Koto")


def test_an_existing_database_gets_the_trigram_index_when_the_app_starts(
    make_app, monkeypatch
):
    old_app = make_app()
    with old_app.app_context():
        for index in range(7):
            make_submission(applicant_name=f"{NAMES[index % 4]} {'Ab' * index}")
    _as_before_the_index(old_app)
    monkeypatch.setattr(name_index, "FILL_BATCH", 2)  # batches, as at scale

    app = make_app()  # the new version starts
    with app.app_context():
        from kiosk.data.db import db

        assert name_index.available()
        if not db.for_update:
            assert _trigram_rows() == _expected() and len(_expected()) == 7
            mark = MigrationMark.get(MigrationMark.name == name_index.FILL_MARK)
            assert mark.value == Submission.select().count()
        clerk = staff_client(app)
        assert len(_found(clerk, "minah")) == 2
        assert len(_found(clerk, "uddin")) == 1
    # Starting again finds nothing to do.
    again = make_app()
    with again.app_context():
        if not db.for_update:
            assert name_index.fill() == 0
            assert _trigram_rows() == _expected()


@only_sqlite
def test_the_fill_goes_on_from_its_mark_and_skips_what_is_there(app):
    from kiosk.data.db import db

    ids = [make_submission(applicant_name=name).id for name in NAMES * 2]
    slots = name_index.SLOTS
    db.execute_sql(
        f"DELETE FROM {name_index.TABLE} WHERE rowid >= ?", ((ids[5] + 1) * slots,)
    )
    db.execute_sql(
        f"DELETE FROM {name_index.TABLE} WHERE rowid BETWEEN ? AND ?",
        (ids[1] * slots, (ids[1] + 1) * slots - 1),
    )
    # A fill that stopped after the first three requests.
    MigrationMark.insert(name=name_index.FILL_MARK, value=ids[2]).execute()
    assert name_index.fill(batch=2) == 2  # the two after ids[5]
    assert ids[1] not in _trigram_rows()
    MigrationMark.delete().execute()
    assert name_index.fill(batch=3) == 1  # ids[1]; the others have theirs
    assert _trigram_rows() == _expected()


@only_sqlite
def test_servers_starting_together_fill_the_index_once(make_app, monkeypatch):
    app = make_app()
    with app.app_context():
        for index in range(20):
            make_submission(applicant_name=f"{NAMES[index % 4]} {'Ab' * index}")
    _as_before_the_index(app)
    monkeypatch.setattr(name_index, "FILL_BATCH", 3)
    errors = []

    def start():
        try:
            with app.app_context():
                migrations.migrate()
        except Exception as error:  # reported below, with the test's failure
            errors.append(error)

    servers = [threading.Thread(target=start) for _ in range(3)]
    for server in servers:
        server.start()
    for server in servers:
        server.join(60)
    assert errors == []
    with app.app_context():
        assert _trigram_rows() == _expected() and len(_expected()) == 20


@only_postgres
def test_without_the_right_to_add_pg_trgm_search_stays_prefix_only(
    make_app, database_url, postgres_server, caplog
):
    import psycopg2

    role = f"site_{uuid.uuid4().hex[:8]}"
    # The site's own role may make tables in its schema, but not extensions
    # (that takes CREATE on the database).
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
        cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}")
    conn.close()
    url = database_url.replace("postgres@", f"{role}@", 1)
    with caplog.at_level(logging.WARNING, logger=name_index.__name__):
        app = make_app(DATABASE_URL=url)
        with app.app_context():
            aminah = make_submission(applicant_name="Siti Aminah").number
            clerk = staff_client(app)
            assert not name_index.available()
            assert _found(clerk, "aminah") == {aminah}
            assert _found(clerk, "siti ami") == {aminah}
            assert _found(clerk, "minah") == set()
            page = clerk.get("/staff").get_data(as_text=True)
            assert "or the first letters of any word of the name." in page
            assert "from inside a word" not in page
    warnings = [r for r in caplog.records if r.name == name_index.__name__]
    assert len(warnings) == 1, warnings
    assert "first letters only" in warnings[0].getMessage()
    assert "permission denied" in warnings[0].getMessage()


# -- read through the trigram index at an office's size ----------------------


def _plan(sql, params, sort=False):
    """The plan, on PostgreSQL with sequential scans (and sorts, unless
    `sort`) off: a search that cannot use an index then shows as a plan that
    still scans. Bitmap scans stay on: a GIN index is read through them."""
    from kiosk.data.db import db

    if db.for_update:
        db.execute_sql(f"SET enable_sort = {'on' if sort else 'off'}")
        db.execute_sql("SET enable_seqscan = off")
        rows = db.execute_sql("EXPLAIN " + sql, params).fetchall()
        return "\n".join(row[0] for row in rows)
    rows = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(row[-1] for row in rows)


# At the office size of tests/test_staff_queue.py with FEW_MATCHES = 1000:
# "baidah" is inside "Zubaidah" (4 names), "jannah" inside "Nurjannah" (3),
# "iti" inside "Siti" and many made-up first names (common).
INFIX_SEARCHES = [
    ({"q": "baidah"}, "ids"),
    ({"q": "baidah", "status": "open", "order": "oldest"}, "ids"),
    ({"q": "baidah koto", "document_type": "KK"}, "ids"),
    ({"q": "koto baidah"}, "ids"),
    ({"q": "jannah"}, "ids"),
    ({"q": "iti"}, "walk"),
    ({"q": "iti", "order": "oldest"}, "walk"),
    ({"q": "iti", "status": "verifying"}, "walk"),
    ({"q": "iti putra"}, "walk"),
]


def test_searches_inside_words_read_through_the_trigram_index(app, monkeypatch):
    """Every page of a search inside words, both ways: the candidates come
    from the trigram index (SQLite's FTS5 table, PostgreSQL's GIN index), each
    other word is checked through name_word's (submission, word) key, and
    neither submission nor name_word is read whole."""
    from kiosk.data.db import db

    monkeypatch.setattr(name_search, "FEW_MATCHES", 1000)
    _office()
    postgres = bool(db.for_update)
    trigram = (
        f"Bitmap Index Scan on {name_index.POSTGRES_INDEX}"
        if postgres
        else "SCAN trigram VIRTUAL TABLE INDEX 0:M"
    )
    word_key = "name_word_pkey" if postgres else "sqlite_autoindex_name_word_1"
    # Counting the candidates of a word reads the trigram index.
    counted = _plan(*name_search._words_matching("baidah").limit(1000).sql())
    assert trigram in counted and not _table_scans(counted), counted
    collected = _plan(*name_search._requests_with(["baidah", "koto"]).limit(1000).sql())
    assert trigram in collected and word_key in collected, collected
    assert not _table_scans(collected), collected
    for args, way in INFIX_SEARCHES:
        for direction in ("after", "before"):
            query = queue.page_query(
                queue.Filters.from_args(args),
                today=dt.date(2026, 11, 1),
                zone=dt.UTC,
                boundary=(dt.datetime(2025, 3, 1), 4321),
                backwards=direction == "before",
            )
            plan = _plan(*query.sql(), sort=way == "ids")
            where = f"{args} {direction}:\n{plan}"
            assert not _table_scans(plan), where
            assert "Seq Scan" not in plan, where
            if way == "ids":
                assert trigram in plan, where
            else:
                walked = "Index Scan" if postgres else "t1 USING INDEX submission_"
                assert walked in plan and word_key in plan, where
                assert "Sort" not in plan and "TEMP B-TREE" not in plan, where
                assert "Bitmap Heap Scan on submission" not in plan, where
    # The pages above really were read the way they are named for.
    assert name_search._word_entries("baidah", 1000) == 4
    assert name_search._word_entries("iti", 1000) == 1000
    assert name_search._word_entries("iti", 10_000) < 10_000


@only_sqlite
def test_statistics_counted_while_the_index_was_empty_are_counted_again(make_app):
    from kiosk.data.db import db

    app = make_app()
    with app.app_context():
        db.execute_sql("ANALYZE")  # an operator's, on a new site
        for name in NAMES * 3:
            make_submission(applicant_name=name)

    def counted():
        row = db.execute_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = ? AND idx IS NULL",
            (f"{name_index.TABLE}_data",),
        ).fetchone()
        return int(row[0].split()[0])

    with app.app_context():
        assert counted() < 5  # what made FTS5's writes read its whole index
    restarted = make_app()
    with restarted.app_context():
        rows = db.execute_sql(f"SELECT count(*) FROM {name_index.TABLE}_data")
        assert counted() == rows.fetchone()[0] > 5


@only_sqlite
def test_an_index_whose_triggers_went_missing_is_made_afresh(make_app):
    from kiosk.data.db import db

    app = make_app()
    with app.app_context():
        for name in NAMES:
            make_submission(applicant_name=name)
        # As a file edited outside the site may come back (a restore accepts
        # the index's triggers missing): name_word changed without them.
        for trigger in name_index.SQLITE_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER {trigger}")
        NameWord.delete().where(NameWord.word.in_(["koto", "siti"])).execute()
        MigrationMark.delete().execute()
    restarted = make_app()
    with restarted.app_context():
        stored = {}
        for row in NameWord.select():
            stored.setdefault(row.submission_id, []).append(row.word)
        assert _trigram_rows() == {k: sorted(v) for k, v in stored.items()}
        assert "siti" not in str(_trigram_rows())
