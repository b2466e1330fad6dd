"""The database: connection, models, schema, seed, backups."""
