"""Creating the schema and seeding defaults when an app server starts."""

import datetime as dt

import peewee

from kiosk.data import models, name_index, seed, tallies
from kiosk.data.db import db
from kiosk.domain import search

# Any fixed number: app servers agree on it to take turns creating the schema.
MIGRATION_LOCK_KEY = 7_331_001

# Indexes an older version made that nothing reads any more (the name search
# went from name_key to the name_word table); each costs every new request.
DROPPED_INDEXES = ("submission_name_key_id",)

# Requests given their name words per transaction when the table is filled.
NAME_WORDS_BATCH = 2_000
NAME_WORDS_MARK = "name_words"
# Requests this recent are checked again at the next start: one stored by an
# app server of the previous version during an upgrade, or committed just
# after the check, gets its words then.
NAME_WORDS_RECHECK = dt.timedelta(hours=1)


def migrate():
    """Create missing tables and indexes, seed defaults and fill the tables
    and indexes built from others (name words, the trigram index of names),
    one server at a time.

    Several app servers may start together on one PostgreSQL database; an
    advisory lock makes them take turns. On SQLite the IMMEDIATE transactions
    do the same between processes sharing the file.
    """
    with db.connection_context():
        if isinstance(db.obj, peewee.PostgresqlDatabase):
            db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
            try:
                _schema()
                fill_name_words()
                name_index.prepare()
                tallies.ensure_built()
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
        else:
            with db.atomic():
                _schema()
            fill_name_words()
            name_index.prepare()
            tallies.ensure_built()


def _schema():
    db.create_tables(
        models.ALL_MODELS + models.REBUILT_MODELS + models.ADDED_MODELS, safe=True
    )
    for name in DROPPED_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    seed.ensure_defaults()


def fill_name_words(batch=None):
    """Store the name words of every request that has none: those stored
    before the name_word table existed, or by an older app server.

    In batches of one transaction each, so the write lock is short. Requests
    up to a mark (MigrationMark) are known to be done, so a later start only
    reads the requests stored since. Safe to run again or in two processes at
    once: each batch reads the mark inside its transaction, and a request that
    has words is left as it is. Returns how many requests got words.
    """
    checked_before = models.utcnow() - NAME_WORDS_RECHECK
    after, filled, recent_seen = None, 0, False
    while True:
        with db.atomic():
            mark = models.MigrationMark.get_or_none(
                models.MigrationMark.name == NAME_WORDS_MARK
            )
            start = mark.value if mark else 0
            if after is None or after < start:
                after = start  # (another process may have gone on meanwhile)
            rows = list(
                models.Submission.select(
                    models.Submission.id,
                    models.Submission.applicant_name,
                    models.Submission.created_at,
                )
                .where(models.Submission.id > after)
                .order_by(models.Submission.id)
                .limit(batch or NAME_WORDS_BATCH)
                .tuples()
            )
            if not rows:
                return filled
            filled += _store_missing_words(rows)
            after = rows[-1][0]
            # The mark stays before the first recent request: from there on,
            # requests are read again next time.
            done = start
            for row_id, _, created_at in rows:
                recent_seen = recent_seen or created_at >= checked_before
                if recent_seen:
                    break
                done = row_id
            if done > start:
                models.MigrationMark.insert(
                    name=NAME_WORDS_MARK, value=done
                ).on_conflict(
                    conflict_target=[models.MigrationMark.name],
                    update={models.MigrationMark.value: done},
                ).execute()


def _store_missing_words(rows):
    """Words for those of `rows` (id, name, created) that have none yet."""
    word = models.NameWord
    with_words = {
        submission_id
        for (submission_id,) in word.select(word.submission)
        .where(word.submission.between(rows[0][0], rows[-1][0]))
        .distinct()
        .tuples()
    }
    new = [
        (row_id, text)
        for row_id, name, _ in rows
        if row_id not in with_words
        for text in search.name_words(name)
    ]
    _insert_words(new)
    return len({row_id for row_id, _ in new})


def _insert_words(rows, chunk=5_000):
    """(submission, word) rows, many to a statement written out here: peewee
    would take longer to build the statement than the database to run it."""
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        values = ", ".join([f"({db.param}, {db.param})"] * len(part))
        db.execute_sql(
            f'INSERT INTO "{models.NameWord._meta.table_name}" '
            f'("submission_id", "word") VALUES {values} ON CONFLICT DO NOTHING',
            [value for row in part for value in row],
        )
