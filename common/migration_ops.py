"""Migration operations for tables that hold a million rows (docs/upgrading.md).

`AddIndexConcurrently`: on PostgreSQL `CREATE INDEX CONCURRENTLY` — the table stays writable while the
index builds (a plain CREATE INDEX holds a SHARE lock: every INSERT and UPDATE of the review queue waits
for the whole build); elsewhere (SQLite, the embedded default) a plain AddIndex. A migration using it
declares `atomic = False`, as PostgreSQL requires. tests/migrating/test_migration_safety.py makes new
migrations use it for the large tables.
"""

from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(PostgresAddIndexConcurrently):
    """AddIndex, built without blocking writes where the database can (PostgreSQL)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
