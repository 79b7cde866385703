"""``warroom verify --incident``: streamed, from a checkpoint, and plain about what that proves.

The streamed verification must give the verdict the export-document verification gives (the
same first problem, on the same tampering); a checkpoint lets the next run recheck only the
entries after it, the head entry and every field; ``--full`` rechecks every entry.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.tamper import tamper

pytestmark = pytest.mark.both_databases


def _document_verdict(services: Any, incident_id: int) -> Any:
    """The verdict of the export path: the whole document built in memory, then checked."""
    from warroom.export.json_reader import check_document
    from warroom.export.json_writer import document

    return check_document(document(services.export.snapshot(incident_id, "t")), signed=False)


def _seq_of(services: Any, incident_id: int, event: str | None) -> int:
    """Return the number of the first entry recording ``event`` (None: a person's note)."""
    for entry in services.timeline.entries(incident_id):
        if (entry.data.get("event") if entry.data else None) == event and entry.seq > 1:
            return int(entry.seq)
    raise AssertionError(f"no entry for {event}")


TAMPERING = [
    "UPDATE timeline_entries SET text = 'nothing happened' WHERE seq = 12",
    "DELETE FROM timeline_entries WHERE seq = 17",
    "UPDATE timeline_entries SET kind = 'decision' WHERE seq = 3",
    "UPDATE approvals SET approver = 'Mallory' WHERE id = 1",
    "DELETE FROM approvals WHERE id = 2",
    "UPDATE statement_revisions SET text = 'We never said that.' WHERE id = 3",
    "UPDATE statements SET text = 'Something else entirely.' WHERE id = 1",
    "UPDATE incidents SET title = 'Nothing to see'",
    "UPDATE incidents SET entry_count = entry_count - 1",
]


@pytest.mark.parametrize("statement", TAMPERING)
def test_the_streamed_verdict_is_the_export_verdict(
    services: Any, demo: Any, db_url: str, statement: str
) -> None:
    full = services.verification.verify(demo.id, full=True)
    assert full.check == _document_verdict(services, demo.id)
    assert full.check.ok and full.rechecked == demo.entry_count

    services.db.dispose()
    tamper(db_url, statement)

    streamed = services.verification.verify(demo.id, full=True).check
    assert not streamed.ok
    if "entry_count" in statement:
        # An export reads the entries up to the count the incident records (entries added
        # while it runs are left out); a verification reads them all and names the extra.
        assert not _document_verdict(services, demo.id).ok
        assert streamed.broken_seq == demo.entry_count + 1
        assert streamed.problem == (
            f"the log ends after {demo.entry_count} entries but {demo.entry_count - 1} "
            "were recorded"
        )
    else:
        assert streamed == _document_verdict(services, demo.id)


def test_the_next_verification_starts_from_the_checkpoint(services: Any, demo: Any) -> None:
    first = services.verification.verify(demo.id, "auditor")
    assert first.started_from is None and first.saved is not None  # no checkpoint yet: full
    assert first.saved.entry_count == demo.entry_count
    services.timeline.add(demo.id, "One more fact.", "alice")

    second = services.verification.verify(demo.id, "auditor")

    assert second.check.ok and second.check.entry_count == demo.entry_count + 1
    assert second.started_from == first.saved
    assert second.rechecked == 1  # only the new entry's link and content
    assert second.saved is not None and second.saved.entry_count == demo.entry_count + 1
    assert "proven when the checkpoint was saved" in second.describe_scope()
    assert "--full proves every entry" in second.describe_scope()
    assert services.verification.verify(demo.id, full=True).rechecked == demo.entry_count + 1


@pytest.mark.parametrize(
    "case", ["new entry", "head entry", "statement entry", "approvals table", "incident row"]
)
def test_an_incremental_run_catches_what_it_rechecks(
    services: Any, demo: Any, db_url: str, case: str
) -> None:
    """After a checkpoint: edits of new entries, of the head entry, of the entries that
    record statements, and of the tables the chain covers are all still caught."""
    assert services.verification.verify(demo.id).saved is not None
    head = demo.entry_count
    for n in range(3):
        services.timeline.add(demo.id, f"Later fact {n}.", "alice")
    approved = _seq_of(services, demo.id, "statement.approved")
    statement, broken = {
        "new entry": (f"UPDATE timeline_entries SET text = 'x' WHERE seq = {head + 2}", head + 2),
        "head entry": (f"UPDATE timeline_entries SET author = 'x' WHERE seq = {head}", head),
        "statement entry": (
            f"UPDATE timeline_entries SET author = 'x' WHERE seq = {approved}",
            approved,
        ),
        "approvals table": ("UPDATE approvals SET approver = 'Mallory' WHERE id = 1", approved),
        "incident row": ("UPDATE incidents SET severity = 4", 1),
    }[case]
    services.db.dispose()
    tamper(db_url, statement)

    verdict = services.verification.verify(demo.id)

    assert verdict.started_from is not None  # incremental
    assert not verdict.check.ok and verdict.check.broken_seq == broken


def test_an_old_plain_entry_is_left_to_full(services: Any, demo: Any, db_url: str) -> None:
    """What the output says is so: a person's entry before the checkpoint is not rechecked
    by an incremental run (the checkpoint could be rewritten with it); --full catches it."""
    assert services.verification.verify(demo.id).saved is not None
    note = _seq_of(services, demo.id, None)
    services.db.dispose()
    tamper(db_url, f"UPDATE timeline_entries SET text = 'rewritten' WHERE seq = {note}")

    incremental = services.verification.verify(demo.id)
    assert incremental.check.ok and incremental.started_from is not None
    assert f"entries up to #{demo.entry_count} were proven when" in incremental.describe_scope()

    full = services.verification.verify(demo.id, full=True)
    assert not full.check.ok and full.check.broken_seq == note


def test_an_edited_checkpoint_fails_until_a_full_check(
    services: Any, demo: Any, db_url: str
) -> None:
    assert services.verification.verify(demo.id).saved is not None
    services.db.dispose()
    tamper(db_url, f"UPDATE verify_checkpoints SET head_hash = '{'0' * 64}'")

    moved = services.verification.verify(demo.id)
    assert not moved.check.ok and moved.check.broken_seq == demo.entry_count
    assert "no longer matches the head verified" in moved.check.problem

    full = services.verification.verify(demo.id, full=True)
    assert full.check.ok and full.saved is not None  # a new, true checkpoint
    assert services.verification.verify(demo.id).check.ok


def test_entries_cut_from_the_end_after_a_checkpoint_are_caught(
    services: Any, demo: Any, db_url: str
) -> None:
    assert services.verification.verify(demo.id).saved is not None
    services.db.dispose()
    tamper(
        db_url,
        f"DELETE FROM timeline_entries WHERE seq = {demo.entry_count}",
        "UPDATE incidents SET entry_count = entry_count - 1",
    )
    verdict = services.verification.verify(demo.id)
    assert not verdict.check.ok
    assert "entries were removed since" in verdict.check.problem


def test_the_command_says_what_it_rechecked(run_cli: Any, services: Any, demo: Any) -> None:
    first = run_cli("verify", "--incident", str(demo.id))
    assert first.code == 0, first.err
    lines = first.out.splitlines()
    assert lines[-1] == f"checked incident {demo.id} in the live database"
    assert lines[-2].startswith(f"full: {demo.entry_count} entries rechecked in ")
    assert lines[-2].endswith(" entries/s)")

    services.timeline.add(demo.id, "One more fact.", "alice")
    second = run_cli("verify", "--incident", str(demo.id), "--json").json()
    assert isinstance(second, dict)
    assert second["mode"] == "incremental" and second["entries_rechecked"] == 1
    assert second["checkpoint"]["entry_count"] == demo.entry_count
    assert second["checkpoint_saved"]["entry_count"] == demo.entry_count + 1

    third = run_cli("verify", "--incident", str(demo.id))
    assert "incremental: 0 new entries after" in third.out
    assert "--full proves every entry" in third.out
    full = run_cli("verify", "--incident", str(demo.id), "--full", "--json").json()
    assert isinstance(full, dict)
    assert full["mode"] == "full" and full["entries_rechecked"] == demo.entry_count + 1
    assert full["entries_per_second"] > 0
