"""Trigram indexes that find a typed word inside a word of a name.

Staff search finds a typed word at the start of any word of a name through
the (word, submission) index of name_word (services/queue.py). A word of
search.INFIX_MIN letters or more may also match inside a word ("minah" in
"Aminah"); no B-tree serves that, so each database gets a trigram index:

- SQLite (3.34 or later): the FTS5 table name_trigram with the trigram
  tokenizer, one row per row of name_word. Its rowid is the request's id
  times SLOTS plus a slot, so the rows of one request are a rowid range that
  FTS5 reads directly, and rowid / SLOTS is the request's id. Triggers on
  name_word keep it in step, so whatever writes name_word (a new request,
  the fill on start, the purge, the names of others a request is about, even
  an app server of the previous version during an upgrade) keeps it right
  without knowing of it. A row a word, only ever added or removed: a row per
  request would have to be deleted and written again for each of its words.
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
# Requests given their trigram rows per transaction when an existing database
# is filled, and the mark of how far that went.
FILL_BATCH = 5_000
FILL_MARK = "name_trigrams"

# Rowids a request has for its words: far more than a name of validation.NAME_MAX
# letters, and the names of the others a request is about, can give.
SLOTS = 65_536
_RANGE = (
    "BETWEEN {row}.submission_id * {slots} AND {row}.submission_id * {slots} + {last}"
)
_ADD = (
    f'INSERT INTO "{TABLE}" (rowid, words)\n'
    # The next free slot of the request: ascending rowids let FTS5 keep a
    # statement's rows in memory and write its index once, at the commit.
    f"    SELECT coalesce(max(rowid) + 1, new.submission_id * {SLOTS}), new.word\n"
    f'    FROM "{TABLE}" WHERE rowid {_RANGE};'
)
# "+words": compared as a value, never handed to FTS5 as a search (to which
# "aminah" would also hold "ami").
_REMOVE = f'DELETE FROM "{TABLE}" WHERE rowid {_RANGE} AND +words = old.word;'


def _body(*statements, row):
    text = "\n    ".join(statements)
    return text.format(row=row, slots=SLOTS, last=SLOTS - 1)


SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE \"{TABLE}\" USING fts5(words, tokenize = 'trigram')"
)
SQLITE_TRIGGERS = {
    f"{TABLE}_insert": "AFTER INSERT ON name_word BEGIN\n    "
    + _body(_ADD, row="new")
    + "\nEND",
    f"{TABLE}_delete": "AFTER DELETE ON name_word BEGIN\n    "
    + _body(_REMOVE, row="old")
    + "\nEND",
    f"{TABLE}_update": "AFTER UPDATE ON name_word BEGIN\n    "
    + _body(_REMOVE, row="old")
    + "\n    "
    + _body(_ADD, row="new")
    + "\nEND",
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
    if not made and not have.issuperset(SQLITE_TRIGGERS):
        # name_word was changed without it (made again, as by an older
        # version): start the index afresh.
        database.execute_sql(f'DROP TABLE "{TABLE}"')
        made = True
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
        refresh_statistics()


def refresh_statistics():
    """Count the FTS5 tables again for the planner if ANALYZE ever counted
    them. Statistics taken while they were empty make FTS5's own statements
    read its whole index on writes: a stored request then took 1.4 ms more
    instead of 0.1 ms (measured at 100,000 requests). Without statistics,
    SQLite's defaults serve FTS5 well."""
    if not db.table_exists("sqlite_stat1"):
        return
    counted = db.execute_sql(
        "SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl IN "
        f"({', '.join('?' * len(SQLITE_SHADOW_TABLES))})",
        SQLITE_SHADOW_TABLES,
    ).fetchall()
    for (table,) in counted:
        db.execute_sql(f'ANALYZE "{table}"')


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


def request_id(table):
    """The id of the request a name_trigram row (`table`) is a word of."""
    return table.rowid / SLOTS  # integers: SQLite divides without a remainder


def contains(table, word):
    """name_trigram rows (`table`) whose word holds `word`.

    A quoted phrase is a substring match with the trigram tokenizer.
    """
    phrase = '"' + word.replace('"', '""') + '"'
    return pw.Expression(table.words, "MATCH", phrase)


def fill(batch=None):
    """Give the trigram rows to every request whose name words have none:
    those stored before the table existed.

    In batches of one transaction each, from a mark (MigrationMark) up; the
    triggers keep every later change, so the mark only moves on. Safe to run
    again or in two processes at once: each batch reads the mark inside its
    transaction and skips requests that have rows. Then the index is merged
    into one segment, as FTS5 would otherwise do bit by bit on the next
    requests stored. Returns how many requests got rows.
    """
    filled, after = 0, None
    while True:
        with db.atomic():
            mark = models.MigrationMark.get_or_none(
                models.MigrationMark.name == FILL_MARK
            )
            after = max(after or 0, mark.value if mark else 0)
            ids = db.execute_sql(
                "SELECT id FROM submission WHERE id > ? ORDER BY id LIMIT ?",
                (after, batch or FILL_BATCH),
            ).fetchall()
            if not ids:
                break
            last = ids[-1][0]
            filled += _fill_between(after, last)
            models.MigrationMark.insert(name=FILL_MARK, value=last).on_conflict(
                conflict_target=[models.MigrationMark.name],
                update={models.MigrationMark.value: last},
            ).execute()
            after = last
    if filled:
        merge()
    return filled


def _fill_between(after, last):
    """Rows for the words of requests after `after` up to `last` that have none;
    returns how many requests got them."""
    done = {
        row_id
        for (row_id,) in db.execute_sql(
            f'SELECT DISTINCT rowid / {SLOTS} FROM "{TABLE}" '
            "WHERE rowid BETWEEN ? AND ?",
            ((after + 1) * SLOTS, (last + 1) * SLOTS - 1),
        )
    }
    words = [
        row
        for row in db.execute_sql(
            "SELECT submission_id, word FROM name_word "
            "WHERE submission_id > ? AND submission_id <= ? ORDER BY submission_id",
            (after, last),
        )
        if row[0] not in done
    ]
    rows, slot, previous = [], 0, None
    for submission_id, word in words:
        slot = slot + 1 if submission_id == previous else 0
        rows.append((submission_id * SLOTS + slot, word))
        previous = submission_id
    db.cursor().executemany(f'INSERT INTO "{TABLE}" (rowid, words) VALUES (?, ?)', rows)
    return len({submission_id for submission_id, _ in words})


def merge():
    """Merge FTS5's segments into one (about 0.1 s at 100,000 requests)."""
    db.execute_sql(f'INSERT INTO "{TABLE}" ("{TABLE}") VALUES (\'optimize\')')


def after_purge():
    """Merge the trigram index into one segment once names were erased.

    FTS5 records a deletion as a marker in a new segment and leaves the old
    segments, which hold the erased name's trigrams, until segments merge;
    merging all of them drops those entries (and secure_delete zeroes the
    pages they were on). PostgreSQL's GIN entries go with VACUUM, as the
    B-tree entries of name_word do."""
    if is_sqlite() and available():
        merge()
