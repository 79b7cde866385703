"""Reading the configured outbound channels and the outbox."""

from __future__ import annotations

from warroom.domain.channels import Channel
from warroom.domain.outbox import Delivery
from warroom.services.context import ServiceContext
from warroom.storage import channel_repo, outbox_repo


class ChannelService:
    """Channels and the state of their deliveries."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def all(self) -> list[Channel]:
        """Return every channel by name."""
        with self._ctx.db.reading() as session:
            return channel_repo.list_all(session)

    def outbox(
        self, *, statement_id: int | None = None, incident_id: int | None = None
    ) -> list[Delivery]:
        """Return outbox rows, optionally for one statement or incident."""
        with self._ctx.db.reading() as session:
            return outbox_repo.list_rows(
                session, statement_id=statement_id, incident_id=incident_id
            )

    def outbox_depth(self) -> int:
        """Return how many deliveries still wait (queued, sending or uncertain)."""
        with self._ctx.db.reading() as session:
            return outbox_repo.depth(session)
