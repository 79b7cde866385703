"""Each export format made from the demo incident and read back."""

from __future__ import annotations

import csv
import html
import json
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from warroom.domain.errors import ValidationError
from warroom.export.formats import ExportFormat, PageSize

from .conftest import FORMULA_AUTHORS, FORMULAS, HOSTILE, UNICODE


def squeeze(text: str) -> str:
    """Normalise extracted PDF text: compatibility forms folded, all white space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def export(services: Any, incident: Any, path: Path, fmt: ExportFormat, **kw: Any) -> Any:
    return services.export.export(incident.id, path, fmt, "auditor", **kw)


def test_json_export_carries_everything_and_verifies(
    services: Any, demo: Any, tmp_path: Path
) -> None:
    path = tmp_path / "log.json"
    seen: list[tuple[int, int]] = []
    result = export(
        services, demo, path, ExportFormat.JSON, progress=lambda d, t: seen.append((d, t))
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == "warroom.incident-log/3"
    assert doc["incident"]["title"] == demo.title and doc["incident"]["severity"] == 2
    # The exporter's first signature made their key: one new entry says so.
    now = services.incidents.get(demo.id)
    assert len(doc["timeline"]) == now.entry_count == result.entry_count == demo.entry_count + 1
    assert doc["timeline"][-1]["data"]["event"] == "key.registered"
    footer = doc["footer"]
    assert {k: footer[k] for k in ("entry_count", "head_hash", "genesis_hash")} == {
        "entry_count": now.entry_count,
        "head_hash": now.head_hash,
        "genesis_hash": "0" * 64,
    }
    assert footer["chain_ok_at_export"] is True and footer["problem_at_export"] == ""
    assert footer["signed_by"] == "auditor" and len(footer["signature"]) == 128
    assert footer["key"] in {k["fingerprint"] for k in doc["keys"]}
    texts = [e["text"] for e in doc["timeline"]]
    assert HOSTILE in texts and UNICODE in texts
    corrected = next(e for e in doc["timeline"] if e["corrects_seq"])
    assert doc["timeline"][corrected["corrects_seq"] - 1]["corrected_by"] == [corrected["seq"]]
    released = next(s for s in doc["statements"] if s["state"] == "released")
    assert len(released["revisions"]) == 2 and len(released["approvals"]) == 2
    assert {d["channel"] for d in released["deliveries"]} == {"mastodon", "bluesky"}
    assert {"approver", "approved_at", "content_hash"} <= set(released["approvals"][0])
    assert any(item["done_by"] for item in doc["checklist"])
    review = doc["review"]
    assert review["first_statement"]["statement"] == released["id"]
    assert review["promises"][0]["status"] == "missed"
    assert {d["channel"] for d in review["deliveries"]} == {"mastodon", "bluesky"}
    assert "cadence" in doc["clocks"] and "people" in doc
    names = {p["name"] for p in doc["people"]}
    assert {"Dana Reyes", "Priya Nair", "Zoë Ærø"} <= names
    # progress ends at (total, total) and never goes backwards
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert services.export.verify_file(path).ok


def test_csv_export_has_one_row_per_entry_and_no_live_formulas(
    services: Any, demo: Any, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    export(services, demo, path, ExportFormat.CSV)
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    entries = [r for r in rows if r["record"] == "entry"]
    assert [int(r["seq"]) for r in entries] == list(range(1, demo.entry_count + 1))
    assert {r["record"] for r in rows} == {"incident", "entry", "review", "inbox", "footer"}
    for formula in FORMULAS:
        row = next(r for r in entries if r["text"].endswith(f"{formula[1:]} entry"))
        assert row["text"] == "'" + formula + " entry"
        assert row["author"] == "'" + FORMULA_AUTHORS[0]
    authors = {r["author"] for r in entries}
    assert {"'\tTAB", "'\rCR"} <= authors
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert any(r["text"] == HOSTILE for r in entries)
    footer = {r["kind"]: r["text"] for r in rows if r["record"] == "footer"}
    assert footer == {"entry_count": str(demo.entry_count), "head_hash": demo.head_hash}


def _unescape_markdown(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def test_markdown_export_is_readable_and_user_text_is_inert(
    services: Any, demo: Any, tmp_path: Path
) -> None:
    path = tmp_path / "log.md"
    export(services, demo, path, ExportFormat.MARKDOWN)
    markdown = path.read_text(encoding="utf-8")
    assert markdown.startswith("# Incident log: Checkout API outage")
    for heading in (
        "## Timeline",
        "## Statements",
        "## Checklist",
        "## Post-incident review",
        "## Verification",
    ):
        assert heading in markdown
    assert demo.head_hash in markdown
    # no live markup or link syntax from user text survives
    assert "<script>" not in markdown and "<b>" not in markdown and "<i>" not in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown) and not re.search(r"!\[", markdown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "\\[click\\](http://evil.example) !\\[img\\](http://evil.example/x.png)" in markdown
    # ... yet the text reads back exactly
    row = next(line for line in markdown.splitlines() if "evil.example" in line)
    assert HOSTILE in _unescape_markdown(row)
    assert UNICODE.split(";")[0] in markdown
    # corrections are shown both ways
    assert re.search(r"\*\*Correction of #\d+:\*\*", markdown)
    assert "(corrected by #" in markdown


@pytest.mark.parametrize("page_size", [PageSize.A4, PageSize.LETTER])
def test_pdf_export_reads_back(
    services: Any, demo: Any, tmp_path: Path, qapp: Any, page_size: PageSize
) -> None:
    from pypdf import PdfReader

    path = tmp_path / "log.pdf"
    export(services, demo, path, ExportFormat.PDF, page_size=page_size)
    reader = PdfReader(path)
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert width_mm == pytest.approx(210 if page_size is PageSize.A4 else 215.9, abs=1)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        flat = squeeze(page)
        assert f"Page{number}of{len(pages)}" in flat  # page numbers
        assert squeeze(f"Incident #{demo.id}: Checkout API outage") in flat  # running header
    everything = squeeze("".join(pages))
    for expected in (
        "Post-incident review",
        "Lessons learned",
        demo.head_hash,
        "Café crème, naïve Zoë",  # Latin with accents
        "東京の障害",  # Japanese
        "中文测试",  # Chinese
        "한국어",  # Korean
        "<script>alert(1)</script>",  # markup printed, not interpreted
        "<b>x</b>",
        "Eve <i>Mallory</i>",
        "[click](http://evil.example)",
    ):
        assert squeeze(expected) in everything, expected


def test_pdf_export_runs_off_the_gui_thread(
    services: Any, demo: Any, tmp_path: Path, qapp: Any
) -> None:
    """The window runs exports on a QThreadPool worker (ui/shell/tasks.py): that must just work."""
    from PySide6.QtCore import QRunnable, QThreadPool

    path = tmp_path / "worker.pdf"
    outcome: list[object] = []
    progress: list[tuple[int, int, bool]] = []
    gui_thread = threading.get_ident()

    class Job(QRunnable):
        def run(self) -> None:
            def report(done: int, total: int) -> None:
                progress.append((done, total, threading.get_ident() != gui_thread))

            try:
                outcome.append(export(services, demo, path, ExportFormat.PDF, progress=report))
            except Exception as error:  # pragma: no cover - reported below
                outcome.append(error)

    pool = QThreadPool()
    pool.start(Job())
    assert pool.waitForDone(60_000)
    assert not isinstance(outcome[0], Exception), outcome
    assert path.read_bytes().startswith(b"%PDF")
    assert progress[-1][0] == progress[-1][1] > 0 and all(off for *_, off in progress)


def test_export_refuses_a_missing_folder_and_leaves_nothing_half_written(
    services: Any, demo: Any, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        export(services, demo, tmp_path / "nope" / "log.json", ExportFormat.JSON)
    target = tmp_path / "log.json"
    target.write_text("previous export")

    def explode(done: int, total: int) -> None:
        if done > 0:  # during writing, after the snapshot was read
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        export(services, demo, target, ExportFormat.JSON, progress=explode)
    assert target.read_text() == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_exports_hold_no_channel_secret(services: Any, demo: Any, tmp_path: Path) -> None:
    """Deliveries are exported without idempotency keys, and no credential field exists."""
    path = tmp_path / "log.json"
    export(services, demo, path, ExportFormat.JSON)
    text = path.read_text(encoding="utf-8")
    for word in ("idempotency", "password", "secret", "token"):
        assert word not in text.lower()
