"""``warroom log list ID`` of a whole incident at 10k / 100k / 1M entries, against a bare
SELECT-and-print (issue 18).

Targets: the first line at once, memory independent of the length, the whole listing within
2x the floor. Each is a command of its own, its output read through a pipe as it comes
(time to the first line, time to the end, lines) and its peak RSS taken by GNU time:

- ``floor``: ``python3 -c`` with the standard ``sqlite3`` module: one SELECT of the entries'
  columns ordered by number, 500 rows a fetch, each printed with an f-string (no escaping, no
  time parsing, no models).
- ``quick``: ``warroom log list ID`` on the plain SQLite file (the stdlib reader,
  storage/quick_read.py).
- ``services``: the same command through SQLAlchemy and ``TimelineService.stream`` (the path
  a PostgreSQL server or a file needing an upgrade takes), forced here by a URL option.

Run: python tests/perf/bench_log_list.py [--entries 10000,100000] [--folder DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

FLOOR = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
cursor = connection.execute(
    "SELECT seq, created_at, kind, author, text FROM timeline_entries "
    "WHERE incident_id = 1 ORDER BY seq")
write = sys.stdout.write
while rows := cursor.fetchmany(500):
    for seq, at, kind, author, text in rows:
        write(f"#{seq:<4} {at[:19]}Z  {kind:<9} {author}: {text}\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="10000,100000")
    parser.add_argument("--folder", help="keep seeded databases here (default: a temp folder)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(options.folder or temp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in (int(n) for n in options.entries.split(",")):
            database = seeded(folder, size)
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "WARROOM_DATA_DIR": str(folder / "data"),
                "PYTHON_KEYRING_BACKEND": "tests.support.keyring_backend.FileKeyring",
                "WARROOM_TEST_KEYRING": str(folder / "keyring.json"),
            }
            print(f"\n{size:,} entries ({database.name})")
            print(f"{'':>9} {'first line':>11} {'total s':>8} {'MB':>5} {'lines':>9} {'ratio':>6}")
            floor = run([sys.executable, "-c", FLOOR, str(database)], env)
            show("floor", floor, floor)
            cli = [sys.executable, "-m", "warroom", "--db"]
            show("quick", run([*cli, f"sqlite:///{database}", "log", "list", "1"], env), floor)
            forced = f"sqlite:///{database}?timeout=30"  # not a plain file URL: the full path
            show("services", run([*cli, forced, "log", "list", "1"], env), floor)
        print("\ntarget: first line at once, flat memory, total <= 2x the floor")


def show(name: str, figures: dict[str, float], floor: dict[str, float]) -> None:
    ratio = figures["total"] / floor["total"]
    verdict = "" if name == "floor" else ("meets" if ratio <= 2 else "MISSES")
    print(
        f"{name:>9} {figures['first'] * 1000:8.0f} ms {figures['total']:8.2f} "
        f"{figures['rss_mb']:5.0f} {figures['lines']:9,.0f} {ratio:5.2f}x {verdict}"
    )


def run(argv: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``argv``, reading its output as it comes; return its times, lines and peak RSS."""
    # GNU time reports the command's own peak RSS (wait4 from this process would count the
    # pages of this process at the fork as well).
    timed = ["/usr/bin/time", "-f", "peak-rss-kb %M", *argv]
    start = time.perf_counter()
    process = subprocess.Popen(
        timed, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 16
    )
    assert process.stdout is not None and process.stderr is not None
    first = None
    lines = 0
    for _line in process.stdout:
        if first is None:
            first = time.perf_counter() - start
        lines += 1
    errors = process.stderr.read().decode()
    total = time.perf_counter() - start
    assert process.wait() == 0, (argv, errors)
    rss_kb = int(errors.rsplit("peak-rss-kb", 1)[1].split()[0])
    return {"first": first or total, "total": total, "lines": lines, "rss_mb": rss_kb / 1024}


def seeded(folder: Path, size: int) -> Path:
    """Return a database holding the demo incident grown to ``size`` entries."""
    path = folder / f"list-{size}.db"
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


if __name__ == "__main__":
    main()
