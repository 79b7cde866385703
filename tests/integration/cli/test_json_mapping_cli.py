"""The CLI's ``--json`` after the export and the CLI share one mapper (issue 13): every key the
commands printed before is still there (the key sets were taken from these very commands
before the change: tests/unit/domain/fixtures/cli_json_before_mapper.json), and
``incident show`` reads the incident through the read model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RunCli = Any

FIXTURE = Path(__file__).parents[2] / "unit" / "domain" / "fixtures" / "cli_json_before_mapper.json"
BEFORE: dict[str, list[str]] = json.loads(FIXTURE.read_text("utf-8"))["keys"]


def _json(run_cli: RunCli, *args: str, user: str = "alice") -> Any:
    result = run_cli("--json", *args, env={"WARROOM_USER": user})
    assert result.code == 0, result.err
    return result.json()


def _missing(name: str, printed: dict[str, Any]) -> list[str]:
    return sorted(set(BEFORE[name]) - set(printed))


def test_every_json_key_the_cli_printed_is_still_printed(run_cli: RunCli) -> None:
    incident = _json(
        run_cli, "incident", "open", "Checkout outage", "--severity", "2",
        "--playbook", "service-outage",
    )  # fmt: skip
    iid = str(incident["id"])
    _json(run_cli, "log", "add", iid, "first note")
    draft = _json(
        run_cli, "draft", "new", iid, "--channel", "email", "--channel", "mastodon",
        "--text", "We are investigating.", "--subject", "Update",
    )  # fmt: skip
    sid = str(draft["id"])
    _json(run_cli, "draft", "submit", sid)
    approved = _json(run_cli, "draft", "approve", sid, user="bob")
    shown = _json(run_cli, "draft", "show", sid)
    listed = _json(run_cli, "draft", "list", iid)[0]
    entry = _json(run_cli, "log", "list", iid)[0]
    show = _json(run_cli, "incident", "show", iid)
    printed = {
        "incident": incident,
        "entry": entry,
        "statement": approved,
        "statement.approvals[]": approved["approvals"][0],
        "statement.variants[]": approved["variants"][0],
        "draft show": shown,
        "draft show.revisions[]": shown["revisions"][0],
        "draft show.revisions[].variants[]": shown["revisions"][0]["variants"][0],
        "incident show": show,
        "incident show.statements[]": show["statements"][0],
        "incident show.checklist": show["checklist"],
    }
    assert printed.keys() == BEFORE.keys()
    assert {name: _missing(name, data) for name, data in printed.items()} == {
        name: [] for name in BEFORE
    }
    assert _missing("statement", listed) == []
    assert _missing("incident", _json(run_cli, "incident", "list")[0]) == []
    # the core's fields now come along (the export's names and values)
    assert show["severity_label"] == "SEV2" and show["hold_window_seconds"] == 30 * 60.0
    assert entry["prev_hash"] and approved["review_round"] == 0
    assert approved["approvals"][0]["approved_at"] == approved["approvals"][0]["at"]


def test_incident_show_reads_one_snapshot_of_the_incident(run_cli: RunCli) -> None:
    iid = str(_json(run_cli, "incident", "open", "Outage", "--severity", "1", "--playbook",
                    "data-breach")["id"])  # fmt: skip
    sid = str(
        _json(run_cli, "draft", "new", iid, "--channel", "mastodon", "--text", "On it.")["id"]
    )
    show = _json(run_cli, "incident", "show", iid)
    drafts = _json(run_cli, "draft", "list", iid)  # the playbook brings drafts of its own
    assert show["statements"] == [{"id": d["id"], "state": d["state"]} for d in drafts]
    assert {"id": int(sid), "state": "draft"} in show["statements"]
    assert show["checklist"]["total"] > 0 and show["checklist"]["done"] == 0
    assert show["regulator_deadline"] is not None
    assert show["regulator_deadline_label"]
    assert show["regulator_notified_at"] is None
    missing = run_cli("incident", "show", "999")
    assert missing.code == 1 and missing.err.startswith("error: ")
