"""Export speed and peak memory at 10k / 100k / 1M entries, against bare floors (issue 18).

Targets: peak RSS independent of the number of entries (at most 150 MB at 1,000,000 for
every format); JSON, CSV and Markdown within 2x their bare-serialiser floor, the PDF within
2x a bare streaming QPainter writer. Each run is its own process (a fresh peak RSS); the
floors run in the same benchmark over the same rows:

- ``json`` floor: one Core SELECT of the entry columns streamed in batches, each row
  ``json.dumps``-ed (time as ISO text, data parsed) and written to a file;
- ``csv`` floor: the same rows through ``csv.writer``;
- ``md`` floor: the same rows as Markdown table lines by an f-string (no escaping);
- ``pdf`` floor: the same rows drawn with QPainter on a QPdfWriter, one pass, five cells
  per row with the entry text word-wrapped, a new page when one is full.

The War Room export also reads the statements, checklist and review, signs (JSON), checks
the hash chain of every entry, escapes every cell and (PDF) lays the pages out twice to
number them "N of M".

Run: python tests/perf/bench_export.py [--entries 10000,100000] [--formats json,csv,md,pdf]
     [--rounds 1] [--folder DIR (keeps the seeded databases between runs)]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
RSS_LIMIT_MB = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="10000,100000")
    parser.add_argument("--formats", default="json,csv,md,pdf")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--folder", help="keep seeded databases here (default: a temp folder)")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "DB", "OUT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(options.folder or temp)
        folder.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PYTHON_KEYRING_BACKEND": "tests.support.keyring_backend.FileKeyring",
            "WARROOM_TEST_KEYRING": str(folder / "keyring.json"),
            "PYTHONPATH": str(ROOT),
        }
        for size in (int(n) for n in options.entries.split(",")):
            database = seeded(folder, size)
            print(f"\n{size:,} entries ({database.name}); best of {options.rounds}")
            print(f"{'format':>8} {'export s':>9} {'MB':>5} {'floor s':>8} {'MB':>5} {'ratio':>6}")
            for name in options.formats.split(","):
                ours = best(env, f"export:{name}", database, folder / f"out.{name}", options)
                floor = best(env, f"floor:{name}", database, folder / f"floor.{name}", options)
                ratio = ours["seconds"] / floor["seconds"]
                memory = "" if ours["rss_mb"] <= RSS_LIMIT_MB else "  OVER 150 MB"
                print(
                    f"{name:>8} {ours['seconds']:9.2f} {ours['rss_mb']:5.0f} "
                    f"{floor['seconds']:8.2f} {floor['rss_mb']:5.0f} {ratio:5.2f}x{memory}"
                )


def seeded(folder: Path, size: int) -> Path:
    """Return a database holding the demo incident grown to ``size`` entries."""
    path = folder / f"bench-{size}.db"
    if path.exists():
        return path
    from tests.support.bulk_timeline import seed_entries
    from warroom.services.demo import load_demo
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{path}")
    incident = load_demo(db, now=START)
    seed_entries(db, incident.id, size - incident.entry_count, start=START)
    db.dispose()
    return path


def best(env: dict[str, str], what: str, database: Path, out: Path, options: object) -> dict:
    runs = []
    for _ in range(getattr(options, "rounds", 1)):
        done = subprocess.run(
            [sys.executable, __file__, "--child", what, str(database), str(out)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return min(runs, key=lambda run: run["seconds"])


def child(what: str, database: str, out: str) -> None:
    """Run one export or floor in this process and print its time and peak RSS."""
    kind, name = what.split(":")
    start = time.perf_counter()
    if kind == "export":
        from warroom.export.formats import ExportFormat
        from warroom.services import build_services
        from warroom.storage.database import open_database

        services = build_services(open_database(f"sqlite:///{database}"))
        services.export.export(1, Path(out), ExportFormat.parse(name), "bench")
    else:
        from tests.perf import export_floors

        export_floors.FLOORS[name](database, Path(out))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """Return this process's peak resident set (VmHWM: unlike ru_maxrss, not inherited
    from the parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
