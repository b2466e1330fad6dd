"""Trigram indexes that find a typed word inside a word of a name.

Staff search finds a typed word at the start of any word of a name through
the (word, submission) index of name_word (services/queue.py). A word of
search.INFIX_MIN letters or more may also match inside a word ("minah" in
"Aminah"); no B-tree serves that, so each database gets a trigram index:

- SQLite (3.34 or later): the FTS5 table name_trigram with the trigram
  tokenizer, one row per request (rowid = submission id) holding the words
  name_word holds for it, joined by spaces. Triggers on name_word keep it in
  step, so whatever writes name_word (a new request, the fill on start, the
  purge, the names of others a request is about, even an app server of the
  previous version during an upgrade) keeps it right without knowing of it.
  A typed word has letters only, so a match never spans two words.
- PostgreSQL: pg_trgm's GIN operator class on name_word.word, which serves
  word LIKE '%minah%'. Creating the extension takes a privilege the site's
  role may lack: then the search stays prefix-only, said once in the log.
"""

import logging
import weakref

import peewee as pw

from kiosk.data import models
from kiosk.data.db import db

log = logging.getLogger(__name__)

TABLE = "name_trigram"
POSTGRES_INDEX = "name_word_trigram"
POSTGRES_EXTENSION = "pg_trgm"
# Requests given their trigram row per transaction when an existing database
# is filled, and the mark of how far that went.
FILL_BATCH = 5_000
FILL_MARK = "name_trigrams"

# The request's row rebuilt from its words in name_word (none: no row).
_REFRESH = f"""
    DELETE FROM "{TABLE}" WHERE rowid = {{row}}.submission_id;
    INSERT INTO "{TABLE}" (rowid, words)
        SELECT {{row}}.submission_id, group_concat(word, ' ') FROM name_word
        WHERE submission_id = {{row}}.submission_id GROUP BY submission_id;"""

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE \"{TABLE}\" USING fts5(words, tokenize = 'trigram')"
)
SQLITE_TRIGGERS = {
    f"{TABLE}_insert": f"AFTER INSERT ON name_word BEGIN"
    f"{_REFRESH.format(row='new')}\nEND",
    f"{TABLE}_delete": f"AFTER DELETE ON name_word BEGIN"
    f"{_REFRESH.format(row='old')}\nEND",
    f"{TABLE}_update": f"AFTER UPDATE ON name_word BEGIN"
    f"{_REFRESH.format(row='old')}{_REFRESH.format(row='new')}\nEND",
}
# The tables FTS5 keeps for name_trigram, which a backup holds too.
SQLITE_SHADOW_TABLES = tuple(
    f"{TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")
)

# Database object -> whether it has its trigram index (read once per process).
_ready = weakref.WeakKeyDictionary()


def create_sqlite(database):
    """Create the FTS5 table and its triggers on `database` if missing.

    Returns True when the table was made now (it is then empty), None when
    this SQLite cannot (older than 3.34, or built without FTS5)."""
    have = {
        name
        for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE name = ? OR tbl_name = 'name_word'",
            (TABLE,),
        )
    }
    made = TABLE not in have
    if made:
        try:
            database.execute_sql(SQLITE_TABLE)
        except pw.OperationalError as error:  # no such module / tokenizer
            return _unavailable(database, error)
    for name, body in SQLITE_TRIGGERS.items():
        if name not in have:
            database.execute_sql(f'CREATE TRIGGER "{name}" {body}')
    return made


