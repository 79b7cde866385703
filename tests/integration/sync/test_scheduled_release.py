"""Scheduled release against a real webhook server on 127.0.0.1 (pytest-httpserver): nothing
leaves before the time, it goes out once at the time; an edit before then cancels it; and
approvals expire after the incident's approval window."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.sync.conftest import WEBHOOK_SECRET
from warroom.domain.channels import ChannelKind
from warroom.domain.errors import RuleViolation
from warroom.domain.outbox import DeliveryState
from warroom.domain.statements import StatementState
from warroom.domain.timeline import TimelineEvent

Services = Any


def _webhook(services: Services, httpserver: Any) -> None:
    services.channel_setup.configure(
        "webhook",
        ChannelKind.WEBHOOK,
        {"url": httpserver.url_for("/hooks/warroom"), "read_timeout": 2},
        WEBHOOK_SECRET,
    )
    httpserver.expect_request("/hooks/warroom", method="POST").respond_with_data("ok")


def _approved(services: Services, text: str = "Checkout is back.") -> Any:
    incident = services.incidents.open("Checkout outage", 3, "lee")
    draft = services.statements.draft(incident.id, ["webhook"], text, "dana")
    services.statements.submit(draft.id, "dana")
    return services.statements.approve(draft.id, "priya")


def _events(services: Services, incident_id: int) -> list[str]:
    return [str(e.data.get("event", "")) for e in services.timeline.entries(incident_id)]


def test_a_scheduled_release_waits_for_its_time_then_goes_out_once(
    services: Services, httpserver: Any, clock: Any
) -> None:
    _webhook(services, httpserver)
    approved = _approved(services)
    at = clock.now + timedelta(minutes=30)
    scheduled = services.statements.release(approved.id, "lee", at=at)
    assert scheduled.state is StatementState.SCHEDULED and scheduled.scheduled_for == at
    assert scheduled.scheduled_by == "lee" and scheduled.released_at is None
    (row,) = services.channels.outbox(statement_id=approved.id)
    assert row.not_before == at and row.waits_for_schedule(clock.now)

    clock.advance(minutes=29, seconds=59)
    report = services.delivery.run_once()
    assert report.sent == [] and len(httpserver.log) == 0
    assert services.statements.get(approved.id).state is StatementState.SCHEDULED
    clock.advance(seconds=1)
    assert services.delivery.run_once().sent == [row.id]
    assert services.delivery.run_once().sent == []  # once
    services.delivery.close()
    (request, _response) = httpserver.log[0]
    assert json.loads(request.get_data())["text"] == "Checkout is back."
    released = services.statements.get(approved.id)
    assert released.state is StatementState.RELEASED and released.released_by == "lee"
    assert released.released_at == at
    events = _events(services, approved.incident_id)
    assert events[-3:] == ["statement.scheduled", "statement.released", "delivery.sent"]
    check = services.export.verify_incident(approved.incident_id)
    assert check.ok, check.describe()


def test_an_edit_before_the_time_cancels_the_schedule_and_the_approval(
    services: Services, httpserver: Any, clock: Any
) -> None:
    _webhook(services, httpserver)
    approved = _approved(services)
    services.statements.release(approved.id, "lee", at=clock.now + timedelta(hours=1))
    edited = services.statements.edit(approved.id, "dana", text="Checkout is back, mostly.")
    assert edited.state is StatementState.IN_REVIEW and edited.scheduled_for is None
    assert edited.valid_approvals == ()
    (row,) = services.channels.outbox(statement_id=approved.id)
    assert row.state is DeliveryState.CANCELLED
    entry = services.timeline.entries(approved.incident_id)[-1]
    assert entry.data["event"] == TimelineEvent.STATEMENT_EDITED
    assert "the release scheduled for" in entry.text and "is cancelled" in entry.text
    clock.advance(hours=2)
    assert services.delivery.run_once().sent == []
    assert len(httpserver.log) == 0
    # Approved again, it goes out now: the cancelled row stays in the record beside it.
    services.statements.approve(approved.id, "priya")
    services.statements.release(approved.id, "lee")
    rows = services.channels.outbox(statement_id=approved.id)
    assert [r.state for r in rows] == [DeliveryState.CANCELLED, DeliveryState.QUEUED]
    assert services.delivery.run_once().sent == [rows[1].id]
    services.delivery.close()
    (request, _response) = httpserver.log[0]
    assert json.loads(request.get_data())["text"] == "Checkout is back, mostly."
    assert services.export.verify_incident(approved.incident_id).ok


def test_a_rejection_cancels_the_schedule_and_a_started_release_cannot_be_edited(
    services: Services, httpserver: Any, clock: Any
) -> None:
    _webhook(services, httpserver)
    approved = _approved(services)
    services.statements.release(approved.id, "lee", at=clock.now + timedelta(minutes=5))
    rejected = services.statements.reject(approved.id, "priya", "wait for legal")
    assert rejected.state is StatementState.DRAFT
    (row,) = services.channels.outbox(statement_id=approved.id)
    assert row.state is DeliveryState.CANCELLED
    services.statements.submit(approved.id, "dana")
    services.statements.approve(approved.id, "priya")
    services.statements.release(approved.id, "lee", at=clock.now + timedelta(minutes=5))
    clock.advance(minutes=6)
    with services.db.transaction() as session:  # a worker elsewhere claimed it just now
        from warroom.storage import outbox_repo

        live = [
            r
            for r in services.channels.outbox(statement_id=approved.id)
            if r.state.value == "queued"
        ]
        assert outbox_repo.claim(session, live[0].id, clock.now, "")
    with pytest.raises(RuleViolation, match="already going out"):
        services.statements.edit(approved.id, "dana", text="Too late.")
    assert services.statements.get(approved.id).state is StatementState.SCHEDULED


def test_scheduling_is_refused_past_the_approval_window_and_approvals_expire(
    services: Services, clock: Any
) -> None:
    approved = _approved(services)
    with pytest.raises(RuleViolation, match=r"expires at .* before the release time"):
        services.statements.release(approved.id, "lee", at=clock.now + timedelta(hours=25))
    with pytest.raises(RuleViolation, match="not in the future"):
        services.statements.release(approved.id, "lee", at=clock.now - timedelta(minutes=1))
    services.incidents.set_approval_window(approved.incident_id, 2, "lee")
    clock.advance(hours=2, seconds=1)
    view = services.views.incident(approved.incident_id, "lee")
    refusal = view.statement(approved.id).refusals.release
    assert refusal is not None and "expired at" in refusal and "2 h" in refusal
    with pytest.raises(RuleViolation, match=r"approval of statement \d+ expired"):
        services.statements.release(approved.id, "lee")
    # Fresh approvals: reject, submit again, approve again.
    services.statements.reject(approved.id, "priya", "approval expired")
    services.statements.submit(approved.id, "dana")
    services.statements.approve(approved.id, "priya")
    assert services.statements.release(approved.id, "lee").state is StatementState.RELEASED
    entries = services.timeline.entries(approved.incident_id)
    window = next(e for e in entries if e.data.get("event") == "incident.updated")
    assert window.data["set"] == {"approval_window_minutes": 120}
    assert services.export.verify_incident(approved.incident_id).ok
