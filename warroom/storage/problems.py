"""How a database problem is said to a person, whichever driver met it.

Both the SQLAlchemy path (``database.py``) and the stdlib reader of the embedded file
(``quick_read.py``) translate driver errors here, so a damaged file reads the same way
whichever command met it.
"""

from __future__ import annotations

from warroom.domain.errors import StorageError


def is_damaged(detail: str) -> bool:
    """Tell whether a driver's message says the file is damaged (or not a database)."""
    return "malformed" in detail or "not a database" in detail


def damaged(detail: str) -> StorageError:
    """Return the one-line error for a damaged database file."""
    return StorageError(
        f"the database file is damaged: {detail}; restore a backup or run `warroom verify`"
    )


def unusable(detail: str) -> StorageError:
    """Return the one-line error for a database that cannot be used now (locked, ...)."""
    return StorageError(f"the database cannot be used: {detail}")
