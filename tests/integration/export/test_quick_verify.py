"""``warroom verify --incident`` from its checkpoint without SQLAlchemy gives the services' verdict.

On a plain SQLite file the incremental verification reads through the standard ``sqlite3``
module (storage/quick_chain.py, services/quick_verify.py). Everything it reads must equal
what the repositories read, and on every tampering the services' path catches it must come
to the same verdict from the same checkpoint. Each comparison runs the two paths on two
identical copies of the file (SQLite's backup API), so that neither sees the other's
checkpoint.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.support.tamper import tamper
from warroom.domain.variants import VariantEdit
from warroom.services.incident_verify import _SessionReads
from warroom.services.quick_verify import verify_from_checkpoint
from warroom.storage import chain_read, incident_repo
from warroom.storage.quick_chain import open_quick_chain


def _file(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def _copy(db_url: str, target: Path) -> str:
    """Copy the database (WAL included) with SQLite's backup API; return the copy's URL."""
    source = sqlite3.connect(_file(db_url))
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


@pytest.fixture
def rich(services: Any, demo: Any) -> Any:
    """The demo incident plus a statement with its own email variant, approved, rejected,
    edited, approved again and scheduled: every column the statement reads map."""
    draft = services.statements.draft(
        demo.id,
        ["mastodon", "email"],
        "We are investigating.",
        "dana",
        subject="Outage",
        variants={"email": VariantEdit(subject="Checkout outage", text="Dear customer, ...")},
    )
    services.statements.submit(draft.id, "dana")
    services.statements.reject(draft.id, "priya", "Say when we expect a fix.")
    services.statements.edit(draft.id, "dana", text="We expect a fix within the hour.")
    services.statements.submit(draft.id, "dana")
    services.statements.approve(draft.id, "priya")
    return services.incidents.get(demo.id)


def test_the_quick_reads_equal_the_repositories(services: Any, rich: Any, db_url: str) -> None:
    assert services.verification.verify(rich.id).saved is not None  # a checkpoint to read
    chain = open_quick_chain(db_url)
    assert chain is not None
    try:
        with services.db.reading() as session:
            reads = _SessionReads(session)
            assert chain.incident(rich.id) == incident_repo.get(session, rich.id)
            assert chain.incident(rich.id + 99) is None
            assert chain.checkpoint(rich.id) == chain_read.checkpoint(session, rich.id)
            records = reads.statement_records(rich.id)
            assert chain.statement_records(rich.id) == records
            assert any(r.statement.edited_variants for r in records)  # the variant is read
            assert any(r.statement.approvals for r in records)
            assert any(rev.edited_variants for r in records for rev in r.revisions)
            assert list(chain.rows(rich.id)) == list(reads.rows(rich.id))
            assert list(chain.rows(rich.id, after=20)) == list(reads.rows(rich.id, after=20))
            seqs = [1, 5, 9, rich.entry_count, rich.entry_count + 3]
            assert chain.rows_at(rich.id, seqs) == reads.rows_at(rich.id, seqs)
    finally:
        chain.close()


def _seq_of(services: Any, incident_id: int, event: str | None) -> int:
    """Return the number of the first entry recording ``event`` (None: a person's note)."""
    for entry in services.timeline.entries(incident_id):
        if (entry.data.get("event") if entry.data else None) == event and entry.seq > 1:
            return int(entry.seq)
    raise AssertionError(event)


CASES = {
    "intact": lambda head, approved, note: [],
    "new entry": lambda head, approved, note: [
        f"UPDATE timeline_entries SET text = 'x' WHERE seq = {head + 2}"
    ],
    "head entry": lambda head, approved, note: [
        f"UPDATE timeline_entries SET author = 'x' WHERE seq = {head}"
    ],
    "statement entry": lambda head, approved, note: [
        f"UPDATE timeline_entries SET author = 'x' WHERE seq = {approved}"
    ],
    "approvals table": lambda head, approved, note: [
        "UPDATE approvals SET approver = 'Mallory' WHERE id = 1"
    ],
    "statement text": lambda head, approved, note: [
        "UPDATE statements SET text = 'Something else entirely.' WHERE id = 1"
    ],
    "variant text": lambda head, approved, note: [
        "UPDATE statement_channels SET variant_text = 'Changed.' WHERE variant_text IS NOT NULL"
    ],
    "revision text": lambda head, approved, note: [
        "UPDATE statement_revisions SET text = 'We never said that.' WHERE id = 2"
    ],
    "incident row": lambda head, approved, note: ["UPDATE incidents SET severity = 4"],
    "old plain entry": lambda head, approved, note: [
        f"UPDATE timeline_entries SET text = 'rewritten' WHERE seq = {note}"
    ],
    "checkpoint moved": lambda head, approved, note: [
        f"UPDATE verify_checkpoints SET head_hash = '{'0' * 64}'"
    ],
    "checkpoint list": lambda head, approved, note: [
        "UPDATE verify_checkpoints SET event_seqs = 'not json'"
    ],
    "entries cut": lambda head, approved, note: [
        f"DELETE FROM timeline_entries WHERE seq > {head}",
        f"UPDATE incidents SET entry_count = {head - 1}",
    ],
    "count lowered": lambda head, approved, note: [
        "UPDATE incidents SET entry_count = entry_count - 1"
    ],
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_quick_verdict_is_the_services_verdict(
    services: Any, rich: Any, db_url: str, tmp_path: Path, case: str
) -> None:
    assert services.verification.verify(rich.id).saved is not None
    head = rich.entry_count
    for n in range(3):
        services.timeline.add(rich.id, f"Later fact {n}.", "alice")
    approved = _seq_of(services, rich.id, "statement.approved")
    note = _seq_of(services, rich.id, None)
    services.db.dispose()
    if statements := CASES[case](head, approved, note):
        tamper(db_url, *statements)
    copy_url = _copy(db_url, tmp_path / "copy.db")

    quick = verify_from_checkpoint(copy_url, rich.id, "auditor")
    usual = services.verification.verify(rich.id, "auditor")

    assert quick is not None and quick.started_from is not None
    assert quick.check == usual.check
    assert (quick.full, quick.started_from, quick.rechecked) == (
        usual.full,
        usual.started_from,
        usual.rechecked,
    )
    if usual.saved is None:
        assert quick.saved is None
    else:
        assert quick.saved is not None
        assert replace(quick.saved, verified_at=usual.saved.verified_at) == usual.saved
    assert quick.check.ok == (case in ("intact", "old plain entry"))
    # The next run starts from the checkpoint saved (or, after a failure, the one before).
    after = verify_from_checkpoint(copy_url, rich.id, "auditor")
    assert after is not None and after.started_from == (quick.saved or quick.started_from)


def test_no_quick_path_without_a_checkpoint_or_an_incident(services: Any, demo: Any) -> None:
    url = str(services.db.location)
    assert verify_from_checkpoint(url, demo.id, "auditor") is None  # no checkpoint: full
    assert verify_from_checkpoint(url, demo.id + 1, "auditor") is None  # the usual message
    assert verify_from_checkpoint("postgresql://nobody@localhost/none", demo.id, "x") is None


def _command(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run the command in a child that says whether it imported SQLAlchemy."""
    program = (
        "import sys\n"
        "from warroom.cli import main\n"
        f"code = main({list(args)!r})\n"
        "print('sqlalchemy' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


def test_the_command_verifies_from_its_checkpoint_without_sqlalchemy(
    cli_env: dict[str, str], services: Any, demo: Any, db_url: str
) -> None:
    ident = str(demo.id)
    code, out, err = _command(cli_env, "verify", "--incident", ident, "--json")
    assert code == 0, err
    assert json.loads(out)["mode"] == "full"
    assert err.strip().endswith("True")  # no checkpoint yet: the services' full check

    services.timeline.add(demo.id, "One more fact.", "alice")
    code, out, err = _command(cli_env, "verify", "--incident", ident, "--json")
    result = json.loads(out)
    assert code == 0 and err.strip().endswith("False")
    assert result["mode"] == "incremental" and result["entries_rechecked"] == 1
    assert result["checkpoint_saved"]["entry_count"] == demo.entry_count + 1
    assert result["checkpoint_saved"]["verified_by"] == cli_env.get("WARROOM_USER", "")

    services.db.dispose()
    tamper(db_url, f"UPDATE timeline_entries SET text = 'x' WHERE seq = {demo.entry_count + 1}")
    code, out, err = _command(cli_env, "verify", "--incident", ident)
    assert code == 1 and err.strip().endswith("False")
    assert f"error: incident {demo.id}: " in err and f"entry {demo.entry_count + 1}" in err
    code, out, err = _command(cli_env, "verify", "--incident", ident, "--full")
    assert code == 1 and err.strip().endswith("True")  # --full: the services' path
