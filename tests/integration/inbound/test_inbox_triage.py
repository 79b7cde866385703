"""Triage: suggestions a person can override, attaching to incidents, tracked terms."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.inbound.conftest import add_mastodon_source
from tests.integration.inbound.fake_listening import FakeListening
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.inbox import InboxFilter, InboxState
from warroom.domain.timeline import EntryKind


@pytest.fixture
def pulled(services: Any, listening: FakeListening) -> Any:
    add_mastodon_source(services, listening)
    listening.mention("I want a refund and my lawyer will hear about this. Terrible service!")
    listening.mention("Love the new colours, great job", followers=150_000)
    listening.mention("Bonjour, le site est en panne", language="fr")
    services.inbox_pull.pull_once()
    return services


def _by_text(services: Any, start: str) -> Any:
    return next(i for i in services.inbox.items() if i.text.startswith(start))


def test_priority_is_suggested_with_reasons_and_only_a_person_sets_it(pulled: Any) -> None:
    angry = _by_text(pulled, "I want a refund")
    famous = _by_text(pulled, "Love the new")
    french = _by_text(pulled, "Bonjour")
    assert angry.suggestion.priority == 1  # two risk words
    assert set(angry.suggestion.risk_words) >= {"refund", "lawyer"}
    assert angry.suggestion.sentiment is not None and angry.suggestion.sentiment < 0
    assert any("VADER, English" in r for r in angry.suggestion.reasons)
    assert famous.suggestion.priority == 1  # reach 100,000+
    assert famous.suggestion.sentiment is not None and famous.suggestion.sentiment > 0
    assert french.suggestion.sentiment is None  # VADER reads English only
    assert not any("VADER" in r for r in french.suggestion.reasons)
    assert all(i.priority is None for i in pulled.inbox.items())

    changed = pulled.inbox.triage(
        angry.id, "alice", priority=3, state=InboxState.NEEDS_REPLY, assign="bob", tags=["billing"]
    )
    assert (changed.priority, changed.suggestion.priority, changed.effective_priority) == (3, 1, 3)
    assert changed.state is InboxState.NEEDS_REPLY and changed.assignee == "bob"
    assert changed.tags == ("billing",)
    assert pulled.inbox.count(InboxFilter(priority=3)) == 1
    with pytest.raises(ValidationError, match="priority"):
        pulled.inbox.triage(angry.id, "alice", priority=7)
    with pytest.raises(ValidationError, match="say what to change"):
        pulled.inbox.triage(angry.id, "alice")


def test_attach_quotes_the_item_on_the_timeline_with_its_url(pulled: Any) -> None:
    incident = pulled.incidents.open("Refund storm", 2, "alice")
    item = _by_text(pulled, "I want a refund")

    attached = pulled.inbox.attach(item.id, incident.id, "alice")

    assert attached.incident_id == incident.id and not attached.attached_automatically
    entry = pulled.timeline.entries(incident.id, kinds=[EntryKind.INBOUND])[-1]
    assert item.url in entry.text and "I want a refund" in entry.text
    assert entry.data["event"] == "inbound.attached" and entry.data["automatic"] is False
    assert entry.data["item"] == item.id and entry.data["url"] == item.url
    assert pulled.timeline.verify(incident.id).ok
    with pytest.raises(RuleViolation, match="already attached"):
        pulled.inbox.attach(item.id, incident.id, "alice")
    other = pulled.incidents.open("Other", 3, "alice")
    with pytest.raises(RuleViolation, match="one incident"):
        pulled.inbox.attach(item.id, other.id, "alice")
    assert [i.id for i in pulled.inbox.items(InboxFilter(incident_id=incident.id))] == [item.id]


def test_bulk_attach_by_query(pulled: Any) -> None:
    incident = pulled.incidents.open("Colours", 3, "alice")
    attached = pulled.inbox.attach_matching("COLOURS", incident.id, "alice")
    assert [i.text[:4] for i in attached] == ["Love"]
    assert pulled.inbox.attach_matching("colours", incident.id, "alice") == []


def test_tracked_terms_attach_waiting_and_new_items_automatically(
    pulled: Any, listening: FakeListening
) -> None:
    incident = pulled.incidents.open("Refunds", 2, "alice")

    waiting = pulled.inbox.track(incident.id, "refund", "alice")

    assert [i.text[:6] for i in waiting] == ["I want"]
    listening.mention("Where is my REFUND?")
    listening.mention("refunded already, thanks")  # a different word: no match
    report = pulled.inbox_pull.pull_once()
    assert report.sources[0].attached == 1
    new = _by_text(pulled, "Where is my")
    assert new.incident_id == incident.id and new.attached_automatically
    entry = pulled.timeline.entries(incident.id, kinds=[EntryKind.INBOUND])[-1]
    assert entry.data["automatic"] is True and entry.data["term"] == "refund"
    assert "attached automatically" in entry.text
    assert _by_text(pulled, "refunded").incident_id is None
    assert pulled.inbox.terms(incident.id) == ["refund"]
    pulled.inbox.untrack(incident.id, "refund", "alice")
    assert pulled.inbox.terms(incident.id) == []


def test_a_person_marking_replied_starts_the_response_clock(pulled: Any, clock: Any) -> None:
    item = _by_text(pulled, "I want a refund")
    clock.advance(minutes=30)
    done = pulled.inbox.triage(item.id, "alice", state=InboxState.REPLIED)
    assert done.responded_at == clock.now
    clock.advance(minutes=5)
    again = pulled.inbox.triage(item.id, "alice", state=InboxState.REPLIED)
    assert again.responded_at == done.responded_at  # the first response sticks
