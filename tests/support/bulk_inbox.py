"""Fill the inbox quickly with items as the listening worker stores them (tests, benchmarks).

Items go through ``inbox_repo.add_heard`` (the worker's own insert), in batches, from up to
three sources; a share is answered and a share attached to an incident, so that every filter
of the window and every figure of the stats has something to find.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from warroom.domain.inbox import Author, Heard, InboxState, SourceKind, Suggestion
from warroom.storage import inbox_repo, source_repo

TOKEN = "bulk-token-not-secret"
TEXTS = (
    "Checkout fails again, I want a refund now",
    "Thanks for the quick fix, great work",
    "Is the app down? Cannot log in",
    "My data was leaked?! Calling my lawyer",
    "Order arrived, all good",
)
SOURCES = ("masto", "bsky", "mail")
START = datetime(2026, 11, 23, 6, tzinfo=UTC)


def add_sources(services: Any, names: tuple[str, ...] = SOURCES) -> None:
    """Configure the sources (a mailbox for ``mail``, Mastodon servers for the others)."""
    for name in names:
        kind = SourceKind.IMAP if name == "mail" else SourceKind.MASTODON
        settings = {"host": "h.test", "user": "u"} if name == "mail" else {"url": "https://m.test"}
        services.sources.configure(name, kind, settings, TOKEN)


def seed_inbox(
    db: Any,
    services: Any,
    count: int,
    *,
    incident_id: int | None = None,
    span: timedelta = timedelta(hours=6),
    start: datetime = START,
    answered_every: int = 3,
    attached_every: int = 10,
    prefix: str = "",
) -> None:
    """Store ``count`` items over ``span`` from the three sources (configured if missing).

    Every ``answered_every``-th item of a batch is replied to (0 to 89 minutes later) and
    every ``attached_every``-th is attached to ``incident_id`` (when given). Remote ids are
    ``prefix`` + the item's number: seed again with another prefix to add more items.
    """
    if not services.sources.all():
        add_sources(services)
    with db.transaction() as session:
        sources = [source_repo.by_name(session, name) for name in SOURCES]
        for first in range(0, count, 5000):
            for index, source in enumerate(sources):
                chunk = [
                    (
                        Heard(
                            remote_id=f"{prefix}{n}",
                            text=TEXTS[n % len(TEXTS)] + f" #{n}",
                            posted_at=start + span * n / max(count, 1),
                            author=Author(f"user{n % 997}", name=f"User {n % 997}", followers=n),
                        ),
                        Suggestion(
                            1 + n % 4,
                            reasons=(f"reason for {n}",),
                            sentiment=((n % 7) - 3) / 3,
                        ),
                    )
                    for n in range(first + index, min(first + 5000, count), len(sources))
                ]
                items = inbox_repo.add_heard(session, source, chunk, start)
                for item in items[::answered_every] if answered_every else ():
                    inbox_repo.update(
                        session,
                        item.id,
                        state=InboxState.REPLIED,
                        responded_at=item.posted_at + timedelta(minutes=item.id % 90),
                    )
                if incident_id is not None and attached_every:
                    for item in items[1::attached_every]:
                        inbox_repo.attach(session, item.id, incident_id, automatic=False)
