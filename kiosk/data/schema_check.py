"""How a SQLite file's schema differs from the one this version creates.

A restore copies a file over the live database whole, schema included, so a
trigger, a view or an extra table in a backup would go on running inside the
site (a trigger can copy a resident's data into a public note, or make a clerk
an admin). A file is therefore compared, object by object, with a schema this
version creates in memory, the way migrations.migrate creates it. Backups made
by an older version differ only in what the next start puts right:

- a table of models.REBUILT_MODELS or models.ADDED_MODELS may be missing;
- an index that is not unique may be missing (the start creates it; a unique
  one is required, since rows breaking it would stop the start);
- an index of migrations.DROPPED_INDEXES may be there (the start drops it);
- the trigram index of names (data/name_index.py: an FTS5 table, the tables
  it keeps and the triggers that fill it) may be missing, and when there it
  must be exactly this version's: its triggers are the only ones accepted.
"""

from contextlib import closing
from typing import NamedTuple

import peewee as pw

from kiosk.data import migrations, models, name_index

# Tables SQLite keeps itself: AUTOINCREMENT counters and ANALYZE statistics.
SQLITE_TABLES = frozenset(
    ("sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")
)


class Entry(NamedTuple):
    """One row of sqlite_master."""

    type: str
    name: str
    table: str
    sql: str | None


def differences(conn):
    """What in the schema of the sqlite3 connection `conn` differs from this
    version's, one phrase each (an empty list when nothing does).

    Only the schema is read: nothing in the file is run.
    """
    entries = _entries(conn)
    with closing(_reference()) as database:
        reference = database.connection()
        wanted = {entry.name: entry for entry in _entries(reference)}
        present = {entry.name for entry in entries if entry.type != "trigger"}
        foreign, changed = [], []
        for entry in entries:
            want = wanted.get(entry.name)
            if _same_trigger(entry, want):
                continue
            if entry.type == "trigger" or want is None or entry.type != want.type:
                foreign.extend(_foreign(entry, want))
            else:
                changed.extend(_changed(conn, reference, entry, want))
        # What could run or stand in for a table first: it is the worst.
        return foreign + _missing(reference, wanted, present) + changed


def _same_trigger(entry, want):
    """A trigger this version creates, word for word, on the same table."""
    return (
        entry.type == "trigger"
        and want is not None
        and want.type == "trigger"
        and entry.table == want.table
        and _normal(entry.sql) == _normal(want.sql)
    )


def _foreign(entry, want):
    """An object of the file that is none of this version's."""
    if entry.type == "trigger":
        return [
            f"has a trigger named {entry.name} on {entry.table}, "
            "which this application never creates"
        ]
    if want is not None:
        return [
            f"has {_a(entry.type)} named {entry.name} where this application "
            f"has {_a(want.type)}"
        ]
    if _allowed_extra(entry):
        return []
    return [
        f"has {_a(entry.type)} named {entry.name}, which this application never creates"
    ]


def _changed(conn, reference, entry, want):
    """How a table or index of the file differs from this version's."""
    if entry.type == "table":
        return _table_differences(conn, reference, entry, want)
    if entry.table != want.table or _normal(entry.sql) != _normal(want.sql):
        return [
            f"has an index named {entry.name} that differs from the one this "
            "application creates"
        ]
    return []


def _reference():
    """An in-memory database holding the schema this version creates."""
    database = pw.SqliteDatabase(":memory:")
    # The list is read now: other models may have joined ADDED_MODELS.
    tables = models.ALL_MODELS + models.REBUILT_MODELS + models.ADDED_MODELS
    # As Database.create_tables does, but the models stay bound to the site's
    # database: another thread of this process may be using them.
    for model in pw.sort_models(tables):
        pw.SchemaManager(model, database).create_all(safe=True)
    name_index.create_sqlite(database)
    return database


def _entries(conn):
    """Every object in the schema, in the order SQLite lists them."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return [Entry(*row) for row in rows]


def _allowed_extra(entry):
    if entry.type == "table":
        return entry.name in SQLITE_TABLES
    return entry.type == "index" and entry.name in migrations.DROPPED_INDEXES


def _table_differences(conn, reference, entry, want):
    """How a table of the file differs from this version's table of its name."""
    if _normal(entry.sql) == _normal(want.sql):
        return []
    if not entry.sql.upper().startswith("CREATE TABLE"):  # a virtual table
        return [f"has table {entry.name} defined differently from this application's"]
    have, need = _columns(conn, entry.name), _columns(reference, want.name)
    found = [f"missing {entry.name}.{name}" for name in need if name not in have]
    found.extend(
        f"has a column {entry.name}.{name}, which this application never creates"
        for name in have
        if name not in need
    )
    found.extend(
        f"has {entry.name}.{name} declared as {_declared(have[name])}, where this "
        f"application declares {_declared(need[name])}"
        for name in need
        if name in have and have[name] != need[name]
    )
    # The same columns, but another order, constraint or collation.
    return found or [
        f"has table {entry.name} defined differently from this application's"
    ]


def _columns(conn, table):
    """Name -> (declared type, not null, default, primary key, generated)."""
    rows = conn.execute(
        'SELECT name, type, "notnull", dflt_value, pk, hidden'
        " FROM pragma_table_xinfo(?)",
        (table,),
    )
    return {name: tuple(rest) for name, *rest in rows}


def _declared(column):
    kind, not_null, default, primary_key, hidden = column
    words = [kind or "no type"]
    words += ["NOT NULL"] if not_null else []
    words += [f"DEFAULT {default}"] if default is not None else []
    words += ["PRIMARY KEY"] if primary_key else []
    words += ["GENERATED"] if hidden else []
    return " ".join(words)


def _missing(reference, wanted, present):
    """Tables and unique indexes of this version that the file lacks."""
    optional = {
        model._meta.table_name for model in models.REBUILT_MODELS + models.ADDED_MODELS
    }
    optional.update((name_index.TABLE, *name_index.SQLITE_SHADOW_TABLES))
    found = []
    for name, want in wanted.items():
        if name in present:
            continue
        if want.type == "table" and name not in optional:
            found.append(f"missing table {name}")
        elif (
            want.type == "index"
            and want.table in present
            and _unique(reference, want.table, name)
        ):
            found.append(f"missing unique index {name}")
    return found


def _unique(conn, table, index):
    row = conn.execute(
        'SELECT "unique" FROM pragma_index_list(?) WHERE name = ?', (table, index)
    ).fetchone()
    return bool(row and row[0])


def _normal(sql):
    """SQL text with its runs of white space made single spaces."""
    return " ".join(sql.split()) if sql else sql


def _a(kind):
    return f"an {kind}" if kind == "index" else f"a {kind}"
