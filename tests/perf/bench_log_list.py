"""``warroom log list ID`` of a whole incident at 10k / 100k / 1M entries, against a bare
SELECT-and-print (issue 18), on SQLite and on PostgreSQL.

Targets: the first line at once, memory independent of the length, the whole listing within
2x the floor. Each is a command of its own, its output read through a pipe as it comes
(time to the first line, time to the end, lines) and its peak RSS taken by GNU time. The
modes of one size alternate round after round (the machine is shared: load hits them all
alike); each figure is the median of the rounds (peak RSS: the largest), and the ratio is
that of the medians. The command's CPU time (user + system, from GNU time) is shown too:
on a loaded machine it moves less than the wall time.

- ``floor``: ``python3 -c`` with the bare driver: the standard ``sqlite3`` module, or
  psycopg with a server-side (named) cursor on PostgreSQL; one SELECT of the entries'
  columns ordered by number, 500 rows a fetch, each printed with an f-string (no escaping,
  no time conversion, no models).
- ``quick`` (SQLite): ``warroom log list ID`` on the plain SQLite file (the stdlib reader,
  storage/quick_read.py).
- ``services``: the same command through SQLAlchemy (``TimelineListing``): the path a
  PostgreSQL server takes, and on SQLite a file needing an upgrade, forced here by a URL
  option.
- with ``--before DIR`` (a checkout of an earlier commit, e.g. ``git archive main | tar -x
  -C DIR``), ``quick@before`` and ``services@before`` run that tree's code in the same
  rounds: before and after compared within one run.

PostgreSQL runs on a throwaway server started as the tests' fixture starts it
(tests/support/postgres.py: fsync off, on 127.0.0.1), one database per size.

Run: python tests/perf/bench_log_list.py [--entries 10000,100000,1000000] [--rounds 3]
     [--db sqlite,postgresql] [--folder DIR (keeps seeded SQLite files)] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

SQLITE_FLOOR = """
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
POSTGRES_FLOOR = """
import psycopg, sys
with psycopg.connect(sys.argv[1]) as connection:
    cursor = connection.cursor(name="floor")
    cursor.execute(
        "SELECT seq, created_at, kind, author, text FROM timeline_entries "
        "WHERE incident_id = 1 ORDER BY seq")
    write = sys.stdout.write
    while rows := cursor.fetchmany(500):
        for seq, at, kind, author, text in rows:
            write(f"#{seq:<4} {str(at)[:19]}Z  {kind:<9} {author}: {text}\\n")
"""

