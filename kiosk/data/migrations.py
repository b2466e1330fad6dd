"""Creating the schema and seeding defaults when an app server starts."""

import peewee

from kiosk.data import models, seed
from kiosk.data.db import db

# Any fixed number: app servers agree on it to take turns creating the schema.
MIGRATION_LOCK_KEY = 7_331_001


def migrate():
    """Create missing tables and indexes and seed defaults, one server at a time.

    Several app servers may start together on one PostgreSQL database; an
    advisory lock makes them take turns. On SQLite the IMMEDIATE transaction
    does the same between processes sharing the file.
    """
    with db.connection_context():
        if isinstance(db.obj, peewee.PostgresqlDatabase):
            db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
            try:
                db.create_tables(models.ALL_MODELS, safe=True)
                seed.ensure_defaults()
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
        else:
            with db.atomic():
                db.create_tables(models.ALL_MODELS, safe=True)
                seed.ensure_defaults()
