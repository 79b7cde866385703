"""What sealing costs (issue 17): ``archive`` against the three exports it contains, one run.

For an incident of ``--entries`` entries: the JSON, CSV and PDF exports one after the other
(the floor: an archive writes exactly these), then ``archive`` plain and with a password
(AES-256), then ``verify`` of the plain archive against ``verify`` of the JSON export
alone. Each is the best of two runs. Prints seconds, sizes and the ratios to the floor.

Run: python tests/perf/bench_archive.py [--entries 20000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backend.FileKeyring")

from tests.support.bulk_timeline import seed_entries
from warroom.export.archive_check import check_archive
from warroom.export.formats import ExportFormat
from warroom.services import Services, build_services
from warroom.storage.database import open_database


def timed(call: Callable[[], object], rounds: int = 2) -> float:
    """Return the best of ``rounds`` runs (the machine is shared: the best is the cost)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def export(services: Services, incident_id: int, path: Path, export_format: ExportFormat) -> None:
    services.export.export(incident_id, path, export_format, "bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["WARROOM_TEST_KEYRING"] = str(root / "keyring.json")
        services = build_services(open_database(f"sqlite:///{root / 'bench.db'}"))
        incident = services.incidents.open("Bench", 2, "dana")
        seed_entries(services.db, incident.id, args.entries, start=datetime(2026, 1, 1, tzinfo=UTC))
        services.export.export(incident.id, root / "warm.json", ExportFormat.JSON, "bench")
        floor = sum(
            timed(
                lambda f=f: services.export.export(incident.id, root / f"x.{f.value}", f, "bench")
            )
            for f in (ExportFormat.JSON, ExportFormat.CSV, ExportFormat.PDF)
        )
        plain = timed(lambda: services.archive.archive(incident.id, root / "a.zip", "bench"))
        secret = timed(
            lambda: services.archive.archive(incident.id, root / "e.zip", "bench", password="pw")
        )
        check_export = timed(lambda: services.export.verify_file(root / "x.json"))
        check_zip = timed(lambda: check_archive(root / "a.zip"))
        print(f"entries: {args.entries:,}")
        print(f"3 exports (floor): {floor:.2f} s")
        size = (root / "a.zip").stat().st_size
        print(f"archive:           {plain:.2f} s  ({plain / floor:.2f}x floor, {size:,} bytes)")
        print(f"archive + AES-256: {secret:.2f} s  ({secret / floor:.2f}x floor)")
        print(f"verify JSON:       {check_export:.2f} s")
        print(f"verify archive:    {check_zip:.2f} s  ({check_zip / check_export:.2f}x)")


if __name__ == "__main__":
    main()
