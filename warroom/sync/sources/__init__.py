"""Listening connectors: one per source kind, each reading new items since its cursors.

A listener never writes to the database. ``fetch`` reads at most one page per stream of
its source (notifications, each tracked term, the mailbox) past the given cursors and
returns the cleaned items with the cursors to store *in the same transaction* as the
items, so a crash between the two can only make the next pull read a page again (and the
store deduplicates by remote id), never skip one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from warroom.domain.clock import Clock, utc_now
from warroom.domain.inbox import Heard, Source, SourceKind
from warroom.sync.outcomes import PermanentError


class SourceAuthError(PermanentError):
    """The server refused the credentials: the source stops until a person fixes them."""


@dataclass
class Batch:
    """What one fetch read: new items, the cursors after them, and what was skipped."""

    items: list[Heard] = field(default_factory=list)
    cursors: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0
    #: A stream returned a full page: there is more to read right away.
    more: bool = False
    #: Why items were skipped (one line each, first few), for the log.
    problems: list[str] = field(default_factory=list)

    def skip(self, why: str) -> None:
        """Count a malformed item; keep the first reasons."""
        self.skipped += 1
        if len(self.problems) < 5:
            self.problems.append(why)


class Listener(Protocol):
    """Reads one source."""

    def fetch(self, cursors: Mapping[str, Any]) -> Batch:
        """Return items past ``cursors`` (one page per stream at most)."""
        ...

    def check(self) -> str:
        """Make one harmless authenticated call; return what it showed, or raise."""
        ...

    def acknowledge(self, remote_ids: Sequence[str]) -> None:
        """Tell the server these items were stored (IMAP ``--mark-seen``; else nothing)."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


def make_listener(source: Source, secret: str, *, clock: Clock = utc_now) -> Listener:
    """Return the listener for ``source``'s kind (imports its libraries lazily)."""
    if source.kind is SourceKind.MASTODON:
        from warroom.sync.sources.mastodon import MastodonListener

        return MastodonListener(source, secret, clock=clock)
    if source.kind is SourceKind.BLUESKY:
        from warroom.sync.sources.bluesky import BlueskyListener

        return BlueskyListener(source, secret, clock=clock)
    if source.kind is SourceKind.IMAP:
        from warroom.sync.sources.imap import ImapListener

        return ImapListener(source, secret, clock=clock)
    from warroom.sync.sources.feed import FeedListener

    return FeedListener(source, secret, clock=clock)


__all__ = ["Batch", "Listener", "SourceAuthError", "make_listener"]
