"""What connectors remember between deliveries, kept in the database (one short transaction
per call, so a remote incident created just before a crash is never forgotten)."""

from __future__ import annotations

from warroom.domain.changes import Area
from warroom.domain.channels import Channel
from warroom.services.context import ServiceContext
from warroom.storage import changes, channel_repo


class StoredChannelMemory:
    """The ``ChannelMemory`` of one channel (see ``sync.connectors``)."""

    def __init__(self, context: ServiceContext, channel: Channel) -> None:
        self._ctx = context
        self._channel_id = channel.id

    def remote_incident(self, incident_id: int) -> str | None:
        """Return the remote incident kept for ``incident_id`` on this channel, if any."""
        with self._ctx.db.reading() as session:
            return channel_repo.remote_incident(session, self._channel_id, incident_id)

    def remember_remote_incident(self, incident_id: int, remote_id: str) -> None:
        """Keep ``remote_id`` as the remote incident of ``incident_id`` on this channel."""
        with self._ctx.db.transaction() as session:
            channel_repo.set_remote_incident(
                session, self._channel_id, incident_id, remote_id, self._ctx.clock()
            )
            changes.record(session, incident_id, Area.CHANNELS)

    def remember_setting(self, name: str, value: str) -> None:
        """Store a derived setting (such as a resolved room id) in the channel's settings."""
        with self._ctx.db.transaction() as session:
            channel_repo.set_setting(session, self._channel_id, name, value)
            changes.record(session, None, Area.CHANNELS)
