"""Every way of tampering with a signed export that the issue names, one row each: ``warroom
verify`` exits 1 with one line that names the first problem (run in-process: same code path
as the command, without a subprocess per row)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from warroom.cli import main
from warroom.domain.clock import parse_iso
from warroom.domain.timeline import entry_hash
from warroom.export.formats import ExportFormat

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def signed_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Doc]:
    """One demo incident exported (and signed) once for the whole table."""
    import os

    from tests.conftest import SteppingClock
    from tests.integration.export.conftest import HOSTILE
    from warroom.domain.timeline import EntryKind
    from warroom.services import build_services
    from warroom.services.demo import load_demo
    from warroom.storage.database import open_database

    folder = tmp_path_factory.mktemp("signed")
    saved = {k: os.environ.get(k) for k in ("WARROOM_TEST_KEYRING", "PYTHON_KEYRING_BACKEND")}
    os.environ["WARROOM_TEST_KEYRING"] = str(folder / "keyring.json")
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.keyring_backend.FileKeyring"
    try:
        clock = SteppingClock()
        db = open_database(f"sqlite:///{folder / 'demo.db'}")
        services = build_services(db, clock=clock)
        incident = load_demo(db, now=clock.now)
        # The incident's life, chained: status, severity (with its quorum), cadence, hold.
        services.lifecycle.set_status(incident.id, "identified", "Dana Reyes")
        services.lifecycle.set_severity(incident.id, 1, "Dana Reyes", reason="worse")
        services.lifecycle.set_cadence(incident.id, "20", "Dana Reyes")
        services.lifecycle.set_hold(incident.id, 45, "Dana Reyes")
        _scheduled_with_variants(services, incident.id, clock)
        # The chain ends with two plain entries (the tail-cut row removes them).
        services.timeline.add(incident.id, "Variants scheduled", "Lee Chen")
        services.timeline.add(incident.id, HOSTILE, "Eve", EntryKind.INBOUND)
        path = folder / "log.json"
        services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
        db.dispose()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    text = path.read_text(encoding="utf-8")
    return text, json.loads(text)


def _scheduled_with_variants(services: Any, incident_id: int, clock: Any) -> None:
    """Add a statement whose email variant has its own subject and text, approved and
    scheduled for release in an hour (the demo has none)."""
    from datetime import timedelta

    from warroom.domain.variants import VariantEdit

    statements = services.statements
    draft = statements.draft(
        incident_id,
        ["mastodon", "email"],
        "Card payments in Europe work again.",
        "Sam Okafor",
        variants={
            "email": VariantEdit(
                subject="Resolved: card payments",
                text="Dear customer,\n\nCard payments in Europe work again. No card was "
                "charged twice.\n\nThe Shopwise team",
            )
        },
    )
    statements.submit(draft.id, "Sam Okafor")
    statements.approve(draft.id, "Priya Nair")
    statements.approve(draft.id, "Dana Reyes")
    statements.release(draft.id, "Dana Reyes", at=clock.now + timedelta(hours=1))


def _variant(doc: Doc, channel: str) -> Doc:
    statement = _statement(doc, "scheduled")
    return next(v for v in statement["variants"] if v["channel"] == channel)


def _drop_variant(doc: Doc) -> None:
    statement = _statement(doc, "scheduled")
    statement["variants"] = [v for v in statement["variants"] if v["channel"] != "mastodon"]


def _revision_variant(doc: Doc) -> None:
    revision = _statement(doc, "scheduled")["revisions"][-1]
    email = next(v for v in revision["variants"] if v["channel"] == "email")
    email["text"] = "We never wrote to you."


def _statement(doc: Doc, state: str) -> Doc:
    return next(s for s in doc["statements"] if s["state"] == state)


def _rechain(doc: Doc, upto: int) -> None:
    """Cut the timeline after entry ``upto`` and make the footer agree (a careful forger)."""
    doc["timeline"] = doc["timeline"][:upto]
    doc["footer"]["entry_count"] = upto
    doc["footer"]["head_hash"] = doc["timeline"][-1]["hash"]


def _rehash_entry(doc: Doc, seq: int, **data: Any) -> None:
    """Change an entry's data and re-hash the chain from there (forging the chain too)."""
    doc["timeline"][seq - 1]["data"].update(data)
    previous = doc["timeline"][seq - 2]["hash"] if seq > 1 else "0" * 64
    for entry in doc["timeline"][seq - 1 :]:
        entry["prev_hash"] = previous
        entry["hash"] = entry_hash(
            prev_hash=previous,
            incident_id=doc["incident"]["id"],
            seq=entry["seq"],
            kind=entry["kind"],
            text=entry["text"],
            author=entry["author"],
            created_at=parse_iso(entry["created_at"]),
            corrects_seq=entry["corrects_seq"],
            data=entry["data"],
        )
        previous = entry["hash"]
    doc["footer"]["head_hash"] = previous


