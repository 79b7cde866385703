"""An incident's life as pure rules: header changes as chained entries that the verifier
derives again, what "public" means, what closing would leave open."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from warroom.domain.chain_state import derive, opening_data
from warroom.domain.checklist import ChecklistItem, Phase, item_due
from warroom.domain.errors import ValidationError
from warroom.domain.incidents import IncidentStatus, Severity, parse_cadence
from warroom.domain.lifecycle import header_change, open_work, require_reason
from warroom.domain.outbox import Delivery, DeliveryState, is_stale
from warroom.domain.publication import Publication, publication
from warroom.domain.statements import Statement, StatementState
from warroom.domain.timeline import ChainRecord

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def record(seq: int, data: dict[str, Any], minutes: float = 0) -> ChainRecord:
    return ChainRecord(1, seq, "status", "x", "alice", at(minutes), None, data, "", "")


def opening(severity: Severity = Severity.SEV3) -> ChainRecord:
    return record(
        1,
        opening_data(
            title="Leak",
            severity=severity,
            began_at=T0,
            aware_at=T0,
            declared_at=T0,
            approvals_override=None,
            playbook_key=None,
        ),
    )


def test_the_chain_says_status_severity_cadence_and_hold_with_their_entries() -> None:
    records = [
        opening(),
        record(2, {"event": "incident.updated", "set": {"status": "identified"}}, 5),
        record(3, {"event": "incident.updated", "set": {"severity": 1}}, 10),
        record(4, {"event": "incident.updated", "set": {"cadence_minutes": 15}}, 20),
        record(5, {"event": "incident.updated", "set": {"hold_minutes": 10}}, 30),
    ]
    fields, source = (state := derive(records).incident).fields, state.source
    assert fields["status"] == "identified" and source["status"] == 2
    assert fields["severity"] == 1 and fields["approvals_required"] == 2
    assert source["approvals_required"] == 3
    assert fields["update_cadence_seconds"] == 15 * 60 and source["update_cadence_seconds"] == 4
    assert fields["hold_window_seconds"] == 600 and source["hold_window_seconds"] == 5
    off = derive(
        [*records, record(6, {"event": "incident.updated", "set": {"cadence_minutes": 0}})]
    )
    assert off.incident.fields["update_cadence_seconds"] is None


def test_an_opening_from_before_the_lifecycle_implies_its_defaults() -> None:
    data = opening().data
    old = record(1, {k: v for k, v in data.items() if k not in ("status", "hold_minutes")})
    fields = derive([old]).incident.fields
    assert fields["status"] == "investigating" and fields["hold_window_seconds"] == 1800
    assert fields["update_cadence_seconds"] == 4 * 3600


def test_the_quorum_follows_the_severity_from_the_change_on() -> None:
    drafted = {"event": "statement.drafted", "statement": 7, "channels": ["email"]}
    drafted |= {"revision": 1, "content_hash": "h"}
    approved = {"event": "statement.approved", "statement": 7, "content_hash": "h"}
    approved |= {"revision": 1, "review_round": 0, "approver": "bob"}
    records = [
        opening(Severity.SEV3),
        record(2, drafted),
        record(3, {"event": "statement.submitted", "statement": 7}),
        record(4, approved),  # SEV3: one approval is enough
        record(5, {"event": "incident.updated", "set": {"severity": 1}}),
        record(6, {"event": "statement.quorum", "statement": 7, "required": 2}),
    ]
    state = derive(records)
    assert derive(records[:4]).statements[7].fields["state"] == "approved"
    assert state.statements[7].fields["state"] == "in_review"  # SEV1 needs two
    assert state.incident.required_at(4) == 1 and state.incident.required_at(6) == 2


def test_header_change_keeps_only_what_changes_in_chained_form() -> None:
    before = {"status": IncidentStatus.INVESTIGATING, "severity": Severity.SEV2, "aware_at": T0}
    after = {"status": IncidentStatus.IDENTIFIED, "severity": Severity.SEV2, "aware_at": at(5)}
    assert header_change(before, after) == {
        "status": "identified",
        "aware_at": "2026-11-23T09:05:00.000000Z",
    }
    assert header_change(before, before) == {}


def test_reasons_and_cadences_are_checked() -> None:
    assert require_reason("  customer data   confirmed ") == "customer data confirmed"
    with pytest.raises(ValidationError, match="needs a reason"):
        require_reason("   ", "a severity change")
    assert parse_cadence("off") == 0 and parse_cadence("45") == 45
    for bad in ("0.5", "-3", "1441", "soon"):
        with pytest.raises(ValidationError):
            parse_cadence(bad)


def test_the_regulator_step_is_due_at_the_regulator_deadline() -> None:
    window = timedelta(hours=72)
    common: dict[str, Any] = {"declared_at": at(60), "aware_at": T0, "regulator_window": window}
    assert item_due(offset=timedelta(hours=72), stops_regulator_clock=True, **common) == (
        T0 + window
    )
    assert item_due(offset=timedelta(minutes=15), stops_regulator_clock=False, **common) == at(75)
    assert item_due(offset=None, stops_regulator_clock=False, **common) is None


def _statement(sid: int, state: StatementState, promise: float | None = None) -> Statement:
    return Statement(
        sid,
        1,
        (),
        "",
        "t",
        state,
        1,
        "a",
        "a",
        T0,
        T0,
        1,
        next_update_by=at(promise) if promise is not None else None,
        released_at=T0 if state is StatementState.RELEASED else None,
    )


def _row(rid: int, sid: int, state: DeliveryState, **changes: Any) -> Delivery:
    row = Delivery(rid, sid, 1, 1, f"ch{rid}", state, f"k{rid}", "", "t", 0, T0, at(3))
    return replace(row, **changes)


def test_released_is_shown_as_the_public_sees_it() -> None:
    released = _statement(1, StatementState.RELEASED)
    assert publication(_statement(1, StatementState.APPROVED), []) is None
    cases = [
        ([DeliveryState.QUEUED], Publication.QUEUED),
        ([DeliveryState.SENDING], Publication.QUEUED),
        ([DeliveryState.QUEUED, DeliveryState.HELD], Publication.HELD),
        ([DeliveryState.FAILED], Publication.ATTENTION),
        ([DeliveryState.WITHDRAWN], Publication.WITHDRAWN),
        ([DeliveryState.QUEUED, DeliveryState.SENT], Publication.PUBLIC),
    ]
    for states, expected in cases:
        rows = [_row(i, 1, s) for i, s in enumerate(states)]
        assert publication(released, rows) is expected, states


def test_a_row_is_stale_only_when_queued_unconfirmed_and_older_than_the_hold() -> None:
    hold = timedelta(minutes=30)
    queued = _row(1, 1, DeliveryState.QUEUED)
    assert not is_stale(queued, hold, at(30))
    assert is_stale(queued, hold, at(31))
    assert not is_stale(replace(queued, confirmed_by="dana"), hold, at(300))
    assert not is_stale(replace(queued, state=DeliveryState.FAILED), hold, at(300))


def _item(iid: int, done: bool) -> ChecklistItem:
    return ChecklistItem(
        iid, 1, Phase.ONGOING, iid, f"step {iid}", "lead", None, None,
        "ana" if done else None, T0 if done else None,
    )  # fmt: skip


def test_open_work_lists_everything_closing_would_leave_open() -> None:
    statements = [
        _statement(1, StatementState.RELEASED, promise=90),
        _statement(2, StatementState.IN_REVIEW),
        _statement(3, StatementState.APPROVED),
        _statement(4, StatementState.DRAFT),
    ]
    rows = [
        _row(1, 1, DeliveryState.SENT),
        _row(2, 1, DeliveryState.HELD),
        _row(3, 1, DeliveryState.WITHDRAWN),
    ]
    work = open_work(statements, rows, [_item(1, True), _item(2, False)])
    assert [r.id for r in work.deliveries] == [2]
    assert [s.id for s in work.in_review] == [2, 3]
    assert work.promise == (1, at(90))
    assert [i.id for i in work.items] == [2]
    lines = work.lines()
    assert len(lines) == 5 and "held (outbox row 2)" in lines[0]
    assert "promised an update by 2026-11-23 10:30 UTC" in lines[3]
    summary = work.summary()
    assert "1 delivery(ies) not sent (row 2 held on ch2)" in summary and "\n" not in summary
    assert open_work([], [], [_item(1, True)]).is_empty
