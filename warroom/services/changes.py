"""The change feed as the window sees it: what changed since it last looked.

Writers record their changes inside their own use cases (``storage.changes.record``); this
service only reads: a cheap check of the newest ``seq``, then the (incident, area) pairs
after the one a window saw, and on a team server a listener that wakes the window as soon
as anyone commits.
"""

from __future__ import annotations

from typing import Protocol

from warroom.domain.changes import Changes
from warroom.services.context import ServiceContext
from warroom.storage import changes


class ChangeListener(Protocol):
    """Blocks until a change is committed (see ``storage.changes.ChangeListener``)."""

    def wait(self, timeout: float) -> bool: ...
    def close(self) -> None: ...


class ChangeFeedService:
    """Read the change feed."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def latest(self) -> int:
        """Return the newest change number (0: nothing recorded yet).

        The window looks every second, so this is also where a database file replaced
        underneath it is noticed (and reported) without waiting for a write.
        """
        self._ctx.db.check_file()
        with self._ctx.db.reading() as session:
            return changes.latest(session)

    def since(self, seen: int) -> tuple[int, Changes]:
        """Return the newest change number and what changed after ``seen``."""
        self._ctx.db.check_file()
        with self._ctx.db.reading() as session:
            return changes.since(session, seen)

    def can_listen(self) -> bool:
        """Tell whether :meth:`listen` works here (a team server) or polling must do."""
        return changes.supports_listening(self._ctx.db)

    def listen(self) -> ChangeListener:
        """Open a connection that waits for committed changes (team server only)."""
        return changes.ChangeListener(self._ctx.db)