def _flip_valid(doc: Doc) -> None:
    released = _statement(doc, "released")
    released["approvals"][0]["valid"] = not released["approvals"][0]["valid"]


def _forge_approval(doc: Doc) -> None:
    """Replace an approval's signature everywhere, re-hashing the whole chain after it."""
    seq = _approval_seq(doc)
    _rehash_entry(doc, seq, signature="00" * 64)
    sid = doc["timeline"][seq - 1]["data"]["statement"]
    statement = next(s for s in doc["statements"] if s["id"] == sid)
    statement["approvals"][0]["signature"] = "00" * 64


def _update_seq(doc: Doc, field: str) -> int:
    """Return the number of the ``incident.updated`` entry that set ``field``."""
    return int(
        next(
            e
            for e in doc["timeline"]
            if e["data"].get("event") == "incident.updated" and field in e["data"]["set"]
        )["seq"]
    )


def _approval_seq(doc: Doc) -> int:
    return int(
        next(e for e in doc["timeline"] if e["data"].get("event") == "statement.approved")["seq"]
    )


Case = tuple[str, Callable[[Doc], None], str]

CASES: list[Case] = [
    (
        "tail cut, footer fixed",
        lambda d: _rechain(d, len(d["timeline"]) - 2),
        "footer's signature does not match",
    ),
    ("severity", lambda d: d["incident"].update(severity=4), "incident.severity is 4"),
    ("title", lambda d: d["incident"].update(title="Minor blip"), "incident.title"),
    ("began_at", lambda d: d["incident"].update(began_at=d["incident"]["declared_at"]), "began_at"),
    ("aware_at", lambda d: d["incident"].update(aware_at=d["incident"]["declared_at"]), "aware_at"),
    (
        "declared_at",
        lambda d: d["incident"].update(declared_at="2020-01-01T00:00:00.000000Z"),
        "incident.declared_at",
    ),
    ("approvals", lambda d: d["incident"].update(approvals_required=1), "approvals_required"),
    ("status", lambda d: d["incident"].update(status="resolved"), "incident.status is 'resolved'"),
    (
        "cadence",
        lambda d: d["incident"].update(update_cadence_seconds=14400.0),
        "incident.update_cadence_seconds is 14400.0",
    ),
    (
        "hold window",
        lambda d: d["incident"].update(hold_window_seconds=86400),
        "incident.hold_window_seconds is 86400",
    ),
    (
        "status change re-chained away",
        lambda d: _rehash_entry(d, _update_seq(d, "status"), set={"status": "investigating"}),
        "incident.status is 'identified' in the export but the chain records 'investigating'",
    ),
    (
        "cadence change re-chained",
        lambda d: _rehash_entry(d, _update_seq(d, "cadence_minutes"), set={"cadence_minutes": 5}),
        "incident.update_cadence_seconds is 1200.0 in the export but the chain records 300",
    ),
    (
        "missing status (a /2 layout under the /3 name)",
        lambda d: d["incident"].pop("status"),
        "has no 'status'",
    ),
    ("creator", lambda d: d["incident"].update(created_by="Mallory"), "incident.created_by"),
    (
        "channels",
        lambda d: _statement(d, "released").update(channels=["mastodon"]),
        "channels is ['mastodon'] in the export",
    ),
    ("state", lambda d: _statement(d, "draft").update(state="released"), "state is 'released'"),
    (
        "text",
        lambda d: _statement(d, "released").update(text="We never said that."),
        "subject or text does not match",
    ),
    ("released_by", lambda d: _statement(d, "released").update(released_by="Lee"), "released_by"),
    (
        "variant text",
        lambda d: _variant(d, "email").update(text="Dear customer, all is well."),
        "variant 'email': its subject or text does not match the hash chained here",
    ),
    (
        "variant subject",
        lambda d: _variant(d, "email").update(subject="Nothing happened"),
        "variant 'email': its subject or text does not match the hash chained here",
    ),
    (
        "edited variant passed off as the main text",
        lambda d: _variant(d, "email").update(edited=False),
        "variant 'email' is marked as the main text but differs from it",
    ),
    (
        "derived variant changed",
        lambda d: _variant(d, "mastodon").update(text="All fine, nothing to see."),
        "variant 'mastodon' is marked as the main text but differs from it",
    ),
    (
        "derived variant claimed as edited",
        lambda d: _variant(d, "mastodon").update(edited=True),
        "variant 'mastodon' edited is True in the export but the chain records False",
    ),
    ("variant removed", _drop_variant, "lists variants for ['email'] but its channels are"),
    ("revision variant", _revision_variant, "revision 1 variant 'email': its subject or text"),
    (
        "scheduled time",
        lambda d: _statement(d, "scheduled").update(scheduled_for="2030-01-01T00:00:00.000000Z"),
        "scheduled_for is '2030-01-01",
    ),
    (
        "approval window",
        lambda d: d["incident"].update(approval_window_minutes=5),
        "incident.approval_window_minutes is 5",
    ),
    ("promise", lambda d: _statement(d, "released").update(next_update_by=None), "next_update_by"),
    ("approval validity flipped", _flip_valid, ": valid is"),
    (
        "approval signature",
        lambda d: _statement(d, "released")["approvals"][0].update(signature="00" * 64),
        "signature is '0000",
    ),
    (
        "statement deleted",
        lambda d: d["statements"].remove(_statement(d, "released")),
        "is on the timeline but missing from the export",
    ),
    ("chain and approval re-forged", _forge_approval, "does not match what it approved"),
    ("export time", lambda d: d.update(exported_at="2030-01-01T00:00:00.000000Z"), "footer's sig"),
    ("exporter", lambda d: d.update(exported_by="Dana Reyes"), "does not match it"),
    ("unknown field", lambda d: d["incident"].update(verified=True), "unknown member 'verified'"),
    (
        "missing field",
        lambda d: _statement(d, "released").pop("released_by"),
        "has no 'released_by'",
    ),
]


