"""Statements built with peewee once per SQL dialect, then only run.

Building a small query's SQL costs peewee about ten times what running it
costs (a tracking page's lookup: about 300 µs against 20-40), so the statements
every public page runs are built once per dialect and kept as text. Each is
written as a peewee query whose only values are placeholders, which makes its
text reusable with any values; the equivalence of each with the peewee query
it stands for is tested (tests/test_reimplementations.py, tests/test_etags.py).
"""

from kiosk.data.db import db


class Statement:
    """A query built by `build()` whose values are exactly `placeholders`,
    in order; `rows(*values)` runs it with those values instead."""

    def __init__(self, build, *placeholders):
        self._build = build
        self._placeholders = list(placeholders)
        self._sql = {}  # database class (the SQL dialect) -> SQL text

    def sql(self):
        dialect = type(db.obj)
        text = self._sql.get(dialect)
        if text is None:
            text, params = self._build().sql()
            if params != self._placeholders:  # the text would not be reusable
                raise ValueError(f"values {params!r}, not {self._placeholders!r}")
            self._sql[dialect] = text  # two threads at once store the same text
        return text

    def rows(self, *values):
        return db.execute_sql(self.sql(), values).fetchall()


def python_values(fields, raw_values):
    """Each raw column value turned into Python by its peewee field."""
    return [
        None if raw is None else field.python_value(raw)
        for field, raw in zip(fields, raw_values)
    ]
