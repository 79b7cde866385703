"""One connector per channel kind, and the factory that picks it."""

from __future__ import annotations

from typing import Protocol

from warroom.domain.channels import Channel, ChannelKind, fit
from warroom.domain.clock import Clock, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync.outcomes import DeliveryResult, PermanentError


class ChannelMemory(Protocol):
    """What a connector may remember between deliveries, in the database (kept by services).

    A status page keeps its own incident per War Room incident; a Matrix channel keeps the
    room id its alias resolved to. Each call is its own short transaction.
    """

    def remote_incident(self, incident_id: int) -> str | None:
        """Return the remote incident kept for ``incident_id`` on this channel, if any."""
        ...

    def remember_remote_incident(self, incident_id: int, remote_id: str) -> None:
        """Keep ``remote_id`` as the remote incident of ``incident_id`` on this channel."""
        ...

    def remember_setting(self, name: str, value: str) -> None:
        """Store a derived setting (such as a resolved room id) in the channel's settings."""
        ...


class ForgetfulMemory:
    """A memory kept in this object only (channel tests, unit tests)."""

    def __init__(self) -> None:
        self.incidents: dict[int, str] = {}
        self.settings: dict[str, str] = {}

    def remote_incident(self, incident_id: int) -> str | None:
        """Return the remote incident kept for ``incident_id``."""
        return self.incidents.get(incident_id)

    def remember_remote_incident(self, incident_id: int, remote_id: str) -> None:
        """Keep the remote incident of ``incident_id``."""
        self.incidents[incident_id] = remote_id

    def remember_setting(self, name: str, value: str) -> None:
        """Keep a derived setting."""
        self.settings[name] = value


class Connector(Protocol):
    """Delivers outbox rows to one channel, reusing its connection between rows."""

    #: True where a retry cannot create a second post (Mastodon, Bluesky).
    idempotent: bool

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Publish ``row``; raise TransientError, PermanentError or UncertainError."""
        ...

    def check(self) -> str:
        """Make one harmless authenticated call; return what it showed, or raise."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


#: Kinds where a retry cannot publish twice: the service deduplicates (Mastodon's
#: Idempotency-Key, Bluesky's record key, Matrix's transaction id) or the connector looks
#: for its earlier attempt first (Statuspage, the status folder's own record).
IDEMPOTENT_KINDS = frozenset(
    {
        ChannelKind.MASTODON,
        ChannelKind.BLUESKY,
        ChannelKind.MATRIX,
        ChannelKind.STATUSPAGE,
        ChannelKind.STATUSDIR,
    }
)
#: Kinds that need no secret (nothing is read from the keychain for them).
SECRETLESS_KINDS = frozenset({ChannelKind.STATUSDIR})


def ensure_fits(channel: Channel, text: str) -> None:
    """Refuse, before any network call, a text the channel would reject as too long: the
    measure of the editor's counter, the release preview and the service
    (``domain.channels.fit``), so a row refused here was never shown as fitting."""
    problem = fit(channel, text).problem
    if problem:
        raise PermanentError(problem)


def make_connector(
    channel: Channel,
    secret: str,
    *,
    clock: Clock = utc_now,
    memory: ChannelMemory | None = None,
) -> Connector:
    """Return the connector for ``channel``'s kind (imports requests/smtplib lazily)."""
    kept = memory if memory is not None else ForgetfulMemory()
    if channel.kind is ChannelKind.MASTODON:
        from warroom.sync.connectors.mastodon import MastodonConnector

        return MastodonConnector(channel, secret, clock=clock)
    if channel.kind is ChannelKind.BLUESKY:
        from warroom.sync.connectors.bluesky import BlueskyConnector

        return BlueskyConnector(channel, secret, clock=clock)
    if channel.kind is ChannelKind.EMAIL:
        from warroom.sync.connectors.email import EmailConnector

        return EmailConnector(channel, secret, clock=clock)
    if channel.kind is ChannelKind.MATRIX:
        from warroom.sync.connectors.matrix import MatrixConnector

        return MatrixConnector(channel, secret, clock=clock, memory=kept)
    if channel.kind is ChannelKind.STATUSPAGE:
        from warroom.sync.connectors.statuspage import StatuspageConnector

        return StatuspageConnector(channel, secret, clock=clock, memory=kept)
    if channel.kind is ChannelKind.STATUSDIR:
        from warroom.sync.connectors.statusdir import StatusFolderConnector

        return StatusFolderConnector(channel, clock=clock)
    from warroom.sync.connectors.webhook import WebhookConnector

    return WebhookConnector(channel, secret, clock=clock)
