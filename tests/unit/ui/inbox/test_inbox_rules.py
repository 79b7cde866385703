"""The inbox's triage refusals, cell texts and row plans, without Qt."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from warroom.domain.inbox import Author, InboxItem, InboxState, SourceKind, Suggestion
from warroom.domain.inbox_paging import plan_rows
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.people import Person, Role
from warroom.domain.permissions import Permissions
from warroom.ui.inbox.presentation import (
    author_text,
    detail_text,
    one_line,
    plain_tip,
    priority_text,
    reach,
    time_text,
)
from warroom.ui.inbox.rules import NO_ITEM, READING, triage_refusals

POSTED = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _item(**changes: object) -> InboxItem:
    fields: dict[str, object] = {
        "id": 7,
        "source_id": 1,
        "source_name": "masto",
        "source_kind": SourceKind.MASTODON,
        "remote_id": "r7",
        "url": "https://social.example/@carol/7",
        "author": Author("carol@example.social", "Carol", followers=12_345),
        "text": "Refund <b>now</b>\nplease",
        "subject": "",
        "posted_at": POSTED,
        "received_at": POSTED,
        "language": "en",
        "thread": {},
        "state": InboxState.NEW,
        "suggestion": Suggestion(2, ("risk words: refund",), -0.4, ("refund",)),
    }
    fields.update(changes)
    return InboxItem(**fields)  # type: ignore[arg-type]


def _incident(state: IncidentState = IncidentState.OPEN) -> Incident:
    return Incident(
        id=3,
        title="Refund storm",
        severity=Severity.SEV2,
        state=state,
        playbook_key=None,
        began_at=POSTED,
        aware_at=POSTED,
        declared_at=POSTED,
        closed_at=None,
        created_by="alice",
    )


def _permissions(role: Role) -> Permissions:
    return Permissions.of("vic", [Person("vic", role, "alice", POSTED)])


def test_refusals_follow_the_role_the_item_and_the_incident() -> None:
    assert triage_refusals(None, None, None).attach == NO_ITEM
    assert triage_refusals(_item(), None, None).of_priority(1) == READING

    everyone = Permissions.of("vic", [])  # roles not enforced
    fresh = triage_refusals(_item(), everyone, _incident())
    assert fresh.of_priority(1) is None and fresh.handled is None and fresh.attach is None
    assert fresh.reply == "attach it to an incident first (A): replies go through its approvals"

    decided = triage_refusals(_item(priority=2, incident_id=3), everyone, _incident())
    assert decided.of_priority(2) == "already P2" and decided.of_priority(3) is None
    assert decided.attach == "already attached to incident 3" and decided.reply is None
    elsewhere = triage_refusals(_item(incident_id=9), everyone, _incident())
    assert elsewhere.attach == "attached to incident 9; an item belongs to one incident"
    assert triage_refusals(_item(), everyone, None).attach == (
        "show an incident to attach the item to"
    )
    closed = triage_refusals(_item(incident_id=3), everyone, _incident(IncidentState.CLOSED))
    assert closed.reply == "incident 3 is closed and read-only"
    feed = triage_refusals(_item(source_kind=SourceKind.FEED, incident_id=3), everyone, None)
    assert feed.reply == "items from a feed source cannot be answered"
    handled = triage_refusals(_item(state=InboxState.HANDLED), everyone, None)
    assert handled.handled == "already handled" and handled.ignored is None

    viewer = triage_refusals(_item(), _permissions(Role.VIEWER), _incident())
    assert "vic is a viewer and may not log timeline entries" in (viewer.of_priority(1) or "")
    assert "may not draft" in (viewer.reply or "")
    scribe = triage_refusals(_item(incident_id=3), _permissions(Role.SCRIBE), _incident())
    assert scribe.of_priority(1) is None and "may not draft" in (scribe.reply or "")
    busy = triage_refusals(_item(), everyone, _incident(), busy=True)
    assert busy.handled == "the last change is still being saved"


def test_cells_are_short_and_outside_text_is_escaped_in_tooltips() -> None:
    item = _item()
    assert priority_text(item) == "P2?" and priority_text(_item(priority=1)) == "P1"
    assert [reach(n) for n in (None, 950, 1000, 12_345, 1_200_000)] == [
        "",
        "950",
        "1k",
        "12.3k",
        "1.2M",
    ]
    assert author_text(item) == "carol@example.social (12.3k)"
    assert one_line("a\n\nb   c") == "a b c" and len(one_line("x" * 500)) == 300
    assert plain_tip("<b>x</b>\ny") == "<qt>&lt;b&gt;x&lt;/b&gt;<br>y</qt>"
    assert time_text(item, POSTED.astimezone().date()) == POSTED.astimezone().strftime("%H:%M")
    assert time_text(item, date(2027, 1, 1)) == POSTED.astimezone().strftime("%Y-%m-%d")
    detail = detail_text(_item(incident_id=3, attached_automatically=True, tags=("billing",)))
    assert "Attached automatically to incident #3" in detail and "tags: billing" in detail
    assert detail.endswith("Refund <b>now</b>\nplease")  # plain text, as written


def test_row_plans_turn_any_list_into_any_other_of_the_same_order() -> None:
    chance = random.Random(15)
    for _ in range(300):
        universe = sorted(chance.sample(range(1000), 40), reverse=True)
        old = sorted(chance.sample(universe, chance.randint(0, 40)), reverse=True)
        new = sorted(chance.sample(universe, chance.randint(0, 40)), reverse=True)
        plan = plan_rows(old, new)
        rows = list(old)
        for start, count in plan.removals:
            assert count > 0 and all(r not in new for r in rows[start : start + count])
            del rows[start : start + count]
        for start, count in plan.insertions:
            rows[start:start] = new[start : start + count]
        assert rows == new