Figures = dict[str, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or both (comma)")
    parser.add_argument("--folder", help="keep seeded SQLite files here (default: a temp folder)")
    parser.add_argument("--before", type=Path, help="a checkout of earlier code, run alongside")
    options = parser.parse_args()
    sizes = [int(n) for n in options.entries.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(options.folder or temp)
        folder.mkdir(parents=True, exist_ok=True)
        for backend in options.db.split(","):
            if backend == "sqlite":
                for size in sizes:
                    database = seeded(folder, size)
                    url = f"sqlite:///{database}"
                    floor = [sys.executable, "-c", SQLITE_FLOOR, str(database)]
                    measure(f"SQLite, {size:,} entries", floor, url, folder, options)
            elif backend == "postgresql":
                from tests.support.postgres import PostgresServer

                server = PostgresServer()
                server.start()
                try:
                    for size in sizes:
                        url = server.create_database()
                        seed(url, size)
                        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
                        floor = [sys.executable, "-c", POSTGRES_FLOOR, conninfo]
                        measure(f"PostgreSQL, {size:,} entries", floor, url, folder, options)
                        server.drop_database(url)
                finally:
                    server.cleanup()
            else:
                parser.error(f"unknown database {backend!r}")
    print("\ntarget: first line at once, flat memory, total <= 2x the floor")


def measure(title: str, floor: list[str], url: str, folder: Path, options: Any) -> None:
    """Run every mode ``options.rounds`` times, alternating, and print the medians."""
    env = {
        **os.environ,
        "WARROOM_DATA_DIR": str(folder / "data"),
        "PYTHON_KEYRING_BACKEND": "tests.support.keyring_backend.FileKeyring",
        "WARROOM_TEST_KEYRING": str(folder / "keyring.json"),
    }
    modes: dict[str, Callable[[], Figures]] = {"floor": partial(run, floor, env)}
    trees = {"": ROOT, **({"@before": options.before.resolve()} if options.before else {})}
    for suffix, tree in trees.items():
        tree_env = {**env, "PYTHONPATH": str(tree)}
        cli = [sys.executable, "-m", "warroom", "--db"]
        if url.startswith("sqlite"):
            quick = [*cli, url, "log", "list", "1"]
            modes[f"quick{suffix}"] = partial(run, quick, tree_env, tree)
            forced = [*cli, f"{url}?timeout=30", "log", "list", "1"]  # not a plain file URL
        else:
            forced = [*cli, url, "log", "list", "1"]
        modes[f"services{suffix}"] = partial(run, forced, tree_env, tree)
    samples: dict[str, list[Figures]] = {name: [] for name in modes}
    for _ in range(options.rounds):
        for name, mode in modes.items():
            samples[name].append(mode())
    print(f"\n{title} ({options.rounds} rounds alternating; medians, peak RSS the largest)")
    print(
        f"{'':>15} {'first line':>11} {'total s':>8} {'MB':>5} {'lines':>10} {'ratio':>6} "
        f"{'CPU s':>6} {'ratio':>6}"
    )
    floor_total = statistics.median(s["total"] for s in samples["floor"])
    floor_cpu = statistics.median(s["cpu"] for s in samples["floor"])
    for name, figures in samples.items():
        first = statistics.median(s["first"] for s in figures)
        total = statistics.median(s["total"] for s in figures)
        rss = max(s["rss_mb"] for s in figures)
        cpu = statistics.median(s["cpu"] for s in figures)
        lines = figures[0]["lines"]
        ratio = total / floor_total
        verdict = "" if name == "floor" else ("meets" if ratio <= 2 else "MISSES")
        print(
            f"{name:>15} {first * 1000:8.0f} ms {total:8.2f} {rss:5.0f} {lines:10,.0f} "
            f"{ratio:5.2f}x {cpu:6.2f} {cpu / floor_cpu:5.2f}x {verdict}"
        )


def run(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> Figures:
    """Run ``argv`` in ``cwd`` (``-m warroom`` imports the package found there), reading its
    output as it comes, in blocks (a reader line by line would compete for the CPU); return
    its times, lines, peak RSS and CPU time."""
    # GNU time reports the command's own peak RSS (wait4 from this process would count the
    # pages of this process at the fork as well).
    timed = ["/usr/bin/time", "-f", "peak-rss-kb %M cpu-s %U %S", *argv]
    start = time.perf_counter()
    process = subprocess.Popen(
        timed, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
    )
    assert process.stdout is not None and process.stderr is not None
    first = None
    lines = 0
    while block := os.read(process.stdout.fileno(), 1 << 16):
        if first is None and b"\n" in block:
            first = time.perf_counter() - start
        lines += block.count(b"\n")
    errors = process.stderr.read().decode()
    total = time.perf_counter() - start
    assert process.wait() == 0, (argv, errors)
    report = errors.rsplit("peak-rss-kb", 1)[1].split()
    rss_mb = int(report[0]) / 1024
    cpu = float(report[2]) + float(report[3])
    return {"first": first or total, "total": total, "lines": lines, "rss_mb": rss_mb, "cpu": cpu}


def seeded(folder: Path, size: int) -> Path:
    """Return a SQLite file holding the demo incident grown to ``size`` entries."""
    path = folder / f"list-{size}.db"
    if not path.exists():
        seed(f"sqlite:///{path}", size)
    return path


def seed(url: str, size: int) -> None:
    """Fill the database at ``url`` with the demo incident grown to ``size`` entries."""
    from tests.support.bulk_timeline import seed_entries
    from warroom.services.demo import load_demo
    from warroom.storage.database import open_database

    started = time.perf_counter()
    db = open_database(url)
    incident = load_demo(db, now=START)
    seed_entries(db, incident.id, size - incident.entry_count, start=START)
    db.dispose()
    print(f"(seeded {size:,} entries in {time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
