"""What the wall shows, without Qt: public means delivered, overdue items, inbound volume."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.unit.ui.drafts.test_drafts_state import INCIDENT, MASTODON, NOW, _statement
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.checklist import ChecklistItem, Phase
from warroom.domain.clocks import RegulatorDeadline
from warroom.domain.inbox_stats import Bucket, InboxStats
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import IncidentState
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.statements import StatementState
from warroom.ui.wall.content import (
    InboundSummary,
    inbound_summary,
    last_public,
    overdue_items,
    wall_content,
)

EMAIL = Channel(2, "email", ChannelKind.EMAIL)


def _delivery(
    row: int, statement: int, channel: Channel, state: DeliveryState, at: datetime
) -> Delivery:
    return Delivery(
        id=row,
        statement_id=statement,
        incident_id=1,
        channel_id=channel.id,
        channel_name=channel.name,
        state=state,
        idempotency_key=f"k{row}",
        subject="",
        text="",
        attempts=1,
        created_at=at,
        updated_at=at,
        remote_url=f"https://post.test/{row}" if state is DeliveryState.SENT else "",
    )


def _view(statements: tuple, deliveries: tuple, checklist: tuple = ()) -> IncidentView:  # type: ignore[type-arg]
    return IncidentView.build(
        incident=INCIDENT,
        read_at=NOW,
        actor="alice",
        statements=statements,
        deliveries=deliveries,
        channels=(MASTODON, EMAIL),
        checklist=checklist,
        regulator=RegulatorDeadline(None, ""),
        people=(),
    )


def _released(statement_id: int, minutes: int, text: str) -> object:
    return _statement(
        id=statement_id,
        text=text,
        state=StatementState.RELEASED,
        channels=(MASTODON, EMAIL),
        released_at=NOW + timedelta(minutes=minutes),
    )


def test_the_wall_model_needs_no_qt() -> None:
    code = "import sys, warroom.ui.wall.content; sys.exit('PySide6' in sys.modules)"
    root = Path(__file__).resolve().parents[4]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_released_but_queued_is_not_public() -> None:
    first = _released(1, 0, "We are investigating.")
    second = _released(2, 30, "Fixed.")
    at = NOW + timedelta(minutes=1)
    deliveries = (
        _delivery(1, 1, MASTODON, DeliveryState.SENT, at),
        _delivery(2, 1, EMAIL, DeliveryState.FAILED, at),
        _delivery(3, 2, MASTODON, DeliveryState.QUEUED, NOW + timedelta(minutes=30)),
    )
    view = _view((first, second), deliveries)  # type: ignore[arg-type]
    found = last_public(view)
    assert found is not None and found.statement.id == 1  # #2 is only queued
    content = wall_content(view, NOW + timedelta(minutes=40))
    assert content.public is not None
    assert content.public.public_at == at
    states = {c.channel: c.state for c in content.public.channels}
    assert states == {"mastodon": "delivered", "email": "FAILED"}
    assert content.public.channels[0].detail == "https://post.test/1"
    assert content.waiting == (
        "#2 released, not public yet: queued on mastodon, not sent on email",
    )


def test_nothing_public_yet() -> None:
    content = wall_content(_view((_released(1, 0, "Queued."),), ()), NOW)  # type: ignore[arg-type]
    assert content.public is None
    assert content.waiting and "not public yet" in content.waiting[0]
    assert content.heading.startswith("#1  SEV3  Outage")


def test_overdue_items_most_overdue_first_and_none_when_closed() -> None:
    def item(number: int, due_minutes: int | None, done: bool = False) -> ChecklistItem:
        due = NOW + timedelta(minutes=due_minutes) if due_minutes is not None else None
        return ChecklistItem(
            number,
            1,
            Phase.FIRST_HOUR,
            number,
            f"Step {number}",
            "lead",
            None,
            due,
            done_at=NOW if done else None,
        )

    items = (item(1, 10), item(2, 5), item(3, 50), item(4, 1, done=True), item(5, None))
    later = NOW + timedelta(minutes=20)
    assert [i.id for i in overdue_items(items, later)] == [2, 1]
    closed = replace(INCIDENT, state=IncidentState.CLOSED, closed_at=NOW)
    view = replace(_view((), (), items), incident=closed)
    assert wall_content(view, later).overdue == ()


def test_inbound_summary_of_the_last_hour() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def bucket(minutes_ago: int, total: int, negative: int, spike: bool = False) -> Bucket:
        return Bucket(
            start=now - timedelta(minutes=minutes_ago),
            total=total,
            by_source={"reviews": total},
            negative=negative,
            scored=total,
            baseline=None,
            spike=spike,
        )

    stats = InboxStats(
        incident_id=None,
        bucket="5m",
        computed_at=now,
        total=0,
        buckets=(bucket(90, 100, 100), bucket(55, 10, 2), bucket(5, 30, 18, spike=True)),
        sources=("reviews",),
        negative=0,
        scored=0,
        response=(),
        waiting=0,
        oldest_waiting_since=None,
    )
    summary = inbound_summary(stats, now, True)
    assert summary == InboundSummary(True, 40, 0.5, True)
    assert summary.describe() == "40 in the last hour · 50% negative · SPIKE"
    assert inbound_summary(None, now, False).describe() == "no sources"
    assert InboundSummary(True).describe() == "0 in the last hour"