def _run(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["verify", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("name", "tamper", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_tampering_is_named(
    signed_export: tuple[str, Doc],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    tamper: Callable[[Doc], None],
    expected: str,
) -> None:
    doc = copy.deepcopy(signed_export[1])
    tamper(doc)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = _run(path, capsys)
    lines = err.strip().splitlines()
    assert code == 1 and out == "", (name, err)
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], lines


def test_duplicate_keys_are_refused(
    signed_export: tuple[str, Doc], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = signed_export[0].replace('"severity": 2,', '"severity": 2, "severity": 1,', 1)
    assert text != signed_export[0]
    path = tmp_path / "twice.json"
    path.write_text(text, encoding="utf-8")
    code, _out, err = _run(path, capsys)
    assert code == 1 and err.strip().splitlines() == [
        f"error: {path} is not a valid War Room export: the key 'severity' appears twice in "
        "one object"
    ]


def test_intact_export_verifies_and_names_the_keys_it_relied_on(
    signed_export: tuple[str, Doc], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "intact.json"
    path.write_text(signed_export[0], encoding="utf-8")
    code, out, err = _run(path, capsys)
    assert code == 0 and err == "", err
    incident = signed_export[1]["incident"]
    assert (incident["status"], incident["severity"], incident["approvals_required"]) == (
        "identified",
        1,
        2,
    )
    assert (incident["update_cadence_seconds"], incident["hold_window_seconds"]) == (1200, 2700)
    exporter = signed_export[1]["footer"]["key"]
    assert out.startswith("intact:") and f"signed by auditor (key {exporter})" in out
    assert "keys relied on: Priya Nair" in out and f"--trust {exporter}" in out
    code, out, err = _run(path, capsys, "--trust", exporter, "--trust", "ab" * 16)
    assert code == 0 and "keys relied on" not in out
    code, out, err = _run(path, capsys, "--trust", "ab" * 16)
    assert code == 1 and err.strip().splitlines() == [
        f"error: {path}: broken: the export was signed by auditor with key {exporter}, which "
        f"is not one you trust (--trust) (checked the file {path})"
    ]
    code, _out, err = _run(path, capsys, "--trust", "not-a-key")
    assert code == 1 and "is not a key fingerprint" in err


def test_an_old_v1_file_is_verified_as_before_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warroom.domain.timeline import GENESIS_HASH

    entry = {
        "seq": 1,
        "created_at": "2026-01-01T00:00:00.000000Z",
        "kind": "note",
        "author": "bob",
        "text": "hello",
        "corrects_seq": None,
        "corrected_by": [],
        "data": {},
        "prev_hash": GENESIS_HASH,
    }
    entry["hash"] = entry_hash(
        prev_hash=GENESIS_HASH,
        incident_id=7,
        seq=1,
        kind="note",
        text="hello",
        author="bob",
        created_at=parse_iso("2026-01-01T00:00:00Z"),
        corrects_seq=None,
        data={},
    )
    doc = {
        "schema": "warroom.incident-log/1",
        "incident": {"id": 7, "title": "Old"},
        "timeline": [entry],
        "statements": [],
        "footer": {"entry_count": 1, "head_hash": entry["hash"]},
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = _run(path, capsys)
    assert code == 0 and out.startswith("intact: incident 7, 1 entries")
    assert err.startswith("warning: this file uses the older schema warroom.incident-log/1")
    code, _out, err = _run(path, capsys, "--trust", "ab" * 16)
    assert code == 1 and "carries no signature" in err
