"""Export speed on a 10,000-entry incident (issue 5). Not part of the pass/fail suite.

Targets: JSON and CSV at most 1 s, PDF at most 10 s, for the whole use case (read the
incident in one transaction, build the snapshot, write the file). Markdown and the
verification of the JSON file are measured too.

Run: python tests/perf/bench_export.py [--entries 10000] [--rounds 3] [--formats json,csv,md,pdf]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support.bulk_timeline import seed_entries
from warroom.export.formats import ExportFormat
from warroom.services import build_services
from warroom.services.demo import load_demo
from warroom.storage.database import open_database

TARGETS = {"json": 1.0, "csv": 1.0, "md": None, "pdf": 10.0, "verify": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default="json,csv,md,pdf")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = open_database(f"sqlite:///{root / 'bench.db'}")
        incident = load_demo(db, now=datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
        seed_entries(
            db,
            incident.id,
            options.entries - incident.entry_count,
            start=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        )
        services = build_services(db)
        total = services.incidents.get(incident.id).entry_count
        print(f"incident {incident.id}: {total} entries, best and median of {options.rounds}")
        for name in options.formats.split(","):
            export_format = ExportFormat.parse(name)
            path = root / f"log.{export_format.value}"
            samples = []
            for _ in range(options.rounds):
                start = time.perf_counter()
                services.export.export(incident.id, path, export_format, "bench")
                samples.append(time.perf_counter() - start)
            report(export_format.value, samples, path.stat().st_size)
            if export_format is ExportFormat.JSON:
                samples = []
                for _ in range(options.rounds):
                    start = time.perf_counter()
                    assert services.export.verify_file(path).ok
                    samples.append(time.perf_counter() - start)
                report("verify", samples, path.stat().st_size)
        db.dispose()


def report(name: str, samples: list[float], size: int) -> None:
    target = TARGETS.get(name)
    verdict = "" if target is None else ("  OK" if min(samples) <= target else "  OVER TARGET")
    goal = f"(target <= {target:.0f} s)" if target else ""
    print(
        f"{name:>6}: best {min(samples):6.2f} s  median {statistics.median(samples):6.2f} s  "
        f"{size / 1e6:6.1f} MB {goal}{verdict}"
    )


if __name__ == "__main__":
    main()
