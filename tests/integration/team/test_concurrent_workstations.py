"""Several workstations on one database at once: nothing lost, nothing forked, no double work.

Each test runs on SQLite (BEGIN IMMEDIATE + busy timeout) and on PostgreSQL (row locks under
READ COMMITTED). Workstations are real processes or separate engines, never one shared session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, SteppingClock
from warroom.domain.changes import Area, Changes
from warroom.domain.errors import ConflictError, RuleViolation
from warroom.domain.statements import StatementState
from warroom.services import Services, build_services
from warroom.storage.database import open_database

pytestmark = pytest.mark.both_databases

WORKSTATIONS = 4
APPENDS_EACH = 500


@pytest.fixture
def second_workstation(db_url: str, services: Services, clock: SteppingClock) -> Iterator[Services]:
    """Return services over their own engine on the same database: another machine."""
    db = open_database(db_url)
    yield build_services(db, clock=clock)
    db.dispose()


def _worker_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }


@pytest.mark.slow
def test_four_processes_append_to_one_incident_without_losing_or_forking(
    services: Services, db_url: str
) -> None:
    incident = services.incidents.open("Payment outage", 2, "lead")
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.team_load",
                "append",
                db_url,
                str(incident.id),
                str(APPENDS_EACH),
                f"ws{n}",
            ],
            cwd=REPO_ROOT,
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKSTATIONS)
    ]
    summaries = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    assert all(len(s["latencies"]) == APPENDS_EACH for s in summaries)

    entries = services.timeline.entries(incident.id)
    assert len(entries) == 1 + WORKSTATIONS * APPENDS_EACH
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for n in range(WORKSTATIONS):  # each workstation's notes all there, in its own order
        mine = [e.text for e in entries if e.author == f"ws{n}"]
        assert mine == [f"ws{n} note {i}" for i in range(APPENDS_EACH)]
    report = services.timeline.verify(incident.id)
    assert report.ok, report.describe()
    assert services.incidents.get(incident.id).entry_count == len(entries)


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released together; return each result or raised error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # the test inspects what each call got
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_second_save_of_the_same_draft_is_refused_and_shows_the_other_version(
    services: Services, second_workstation: Services
) -> None:
    incident = services.incidents.open("Login failures", 3, "alice")
    draft = services.statements.draft(
        incident.id, ["email"], "We are investigating.", "alice", subject="Update"
    )
    mine = services.statements.get(draft.id)
    theirs = second_workstation.statements.get(draft.id)

    services.statements.edit(
        draft.id,
        "alice",
        text="We are investigating login failures.",
        expected_version=mine.version,
    )
    with pytest.raises(ConflictError) as refused:
        second_workstation.statements.edit(
            draft.id, "bob", text="Logins fail for some users.", expected_version=theirs.version
        )
    message = str(refused.value)
    assert "alice" in message and "We are investigating login failures." in message
    saved = services.statements.get(draft.id)
    assert saved.text == "We are investigating login failures." and saved.revision == 2
    assert [r.text for r in services.statements.revisions(draft.id)] == [
        "We are investigating.",
        "We are investigating login failures.",
    ]


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_saves_one_wins_one_conflicts(
    services: Services, second_workstation: Services, attempt: int
) -> None:
    incident = services.incidents.open("Login failures", 3, "alice")
    draft = services.statements.draft(incident.id, ["email"], "v1", "alice", subject="Update")
    outcomes = _at_once(
        lambda: services.statements.edit(draft.id, "alice", text="alice's", expected_version=1),
        lambda: second_workstation.statements.edit(
            draft.id, "bob", text="bob's", expected_version=1
        ),
    )
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    saved = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(conflicts) == 1 and len(saved) == 1, outcomes
    assert services.statements.get(draft.id).text == saved[0].text
    assert len(services.statements.revisions(draft.id)) == 2
    assert services.timeline.verify(incident.id).ok


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvers_at_once_both_count(
    services: Services, second_workstation: Services, attempt: int
) -> None:
    incident = services.incidents.open("Data breach", 1, "alice")  # SEV1: two approvals
    draft = services.statements.draft(
        incident.id, ["email"], "We are investigating.", "alice", subject="Update"
    )
    services.statements.submit(draft.id, "alice")
    outcomes = _at_once(
        lambda: services.statements.approve(draft.id, "bob"),
        lambda: second_workstation.statements.approve(draft.id, "carol"),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    statement = services.statements.get(draft.id)
    assert statement.state is StatementState.APPROVED
    assert sorted(a.approver for a in statement.valid_approvals) == ["bob", "carol"]
    assert services.timeline.verify(incident.id).ok


@pytest.mark.parametrize("attempt", range(3))
def test_two_releases_at_once_make_one_set_of_outbox_rows(
    services: Services, second_workstation: Services, attempt: int
) -> None:
    incident = services.incidents.open("Recall", 3, "alice")
    draft = services.statements.draft(
        incident.id, ["email", "webhook"], "Recall notice.", "alice", subject="Update"
    )
    services.statements.submit(draft.id, "alice")
    services.statements.approve(draft.id, "bob")
    outcomes = _at_once(
        lambda: services.statements.release(draft.id, "alice"),
        lambda: second_workstation.statements.release(draft.id, "dave"),
    )
    refused = [o for o in outcomes if isinstance(o, (RuleViolation, ConflictError))]
    released = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(released) == 1 and len(refused) == 1, outcomes
    events = [e.data.get("event") for e in services.timeline.entries(incident.id)]
    assert events.count("statement.released") == 1
    assert _outbox_count(services, draft.id) == 2
    assert services.timeline.verify(incident.id).ok


def _outbox_count(services: Services, statement_id: int) -> int:
    from sqlalchemy import func, select

    from warroom.storage.models import OutboxEntryRow

    with services.db.reading() as session:
        query = select(func.count()).where(OutboxEntryRow.statement_id == statement_id)
        return session.scalar(query) or 0


def test_the_change_feed_names_each_committed_write_in_commit_order_from_any_workstation(
    services: Services, second_workstation: Services, db_url: str
) -> None:
    from sqlalchemy import select

    from warroom.storage.models import ChangeFeedRow

    start = second_workstation.changes.latest()
    incident = services.incidents.open("Feed", 3, "alice")
    seen, opened = second_workstation.changes.since(start)
    assert opened == Changes.of((incident.id, Area.INCIDENT), (incident.id, Area.TIMELINE))
    # Eight writers at once from two workstations while a third engine keeps reading the
    # rows after the newest it saw: rows must commit in seq order, or a look between two
    # commits would skip a row for good.
    reader = open_database(db_url)
    collected: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        last = seen
        while True:
            done = stop.is_set()
            with reader.reading() as session:
                query = select(ChangeFeedRow.seq).where(ChangeFeedRow.seq > last)
                seqs = list(session.scalars(query))
            collected.extend(seqs)
            last = max([last, *seqs])
            if done:
                return

    watching = threading.Thread(target=watch)
    watching.start()
    try:
        _at_once(
            *(lambda n=n: services.timeline.add(incident.id, f"n{n}", "alice") for n in range(4)),
            *(
                lambda n=n: second_workstation.timeline.add(incident.id, f"m{n}", "bob")
                for n in range(4)
            ),
        )
    finally:
        stop.set()
        watching.join()
        reader.dispose()
    assert sorted(collected) == list(range(seen + 1, seen + 9))  # each once, none skipped
    newest, changed = services.changes.since(seen)
    assert newest == seen + 8
    assert changed == Changes.of((incident.id, Area.TIMELINE))


@pytest.mark.parametrize("attempt", range(3))
def test_drafts_and_notes_at_once_in_one_incident(
    services: Services, second_workstation: Services, attempt: int
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    outcomes = _at_once(
        lambda: services.statements.draft(
            incident.id, ["email"], "From alice.", "alice", subject="Update"
        ),
        lambda: second_workstation.statements.draft(
            incident.id, ["email"], "From bob.", "bob", subject="Update"
        ),
        lambda: services.timeline.add(incident.id, "note", "carol"),
        lambda: second_workstation.timeline.add(incident.id, "note", "dave"),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len(services.statements.for_incident(incident.id)) == 2
    assert services.timeline.verify(incident.id).ok


def test_a_mixed_workload_from_four_workstations_never_deadlocks_or_corrupts(
    services: Services, db_url: str, clock: SteppingClock
) -> None:
    """Random use cases on shared drafts: refusals are fine, storage errors are not."""
    import random
    from functools import partial

    from warroom.domain.errors import WarRoomError

    incident = services.incidents.open("Breach", 2, "lead", playbook_key="data-breach")
    item_ids = [item.id for item in services.checklist.items(incident.id)]
    engines = [open_database(db_url) for _ in range(WORKSTATIONS)]
    stations = [build_services(db, clock=clock) for db in engines]
    people = ["ann", "ben", "cat", "dov"]
    unexpected: list[BaseException] = []

    def work(n: int) -> None:
        rng = random.Random(n)
        me, ws = people[n], stations[n]
        for step in range(40):
            drafts = [s.id for s in ws.statements.for_incident(incident.id)]
            target = rng.choice(drafts) if drafts else None
            text = f"{me} {step}"
            actions: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
                (ws.timeline.add, (incident.id, text, me)),
                (ws.statements.draft, (incident.id, ["email"], text, me)),
                (ws.checklist.done, (incident.id, rng.choice(item_ids), me)),
            ]
            if target is not None:
                actions += [
                    (partial(ws.statements.edit, text=f"edit {text}"), (target, me)),
                    (ws.statements.submit, (target, me)),
                    (ws.statements.approve, (target, me)),
                    (ws.statements.reject, (target, me, "not yet")),
                    (ws.statements.release, (target, me)),
                ]
            call, args = rng.choice(actions)
            try:
                call(*args)
            except WarRoomError as error:
                if not isinstance(error, (RuleViolation, ConflictError)):
                    unexpected.append(error)
            except Exception as error:  # anything else is a bug
                unexpected.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKSTATIONS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
    finally:
        for db in engines:
            db.dispose()
    assert unexpected == []
    assert services.timeline.verify(incident.id).ok
    for statement in services.statements.for_incident(incident.id):
        rows = _outbox_count(services, statement.id)
        released = statement.state is StatementState.RELEASED
        assert rows == (len(statement.channels) if released else 0)
        if statement.state is StatementState.APPROVED:
            assert len(statement.valid_approvals) >= 2


def test_a_deadlock_is_a_conflict_to_retry_not_a_broken_database(
    services: Services, second_workstation: Services
) -> None:
    """Should two use cases ever lock in opposite orders, one is told to try again."""
    from warroom.storage import incident_repo

    first = services.incidents.open("One", 3, "alice").id
    second = services.incidents.open("Two", 3, "alice").id
    both_hold_one = threading.Barrier(2, timeout=5)

    def lock(ws: Services, a: int, b: int) -> str:
        with ws.db.transaction() as session:
            incident_repo.get(session, a, for_update=True)
            if ws.db.is_sqlite:  # BEGIN IMMEDIATE: the other waits before locking anything
                return "done"
            both_hold_one.wait()
            incident_repo.get(session, b, for_update=True)
        return "done"

    outcomes = _at_once(
        lambda: lock(services, first, second), lambda: lock(second_workstation, second, first)
    )
    if services.db.is_sqlite:
        assert outcomes == ["done", "done"]
    else:
        assert sorted(map(type, outcomes), key=str) == sorted([str, ConflictError], key=str)
        refused = next(o for o in outcomes if isinstance(o, ConflictError))
        assert "try again" in str(refused)


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_ticking_one_checklist_item_log_it_once(
    services: Services, second_workstation: Services, attempt: int
) -> None:
    incident = services.incidents.open("Outage", 3, "alice", playbook_key="service-outage")
    item = services.checklist.items(incident.id)[0]
    outcomes = _at_once(
        lambda: services.checklist.done(incident.id, item.id, "alice"),
        lambda: second_workstation.checklist.done(incident.id, item.id, "bob"),
    )
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(refused) == 1 and "already done" in str(refused[0]), outcomes
    events = [e.data.get("event") for e in services.timeline.entries(incident.id)]
    assert events.count("checklist.done") == 1


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_approver_on_two_machines_counts_once(
    services: Services, second_workstation: Services, attempt: int
) -> None:
    incident = services.incidents.open("Breach", 1, "alice")
    draft = services.statements.draft(
        incident.id, ["email"], "We are investigating.", "alice", subject="Update"
    )
    services.statements.submit(draft.id, "alice")
    outcomes = _at_once(
        lambda: services.statements.approve(draft.id, "bob"),
        lambda: second_workstation.statements.approve(draft.id, "bob"),
    )
    assert len([o for o in outcomes if isinstance(o, RuleViolation)]) == 1, outcomes
    assert [a.approver for a in services.statements.get(draft.id).valid_approvals] == ["bob"]
