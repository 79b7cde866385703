"""The insert-only guards on history (migration 0007), lifted for one restore transaction.

The timeline, approvals, revisions, keys and outbox refuse UPDATE, DELETE and TRUNCATE for
everyone, so that no tool and no mistake rewrites history. A restore is the one use that
must replace those rows: it puts back a verified backup as a whole, after keeping the
current database beside it, and only over a newer chain when the person said ``--force``.
It lifts the guards inside its own transaction and puts them back before committing, so
no other connection ever sees the database unguarded. The search index triggers stay on:
they rebuild the index from the restored rows.

On PostgreSQL lifting a trigger needs the table's owner: a person's login cannot restore.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

_SEARCH_PREFIX = "search_"
# The guard triggers of migration 0007_trust on PostgreSQL, by name suffix.
_POSTGRESQL_GUARDS = (
    "_insert_only",
    "_no_truncate",
    "_own_identity",
    "_content_fixed",
    "_no_delete",
)


@contextmanager
def lifted(connection: Connection) -> Iterator[None]:
    """Run the block with the history guards off, in ``connection``'s transaction."""
    if connection.dialect.name == "sqlite":
        with _sqlite_lifted(connection):
            yield
    else:
        with _postgresql_lifted(connection):
            yield


@contextmanager
def _sqlite_lifted(connection: Connection) -> Iterator[None]:
    # SQLite's DDL is transactional: dropped and recreated triggers commit (or roll back)
    # together with the rows.
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    ).all()
    guards = [(name, sql) for name, sql in triggers if not name.startswith(_SEARCH_PREFIX)]
    for name, _sql in guards:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in guards:
        connection.exec_driver_sql(sql)


@contextmanager
def _postgresql_lifted(connection: Connection) -> Iterator[None]:
    rows = connection.execute(
        text(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    ).all()
    guards = [(table, name) for table, name in rows if name.endswith(_POSTGRESQL_GUARDS)]
    for table, name in guards:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    yield
    for table, name in guards:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
