"""The command line end to end, as scripts use it: real subprocesses, SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

RunCli = Any

pytestmark = pytest.mark.both_databases


def one_line_error(result: Any, code: int, fragment: str) -> None:
    assert result.code == code, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.err


def test_full_statement_flow(run_cli: RunCli) -> None:
    opened = run_cli("incident", "open", "Checkout outage", "--severity", "2")
    assert opened.code == 0, opened.err
    incident_id = opened.out.strip()
    assert incident_id.isdigit()
    assert run_cli("log", "add", incident_id, "Error rate 38%", "--kind", "inbound").code == 0
    draft = run_cli(
        "draft",
        "new",
        incident_id,
        "--channel",
        "mastodon",
        "--channel",
        "email",
        "--subject",
        "Checkout",
        "--text",
        "We are investigating checkout errors.",
    )
    assert draft.code == 0, draft.err
    draft_id = draft.out.strip()
    assert run_cli("draft", "submit", draft_id).code == 0
    one_line_error(run_cli("draft", "approve", draft_id), 1, "another approver must approve")
    assert run_cli("--as", "bob", "draft", "approve", draft_id).code == 0
    one_line_error(run_cli("draft", "release", draft_id), 1, "needs 2 approval(s)")
    approved = run_cli("draft", "approve", draft_id, "--as", "carol", "--json")
    assert approved.code == 0 and approved.json()["state"] == "approved"
    released = run_cli("draft", "release", draft_id, "--json")
    assert released.code == 0 and released.json()["state"] == "released"
    shown = run_cli("draft", "show", draft_id, "--json").json()
    assert [(d["channel"], d["state"]) for d in shown["deliveries"]] == [
        ("mastodon", "queued"),
        ("email", "queued"),
    ]
    assert [r["revision"] for r in shown["revisions"]] == [1]
    listing = run_cli("draft", "list", incident_id, "--json").json()
    assert [(s["id"], s["state"]) for s in listing] == [(int(draft_id), "released")]
    log = run_cli("--json", "log", "list", incident_id).json()
    texts = [e["text"] for e in log]
    assert texts[1] == "Error rate 38%"
    assert texts[-1] == f"Statement #{draft_id} released by alice to mastodon, email"
    assert [e["author"] for e in log if "approved by" in e["text"]] == ["bob", "carol"]
    shown = run_cli("incident", "show", incident_id, "--json").json()
    assert shown["entry_count"] == len(log) and shown["statements"][0]["state"] == "released"


def test_json_output_is_one_document_with_ids(run_cli: RunCli) -> None:
    opened = run_cli("incident", "open", "A", "--severity", "3", "--json")
    data = opened.json()
    assert data["id"] == 1 and data["severity"] == 3 and data["state"] == "open"
    listed = run_cli("incident", "list", "--json").json()
    assert isinstance(listed, list) and listed[0]["title"] == "A"
    entry = run_cli("log", "add", "1", "note", "--json").json()
    assert entry["seq"] == 2 and entry["id"] > 0


def test_playbook_checklist_from_the_command_line(run_cli: RunCli) -> None:
    incident_id = run_cli(
        "incident", "open", "Leak", "--severity", "1", "--playbook", "data-breach"
    ).out.strip()
    items = run_cli("checklist", "list", incident_id, "--json").json()
    assert len(items) == 10 and items[0]["phase"] == "first-15-minutes"
    done = run_cli("checklist", "done", incident_id, str(items[0]["id"]), "--as", "dpo")
    assert done.code == 0
    again = run_cli("checklist", "list", incident_id, "--json").json()
    assert again[0]["done_by"] == "dpo"
    playbooks = run_cli("playbook", "list", "--json").json()
    assert {p["key"] for p in playbooks} >= {
        "data-breach",
        "service-outage",
        "product-recall",
        "social-media-firestorm",
    }
    stale = [t for p in playbooks for t in p["templates"] if t["stale"]]
    assert [t["key"] for t in stale] == ["acknowledgement"]  # review_by 2026-06-30 has passed


def test_incident_show_says_when_the_regulator_was_notified(run_cli: RunCli) -> None:
    from datetime import datetime

    incident_id = run_cli(
        "incident", "open", "Leak", "--severity", "2", "--playbook", "data-breach"
    ).out.strip()
    before = run_cli("incident", "show", incident_id, "--json").json()
    assert before["regulator_deadline"] is not None and before["regulator_notified_at"] is None
    assert "regulator not notified yet" in run_cli("incident", "show", incident_id).out
    items = run_cli("checklist", "list", incident_id, "--json").json()
    (step,) = [i for i in items if i["stops_regulator_clock"]]
    assert step["text"].startswith("Notify the supervisory authority")
    listed = run_cli("checklist", "list", incident_id).out
    assert f"{step['id']:>4} [ ] approver" in listed
    assert "[stops the regulator clock]" in listed
    assert run_cli("checklist", "done", incident_id, str(step["id"]), "--as", "dpo").code == 0
    after = run_cli("incident", "show", incident_id, "--json").json()
    notified = datetime.fromisoformat(after["regulator_notified_at"])
    assert notified.utcoffset() is not None
    assert notified.isoformat() == after["regulator_notified_at"]
    assert "regulator notified " in run_cli("incident", "show", incident_id).out
    outage = run_cli("incident", "open", "Down", "--severity", "3").out.strip()
    shown = run_cli("incident", "show", outage, "--json").json()
    assert shown["regulator_deadline"] is None and shown["regulator_notified_at"] is None


def test_unknown_id(run_cli: RunCli) -> None:
    one_line_error(run_cli("incident", "show", "42"), 1, "no incident 42")
    one_line_error(run_cli("draft", "approve", "9"), 1, "no statement 9")


def test_severity_out_of_range_is_bad_usage(run_cli: RunCli) -> None:
    one_line_error(
        run_cli("incident", "open", "X", "--severity", "7"),
        2,
        "severity must be 1, 2, 3 or 4, not '7'",
    )


def test_bad_usage_exits_2_with_one_line(run_cli: RunCli) -> None:
    one_line_error(run_cli("incident", "frobnicate"), 2, "invalid choice")
    one_line_error(run_cli("log", "add", "abc", "text"), 2, "'abc' is not an id")


def test_empty_statement(run_cli: RunCli) -> None:
    run_cli("incident", "open", "X", "--severity", "3")
    one_line_error(
        run_cli("draft", "new", "1", "--channel", "email", "--text", "   "),
        1,
        "the statement text is empty",
    )
    one_line_error(run_cli("log", "add", "1", ""), 1, "the entry text is empty")


def test_text_over_the_channel_limit(run_cli: RunCli) -> None:
    run_cli("incident", "open", "X", "--severity", "3")
    one_line_error(
        run_cli("draft", "new", "1", "--channel", "mastodon", "--text", "x" * 501),
        1,
        "the text is 501 characters but channel 'mastodon' (mastodon) allows 500",
    )
    one_line_error(
        run_cli("draft", "new", "1", "--channel", "bluesky", "--text", "y" * 301),
        1,
        "301 graphemes",
    )


def test_changing_a_closed_incident(run_cli: RunCli) -> None:
    run_cli("incident", "open", "X", "--severity", "3")
    assert run_cli("incident", "close", "1").code == 0
    one_line_error(run_cli("log", "add", "1", "too late"), 1, "incident 1 is closed and read-only")
    one_line_error(run_cli("incident", "close", "1"), 1, "closed and read-only")


def test_malformed_playbook_file(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "playbooks"
    folder.mkdir()
    (folder / "bad.toml").write_text(
        'key = "bad"\nname = "Bad"\n[[items]]\nphase = "whenever"\ntext = "x"\nowner = "lead"\n'
    )
    env = {"WARROOM_PLAYBOOKS": str(folder)}
    result = run_cli("incident", "open", "X", "--severity", "2", "--playbook", "bad", env=env)
    one_line_error(result, 1, "bad.toml: items[0].phase: unknown phase 'whenever'")
    listing = run_cli("playbook", "list", env=env)
    assert listing.code == 1 and "service-outage" in listing.out
    assert listing.err.strip().startswith("error: ") and "bad.toml" in listing.err


@pytest.mark.sqlite_only
def test_foreign_database_file(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 50)
    result = run_cli("incident", "list", env={"WARROOM_DB": f"sqlite:///{path}"})
    one_line_error(result, 1, "is not a War Room database or is damaged")
    assert path.read_text() == "shopping list\n" * 50


def test_text_from_stdin(run_cli: RunCli) -> None:
    run_cli("incident", "open", "X", "--severity", "3")
    result = run_cli(
        "log",
        "add",
        "1",
        "-",
        stdin="Long note\nover two lines\n",
    )
    assert result.code == 0
    assert run_cli("log", "list", "1", "--json").json()[-1]["text"] == "Long note\nover two lines"


def test_correction_from_the_command_line(run_cli: RunCli) -> None:
    run_cli("incident", "open", "X", "--severity", "3")
    run_cli("log", "add", "1", "Rate 4%")
    fixed = run_cli("log", "add", "1", "Rate 14%", "--corrects", "2", "--json").json()
    assert fixed["corrects_id"] is not None and fixed["seq"] == 3


def test_demo_loads_a_realistic_incident(run_cli: RunCli) -> None:
    assert run_cli("demo").code == 0
    entries = run_cli("log", "list", "1", "--json").json()
    assert len(entries) >= 30
    assert {e["kind"] for e in entries} == {
        "note",
        "decision",
        "action",
        "inbound",
        "statement",
        "status",
    }
    states = {s["state"] for s in run_cli("draft", "list", "1", "--json").json()}
    assert states == {"draft", "in_review", "approved", "released"}
    items = run_cli("checklist", "list", "1", "--json").json()
    done = sum(1 for i in items if i["done_by"])
    assert 0 < done < len(items)
