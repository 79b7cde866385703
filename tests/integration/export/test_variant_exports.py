"""Variants in the exports: listed per statement and grouped by their channel's language in
JSON, Markdown and the review; a file made before variants existed still verifies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from warroom.cli import main
from warroom.domain.channels import ChannelKind
from warroom.domain.variants import VariantEdit
from warroom.export.formats import ExportFormat
from warroom.export.pdf import build_html

LATER = ("variants", "scheduled_for")


def _languages(services: Any) -> None:
    for name, language in (("mastodon", "fr"), ("email", "en"), ("bluesky", "fr")):
        settings = {"url": "https://social.example"} if name == "mastodon" else {}
        if name == "email":
            settings = {"host": "smtp.example", "from": "a@example.org", "to": ["b@example.org"]}
        if name == "bluesky":
            settings = {"handle": "shop.example"}
        settings["language"] = language
        services.channel_setup.configure(name, ChannelKind(name), settings, "secret")


def _released(services: Any) -> tuple[int, int]:
    incident = services.incidents.open("Paiements en panne", 3, "lee")
    draft = services.statements.draft(
        incident.id,
        ["email", "mastodon", "bluesky"],
        "Les paiements fonctionnent à nouveau.",
        "dana",
        variants={"email": VariantEdit(subject="Resolved", text="Payments work again.")},
    )
    services.statements.submit(draft.id, "dana")
    services.statements.approve(draft.id, "priya")
    services.statements.release(draft.id, "lee")
    plain = services.statements.draft(incident.id, ["mastodon"], "Plain.", "dana")
    return incident.id, plain.id


def test_variants_are_exported_grouped_by_language(services: Any, tmp_path: Path) -> None:
    _languages(services)
    incident_id, _plain = _released(services)
    path = tmp_path / "log.json"
    services.export.export(incident_id, path, ExportFormat.JSON, "auditor")
    document = json.loads(path.read_text(encoding="utf-8"))
    statement = document["statements"][0]
    assert [(v["language"], v["channel"], v["edited"]) for v in statement["variants"]] == [
        ("en", "email", True),
        ("fr", "bluesky", False),
        ("fr", "mastodon", False),
    ]
    assert statement["revisions"][0]["variants"][0] == {
        "channel": "email",
        "subject": "Resolved",
        "text": "Payments work again.",
        "edited": True,
    }
    assert document["review"]["languages"] == [
        {"language": "en", "channels": ["email"], "statements": [statement["id"]]},
        {"language": "fr", "channels": ["bluesky", "mastodon"], "statements": [statement["id"]]},
    ]
    assert main(["verify", str(path)]) == 0
    markdown = tmp_path / "log.md"
    services.export.export(incident_id, markdown, ExportFormat.MARKDOWN, "auditor")
    text = markdown.read_text(encoding="utf-8")
    assert "#### Variants in en" in text and "#### Variants in fr" in text
    assert text.index("Variants in en") < text.index("Payments work again.")
    assert "Language: fr" in text
    html = build_html(services.export.snapshot(incident_id, "auditor"))
    assert "Variants in en" in html and "Payments work again." in html
    assert "email (own text)" in html and "mastodon (main text)" in html


def _as_before_variants(services: Any, incident_id: int, path: Path) -> None:
    """Export, then remove what this version added: the layout of an older /2 file."""
    services.export.export(incident_id, path, ExportFormat.JSON, "auditor")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["incident"].pop("approval_window_minutes")
    document["review"].pop("languages")
    for statement in document["statements"]:
        for name in LATER:
            statement.pop(name)
        for revision in statement["revisions"]:
            revision.pop("variants")
    path.write_text(json.dumps(document), encoding="utf-8")


def test_a_file_made_before_variants_still_verifies(
    services: Any, tmp_path: Path, capsys: Any
) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    plain = services.statements.draft(incident.id, ["mastodon", "email"], "Fixed.", "dana")
    services.statements.submit(plain.id, "dana")
    services.statements.approve(plain.id, "priya")
    services.statements.release(plain.id, "lee")
    old = tmp_path / "old.json"
    _as_before_variants(services, incident.id, old)
    assert main(["verify", str(old)]) == 0
    capsys.readouterr()
    # An edited variant cannot be dropped from a newer file without the content hash noticing.
    varied_incident, _plain = _released(services)
    dropped = tmp_path / "dropped.json"
    _as_before_variants(services, varied_incident, dropped)
    assert main(["verify", str(dropped)]) == 1
    assert "variant 'email' edited is False in the export" in capsys.readouterr().err
