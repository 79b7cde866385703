"""Choosing the database: the embedded SQLite file or a team's PostgreSQL server.

The window's Connect dialog calls :func:`connect` with the URL (no password in it) and the
password typed by the person; on success the password is kept in the keychain, so the next
start connects by itself. The CLI gets the same through ``--db URL`` (password from the
keychain) or a URL that carries its password.
"""

from __future__ import annotations

import logging

from warroom.storage.database import Database, open_database
from warroom.storage.locations import resolve_database_url
from warroom.storage.secrets import SecretStore
from warroom.storage.server_login import (
    is_server_url,
    remember_password,
    server_key,
    without_password,
)

log = logging.getLogger(__name__)


def connect(
    url: str | None = None,
    *,
    password: str | None = None,
    remember: bool = True,
    secrets: SecretStore | None = None,
) -> Database:
    """Open the database at ``url`` (default: ``$WARROOM_DB``, else the embedded file).

    With a ``password`` for a server, it is tried first and, once the database opened,
    kept in the keychain when ``remember`` is true. A wrong password or an unreachable server
    raises StorageError with one line to show; nothing is stored then.
    """
    resolved = resolve_database_url(url)
    if password and is_server_url(resolved):
        resolved = without_password(resolved)
    database = open_database(resolved, password=password or None)
    if password and remember and is_server_url(resolved):
        try:
            remember_password(resolved, password, secrets)
        except BaseException:
            database.dispose()  # the caller never gets it: do not leave it connected
            raise
    log.info("connected to %s", database.location)
    return database


def forget_password(url: str, secrets: SecretStore | None = None) -> None:
    """Remove the keychain's password of the server database at ``url``."""
    remember_password(url, "", secrets)


def keychain_account(url: str) -> str:
    """Return under which account the password of ``url`` is kept (for the dialog's hint)."""
    return server_key(url)
