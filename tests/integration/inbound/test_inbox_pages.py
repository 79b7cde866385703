"""The window's reads of the inbox: keyset pages, the part already read kept fresh, stats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.bulk_inbox import START, seed_inbox
from warroom.domain.errors import ValidationError
from warroom.domain.inbox import Author, Heard, InboxFilter, InboxState, Suggestion
from warroom.domain.inbox_paging import PageKey, plan_rows
from warroom.storage import inbox_repo, source_repo

pytestmark = pytest.mark.both_databases


def _all_ids(services: Any, filters: InboxFilter | None = None) -> list[int]:
    return [item.id for item in services.inbox.items(filters, limit=None)]


def test_pages_follow_the_list_order_and_later_items_never_shift_them(services: Any) -> None:
    seed_inbox(services.db, services, 250, answered_every=0)
    expected = _all_ids(services)
    first = services.inbox.page(limit=100)
    assert [i.id for i in first.items] == expected[:100] and first.more
    # Items arriving meanwhile (newer, and one as old as the page's last) shift nothing.
    last = first.items[-1]
    with services.db.transaction() as session:
        source = source_repo.by_name(session, "masto")
        heard = [
            (Heard("late-new", "new", START + timedelta(days=1), Author("x")), Suggestion(3)),
            (Heard("late-tie", "tie", last.posted_at, Author("y")), Suggestion(3)),
        ]
        inbox_repo.add_heard(session, source, heard, START)
    second = services.inbox.page(after=PageKey.of(last), limit=100)
    third = services.inbox.page(after=PageKey.of(second.items[-1]), limit=100)
    read = [i.id for i in first.items + second.items + third.items]
    assert read[:250] == expected and len(read) == 250  # the tie sorts above: a higher id
    assert not third.more and len(third.items) == 50
    with pytest.raises(ValidationError):
        services.inbox.page(limit=0)


def test_pages_filter_by_state_priority_source_and_incident(services: Any) -> None:
    incident = services.incidents.open("Refund storm", 2, "alice").id
    seed_inbox(services.db, services, 120, incident_id=incident)
    cases = [
        InboxFilter(states=(InboxState.NEW,)),
        InboxFilter(priority=2),
        InboxFilter(source="mail"),
        InboxFilter(incident_id=incident),
        InboxFilter(unassigned=True, source="bsky"),
    ]
    for filters in cases:
        page = services.inbox.page(filters, limit=1000)
        assert [i.id for i in page.items] == _all_ids(services, filters), filters
        assert page.items and not page.more


def test_since_reports_new_changed_and_leaving_items_in_the_part_read(services: Any) -> None:
    seed_inbox(services.db, services, 60, answered_every=0)
    waiting = InboxFilter(states=(InboxState.NEW,))
    page = services.inbox.page(waiting, limit=20)
    known = {item.id: item.version for item in page.items}
    bottom = PageKey.of(page.items[-1])

    unchanged = services.inbox.since(waiting, down_to=bottom, known=known)
    assert list(unchanged.ids) == list(known) and not unchanged.fresh
    assert unchanged.total == 60

    handled, triaged = page.items[3], page.items[5]
    services.inbox.triage(handled.id, "alice", state=InboxState.HANDLED)
    services.inbox.triage(triaged.id, "alice", priority=1)
    with services.db.transaction() as session:
        source = source_repo.by_name(session, "mail")
        newest = Heard("fresh", "Just arrived", START + timedelta(days=1), Author("z"))
        (arrived,) = inbox_repo.add_heard(session, source, [(newest, Suggestion(2))], START)

    fresh = services.inbox.since(waiting, down_to=bottom, known=known)
    assert fresh.ids[0] == arrived.id and handled.id not in fresh.ids
    assert set(fresh.fresh) == {arrived.id, triaged.id}
    assert fresh.fresh[triaged.id].priority == 1 and fresh.total == 60
    assert not fresh.overflow

    plan = plan_rows(list(known), list(fresh.ids))
    rows = list(known)
    for start, count in plan.removals:
        del rows[start : start + count]
    for start, count in plan.insertions:
        rows[start:start] = fresh.ids[start : start + count]
    assert rows == list(fresh.ids)

    everything = services.inbox.since(waiting, down_to=None, known={}, fresh_max=10)
    assert everything.overflow and len(everything.ids) == everything.total == 60


def test_stats_response_times_are_exact_on_many_items(services: Any) -> None:
    seed_inbox(services.db, services, 600)
    stats = services.inbox.stats(bucket="1h")
    answered = [i for i in services.inbox.items(limit=None) if i.responded_at is not None]
    assert sum(r.answered for r in stats.response) == len(answered) > 0
    for times in stats.response:
        delays = sorted(
            (i.responded_at - i.posted_at).total_seconds()
            for i in answered
            if i.effective_priority == times.priority
        )
        if not delays:
            assert times.median is None
            continue
        middle = len(delays) // 2
        median = delays[middle] if len(delays) % 2 else (delays[middle - 1] + delays[middle]) / 2
        p90 = delays[max(1, -(-9 * len(delays) // 10)) - 1]
        assert times.median == timedelta(seconds=median)
        assert times.p90 == timedelta(seconds=p90)


def test_pages_are_the_same_whether_found_in_the_newest_window_or_by_the_filters_index(
    services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warroom.storage import inbox_page_repo

    incident = services.incidents.open("Refund storm", 2, "alice").id
    seed_inbox(services.db, services, 400, incident_id=incident, attached_every=7)
    monkeypatch.setattr(inbox_page_repo, "WINDOW", 60)  # dense filters fit, rare ones do not
    cases = [
        InboxFilter(unassigned=True),  # dense: found in the window
        InboxFilter(states=(InboxState.NEW,), source="mail"),
        InboxFilter(incident_id=incident),  # about one in seven
        InboxFilter(incident_id=incident, priority=3, source="bsky"),  # rare: the index
        InboxFilter(incident_id=incident + 1),  # none
    ]
    for filters in cases:
        read: list[int] = []
        after = None
        while True:
            page = services.inbox.page(filters, after=after, limit=25)
            read += [item.id for item in page.items]
            if not page.more:
                break
            after = PageKey.of(page.items[-1])
        expected = [] if filters.incident_id == incident + 1 else _all_ids(services, filters)
        assert read == expected and (read or filters.incident_id == incident + 1), filters
