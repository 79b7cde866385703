"""What the wall shows, from the incident view (no Qt, no reads).

The board answers what a room asks from across it: what did we last tell the public and
did it get out, when did we promise the next update, what is overdue, how loud is the
inbound. "Public" is decided by :func:`last_public` alone, so the board never counts a
statement that is only released (queued in the outbox) as said to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from warroom.domain.checklist import ChecklistItem
from warroom.domain.inbox_stats import InboxStats
from warroom.domain.incident_view import IncidentView, StatementView
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.statements import StatementState

#: How the state of one delivery reads on the wall.
DELIVERY_WORDS = {
    DeliveryState.SENT: "delivered",
    DeliveryState.QUEUED: "queued",
    DeliveryState.SENDING: "sending",
    DeliveryState.FAILED: "FAILED",
    DeliveryState.UNCERTAIN: "UNCERTAIN",
}
#: The inbound volume is counted over this trailing window.
INBOUND_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ChannelState:
    """One target channel of a statement and where its delivery stands."""

    channel: str
    state: str  # a DELIVERY_WORDS value, or "not sent"
    at: datetime | None = None
    detail: str = ""  # the post's URL, or the error

    @property
    def delivered(self) -> bool:
        """Tell whether it reached the channel."""
        return self.state == DELIVERY_WORDS[DeliveryState.SENT]


@dataclass(frozen=True, slots=True)
class PublicStatement:
    """The last statement the public has seen, and every channel's delivery."""

    statement_id: int
    text: str
    public_at: datetime
    channels: tuple[ChannelState, ...]
    next_update_by: datetime | None


@dataclass(frozen=True, slots=True)
class InboundSummary:
    """The inbound volume of the last hour ('no sources' when nothing listens)."""

    has_sources: bool
    count: int = 0
    negative_share: float | None = None
    spike: bool = False

    def describe(self) -> str:
        """Return '42 in the last hour · 38% negative', or 'no sources'."""
        if not self.has_sources:
            return "no sources"
        text = f"{self.count} in the last hour"
        if self.negative_share is not None:
            text += f" · {self.negative_share:.0%} negative"
        if self.spike:
            text += " · SPIKE"
        return text


@dataclass(frozen=True, slots=True)
class WallContent:
    """Everything the board shows besides the clocks."""

    heading: str
    public: PublicStatement | None
    waiting: tuple[str, ...]  # released statements not public yet, e.g. '#4 queued on email'
    overdue: tuple[ChecklistItem, ...]


def public_at(view: StatementView) -> datetime | None:
    """Return when ``view``'s statement became public: its first confirmed delivery or post
    by hand (None: not public), as ``Delivery.public_at`` and the clocks define it."""
    public = [at for d in view.deliveries if (at := d.public_at) is not None]
    return min(public) if public else None


def last_public(view: IncidentView) -> StatementView | None:
    """Return the statement that became public last, if any."""
    public = [(at, s) for s in view.statements if (at := public_at(s)) is not None]
    return max(public, key=lambda pair: (pair[0], pair[1].statement.id))[1] if public else None


def channel_states(view: StatementView) -> tuple[ChannelState, ...]:
    """Return each target channel's delivery state (the newest row per channel)."""
    newest: dict[str, Delivery] = {}
    for row in sorted(view.deliveries, key=lambda d: (d.updated_at, d.id)):
        newest[row.channel_name] = row
    targets = view.statement.channel_names
    names = list(targets) + [name for name in newest if name not in targets]
    states = []
    for name in names:
        found = newest.get(name)
        if found is None:
            states.append(ChannelState(name, "not sent"))
            continue
        sent = found.state is DeliveryState.SENT
        detail = found.remote_url if sent else found.last_error
        states.append(ChannelState(name, DELIVERY_WORDS[found.state], found.updated_at, detail))
    return tuple(states)


def waiting_statements(view: IncidentView, public: StatementView | None) -> tuple[str, ...]:
    """Return released statements newer than the public one that are not out yet."""
    since = public_at(public) if public is not None else None
    found = []
    for item in view.statements:
        statement = item.statement
        if statement.state is not StatementState.RELEASED or public_at(item) is not None:
            continue
        if (
            since is not None
            and statement.released_at is not None
            and statement.released_at < since
        ):
            continue
        states = ", ".join(f"{c.state} on {c.channel}" for c in channel_states(item))
        found.append(f"#{statement.id} released, not public yet: {states}")
    return tuple(found)


def overdue_items(items: Iterable[ChecklistItem], now: datetime) -> tuple[ChecklistItem, ...]:
    """Return the open items past their due time, most overdue first."""
    late = [item for item in items if item.is_overdue(now)]
    return tuple(sorted(late, key=lambda item: (item.due_at or now, item.position)))


def wall_content(view: IncidentView, now: datetime) -> WallContent:
    """Return what the board shows of ``view`` at ``now``."""
    incident = view.incident
    closed = "" if incident.is_open else "  ·  CLOSED"
    heading = f"#{incident.id}  {incident.severity.label}  {incident.title}{closed}"
    found = last_public(view)
    public = None
    if found is not None:
        at = public_at(found)
        assert at is not None
        public = PublicStatement(
            found.statement.id,
            found.statement.text,
            at,
            channel_states(found),
            found.statement.next_update_by,
        )
    return WallContent(
        heading=heading,
        public=public,
        waiting=waiting_statements(view, found),
        overdue=overdue_items(view.checklist, now) if incident.is_open else (),
    )


def inbound_summary(stats: InboxStats | None, now: datetime, has_sources: bool) -> InboundSummary:
    """Return the inbound count and negative share of the 5-minute buckets that began in
    the last hour (so 55 to 60 minutes of it), and whether one of them is a spike."""
    if not has_sources or stats is None:
        return InboundSummary(has_sources=has_sources)
    since = now - INBOUND_WINDOW
    recent = [b for b in stats.buckets if since <= b.start <= now]
    negative = sum(b.negative for b in recent)
    scored = sum(b.scored for b in recent)
    return InboundSummary(
        has_sources=True,
        count=sum(b.total for b in recent),
        negative_share=negative / scored if scored else None,
        spike=any(b.spike for b in recent),
    )
