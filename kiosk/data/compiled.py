"""Statements built with peewee once per SQL dialect, then only run.

Building a small query's SQL costs peewee about ten times what running it
costs (a tracking page's lookup: about 300 µs against 20-40), so the statements
every public page runs are built once per dialect and kept as text. Each is
written as a peewee query whose only values are placeholders, which makes its
text reusable with any values; the equivalence of each with the peewee query
it stands for is tested (tests/test_reimplementations.py, tests/test_etags.py).
"""

import peewee as pw

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


def placeholder(index):
    """The index-th placeholder value of a query built to be compiled: kept
    as it is by peewee (no field converts it), so it can be found again."""
    return pw.Value(f"placeholder-{index}", unpack=False)


class Insert:
    """An INSERT of one `model` row, every column given (those left out take
    their defaults, as Model.create gives them), built once per SQL dialect.
    Where the dialect returns the new id (PostgreSQL), the statement does
    too, as peewee's own would."""

    def __init__(self, model):
        self.model = model
        self.fields = [
            field
            for field in model._meta.sorted_fields
            if not isinstance(field, pw.AutoField)
        ]
        self._built = {}  # database class -> (SQL text, fields in SQL order)

    def _build(self):
        dialect = type(db.obj)
        built = self._built.get(dialect)
        if built is None:
            values = {field: placeholder(i) for i, field in enumerate(self.fields)}
            text, params = self.model.insert(values).sql()
            order = [self.fields[int(p.rpartition("-")[2])] for p in params]
            built = self._built[dialect] = (text, order)
        return built

    def create(self, **values):
        """Insert a row of these {field name: value}, as Model.create does;
        returns the model instance."""
        text, order = self._build()
        values = {field.name: _given_or_default(field, values) for field in order}
        cursor = db.execute_sql(text, [f.db_value(values[f.name]) for f in order])
        new_id = cursor.fetchone()[0] if db.returning_clause else cursor.lastrowid
        return self.model(id=new_id, **values)


def _given_or_default(field, values):
    if field.name in values:
        return values[field.name]
    return field.default() if callable(field.default) else field.default


class InsertRows:
    """An INSERT of several rows of `fields` (then `finish(query)`, e.g. its
    ON CONFLICT clause), built once per SQL dialect and number of rows, up to
    MOST_ROWS; more rows are built by peewee each time."""

    MOST_ROWS = 32

    def __init__(self, model, fields, finish=None):
        self.model = model
        self.fields = list(fields)
        self.finish = finish or (lambda query: query)
        self._built = {}  # (database class, rows) -> (SQL text, value order)

    def _query(self, rows):
        return self.finish(self.model.insert_many(rows, fields=self.fields))

    def _build(self, count):
        key = (type(db.obj), count)
        built = self._built.get(key)
        if built is None:
            width = len(self.fields)
            rows = [
                [placeholder(row * width + col) for col in range(width)]
                for row in range(count)
            ]
            text, params = self._query(rows).sql()
            order = [divmod(int(p.rpartition("-")[2]), width) for p in params]
            built = self._built[key] = (text, order)
        return built

    def insert(self, rows):
        """Insert `rows` (tuples in the order of `fields`)."""
        if not rows:
            return
        if len(rows) > self.MOST_ROWS:
            self._query(rows).execute()
            return
        text, order = self._build(len(rows))
        values = [self.fields[col].db_value(rows[row][col]) for row, col in order]
        db.execute_sql(text, values)
