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
from warroom.export.pdf_html import statement_html
from warroom.export.strict_json import SPEC_V2


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
    log = services.export.snapshot(incident_id, "auditor")
    html = "".join(statement_html(record) for record in log.statements)
    assert "Variants in en" in html and "Payments work again." in html
    assert "email (own text)" in html and "mastodon (main text)" in html


def _pruned(value: Any, spec: Any) -> Any:
    """Return ``value`` with only the members the strict layout ``spec`` lists."""
    if isinstance(spec, dict) and isinstance(value, dict):
        return {key: _pruned(item, spec[key]) for key, item in value.items() if key in spec}
    if isinstance(spec, list) and isinstance(value, list):
        return [_pruned(item, spec[0]) for item in value]
    return value


def _as_before_variants(services: Any, incident_id: int, path: Path) -> None:
    """Export, then keep only what a /2 file had (no variants, no schedule, no approval
    window, no languages): the layout of a file made before variants existed."""
    services.export.export(incident_id, path, ExportFormat.JSON, "auditor")
    document = json.loads(path.read_text(encoding="utf-8"))
    older = _pruned(dict(document, schema="warroom.incident-log/2"), SPEC_V2)
    assert all("variants" not in statement for statement in older["statements"])
    path.write_text(json.dumps(older), encoding="utf-8")


def test_a_file_made_before_variants_still_verifies(
    services: Any, tmp_path: Path, capsys: Any
) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    plain = services.statements.draft(
        incident.id, ["mastodon", "email"], "Fixed.", "dana", subject="Checkout"
    )
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
