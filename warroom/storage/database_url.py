"""Which database URLs War Room accepts, and one clear line for each one it does not.

Only a SQLite *file* and a PostgreSQL server keep what a war room writes. An in-memory
SQLite database (``sqlite://``, ``sqlite:///:memory:``, ``mode=memory``) would accept every
write and lose it all when the process ends, so it is refused, as is a scheme War Room does
not speak or whose driver is not installed.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from warroom.domain.errors import UsageError

SUPPORTED = "sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"
# Schemes people type for a server we do speak, and what to write instead.
_HINTS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "pgsql": "postgresql+psycopg",
    "psql": "postgresql+psycopg",
}


def checked_url(url: str) -> URL:
    """Parse ``url`` or refuse it (UsageError): in-memory, unknown scheme, missing driver."""
    shown = url.split("://", 1)[0] + "://" if "://" in url else url
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise UsageError(f"--db {shown!r} is not a database URL; use {SUPPORTED}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if is_in_memory(parsed):
            raise UsageError(
                f"--db {url!r} is an in-memory "
                "database, which is gone when War Room exits; give a file path instead "
                "(e.g. --db incident.db)"
            )
        return parsed
    if backend != "postgresql":
        hint = _HINTS.get(parsed.drivername)
        suggestion = f"did you mean {hint}://?" if hint else f"use {SUPPORTED}"
        raise UsageError(f"War Room cannot use --db {parsed.drivername}://; {suggestion}")
    try:
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        hint = _HINTS.get(parsed.drivername, "postgresql+psycopg")
        raise UsageError(
            f"the database driver for {parsed.drivername}:// is not installed; "
            f"did you mean {hint}://?"
        ) from None
    return parsed


def is_in_memory(parsed: URL) -> bool:
    """Tell whether a SQLite URL names a database that lives only in memory."""
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return True
    mode = parsed.query.get("mode")
    return "mode=memory" in database or mode == "memory" or mode == ("memory",)
