"""The archive use case: one snapshot for every format, and nothing left behind when it
stops half way (a cancel in any of its three passes, or a failure)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.bulk_timeline import seed_entries
from warroom.export.formats import ExportCancelled

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("stop_at", [0.1, 0.5, 0.9], ids=["json", "csv", "pdf"])
def test_a_cancelled_archive_leaves_nothing(
    services: Any, tmp_path: Path, stop_at: float, qapp: Any
) -> None:
    incident = services.incidents.open("Outage", 2, "dana")
    seed_entries(services.db, incident.id, 1_500, start=START)
    target = tmp_path / "incident.zip"
    target.write_text("the previous archive")

    def cancel(done: int, total: int) -> None:
        if done >= total * stop_at:
            raise ExportCancelled

    with pytest.raises(ExportCancelled):
        services.archive.archive(incident.id, target, "auditor", progress=cancel)
    assert target.read_text() == "the previous archive"
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("warroom-"))
    assert left == ["incident.zip", "test-keyring.json"]


def test_the_three_formats_come_from_one_snapshot(services: Any, tmp_path: Path, qapp: Any) -> None:
    incident = services.incidents.open("Outage", 2, "dana")
    seed_entries(services.db, incident.id, 700, start=START)
    reports: list[tuple[int, int]] = []
    result = services.archive.archive(
        incident.id, tmp_path / "a.zip", "auditor", progress=lambda d, t: reports.append((d, t))
    )
    assert result.chain_ok and result.entry_count == 702 and not result.encrypted
    # Progress rises through the three passes to the end.
    assert reports[-1] == (3000, 3000) and [d for d, _ in reports] == sorted(d for d, _ in reports)
    with zipfile.ZipFile(result.path) as zipped:
        export = json.loads(zipped.read(f"incident-{incident.id}.json"))
        rows = zipped.read(f"incident-{incident.id}.csv").decode("utf-8").splitlines()
    assert export["footer"]["entry_count"] == 702
    assert sum(1 for row in rows if row.startswith("entry,")) == 702
    # The archiving person's new key was logged on the incident, before the snapshot.
    assert export["timeline"][-1]["data"]["event"] == "key.registered"
    assert export["timeline"][-1]["author"] == "auditor"
