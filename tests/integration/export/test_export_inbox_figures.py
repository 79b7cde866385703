"""The inbox figures (issue 15, "seeing the wave") in every export format, schema /3."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from warroom.domain.errors import ValidationError
from warroom.domain.inbox import Author, Heard, InboxState, SourceKind, Suggestion
from warroom.export.formats import ExportFormat


def _wave(services: Any, clock: Any, incident_id: int) -> None:
    """Two quiet buckets, then a spike of twelve items; half answered, half waiting."""
    from warroom.storage import inbox_repo, source_repo

    services.sources.configure(
        "masto", SourceKind.MASTODON, {"url": "https://masto.example"}, "token"
    )
    t0 = clock.now
    minutes = [0, 20] + [45] * 12
    heard = [
        (
            Heard(
                remote_id=str(n),
                text=f"card declined again {n}",
                posted_at=t0 + timedelta(minutes=minute),
                author=Author("someone"),
            ),
            Suggestion(1 if n % 2 else 2, sentiment=-0.6 if n % 3 else 0.4),
        )
        for n, minute in enumerate(minutes)
    ]
    with services.db.transaction() as session:
        items = inbox_repo.add_heard(session, source_repo.by_name(session, "masto"), heard, t0)
        for n, item in enumerate(items):
            inbox_repo.attach(session, item.id, incident_id, automatic=False)
            if n % 2:
                inbox_repo.update(
                    session,
                    item.id,
                    state=InboxState.REPLIED,
                    responded_at=t0 + timedelta(minutes=minutes[n] + 10),
                )
    clock.advance(hours=2)


def test_every_format_carries_the_inbox_figures(
    services: Any, clock: Any, tmp_path: Path, qapp: Any
) -> None:
    incident = services.incidents.open("Outage", 2, "dana")
    _wave(services, clock, incident.id)
    stats = services.inbox.stats(incident_id=incident.id)
    assert stats.total == 14 and stats.spikes

    path = tmp_path / "log.json"
    services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
    document = json.loads(path.read_text(encoding="utf-8"))
    inbox = document["inbox"]
    assert document["schema"] == "warroom.incident-log/3"
    assert inbox["total"] == 14 and inbox["sources"] == ["masto"] and inbox["bucket"] == "15m"
    assert [b["total"] for b in inbox["buckets"]] == [b.total for b in stats.buckets]
    assert any(b["spike"] for b in inbox["buckets"]) and inbox["spike_rule"] == stats.rule
    assert inbox["waiting"] == 7 and inbox["oldest_wait_seconds"] == pytest.approx(7200)
    answered = {r["priority"]: r for r in inbox["response"] if r["answered"]}
    assert answered[1]["median_seconds"] == 600 and answered[1]["p90_seconds"] == 600
    assert inbox["negative"] == stats.negative and inbox["scored"] == 14
    assert services.export.verify_file(path).ok

    csv_path = tmp_path / "log.csv"
    services.export.export(incident.id, csv_path, ExportFormat.CSV, "auditor")
    with csv_path.open(encoding="utf-8", newline="") as stream:
        rows = {r["kind"]: r["text"] for r in csv.DictReader(stream) if r["record"] == "inbox"}
    assert rows["Inbound items"].startswith("14 from masto")
    assert rows["Still waiting"] == "7 waiting; the oldest for 2:00:00"
    assert "Spike" in rows and "First response, priority 1" in rows

    md_path = tmp_path / "log.md"
    services.export.export(incident.id, md_path, ExportFormat.MARKDOWN, "auditor")
    markdown = md_path.read_text(encoding="utf-8")
    assert "### Inbound and response times" in markdown and "7 waiting" in markdown

    from pypdf import PdfReader

    pdf_path = tmp_path / "log.pdf"
    services.export.export(incident.id, pdf_path, ExportFormat.PDF, "auditor")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf_path).pages)
    assert "Inboundandresponsetimes" in text and "7waiting;theoldestfor2:00:00" in text


def test_older_layouts_still_verify_and_the_figures_are_strict(
    services: Any, tmp_path: Path
) -> None:
    incident = services.incidents.open("Outage", 2, "dana")
    path = tmp_path / "log.json"
    services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
    document = json.loads(path.read_text(encoding="utf-8"))
    older = dict(document, schema="warroom.incident-log/2")
    del older["inbox"]
    (tmp_path / "v2.json").write_text(json.dumps(older), encoding="utf-8")
    assert services.export.verify_file(tmp_path / "v2.json").ok  # a /2 file, as before
    document["inbox"]["extra"] = 1
    (tmp_path / "extra.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown member 'extra'"):
        services.export.verify_file(tmp_path / "extra.json")
    del document["inbox"]
    (tmp_path / "missing.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationError, match="has no 'inbox'"):
        services.export.verify_file(tmp_path / "missing.json")
