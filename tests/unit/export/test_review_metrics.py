"""Post-incident review metrics: pure functions of the record (warroom.domain.review)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from warroom.domain.cadence import cadence_periods
from warroom.domain.checklist import ChecklistItem, Phase
from warroom.domain.errors import ValidationError
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.publication import PublicStatement
from warroom.domain.review import (
    PromiseStatus,
    approval_turnarounds,
    build_review,
    cadence_report,
    checklist_completion,
    delivery_by_channel,
    promise_outcomes,
    validate_lessons,
)
from warroom.domain.statements import Statement, StatementState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def incident(severity: int = 1, closed: float | None = None) -> Incident:
    state = IncidentState.CLOSED if closed is not None else IncidentState.OPEN
    return Incident(
        1,
        "x",
        Severity(severity),
        state,
        None,
        at(-20),
        at(-5),
        T0,
        at(closed) if closed is not None else None,
        "lead",
    )


def statement(
    sid: int, released: float | None, promise: float | None = None, state: str = "released"
) -> Statement:
    return Statement(
        sid,
        1,
        (),
        "",
        f"text {sid}",
        StatementState(state if released is not None else "draft"),
        1,
        "a",
        "a",
        T0,
        T0,
        1,
        next_update_by=at(promise) if promise is not None else None,
        released_at=at(released) if released is not None else None,
    )


@dataclass(frozen=True)
class Event:
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def event(minutes: float, name: str, sid: int, **extra: Any) -> Event:
    return Event(at(minutes), {"event": f"statement.{name}", "statement": sid, **extra})


def public(sid: int, minutes: float, promise: float | None = None) -> PublicStatement:
    """A statement the public got at ``minutes`` (confirmed delivered or posted by hand)."""
    return PublicStatement(statement(sid, minutes, promise), at(minutes), ("mastodon",))


def sent(sid: int, minutes: float, state: DeliveryState = DeliveryState.SENT) -> Delivery:
    """The outbox row of statement ``sid``, settled at ``minutes``."""
    return Delivery(sid, sid, 1, 1, "mastodon", state, f"k{sid}", "", "t", 1, T0, at(minutes))


def periods(inc: Incident) -> Any:
    return cadence_periods(inc, ())


def test_promises_kept_late_missed_and_pending() -> None:
    statements = [
        public(1, 10, promise=40),  # next public at 35: kept
        public(2, 35, promise=60),  # next public at 70: late by 10
        public(3, 70, promise=100),  # nothing after: missed at 120, pending at 90
    ]
    outcomes = promise_outcomes(statements, at(120))
    assert [(o.statement_id, o.status) for o in outcomes] == [
        (1, PromiseStatus.KEPT),
        (2, PromiseStatus.LATE),
        (3, PromiseStatus.MISSED),
    ]
    assert outcomes[0].honoured_by == 2 and outcomes[0].honoured_at == at(35)
    assert outcomes[1].late_by == timedelta(minutes=10) and outcomes[0].late_by is None
    assert promise_outcomes(statements, at(90))[-1].status is PromiseStatus.PENDING
    closed = promise_outcomes(statements, at(500), closed_at=at(90))
    assert closed[-1].status is PromiseStatus.CLOSED


def test_a_statement_public_exactly_at_the_promised_time_keeps_the_promise() -> None:
    outcomes = promise_outcomes([public(1, 0, promise=30), public(2, 30)], at(60))
    assert outcomes[0].status is PromiseStatus.KEPT


def test_a_released_but_queued_statement_keeps_no_promise() -> None:
    statements = [statement(1, 0, promise=30), statement(2, 20)]
    rows = [sent(1, 1), sent(2, 20, DeliveryState.QUEUED)]
    review = build_review(incident(1), statements, [], rows, [], at(60))
    assert [(p.statement_id, p.status) for p in review.promises] == [(1, PromiseStatus.MISSED)]
    assert review.first_statement_at == at(1)


def test_cadence_gaps_count_from_declaration_to_close() -> None:
    # SEV1: every 30 minutes. Silences: 0-20, 20-70 (too long), 70-90 (close).
    closed = incident(1, closed=90)
    report = cadence_report(closed, [public(1, 20), public(2, 70)], periods(closed), at(500))
    assert [(g.start, g.end) for g in report.gaps] == [
        (at(0), at(20)),
        (at(20), at(70)),
        (at(70), at(90)),
    ]
    assert [g.length for g in report.breaches] == [timedelta(minutes=50)]
    assert report.breaches[0].after_statement == 1 and report.breaches[0].until_statement == 2
    assert report.adherence == pytest.approx(2 / 3)


def test_cadence_is_judged_by_the_severity_in_force_and_both_periods_are_shown() -> None:
    inc = incident(3)
    events = [
        Event(T0, {"event": "incident.opened", "v": 2, "severity": 3}),
        Event(at(100), {"event": "incident.updated", "set": {"severity": 1}}),
    ]
    statements = [statement(1, 90), statement(2, 200)]
    rows = [sent(1, 90), sent(2, 200)]
    review = build_review(inc, statements, events, rows, [], at(210))
    report = review.cadence
    assert [(p.severity, p.start) for p in report.periods] == [
        (Severity.SEV3, T0),
        (Severity.SEV1, at(100)),
    ]
    # 0-90 under SEV3 (4 h): fine; 90-200 escalated at 100: due at 130, so too long.
    assert [(g.end, g.over_cadence) for g in report.gaps] == [
        (at(90), False),
        (at(200), True),
        (at(210), False),
    ]
    assert report.cadence == timedelta(minutes=30)


def test_no_cadence_for_sev4() -> None:
    report = cadence_report(incident(4), [public(1, 500)], periods(incident(4)), at(600))
    assert report.cadence is None and report.breaches == () and report.adherence is None


def test_approval_turnaround_follows_rounds_rejections_and_edits() -> None:
    events = [
        event(0, "drafted", 1),
        event(1, "submitted", 1),
        event(4, "approved", 1, approvals=1, required=2),
        event(6, "approved", 1, approvals=2, required=2),  # round 1: 5 minutes
        event(2, "submitted", 2),
        event(5, "rejected", 2),
        event(7, "edited", 2),  # edit of a draft: no new round
        event(8, "submitted", 2),
        event(9, "approved", 2, approvals=1, required=1),
        event(10, "submitted", 3),
        event(11, "approved", 3, approvals=1, required=2),
        event(12, "edited", 3),  # edit while in review restarts the round
        event(20, "approved", 3, approvals=1, required=2),
        {"not": "an event"},
    ]
    records = [e if isinstance(e, Event) else Event(T0, e) for e in events]
    result = {t.statement_id: t for t in approval_turnarounds(records)}
    assert result[1].turnaround == timedelta(minutes=5) and result[1].rounds == 1
    assert result[2].turnaround == timedelta(minutes=1)
    assert (result[2].rounds, result[2].rejections) == (2, 1)
    assert result[3].approved_at is None and result[3].submitted_at == at(12)
    assert result[3].rounds == 2 and result[3].turnaround is None


def _row(channel: str, state: DeliveryState) -> Delivery:
    return Delivery(1, 1, 1, 1, channel, state, "k", "", "t", 1, T0, T0)


def test_delivery_success_per_channel() -> None:
    rows = [
        _row("mastodon", DeliveryState.SENT),
        _row("mastodon", DeliveryState.FAILED),
        _row("email", DeliveryState.SENT),
        _row("email", DeliveryState.QUEUED),
        _row("email", DeliveryState.UNCERTAIN),
        _row("email", DeliveryState.SENDING),
        _row("email", DeliveryState.HELD),
    ]
    result = {d.channel: d for d in delivery_by_channel(rows)}
    assert list(result) == ["email", "mastodon"]
    assert result["mastodon"].success_rate == 0.5 and result["mastodon"].failed == 1
    email = result["email"]
    assert (email.total, email.sent, email.pending, email.uncertain) == (5, 1, 3, 1)
    assert delivery_by_channel([]) == []


def _item(pos: int, phase: Phase, due: float | None, done: float | None) -> ChecklistItem:
    return ChecklistItem(
        pos,
        1,
        phase,
        pos,
        f"item {pos}",
        "lead",
        None,
        at(due) if due is not None else None,
        "x" if done is not None else None,
        at(done) if done is not None else None,
    )


def test_checklist_completion_by_phase() -> None:
    items = [
        _item(1, Phase.FIRST_15_MINUTES, 15, 10),
        _item(2, Phase.FIRST_15_MINUTES, 15, 20),  # done late
        _item(3, Phase.FIRST_HOUR, 60, None),  # overdue at 90
        _item(4, Phase.FIRST_HOUR, None, None),  # no deadline: never overdue
        _item(5, Phase.AFTER, 600, None),
    ]
    result = checklist_completion(items, at(90))
    assert [(c.phase, c.total, c.done, c.overdue, c.done_late) for c in result] == [
        (Phase.FIRST_15_MINUTES, 2, 2, 0, 1),
        (Phase.FIRST_HOUR, 2, 0, 1, 0),
        (Phase.AFTER, 1, 0, 0, 0),
    ]


def test_build_review_stops_the_clock_at_close() -> None:
    closed = replace(incident(2, closed=60), lessons_learned="Rotate certificates earlier.")
    items = [_item(1, Phase.FIRST_HOUR, 90, None)]
    review = build_review(
        closed, [statement(1, 15, promise=45)], [], [sent(1, 15)], items, at(1000)
    )
    assert review.times.detection_delay == timedelta(minutes=15)
    assert review.times.declaration_delay == timedelta(minutes=5)
    assert review.time_to_first_statement == timedelta(minutes=15)
    assert review.first_statement_after_awareness == timedelta(minutes=20)
    assert review.promises[0].status is PromiseStatus.MISSED
    assert review.cadence.gaps[-1].end == at(60)
    assert review.overdue_items == ()  # due after the close
    assert review.lessons_learned == "Rotate certificates earlier."


def test_no_statement_means_no_first_statement() -> None:
    review = build_review(incident(), [statement(1, None)], [], [], [], at(10))
    assert review.first_statement_id is None and review.time_to_first_statement is None


def test_lessons_learned_validation() -> None:
    assert validate_lessons("  keep it  \n") == "keep it"
    assert validate_lessons("") == ""
    with pytest.raises(ValidationError, match="at most"):
        validate_lessons("x" * 100_001)
