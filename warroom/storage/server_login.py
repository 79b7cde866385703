"""Team databases: which keychain entry holds a server's password, and using it.

A team URL is written without its password (``postgresql+psycopg://anna@10.0.0.5/warroom``);
the password lives in the keychain under ``database:anna@10.0.0.5:5432/warroom`` and is
added to the URL only in memory, when the engine is created. A URL that carries a password
is used as given.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import URL, make_url

from warroom.domain.errors import StorageError
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"postgresql": 5432}


def is_server_url(url: str) -> bool:
    """Tell whether ``url`` names a database server (not an embedded SQLite file)."""
    return make_url(url).get_backend_name() != "sqlite"


def server_key(url: str | URL) -> str:
    """Return the keychain account of a server database: ``user@host:port/database``."""
    parsed = make_url(url)
    port = parsed.port or DEFAULT_PORTS.get(parsed.get_backend_name(), 0)
    return f"{parsed.username or ''}@{parsed.host or 'localhost'}:{port}/{parsed.database or ''}"


def without_password(url: str) -> str:
    """Return ``url`` with any password removed (what settings and logs may keep)."""
    # URL.set(password=None) keeps the old password (None means "unchanged" there).
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def with_stored_password(url: str, secrets: SecretStore | None = None) -> str:
    """Return ``url`` with the keychain's password filled in when it has none of its own.

    Without a keychain, or with nothing stored, the URL is returned unchanged: the server
    may not need a password (trust, peer, or a ``.pgpass`` file).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" or parsed.password:
        return url
    try:
        password = (secrets or SecretStore()).get_database_password(server_key(parsed))
    except SecretStoreUnavailable:
        log.info("no keychain: connecting to %s without a stored password", server_key(parsed))
        return url
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def remember_password(url: str, password: str, secrets: SecretStore | None = None) -> None:
    """Keep (or, with '', forget) the password of the server database at ``url``."""
    if not is_server_url(url):
        raise StorageError("only a database server has a password; this is a SQLite file")
    (secrets or SecretStore()).set_database_password(server_key(url), password)
