"""The post-incident review: how the response went, as pure functions of what was recorded.

Every metric is computed from domain objects and timeline events only (no I/O), so the
window, the CLI and every export show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from warroom.domain.cadence import CadencePeriod, cadence_periods, in_force, silence_due
from warroom.domain.checklist import ChecklistItem, Phase
from warroom.domain.errors import ValidationError
from warroom.domain.inbox_stats import InboxStats
from warroom.domain.incidents import Incident
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.publication import PublicStatement, public_statements
from warroom.domain.statements import Statement
from warroom.domain.terminal_text import reject_nul
from warroom.domain.timeline import TimelineEvent
from warroom.domain.variants import language_of

LESSONS_MAX = 100_000


class EventRecord(Protocol):
    """Anything with a time and machine-readable data: a timeline entry or a chain record."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


class PromiseStatus(StrEnum):
    """What became of a "next update by" promise."""

    KEPT = "kept"  # the next public statement came at or before the promised time
    LATE = "late"  # the next public statement came after the promised time
    MISSED = "missed"  # no later public statement at all, and the time has passed
    PENDING = "pending"  # the time has not come yet
    CLOSED = "closed"  # the incident was closed before the promised time


@dataclass(frozen=True, slots=True)
class IncidentTimes:
    """The three times regulators ask about, and the delays between them."""

    began_at: datetime
    aware_at: datetime
    declared_at: datetime
    closed_at: datetime | None

    @property
    def detection_delay(self) -> timedelta:
        """Return the time from the start of the problem to awareness."""
        return self.aware_at - self.began_at

    @property
    def declaration_delay(self) -> timedelta:
        """Return the time from awareness to the declaration."""
        return self.declared_at - self.aware_at


@dataclass(frozen=True, slots=True)
class PromiseOutcome:
    """One public statement's "next update by" against the statement that honoured it
    (``released_at``: when the promising statement became public)."""

    statement_id: int
    released_at: datetime
    promised_by: datetime
    status: PromiseStatus
    honoured_by: int | None = None
    honoured_at: datetime | None = None

    @property
    def late_by(self) -> timedelta | None:
        """Return how late the next release came, or None when it was on time or is missing."""
        if self.status is PromiseStatus.LATE and self.honoured_at is not None:
            return self.honoured_at - self.promised_by
        return None


@dataclass(frozen=True, slots=True)
class CadenceGap:
    """A stretch of public silence while the incident was open, and when the cadence(s) in
    force wanted it to end (``due``; None: no cadence applied)."""

    start: datetime
    end: datetime
    after_statement: int | None  # None: counted from the declaration
    until_statement: int | None  # None: still silent at the end (close or now)
    due: datetime | None = None

    @property
    def length(self) -> timedelta:
        """Return how long the silence lasted."""
        return self.end - self.start

    @property
    def over_cadence(self) -> bool:
        """Tell whether the silence lasted past its due time."""
        return self.due is not None and self.end > self.due


@dataclass(frozen=True, slots=True)
class CadenceReport:
    """Public silences against the cadence in force (``cadence``: at the end; ``periods``:
    every severity or cadence the incident had, each from when it applied)."""

    cadence: timedelta | None
    gaps: tuple[CadenceGap, ...]
    periods: tuple[CadencePeriod, ...] = ()

    @property
    def breaches(self) -> tuple[CadenceGap, ...]:
        """Return the gaps that lasted past their due time."""
        return tuple(gap for gap in self.gaps if gap.over_cadence)

    @property
    def adherence(self) -> float | None:
        """Return the share of judged gaps within the cadence (None without any)."""
        judged = [gap for gap in self.gaps if gap.due is not None]
        if not judged:
            return None
        return 1 - len(self.breaches) / len(judged)


@dataclass(frozen=True, slots=True)
class ApprovalTurnaround:
    """How long one statement waited in review before it had all its approvals."""

    statement_id: int
    submitted_at: datetime
    approved_at: datetime | None
    rounds: int
    rejections: int

    @property
    def turnaround(self) -> timedelta | None:
        """Return submitted -> approved for the round that got approved, if any."""
        return self.approved_at - self.submitted_at if self.approved_at else None


@dataclass(frozen=True, slots=True)
class ChannelDelivery:
    """Delivery results of one channel (one outbox row per released statement)."""

    channel: str
    total: int
    sent: int
    failed: int
    uncertain: int
    pending: int

    @property
    def success_rate(self) -> float | None:
        """Return the share of rows sent (None without rows)."""
        return self.sent / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class PhaseCompletion:
    """Checklist progress of one phase."""

    phase: Phase
    total: int
    done: int
    overdue: int
    done_late: int


