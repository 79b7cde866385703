"""Exports stream (issue 18): flat memory however long the log, one pass checks the chain,
corrections found without holding the timeline, and a cancelled export leaves nothing."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.bulk_timeline import seed_entries
from warroom.export.formats import ExportCancelled, ExportFormat

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FORMATS = [ExportFormat.JSON, ExportFormat.CSV, ExportFormat.MARKDOWN, ExportFormat.PDF]


@pytest.mark.both_databases
def test_a_streamed_export_carries_corrections_and_verifies(services: Any, tmp_path: Path) -> None:
    """Two server-side cursors (entries, their correctors) merged in step, on both backends."""
    incident = services.incidents.open("Outage", 2, "dana")
    seed_entries(services.db, incident.id, 4_500, start=START, batch=1_000)
    first = services.timeline.entry_by_seq(incident.id, 2)
    fix_a = services.timeline.correct(incident.id, first.id, "first fix", "sam")
    fix_b = services.timeline.correct(incident.id, first.id, "second fix", "lee")
    path = tmp_path / "log.json"
    result = services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
    document = json.loads(path.read_text(encoding="utf-8"))
    entries = document["timeline"]
    assert len(entries) == result.entry_count > 4_500 and result.chain_ok
    assert entries[first.seq - 1]["corrected_by"] == [fix_a.seq, fix_b.seq]
    assert sum(1 for e in entries if e["corrected_by"]) == 1
    assert {p["name"]: p["entries"] for p in document["people"]}["person0"] == 900
    assert services.export.verify_file(path).ok
    csv_path = tmp_path / "log.csv"
    services.export.export(incident.id, csv_path, ExportFormat.CSV, "auditor")
    with csv_path.open(encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r["record"] == "entry"]
    assert len(rows) == result.entry_count
    assert rows[first.seq - 1]["corrected_by"] == f"{fix_a.seq} {fix_b.seq}"


def test_a_broken_chain_is_reported_by_the_pass_that_wrote_it(
    services: Any, tmp_path: Path, qapp: Any
) -> None:
    from sqlalchemy import text

    from warroom.storage import history_guards

    incident = services.incidents.open("Outage", 2, "dana")
    seed_entries(services.db, incident.id, 1_200, start=START)
    with services.db.transaction() as session, history_guards.lifted(session.connection()):
        session.execute(text("UPDATE timeline_entries SET text = 'forged' WHERE seq = 700"))
    for export_format in FORMATS:
        path = tmp_path / f"log.{export_format.value}"
        result = services.export.export(incident.id, path, export_format, "auditor")
        assert not result.chain_ok, export_format
    footer = json.loads((tmp_path / "log.json").read_text(encoding="utf-8"))["footer"]
    assert footer["chain_ok_at_export"] is False
    assert footer["problem_at_export"].startswith("broken at entry 700:")
    assert "BROKEN: broken at entry 700" in (tmp_path / "log.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("export_format", FORMATS, ids=lambda f: f.value)
def test_a_cancelled_export_leaves_nothing(
    services: Any, tmp_path: Path, export_format: ExportFormat, qapp: Any
) -> None:
    incident = services.incidents.open("Outage", 2, "dana")
    seed_entries(services.db, incident.id, 2_000, start=START)
    target = tmp_path / f"log.{export_format.value}"
    target.write_text("the previous export")
    reports: list[int] = []

    def cancel_midway(done: int, total: int) -> None:
        reports.append(done)
        if done >= total // 4:
            raise ExportCancelled

    with pytest.raises(ExportCancelled):
        services.export.export(
            incident.id, target, export_format, "auditor", progress=cancel_midway
        )
    assert target.read_text() == "the previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{target.name}")] == []


def test_the_cli_says_how_far_a_long_export_got() -> None:
    import io

    from warroom.commands.export_progress import ExportProgress

    stream = io.StringIO()
    progress = ExportProgress(stream, quiet_seconds=0)
    for done in range(0, 1001, 50):
        progress(done, 1000)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert lines == [f"exporting: {p}%" for p in range(0, 101, 10)]
    quiet = io.StringIO()
    short = ExportProgress(quiet)  # an export shorter than a second says nothing
    short(1000, 1000)
    assert quiet.getvalue() == ""


MEASURE = """
import json, sys
from pathlib import Path
from warroom.export.formats import ExportFormat
from warroom.services import build_services
from warroom.storage.database import open_database
services = build_services(open_database(sys.argv[1]))
result = services.export.export(1, Path(sys.argv[2]), ExportFormat.parse(sys.argv[3]), "auditor")
peak = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print(json.dumps({"kb": int(peak.split()[1]), "entries": result.entry_count}))
"""


@pytest.mark.slow
def test_exports_of_a_large_incident_stay_in_flat_memory(tmp_path: Path, db_path: Path) -> None:
    """Each export runs in its own process at 5,000 and 50,000 entries: the peak resident
    memory must not grow with the log (it did by ~1 KB an entry, and a PDF of 100,000
    entries took 1.2 GB), and stays under 150 MB."""
    from warroom.services import build_services
    from warroom.storage.database import open_database

    sizes = {}
    for size in (5_000, 50_000):
        path = tmp_path / f"log-{size}.db"
        db = open_database(f"sqlite:///{path}")
        incident = build_services(db).incidents.open("Outage", 2, "dana")
        seed_entries(db, incident.id, size, start=START)
        db.dispose()
        sizes[size] = path
    for export_format in FORMATS:
        peaks = {}
        for size, path in sizes.items():
            out = tmp_path / f"out-{size}.{export_format.value}"
            done = subprocess.run(
                [sys.executable, "-c", MEASURE, f"sqlite:///{path}", str(out), export_format.value],
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            )
            report = json.loads(done.stdout.strip().splitlines()[-1])
            assert report["entries"] > size
            peaks[size] = report["kb"] / 1024
        growth = peaks[50_000] - peaks[5_000]
        assert growth < 12, f"{export_format.value}: {peaks} (grew {growth:.1f} MB)"
        assert peaks[50_000] < 150, f"{export_format.value}: {peaks}"
