"""``warroom verify``: every kind of tampering with an export or the live database is caught."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from warroom.export.formats import ExportFormat

Doc = dict[str, Any]


@pytest.fixture
def exported(services: Any, demo: Any, tmp_path: Path) -> Doc:
    path = tmp_path / "original.json"
    services.export.export(demo.id, path, ExportFormat.JSON, "auditor")
    document: Doc = json.loads(path.read_text(encoding="utf-8"))
    return document


def _entry(doc: Doc, seq: int) -> Doc:
    entry: Doc = doc["timeline"][seq - 1]
    assert entry["seq"] == seq
    return entry


def _approval_entry(doc: Doc) -> Doc:
    return next(e for e in doc["timeline"] if e["data"].get("event") == "statement.approved")


def change_text(doc: Doc) -> int:
    _entry(doc, 10)["text"] += " (quietly edited)"
    return 10


def change_author(doc: Doc) -> int:
    _entry(doc, 7)["author"] = "Someone Else"
    return 7


def change_data(doc: Doc) -> int:
    entry = _approval_entry(doc)
    entry["data"]["approver"] = "Mallory"
    return int(entry["seq"])


def delete_entry(doc: Doc) -> int:
    del doc["timeline"][20]
    return 21


def swap_entries(doc: Doc) -> int:
    timeline = doc["timeline"]
    timeline[5], timeline[6] = timeline[6], timeline[5]
    return 6


def swap_and_renumber(doc: Doc) -> int:
    timeline = doc["timeline"]
    timeline[5], timeline[6] = timeline[6], timeline[5]
    timeline[5]["seq"], timeline[6]["seq"] = 6, 7
    return 6


def cut_last_entry(doc: Doc) -> int:
    doc["timeline"].pop()
    return len(doc["timeline"]) + 1


def change_approver(doc: Doc) -> int:
    statement = next(s for s in doc["statements"] if s["approvals"])
    statement["approvals"][0]["approver"] = "Mallory"
    entries = [
        e
        for e in doc["timeline"]
        if e["data"].get("event") == "statement.approved"
        and e["data"]["statement"] == statement["id"]
    ]
    return int(entries[0]["seq"])


def change_approved_hash(doc: Doc) -> int:
    statement = next(s for s in doc["statements"] if s["approvals"])
    statement["approvals"][-1]["content_hash"] = "f" * 64
    entries = [
        e
        for e in doc["timeline"]
        if e["data"].get("event") == "statement.approved"
        and e["data"]["statement"] == statement["id"]
    ]
    return int(entries[-1]["seq"])


def add_approval(doc: Doc) -> int:
    statement = next(s for s in doc["statements"] if s["approvals"])
    statement["approvals"].append(dict(statement["approvals"][0], approver="Mallory"))
    entries = [
        e
        for e in doc["timeline"]
        if e["data"].get("event") == "statement.approved"
        and e["data"]["statement"] == statement["id"]
    ]
    return int(entries[-1]["seq"])


def change_revision_text(doc: Doc) -> int:
    statement = next(s for s in doc["statements"] if s["state"] == "released")
    statement["revisions"][-1]["text"] = "We never said that."
    entry = next(
        e
        for e in doc["timeline"]
        if e["data"].get("event") == "statement.edited"
        and e["data"]["statement"] == statement["id"]
        and e["data"]["revision"] == statement["revisions"][-1]["revision"]
    )
    return int(entry["seq"])


def footer_count(doc: Doc) -> int:
    doc["footer"]["entry_count"] += 1
    return int(doc["footer"]["entry_count"])


def footer_head(doc: Doc) -> int:
    doc["footer"]["head_hash"] = "a" * 64
    return len(doc["timeline"])


TAMPERING: list[Callable[[Doc], int]] = [
    change_text,
    change_author,
    change_data,
    delete_entry,
    swap_entries,
    swap_and_renumber,
    cut_last_entry,
    change_approver,
    change_approved_hash,
    add_approval,
    change_revision_text,
    footer_count,
    footer_head,
]


def write(path: Path, doc: Doc) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_intact_export_verifies(run_cli: Any, exported: Doc, tmp_path: Path) -> None:
    path = write(tmp_path / "intact.json", exported)
    result = run_cli("verify", str(path))
    assert result.code == 0, result.err
    assert result.out.startswith("intact:") and exported["footer"]["head_hash"] in result.out
    as_json = run_cli("verify", str(path), "--json")
    assert as_json.code == 0 and as_json.json()["ok"] is True  # type: ignore[index]


def test_every_tampering_is_caught_with_the_entry_named(
    run_cli: Any, exported: Doc, tmp_path: Path
) -> None:
    # One subprocess per case would cost ~1 s each; the CLI runs each case the same way.
    failures = []
    for tamper in TAMPERING:
        doc = copy.deepcopy(exported)
        seq = tamper(doc)
        path = write(tmp_path / f"{tamper.__name__}.json", doc)
        result = run_cli("verify", str(path))
        lines = result.err.strip().splitlines()
        if (
            result.code != 1
            or len(lines) != 1
            or not lines[0].startswith("error: ")
            or f"broken at entry {seq}:" not in lines[0]
            or "Traceback" in result.err
        ):
            failures.append((tamper.__name__, seq, result.code, result.err))
    assert not failures, failures


def test_a_tampered_export_reports_json_too(run_cli: Any, exported: Doc, tmp_path: Path) -> None:
    doc = copy.deepcopy(exported)
    change_text(doc)
    result = run_cli("verify", str(write(tmp_path / "t.json", doc)), "--json")
    assert result.code == 1
    report = result.json()
    assert report["ok"] is False and report["broken_seq"] == 10  # type: ignore[index]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema": "someone.else/1"}', "not a War Room export"),
        ("[1, 2, 3]", "not a War Room export"),
        ('{"schema": "warroom.incident-log/1", "incident": {}}', "not a valid War Room export"),
    ],
)
def test_a_foreign_file_is_refused_clearly(
    run_cli: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "foreign.json"
    path.write_text(content)
    result = run_cli("verify", str(path))
    assert result.code == 1 and message in result.err
    assert result.err.startswith("error: ") and "Traceback" not in result.err


def test_verify_something_that_is_neither(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("verify", str(tmp_path / "missing.json"))
    assert result.code == 1 and "neither an export file nor an incident id" in result.err


@pytest.mark.parametrize(
    ("statement", "broken"),
    [
        ("UPDATE timeline_entries SET text = 'nothing happened' WHERE seq = 12", 12),
        ("DELETE FROM timeline_entries WHERE seq = 17", 17),
        (
            "UPDATE timeline_entries SET seq = CASE seq WHEN 5 THEN 6 ELSE 5 END "
            "WHERE seq IN (5, 6)",
            5,
        ),
        # Approvals and revisions are checked against the chained entry that recorded them
        # (13 and 15 are the approvers' new signing keys).
        ("UPDATE approvals SET approver = 'Mallory' WHERE id = 1", 14),
        ("DELETE FROM approvals WHERE id = 2", 16),
        ("UPDATE statement_revisions SET text = 'We never said that.' WHERE id = 3", 11),
    ],
)
def test_verify_a_live_incident_after_direct_sql(
    run_cli: Any, services: Any, demo: Any, db_path: Path, statement: str, broken: int
) -> None:
    from tests.support.tamper import tamper

    assert run_cli("verify", str(demo.id)).code == 0  # and saves a checkpoint at the head
    services.db.dispose()
    statements = [statement]
    if "CASE" in statement:
        statements = [
            "UPDATE timeline_entries SET seq = -seq WHERE seq IN (5, 6) "
            f"AND incident_id = {demo.id}",
            statement.replace("seq = CASE seq WHEN 5", "seq = CASE -seq WHEN 5").replace(
                "WHERE seq IN (5, 6)", "WHERE seq IN (-5, -6)"
            ),
        ]
    tamper(f"sqlite:///{db_path}", *statements)
    result = run_cli("verify", str(demo.id), "--full")  # every entry, whatever the checkpoint
    assert result.code == 1
    assert result.err.startswith(f"error: incident {demo.id}: broken at entry {broken}:")


def test_verify_takes_a_path_or_incident_and_says_which_it_checked(
    run_cli: Any, services: Any, demo: Any, exported: Doc, tmp_path: Path, cli_env: Any
) -> None:
    import subprocess
    import sys

    live = run_cli("verify", "--incident", str(demo.id))
    assert live.code == 0, live.err
    assert live.out.splitlines()[-1] == f"checked incident {demo.id} in the live database"
    assert run_cli("verify", "--incident", str(demo.id), "--json").json()["checked"] == "incident"

    # A bare number means the incident only when no file of that name exists...
    bare = run_cli("verify", str(demo.id))
    assert bare.code == 0
    assert bare.out.splitlines()[-1] == (
        f"checked incident {demo.id} in the live database (no file named '{demo.id}' here)"
    )
    # ...and the file when one does (run where the file is).
    (tmp_path / str(demo.id)).write_text(json.dumps(exported), encoding="utf-8")
    in_folder = subprocess.run(
        [sys.executable, "-m", "warroom", "verify", str(demo.id)],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert in_folder.returncode == 0, in_folder.stderr
    assert in_folder.stdout.splitlines()[-1] == f"checked the file {demo.id}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("verify",), "error: give an export file (PATH) or --incident ID\n"),
        (
            ("verify", "x.json", "--incident", "1"),
            "error: give either PATH or --incident ID, not both\n",
        ),
    ],
)
def test_verify_needs_exactly_one_target(run_cli: Any, args: Any, message: str) -> None:
    result = run_cli(*args)
    assert result.code == 2 and result.err == message