@dataclass(frozen=True, slots=True)
class LanguageUse:
    """One language the public was addressed in: its channels and the released statements
    that reached them ('' language: channels without a language tag)."""

    language: str
    channels: tuple[str, ...]
    statements: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Review:
    """Everything the post-incident review shows, computed at ``computed_at``."""

    computed_at: datetime
    times: IncidentTimes
    first_statement_id: int | None
    first_statement_at: datetime | None
    promises: tuple[PromiseOutcome, ...]
    cadence: CadenceReport
    approvals: tuple[ApprovalTurnaround, ...]
    deliveries: tuple[ChannelDelivery, ...]
    checklist: tuple[PhaseCompletion, ...]
    overdue_items: tuple[ChecklistItem, ...]
    lessons_learned: str
    #: the incident's inbox figures (issue 15), when the review service read them; the
    #: exports carry the same figures beside the review (``IncidentLog.inbox``)
    inbox: InboxStats | None = None
    languages: tuple[LanguageUse, ...] = ()

    @property
    def time_to_first_statement(self) -> timedelta | None:
        """Return declaration -> first public statement, if one went out."""
        if self.first_statement_at is None:
            return None
        return self.first_statement_at - self.times.declared_at

    @property
    def first_statement_after_awareness(self) -> timedelta | None:
        """Return awareness -> first public statement, if one went out."""
        if self.first_statement_at is None:
            return None
        return self.first_statement_at - self.times.aware_at


def validate_lessons(text: str) -> str:
    """Return lessons learned without outer blank space; empty clears them."""
    cleaned = reject_nul(text, "the lessons learned").strip()
    if len(cleaned) > LESSONS_MAX:
        raise ValidationError(
            f"the lessons learned are {len(cleaned)} characters; at most {LESSONS_MAX}"
        )
    return cleaned


def promise_outcomes(
    public: Sequence[PublicStatement], now: datetime, closed_at: datetime | None = None
) -> list[PromiseOutcome]:
    """Judge every public promise against the next statement that became public after it."""
    outcomes = []
    for index, statement in enumerate(public):
        promise = statement.promise
        if promise is None:
            continue
        following = public[index + 1] if index + 1 < len(public) else None
        if following is not None:
            status = PromiseStatus.KEPT if following.public_at <= promise else PromiseStatus.LATE
            outcomes.append(
                PromiseOutcome(
                    statement.id,
                    statement.public_at,
                    promise,
                    status,
                    following.id,
                    following.public_at,
                )
            )
            continue
        if closed_at is not None and closed_at < promise:
            status = PromiseStatus.CLOSED
        else:
            status = PromiseStatus.MISSED if now > promise else PromiseStatus.PENDING
        outcomes.append(PromiseOutcome(statement.id, statement.public_at, promise, status))
    return outcomes


def cadence_report(
    incident: Incident,
    public: Sequence[PublicStatement],
    periods: Sequence[CadencePeriod],
    now: datetime,
) -> CadenceReport:
    """List the public silences from declaration to close (or now) and judge each against
    the cadence in force (``domain.cadence.silence_due``)."""
    end = incident.closed_at or now
    gaps = []
    start, after = incident.declared_at, None
    for statement in public:
        moment = statement.public_at
        if moment > end:
            continue
        gaps.append(CadenceGap(start, moment, after, statement.id, silence_due(start, periods)))
        start, after = max(start, moment), statement.id
    if end > start:
        gaps.append(CadenceGap(start, end, after, None, silence_due(start, periods)))
    return CadenceReport(in_force(periods, end).cadence, tuple(gaps), tuple(periods))


def approval_turnarounds(events: Iterable[EventRecord]) -> list[ApprovalTurnaround]:
    """Follow each statement's review rounds through the timeline's statement events.

    A round starts at STATEMENT_SUBMITTED (or at an edit while in review, which sends the
    new text back to review) and ends approved when an approval brings the count to what
    was required, or ends at a rejection.
    """
    state: dict[int, dict[str, Any]] = {}
    for record in events:
        data = record.data
        event = TimelineEvent.of(data)
        statement_id = data.get("statement")
        if event is None or not isinstance(statement_id, int):
            continue
        entry = state.setdefault(
            statement_id,
            {"in_review": False, "submitted": None, "approved": None, "rounds": 0, "rejects": 0},
        )
        at = record.created_at
        edited_in_review = event is TimelineEvent.STATEMENT_EDITED and entry["in_review"]
        if event is TimelineEvent.STATEMENT_SUBMITTED or edited_in_review:
            entry.update(in_review=True, submitted=at, approved=None)
            entry["rounds"] += 1
        elif (
            event is TimelineEvent.STATEMENT_APPROVED
            and entry["in_review"]
            and entry["approved"] is None
        ):
            if int(data.get("approvals", 0)) >= int(data.get("required", 1)):
                entry["approved"] = at
        elif event is TimelineEvent.STATEMENT_REJECTED:
            entry.update(in_review=False)
            entry["rejects"] += 1
    return [
        ApprovalTurnaround(sid, e["submitted"], e["approved"], e["rounds"], e["rejects"])
        for sid, e in sorted(state.items())
        if e["submitted"] is not None
    ]


