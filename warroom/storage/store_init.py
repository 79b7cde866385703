"""Telling whether a team database already holds data before ``warroom init`` creates one."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import DBAPIError

from warroom.domain.errors import StorageError
from warroom.storage.server_login import with_stored_password


def server_has_tables(url: str) -> bool:
    """Tell whether the server database at ``url`` has any table in its schema."""
    engine = create_engine(with_stored_password(url))
    try:
        with engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    except DBAPIError as error:
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise StorageError(f"cannot reach the database: {detail}") from None
    finally:
        engine.dispose()