def prepare():
    """On start: make the trigram index this database supports, fill it for
    requests stored before it, and remember whether it is there."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        _ready[db.obj] = _create_postgres()
        return
    with db.atomic():
        made = create_sqlite(db)
        if made:  # a fresh table: whatever mark a restored file holds is stale
            models.MigrationMark.delete().where(
                models.MigrationMark.name == FILL_MARK
            ).execute()
    _ready[db.obj] = made is not None
    if made is not None:
        fill()


def _create_postgres():
    try:
        with db.atomic():  # a savepoint: a refusal leaves the rest untouched
            db.execute_sql(f"CREATE EXTENSION IF NOT EXISTS {POSTGRES_EXTENSION}")
            db.execute_sql(
                f'CREATE INDEX IF NOT EXISTS "{POSTGRES_INDEX}" ON "name_word" '
                'USING gin ("word" gin_trgm_ops)'
            )
    except pw.DatabaseError as error:
        _unavailable(db.obj, error)
        return False
    return True


def _unavailable(database, error):
    log.warning(
        "Staff search finds words by their first letters only: this database "
        "has no trigram index (%s).",
        str(error).strip().splitlines()[0],
    )
    _ready[database] = False


def available():
    """Whether the site's database has its trigram index."""
    database = db.obj
    if database not in _ready:
        if isinstance(database, pw.PostgresqlDatabase):
            sql = "SELECT 1 FROM pg_indexes WHERE indexname = %s"
            found = db.execute_sql(sql, (POSTGRES_INDEX,)).fetchone()
        else:
            sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
            found = db.execute_sql(sql, (TABLE,)).fetchone()
        _ready[database] = found is not None
    return _ready[database]


def is_sqlite():
    return isinstance(db.obj, pw.SqliteDatabase)


def trigram_table():
    """name_trigram as peewee sees it (SQLite only), under an alias of its own."""
    return pw.Table(TABLE, ("rowid", "words"), alias="trigram", _database=db)


def contains(table, word):
    """name_trigram rows (`table`) whose words hold `word` inside one of them.

    A quoted phrase is a substring match with the trigram tokenizer.
    """
    phrase = '"' + word.replace('"', '""') + '"'
    return pw.Expression(table.words, "MATCH", phrase)


def fill(batch=None):
    """Give the trigram row to every request with name words that has none:
    those stored before the table existed.

    In batches of one transaction each, from a mark (MigrationMark) up; the
    triggers keep every later change, so the mark only moves on. Safe to run
    again or in two processes at once: each batch reads the mark inside its
    transaction and skips requests that have their row. Returns how many
    requests got one.
    """
    filled, after = 0, None
    while True:
        with db.atomic():
            mark = models.MigrationMark.get_or_none(
                models.MigrationMark.name == FILL_MARK
            )
            start = mark.value if mark else 0
            after = max(after or 0, start)
            ids = db.execute_sql(
                "SELECT id FROM submission WHERE id > ? ORDER BY id LIMIT ?",
                (after, batch or FILL_BATCH),
            ).fetchall()
            if not ids:
                return filled
            last = ids[-1][0]
            filled += db.execute_sql(
                f'INSERT INTO "{TABLE}" (rowid, words) '
                "SELECT submission_id, group_concat(word, ' ') FROM name_word "
                "WHERE submission_id > ? AND submission_id <= ? "
                f'AND submission_id NOT IN (SELECT rowid FROM "{TABLE}" '
                "WHERE rowid > ? AND rowid <= ?) GROUP BY submission_id",
                (after, last, after, last),
            ).rowcount
            models.MigrationMark.insert(name=FILL_MARK, value=last).on_conflict(
                conflict_target=[models.MigrationMark.name],
                update={models.MigrationMark.value: last},
            ).execute()
            after = last


def after_purge():
    """Merge the trigram index into one segment once names were erased.

    FTS5 records a deletion as a marker in a new segment and leaves the old
    segments, which hold the erased name's trigrams, until segments merge;
    merging all of them drops those entries (and secure_delete zeroes the
    pages they were on). PostgreSQL's GIN entries go with VACUUM, as the
    B-tree entries of name_word do."""
    if is_sqlite() and available():
        db.execute_sql(f'INSERT INTO "{TABLE}" ("{TABLE}") VALUES (\'optimize\')')
