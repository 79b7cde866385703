"""Full-text search on both databases: word order, prefixes, phrases, accents, filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from warroom.domain.errors import NotFoundError, ValidationError
from warroom.domain.search import SearchFilters
from warroom.domain.timeline import EntryKind

pytestmark = pytest.mark.both_databases

Services = Any


@pytest.fixture
def two_incidents(services: Services, clock: Any) -> tuple[int, int]:
    first = services.incidents.open("Checkout outage", 2, "dana").id
    second = services.incidents.open("Data leak", 1, "dana").id
    log = services.timeline.add
    log(first, "Card payments declined for EU customers", "dana", EntryKind.NOTE)
    clock.advance(minutes=1)
    log(first, "Customers declined cards: refund requested", "priya", EntryKind.INBOUND)
    clock.advance(minutes=1)
    log(first, "Le café du coin a payé deux fois", "marta", EntryKind.NOTE)
    clock.advance(minutes=1)
    log(second, "Refund policy decided for affected customers", "dana", EntryKind.DECISION)
    clock.advance(minutes=1)
    log(first, "Paging the payments vendor (e-mail sent)", "dana", EntryKind.ACTION)
    return first, second


def texts(results: Any) -> list[str]:
    return [entry.text for entry in results.entries]


def test_words_match_in_any_order_newest_first(services: Services, two_incidents: Any) -> None:
    found = services.search.search("customers refund", with_count=True)
    assert texts(found) == [
        "Refund policy decided for affected customers",
        "Customers declined cards: refund requested",
    ]
    assert found.total_entries == 2
    assert texts(services.search.search("refund customers")) == texts(found)


def test_prefix_phrase_and_accents(services: Services, two_incidents: Any) -> None:
    assert texts(services.search.search("pay*")) == [
        "Paging the payments vendor (e-mail sent)",
        "Le café du coin a payé deux fois",
        "Card payments declined for EU customers",
    ]
    assert texts(services.search.search('"payments declined"')) == [
        "Card payments declined for EU customers"
    ]
    assert texts(services.search.search('"declined payments"')) == []  # order matters inside
    assert texts(services.search.search("CAFE paye")) == ["Le café du coin a payé deux fois"]
    assert texts(services.search.search("e-mail")) == ["Paging the payments vendor (e-mail sent)"]


def test_filters_narrow_the_search(services: Services, two_incidents: Any, clock: Any) -> None:
    first, second = two_incidents
    refund = "refund"
    only_first = services.search.search(refund, SearchFilters(incident_id=first))
    assert texts(only_first) == ["Customers declined cards: refund requested"]
    by_kind = services.search.search(refund, SearchFilters(kinds=("decision",)))
    assert [e.incident_id for e in by_kind.entries] == [second]
    by_author = services.search.search("customers", SearchFilters(author="PRIYA"))
    assert texts(by_author) == ["Customers declined cards: refund requested"]
    since = clock.now - timedelta(minutes=1, seconds=30)
    recent = services.search.search("customers", SearchFilters(since=since))
    assert texts(recent) == ["Refund policy decided for affected customers"]


def test_paging_back_from_the_oldest_match_shown(services: Services, two_incidents: Any) -> None:
    newest = services.search.search("customers", limit=1)
    older = services.search.search("customers", limit=5, before_id=newest.entries[-1].id)
    assert len(newest.entries) == 1 and len(older.entries) == 2
    assert {e.id for e in older.entries}.isdisjoint({e.id for e in newest.entries})


def test_statements_are_searched_and_follow_edits(services: Services, two_incidents: Any) -> None:
    first, _ = two_incidents
    draft = services.statements.draft(
        first, ["email"], "We are refunding every double charge.", "dana", subject="Refunds"
    )
    found = services.search.search("refunding")
    assert [hit.statement_id for hit in found.statements] == [draft.id]
    services.statements.edit(draft.id, "dana", text="We are crediting every double charge.")
    assert services.search.search("refunding").statements == ()
    assert [h.statement_id for h in services.search.search("crediting").statements] == [draft.id]
    assert [h.subject for h in services.search.search("refunds").statements] == ["Refunds"]


def test_the_timeline_search_of_one_incident_uses_the_same_index(
    services: Services, two_incidents: Any
) -> None:
    first, _ = two_incidents
    entries = services.timeline.entries(first, search="declined")
    assert [e.text for e in entries] == [
        "Card payments declined for EU customers",
        "Customers declined cards: refund requested",
    ]
    newest = services.timeline.entries(first, search="declined", newest_first=True, limit=1)
    assert [e.text for e in newest] == ["Customers declined cards: refund requested"]
    notes = services.timeline.entries(first, search="declined", kinds=[EntryKind.INBOUND])
    assert [e.author for e in notes] == ["priya"]


@pytest.mark.parametrize("typed", ['a" OR "b', "NEAR(x y)", "x' & 'y", "col:val", "a:* | !b"])
def test_operator_characters_are_searched_as_words_never_fail(
    services: Services, two_incidents: Any, typed: str
) -> None:
    assert services.search.search(typed).entries == ()


def test_bad_searches_are_refused_in_one_line(services: Services, two_incidents: Any) -> None:
    with pytest.raises(ValidationError, match="no words"):
        services.search.search("***")
    with pytest.raises(NotFoundError, match="no incident 99"):
        services.search.search("refund", SearchFilters(incident_id=99))


def test_counts_stop_at_the_cap_and_say_more_than(
    services: Services, two_incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("warroom.storage.search_sql.COUNT_MAX", 2)
    monkeypatch.setattr("warroom.domain.search.COUNT_MAX", 2)
    found = services.search.search("customers", with_count=True)  # 3 entries match
    assert found.more_than_counted and found.describe_total() == "more than 2"
    exact = services.search.search("refund", with_count=True)
    assert not exact.more_than_counted and exact.describe_total() == "2"


def test_the_window_counts_one_incidents_matches_of_its_entries(
    services: Services, two_incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = two_incidents
    counted = services.timeline.count_matches(first, "customers")
    assert (counted.matches, counted.entries, counted.capped) == (2, 5, False)  # and "opened"
    inbound = services.timeline.count_matches(first, "customers", kinds=[EntryKind.INBOUND])
    assert inbound.matches == 1
    assert services.timeline.count_matches(first, "nothing").matches == 0
    monkeypatch.setattr("warroom.storage.search_sql.COUNT_MAX", 1)
    monkeypatch.setattr("warroom.domain.search.COUNT_MAX", 1)
    assert services.timeline.count_matches(first, "customers").capped
    with pytest.raises(ValidationError, match="no words"):
        services.timeline.count_matches(first, "***")
    with pytest.raises(NotFoundError, match="no incident 99"):
        services.timeline.count_matches(99, "refund")
