"""Append latency, in-process, beside the bare INSERT + COMMIT floor measured in the same run.

Targets (issue 18): one ``services.timeline.add`` (a full use case: authorisation, the
incident lock, the hash chain, the insert-only and search triggers, the change-feed row,
the head update, one commit under WAL ``synchronous=FULL``) has a median of at most 2 ms,
and at most 3x the floor: one plain ``INSERT`` of a timeline-shaped row plus ``COMMIT`` on
the same database file through the bare DBAPI connection (same pragmas, same WAL, same
disk). Samples alternate (one floor insert, one append) so that load from other processes
on the machine hits both alike.

The incident grows from one size to the next (default 10k, 100k, 1M entries): the numbers
show that an append does not depend on the length of the chain.

Each line also gives the CPU time of this thread (user + system, without the wait for the
disk): when other processes load the disk, wall-time ratios shrink toward 1 and say little,
while the CPU ratio still shows the work an append adds to the bare insert.

Run: python tests/perf/bench_append.py [--sizes 10000 100000 1000000] [--appends 300]
     [--db URL]   (a PostgreSQL URL measures the server; the floor then uses that server)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.storage.database import Database, open_database

FLOOR_TABLE = """CREATE TABLE bench_floor (
    id INTEGER PRIMARY KEY, incident_id INTEGER, seq INTEGER, kind VARCHAR(16), text TEXT,
    author VARCHAR(100), created_at TIMESTAMP, data TEXT, prev_hash VARCHAR(64),
    hash VARCHAR(64), UNIQUE (incident_id, seq))"""
FLOOR_TABLE_PG = FLOOR_TABLE.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY")


class Floor:
    """The bare floor: INSERT one timeline-shaped row and COMMIT, on a raw DBAPI connection."""

    def __init__(self, db: Database) -> None:
        self._raw: Any = db.engine.raw_connection()
        self._sqlite = db.is_sqlite
        cursor = self._raw.cursor()
        cursor.execute(FLOOR_TABLE if self._sqlite else FLOOR_TABLE_PG)
        self._raw.commit()
        self._seq = 0
        mark = "?" if self._sqlite else "%s"
        self._sql = (
            "INSERT INTO bench_floor (incident_id, seq, kind, text, author, created_at, data, "
            f"prev_hash, hash) VALUES ({', '.join([mark] * 9)})"
        )

    def once(self) -> float:
        self._seq += 1
        start = time.perf_counter()
        cursor = self._raw.cursor()
        if self._sqlite:
            cursor.execute("BEGIN IMMEDIATE")  # as the services do
        cursor.execute(
            self._sql,
            (
                1,
                self._seq,
                "note",
                f"benchmark note {self._seq}",
                "bench",
                datetime.now(UTC).replace(tzinfo=None),
                "{}",
                "0" * 64,
                f"{self._seq:064x}",
            ),
        )
        self._raw.commit() if not self._sqlite else cursor.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self._raw.close()


def measure(add: Any, floor: Floor, incident_id: int, appends: int) -> tuple[list[float], ...]:
    """Return (append samples, floor samples, append CPU, floor CPU), taken alternately.

    CPU is this thread's time (user + system): it leaves out the wait for the disk, so on a
    machine whose disk other processes keep busy it still shows the work an append adds.
    """
    ours, bare, ours_cpu, bare_cpu = [], [], [], []
    for n in range(appends):
        cpu = time.thread_time()
        bare.append(floor.once())
        bare_cpu.append(time.thread_time() - cpu)
        start, cpu = time.perf_counter(), time.thread_time()
        add(incident_id, f"benchmark note {n}", "bench")
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.thread_time() - cpu)
    return ours, bare, ours_cpu, bare_cpu


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (
        f"median {statistics.median(samples) * 1000:5.2f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:5.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(args.db or f"sqlite:///{Path(folder) / 'bench.db'}")
        services = build_services(db)
        floor = Floor(db)
        incident = services.incidents.open("Big incident", 2, "bench").id
        measure(services.timeline.add, floor, incident, 30)  # warm up
        start = datetime(2026, 1, 1, tzinfo=UTC)
        rows = []
        for size in sorted(args.sizes):
            with db.reading() as session:
                from warroom.storage import incident_repo

                have = incident_repo.get(session, incident).entry_count
            if size > have:
                began = time.perf_counter()
                seed_entries(db, incident, size - have, start=start + timedelta(days=have))
                print(f"seeded to {size:,} entries in {time.perf_counter() - began:.1f} s")
            rows.append((size, *measure(services.timeline.add, floor, incident, args.appends)))
        floor.close()
        began = time.perf_counter()
        assert services.timeline.verify(incident).ok
        print(f"(chain verified after the run in {time.perf_counter() - began:.1f} s)")
        db.dispose()
    backend = "PostgreSQL" if args.db and args.db.startswith("postgres") else "SQLite WAL FULL"
    print(f"\nappend latency ({backend}, {args.appends} appends per size, alternating):")
    for size, ours, bare, ours_cpu, bare_cpu in rows:
        ratio = statistics.median(ours) / statistics.median(bare)
        median = statistics.median(ours)
        verdict = "meets" if median <= 0.002 and ratio <= 3 else "MISSES"
        cpu = statistics.median(ours_cpu) / statistics.median(bare_cpu)
        print(f"  {size:>9,} entries  append  {ms(ours)}   CPU {ms(ours_cpu)}")
        print(
            f"  {'':>9}          floor   {ms(bare)}   CPU {ms(bare_cpu)}   "
            f"ratio {ratio:4.2f}x (CPU {cpu:4.2f}x)  {verdict}"
        )
    print("target: median <= 2 ms and <= 3x the bare INSERT+COMMIT floor (wall time)")


if __name__ == "__main__":
    main()