def delivery_by_channel(rows: Iterable[Delivery]) -> list[ChannelDelivery]:
    """Count delivery outcomes per channel name (cancelled rows of a called-off schedule
    are not deliveries)."""
    counts: dict[str, dict[DeliveryState, int]] = {}
    for row in rows:
        if row.state is DeliveryState.CANCELLED:
            continue  # a schedule called off: nothing was meant to go out any more
        per_state = counts.setdefault(row.channel_name, {})
        per_state[row.state] = per_state.get(row.state, 0) + 1
    result = []
    for channel, per_state in sorted(counts.items()):
        pending = sum(
            per_state.get(state, 0)
            for state in (DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.HELD)
        )
        result.append(
            ChannelDelivery(
                channel,
                sum(per_state.values()),
                per_state.get(DeliveryState.SENT, 0),
                per_state.get(DeliveryState.FAILED, 0),
                per_state.get(DeliveryState.UNCERTAIN, 0),
                pending,
            )
        )
    return result


def language_uses(statements: Iterable[Statement]) -> list[LanguageUse]:
    """Group the released statements' variants by their channel's language."""
    channels: dict[str, set[str]] = {}
    reached: dict[str, set[int]] = {}
    for statement in (s for s in statements if s.released_at is not None):
        for channel in statement.channels:
            language = language_of(channel.settings)
            channels.setdefault(language, set()).add(channel.name)
            reached.setdefault(language, set()).add(statement.id)
    order = sorted(channels, key=lambda tag: (tag == "", tag))
    return [
        LanguageUse(tag, tuple(sorted(channels[tag])), tuple(sorted(reached[tag]))) for tag in order
    ]


def checklist_completion(items: Sequence[ChecklistItem], now: datetime) -> list[PhaseCompletion]:
    """Count done, overdue and late items per phase, in phase order (empty phases left out)."""
    result = []
    for phase in Phase:
        mine = [item for item in items if item.phase is phase]
        if not mine:
            continue
        late = [
            i
            for i in mine
            if i.done_at is not None and i.due_at is not None and i.done_at > i.due_at
        ]
        result.append(
            PhaseCompletion(
                phase,
                len(mine),
                sum(1 for item in mine if item.is_done),
                sum(1 for item in mine if item.is_overdue(now)),
                len(late),
            )
        )
    return result


def build_review(
    incident: Incident,
    statements: Sequence[Statement],
    events: Iterable[EventRecord],
    deliveries: Iterable[Delivery],
    checklist: Sequence[ChecklistItem],
    now: datetime,
    inbox: InboxStats | None = None,
) -> Review:
    """Compute the whole review. For a closed incident, "now" stops at the close.

    "Public" is ``domain.publication``'s definition: confirmed delivered, or posted by hand.
    """
    end = min(now, incident.closed_at) if incident.closed_at else now
    records = list(events)
    rows = list(deliveries)
    public = public_statements(statements, rows)
    first = public[0] if public else None
    periods = cadence_periods(incident, records)
    return Review(
        computed_at=now,
        times=IncidentTimes(
            incident.began_at, incident.aware_at, incident.declared_at, incident.closed_at
        ),
        first_statement_id=first.id if first else None,
        first_statement_at=first.public_at if first else None,
        promises=tuple(promise_outcomes(public, end, incident.closed_at)),
        cadence=cadence_report(incident, public, periods, end),
        approvals=tuple(approval_turnarounds(records)),
        deliveries=tuple(delivery_by_channel(rows)),
        checklist=tuple(checklist_completion(checklist, end)),
        overdue_items=tuple(item for item in checklist if item.is_overdue(end)),
        lessons_learned=incident.lessons_learned,
        inbox=inbox,
        languages=tuple(language_uses(statements)),
    )
