"""Change a War Room database behind its back, as a determined editor with the file would.

The insert-only guards (migration 0007) stop tools and mistakes: a SQLite file's owner can
drop its triggers, and a PostgreSQL superuser can switch them off. Tests that prove that
verification still catches such edits go through here.
"""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection


def drop_guards(connection: Connection) -> None:
    """Switch off foreign keys and the insert-only triggers for this connection's work."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        names = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).scalars()
        for name in list(names):
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        # Replica mode fires no ordinary triggers (and skips foreign-key checks).
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")


def tamper(db_url: str, *statements: str) -> None:
    """Run raw SQL ``statements`` against the database with its guards dropped."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            drop_guards(connection)
            for sql in statements:
                connection.exec_driver_sql(sql)
    finally:
        engine.dispose()
