"""One connector per channel kind, and the factory that picks it."""

from __future__ import annotations

from typing import Protocol

from warroom.domain.channels import Channel, ChannelKind, fit
from warroom.domain.clock import Clock, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync.outcomes import DeliveryResult, PermanentError


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


IDEMPOTENT_KINDS = frozenset({ChannelKind.MASTODON, ChannelKind.BLUESKY})


def ensure_fits(channel: Channel, text: str) -> None:
    """Refuse, before any network call, a text the channel would reject as too long: the
    measure of the editor's counter, the release preview and the service
    (``domain.channels.fit``), so a row refused here was never shown as fitting."""
    problem = fit(channel, text).problem
    if problem:
        raise PermanentError(problem)


def make_connector(channel: Channel, secret: str, *, clock: Clock = utc_now) -> Connector:
    """Return the connector for ``channel``'s kind (imports requests/smtplib lazily)."""
    if channel.kind is ChannelKind.MASTODON:
        from warroom.sync.connectors.mastodon import MastodonConnector

        return MastodonConnector(channel, secret, clock=clock)
    if channel.kind is ChannelKind.BLUESKY:
        from warroom.sync.connectors.bluesky import BlueskyConnector

        return BlueskyConnector(channel, secret, clock=clock)
    if channel.kind is ChannelKind.EMAIL:
        from warroom.sync.connectors.email import EmailConnector

        return EmailConnector(channel, secret, clock=clock)
    from warroom.sync.connectors.webhook import WebhookConnector

    return WebhookConnector(channel, secret, clock=clock)
