"""Append latency on an incident that already has 100,000 entries.

Target (issue 2): median at most 5 ms for one ``services.timeline.add`` (a full use case:
transaction, chain extension, commit with synchronous=FULL) on the embedded SQLite file.
The same appends on an empty incident are measured in the same run for comparison: the
ratio shows that the chain does not rescan the incident.

Run: python tests/perf/bench_append.py [--entries 100000] [--appends 300] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.storage.database import open_database


def latencies(add: object, incident_id: int, appends: int) -> list[float]:
    samples = []
    for n in range(appends):
        start = time.perf_counter()
        add(incident_id, f"benchmark note {n}", "bench")  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(args.db or f"sqlite:///{Path(folder) / 'bench.db'}")
        services = build_services(db)
        big = services.incidents.open("Big incident", 2, "bench")
        small = services.incidents.open("Small incident", 2, "bench")
        started = time.perf_counter()
        seed_entries(db, big.id, args.entries, start=datetime(2026, 1, 1, tzinfo=UTC))
        print(f"seeded {args.entries} entries in {time.perf_counter() - started:.1f} s")
        latencies(services.timeline.add, small.id, 20)  # warm up
        on_small = latencies(services.timeline.add, small.id, args.appends)
        on_big = latencies(services.timeline.add, big.id, args.appends)
        assert services.timeline.verify(big.id).ok
        db.dispose()
    for name, samples in (("empty incident", on_small), (f"{args.entries} entries", on_big)):
        ordered = sorted(samples)
        print(
            f"append on {name:>15}: median {statistics.median(samples) * 1000:.2f} ms, "
            f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:.2f} ms"
        )
    ratio = statistics.median(on_big) / statistics.median(on_small)
    verdict = "meets" if statistics.median(on_big) <= 0.005 else "MISSES"
    print(f"ratio big/empty: {ratio:.2f} ({verdict} the 5 ms median target)")


if __name__ == "__main__":
    main()
