"""``warroom review`` and ``warroom export`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from warroom.domain.timeline import EntryKind


def test_lessons_learned_are_logged_while_open_and_editable_after_close(
    services: Any, clock: Any
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    clock.advance(minutes=5)
    updated = services.review.set_lessons_learned(incident.id, "  Page earlier.  ", "alice")
    assert updated.lessons_learned == "Page earlier."
    last = services.timeline.entries(incident.id)[-1]
    assert last.kind is EntryKind.NOTE and last.data["event"] == "incident.lessons_learned"
    assert services.timeline.verify(incident.id).ok
    closed = services.incidents.close(incident.id, "alice")
    final = services.review.set_lessons_learned(incident.id, "Page earlier; rotate certs.", "bob")
    assert final.lessons_learned == "Page earlier; rotate certs."
    assert final.entry_count == closed.entry_count  # the closed timeline stays sealed
    assert services.timeline.verify(incident.id).ok
    assert services.review.review(incident.id).lessons_learned == "Page earlier; rotate certs."


def test_review_command_prints_and_sets_lessons(run_cli: Any, services: Any, demo: Any) -> None:
    result = run_cli("review", str(demo.id))
    assert result.code == 0, result.err
    for label in (
        "Began",
        "Aware",
        "Declared",
        "First public statement",
        "Update cadence",
        "Approval of statement #1",
        "Delivery on mastodon",
        "Checklist: First hour",
        "Lessons learned",
    ):
        assert label in result.out
    stdin = "Rotate certificates before expiry.\nAlert on TLS errors.\n"
    result = run_cli("review", str(demo.id), "--lessons", "-", "--json", stdin=stdin)
    assert result.code == 0, result.err
    review = result.json()
    assert review["lessons_learned"] == stdin.strip()  # type: ignore[index]
    assert review["promises"][0]["status"] in {"kept", "late", "missed", "pending"}  # type: ignore[index]
    assert run_cli("review", "999").code == 1


def test_export_command_writes_each_format_without_a_display(
    run_cli: Any, services: Any, demo: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    no_display = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    result = run_cli(
        "export",
        str(demo.id),
        "-o",
        str(out / "log.pdf"),
        "--page-size",
        "letter",
        env=no_display,
    )
    assert result.code == 0, result.err
    assert (out / "log.pdf").read_bytes().startswith(b"%PDF") and result.err == ""
    result = run_cli(
        "export", str(demo.id), "--format", "json", "-o", str(out / "log.data"), "--json"
    )
    assert result.code == 0, result.err
    summary = result.json()
    # alice's first signed export made her key: one more entry says so
    assert summary["format"] == "json" and summary["entry_count"] == demo.entry_count + 1  # type: ignore[index]
    assert json.loads((out / "log.data").read_text())["schema"] == "warroom.incident-log/3"
    assert run_cli("verify", str(out / "log.data")).code == 0
    for name in ("log.csv", "log.md"):
        assert run_cli("export", str(demo.id), "-o", str(out / name)).code == 0
    assert sorted(p.name for p in out.iterdir()) == ["log.csv", "log.data", "log.md", "log.pdf"]


def test_export_command_refusals(run_cli: Any, services: Any, demo: Any, tmp_path: Path) -> None:
    missing = run_cli("export", str(demo.id), "-o", str(tmp_path / "nope" / "log.json"))
    assert missing.code == 1 and "does not exist" in missing.err
    unknown = run_cli("export", str(demo.id), "-o", str(tmp_path / "log.txt"))
    assert unknown.code == 1 and "--format" in unknown.err
    bad = run_cli("export", str(demo.id), "--format", "docx", "-o", str(tmp_path / "x"))
    assert bad.code == 2
    absent = run_cli("export", "999", "-o", str(tmp_path / "log.json"))
    assert absent.code == 1 and "no incident 999" in absent.err
    assert not (tmp_path / "log.json").exists()
    for result in (missing, unknown, absent):
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
