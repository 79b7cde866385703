"""The hold window and what "public" means, against a real (fake, honest) Mastodon server on
127.0.0.1: a statement that waited longer than its incident's hold window is held when its
channel comes online and goes out only once a person confirms it; released-but-queued is
never public; a post recorded by hand is public and is never sent again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.sync.conftest import MASTODON_TOKEN, open_incident, release
from warroom.domain.channels import ChannelKind
from warroom.domain.clocks import ClockState
from warroom.domain.errors import RuleViolation
from warroom.domain.outbox import DeliveryState
from warroom.domain.publication import Publication, publication

pytestmark = pytest.mark.both_databases

TEXT = "We are investigating failed card payments."


@pytest.fixture
def room(services: Any) -> Any:
    yield services
    services.delivery.close()


def configure(services: Any, social: Any) -> None:
    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": social.url, "read_timeout": 2}, MASTODON_TOKEN
    )


def row_of(services: Any, row_id: int) -> Any:
    return next(r for r in services.channels.outbox() if r.id == row_id)


def events(services: Any, incident_id: int) -> list[str]:
    return [str(e.data.get("event")) for e in services.timeline.entries(incident_id)]


def test_a_held_stale_row_is_not_sent_until_confirmed(room: Any, social: Any, clock: Any) -> None:
    incident = open_incident(room)
    (row,) = release(room, incident, ["mastodon"], TEXT)
    assert "mastodon" in room.delivery.run_once().waiting  # not configured: it waits
    clock.advance(minutes=31)
    configure(room, social)

    report = room.delivery.run_once()
    assert report.held == [row.id] and report.sent == [] and social.texts() == []
    assert row_of(room, row.id).state is DeliveryState.HELD
    assert "delivery.held" in events(room, incident)
    assert "held" in report.summary() and room.delivery.status().depth == 1
    assert room.delivery.run_once().sent == [] and social.texts() == []  # still held

    with pytest.raises(RuleViolation, match="uncertain or failed"):
        room.delivery.resend(row.id, "alice")
    confirmed = room.holds.confirm(row.id, "alice")
    assert confirmed.state is DeliveryState.QUEUED and confirmed.confirmed_by == "alice"
    clock.advance(minutes=30)  # even later: a confirmed row is never held again
    assert room.delivery.run_once().sent == [row.id]
    assert social.texts() == [TEXT]
    assert events(room, incident)[-2:] == ["delivery.confirmed", "delivery.sent"]
    with pytest.raises(RuleViolation, match="only a held row"):
        room.holds.confirm(row.id, "alice")


def test_a_withdrawn_row_never_goes_out(room: Any, social: Any, clock: Any) -> None:
    incident = open_incident(room)
    (row,) = release(room, incident, ["mastodon"], TEXT)
    clock.advance(hours=2)
    configure(room, social)
    assert room.delivery.run_once().held == [row.id]
    withdrawn = room.holds.withdraw(row.id, "alice")
    assert withdrawn.state is DeliveryState.WITHDRAWN
    assert room.delivery.run_once().sent == [] and social.texts() == []
    assert room.delivery.status().depth == 0
    statement = room.statements.get(row.statement_id)
    assert publication(statement, [withdrawn]) is Publication.WITHDRAWN


def test_a_row_within_the_hold_window_goes_out_at_once(room: Any, social: Any, clock: Any) -> None:
    incident = open_incident(room)
    room.lifecycle.set_hold(incident, 120, "alice")
    (row,) = release(room, incident, ["mastodon"], TEXT)
    clock.advance(minutes=90)  # past the default window, within this incident's
    configure(room, social)
    assert room.delivery.run_once().sent == [row.id] and social.texts() == [TEXT]


def test_a_resent_old_row_is_schedule_reached(room: Any, social: Any, clock: Any) -> None:
    incident = open_incident(room)
    configure(room, social)
    (row,) = release(room, incident, ["mastodon"], TEXT)
    social.fault("POST", "/api/v1/statuses", "401")
    assert room.delivery.run_once().failed == [row.id]
    clock.advance(hours=1)
    room.delivery.resend(row.id, "alice")  # a person decided: it goes out
    assert room.delivery.run_once().sent == [row.id]


def test_released_but_queued_is_not_public_a_delivery_is(
    room: Any, social: Any, clock: Any
) -> None:
    incident = open_incident(room)  # SEV3: every 4 h
    declared = room.incidents.get(incident).declared_at
    clock.advance(minutes=20)
    (row,) = release(room, incident, ["mastodon"], TEXT)
    clocks = room.incidents.clocks(incident)
    assert clocks.last_public is None and clocks.cadence.since == declared
    statement = room.statements.get(row.statement_id)
    assert publication(statement, room.channels.outbox()) is Publication.QUEUED
    review = room.review.review(incident)
    assert review.first_statement_id is None
    clock.advance(minutes=5)
    configure(room, social)
    assert room.delivery.run_once().sent == [row.id]
    clocks = room.incidents.clocks(incident)
    assert clocks.last_public is not None and clocks.cadence.since == clock.now
    assert clocks.cadence.state is ClockState.OK
    assert room.review.review(incident).first_statement_at == clock.now


def test_a_post_by_hand_is_public_and_never_sent_again(room: Any, social: Any, clock: Any) -> None:
    incident = open_incident(room)
    (row,) = release(room, incident, ["mastodon"], TEXT)
    clock.advance(minutes=10)
    posted_at = clock.now - timedelta(minutes=3)
    posted = room.publication.posted(
        row.statement_id, "Mastodon", "sam", url="https://social.example/@acme/1", at=posted_at
    )
    assert posted.state is DeliveryState.SENT and posted.by_hand and posted.public_at == posted_at
    clocks = room.incidents.clocks(incident)
    assert clocks.cadence.since == posted_at and clocks.last_public.by_hand  # type: ignore[union-attr]
    configure(room, social)
    assert room.delivery.run_once().sent == [] and social.texts() == []
    with pytest.raises(RuleViolation, match="already out on mastodon"):
        room.publication.posted(row.statement_id, "mastodon", "sam")
    assert "statement.posted" in events(room, incident)
    assert room.export.verify_incident(incident).ok
