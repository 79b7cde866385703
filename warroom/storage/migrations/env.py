"""Alembic environment: migrate through the engine War Room passes in.

On SQLite, foreign keys are switched off for the migration: a batch migration rebuilds a
table (create a copy, move the rows, drop the original), and dropping a table that other
rows point at would otherwise fail. Every foreign key is checked once at the end instead,
inside the same transaction, so a migration that broke one is rolled back whole. An upgrade
over several revisions is one transaction: a failing step leaves the database as it was.
"""

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from warroom.storage.models import Base

engine: Engine = context.config.attributes["engine"]


def _set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Outside any transaction (the pragma is ignored inside one): on the driver connection.
    connection.connection.dbapi_connection.execute(  # type: ignore[union-attr]
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
    )


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.execute(text("PRAGMA foreign_key_check")).first()
    if broken is not None:
        raise RuntimeError(f"a migration left a broken reference in table {broken[0]}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _set_sqlite_foreign_keys(connection, False)
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            # SQLite's DDL is transactional too (Alembic assumes not): every migration of
            # one upgrade commits together or not at all.
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_sqlite_foreign_keys(connection)
        connection.commit()
    finally:
        if sqlite:
            connection.rollback()
            _set_sqlite_foreign_keys(connection, True)
