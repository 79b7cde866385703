"""One JSON mapper for the export and the CLI (issue 13): the export's members keep their
bytes, the CLI keeps every key it printed with its meaning, and the two disagree only where
the mapper's docstrings say so.

The fixtures were written from the code before the two mappers were joined (commit 7d0558c).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.domain import json_samples as s
from warroom.commands import render
from warroom.domain import json_mapping as mapping
from warroom.export import json_writer
from warroom.export.strict_json import SPEC

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT_BEFORE = json.loads((FIXTURES / "export_members_before_mapper.json").read_text("utf-8"))
CLI_BEFORE = json.loads((FIXTURES / "cli_json_before_mapper.json").read_text("utf-8"))
ENCODER = json.JSONEncoder(ensure_ascii=False)  # the export's encoder


# --- the export: same bytes, the schema's members, one mapper ------------------------------


def test_the_export_members_keep_their_bytes() -> None:
    incidents = [ENCODER.encode(mapping.incident_json(i)) for i in s.INCIDENTS]
    assert incidents == EXPORT_BEFORE["incident"]
    assert ENCODER.encode(mapping.entry_json(s.RECORD, (8, 11))) == EXPORT_BEFORE["entry"]
    statement = ENCODER.encode(mapping.statement_json(s.STATEMENT_RECORD))
    assert statement == EXPORT_BEFORE["statement"]


def test_the_export_writes_the_shared_mappers_core() -> None:
    for name in ("incident_json", "entry_json", "statement_json"):
        assert getattr(json_writer, name) is getattr(mapping, name), name
    for name in ("incident_json", "entry_json", "statement_json", "revision_json"):
        assert not hasattr(render, name), f"commands/render.py defines {name} again"


def test_the_core_has_exactly_the_schemas_members() -> None:
    spec_statement = SPEC["statements"][0]
    statement = mapping.statement_json(s.STATEMENT_RECORD)
    assert list(mapping.incident_json(s.INCIDENT)) == list(SPEC["incident"])
    assert set(mapping.entry_json(s.RECORD)) == set(SPEC["timeline"][0])
    assert set(statement) == set(spec_statement)
    for key in ("approvals", "revisions", "deliveries", "variants"):
        assert set(statement[key][0]) == set(spec_statement[key][0]), key


# --- the CLI: every key it printed, with the value it printed, plus the core's ------------


def _assert_kept(before: dict[str, Any], after: dict[str, Any]) -> None:
    for key, value in before.items():
        assert key in after, f"{key} dropped"
        assert after[key] == value, f"{key}: {value!r} became {after[key]!r}"


def test_the_cli_keeps_every_value_it_printed() -> None:
    values = CLI_BEFORE["values"]
    for incident, before in zip(s.INCIDENTS, values["incident"], strict=True):
        _assert_kept(before, mapping.cli_incident_json(incident))
    _assert_kept(values["entry"], mapping.cli_entry_json(s.ENTRY))
    statement = mapping.cli_statement_json(s.STATEMENT)
    _assert_kept({k: v for k, v in values["statement"].items() if k != "approvals"}, statement)
    for before, after in zip(values["statement"]["approvals"], statement["approvals"], strict=True):
        _assert_kept(before, after)
    for revision, before in zip(s.REVISIONS, values["revisions"], strict=True):
        _assert_kept(before, mapping.cli_revision_json(revision))


@pytest.mark.parametrize(
    ("name", "made"),
    [
        ("incident", lambda: mapping.cli_incident_json(s.INCIDENT)),
        ("entry", lambda: mapping.cli_entry_json(s.ENTRY)),
        ("statement", lambda: mapping.cli_statement_json(s.STATEMENT)),
        ("statement.approvals[]", lambda: mapping.cli_statement_json(s.STATEMENT)["approvals"][0]),
        ("statement.variants[]", lambda: mapping.cli_statement_json(s.STATEMENT)["variants"][0]),
        ("draft show.revisions[]", lambda: mapping.cli_revision_json(s.REVISIONS[1])),
        (
            "draft show.revisions[].variants[]",
            lambda: mapping.cli_revision_json(s.REVISIONS[1])["variants"][0],
        ),
    ],
)
def test_the_cli_keeps_every_key_it_printed(name: str, made: Any) -> None:
    missing = set(CLI_BEFORE["keys"][name]) - set(made())
    assert not missing, f"{name} lost {sorted(missing)}"


def test_the_cli_carries_the_cores_fields_it_can_know() -> None:
    assert set(mapping.incident_json(s.INCIDENT)) <= set(mapping.cli_incident_json(s.INCIDENT))
    entry = mapping.cli_entry_json(s.ENTRY)
    # the stored entry knows its row ids, not the seq it corrects nor what corrects it
    assert set(mapping.entry_json(s.RECORD)) - set(entry) == {"corrects_seq", "corrected_by"}
    statement = mapping.cli_statement_json(s.STATEMENT)
    assert set(mapping.statement_json(s.STATEMENT_RECORD)) - set(statement) == {
        "public_at",
        "revisions",
        "deliveries",
    }
    core_approval = mapping.statement_json(s.STATEMENT_RECORD)["approvals"][1]
    assert set(core_approval) <= set(statement["approvals"][1])


# --- where the two disagree, each keeps its own (the docstrings list these) ---------------


def test_the_approval_window_the_cli_prints_is_the_one_in_effect() -> None:
    default, ninety = s.INCIDENTS
    assert mapping.incident_json(default)["approval_window_minutes"] is None
    assert mapping.cli_incident_json(default)["approval_window_minutes"] == 24 * 60
    assert mapping.incident_json(ninety)["approval_window_minutes"] == 90
    assert mapping.cli_incident_json(ninety)["approval_window_minutes"] == 90


def test_an_approval_from_an_earlier_round_is_valid_only_for_the_cli() -> None:
    core = mapping.statement_json(s.STATEMENT_RECORD)["approvals"]
    cli = mapping.cli_statement_json(s.STATEMENT)["approvals"]
    assert [a["valid"] for a in core] == [False, True, False]
    assert [a["valid"] for a in cli] == [True, True, False]  # same content is enough
    assert [a["counts"] for a in cli] == [a["valid"] for a in core]
    assert [a["at"] for a in cli] == [a["approved_at"] for a in core]


def test_variants_keep_each_outputs_order() -> None:
    core = mapping.statement_json(s.STATEMENT_RECORD)["variants"]
    cli = mapping.cli_statement_json(s.STATEMENT)["variants"]
    assert [v["channel"] for v in core] == ["email", "mastodon"]  # by language: en, fr
    assert [v["channel"] for v in cli] == ["mastodon", "email"]  # the statement's order
    by_channel = {v["channel"]: v for v in cli}
    for variant in core:
        _assert_kept(variant, by_channel[variant["channel"]])


def test_a_revision_from_before_channels_has_no_variants_in_the_export_only() -> None:
    old, new = s.REVISIONS
    assert mapping.revision_json(old)["variants"] is None
    assert mapping.cli_revision_json(old)["variants"] == []
    assert mapping.cli_revision_json(new)["variants"] == mapping.revision_json(new)["variants"]
