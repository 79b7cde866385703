"""The clocks' read on a long timeline: ``warroom clocks`` and the window's incident view read
the incident's header entries (kind 'status') for its cadence periods.

The index ``ix_timeline_kind`` (migration 0014) makes that a lookup however long the timeline
is. Measured in one run on the same file: an incident with a handful of entries, one with
``--entries`` entries (default 100,000), and the long one again with the index dropped (the
scan it avoids). Target: the long incident's read within 2x of the short one's.

Run: python tests/perf/bench_clocks.py [--entries 100000] [--reads 30]
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

from sqlalchemy import text

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.storage.database import open_database


def median_ms(call: object, reads: int) -> float:
    samples = []
    for _ in range(reads):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        services = build_services(db)
        short = services.incidents.open("Short", 2, "alice")
        long = services.incidents.open("Long", 2, "alice")
        seed_entries(db, long.id, args.entries, start=datetime(2026, 1, 1, tzinfo=UTC))
        services.lifecycle.set_severity(long.id, 1, "alice", reason="worse")

        def read(incident_id: int) -> tuple[float, float]:
            clocks = median_ms(lambda: services.incidents.clocks(incident_id), args.reads)
            view = median_ms(lambda: services.views.incident(incident_id, "alice"), args.reads)
            return clocks, view

        short_clocks, short_view = read(short.id)
        long_clocks, long_view = read(long.id)
        with db.transaction() as session:
            session.execute(text("DROP INDEX ix_timeline_kind"))
        scan_clocks, scan_view = read(long.id)
        db.dispose()
    print(f"entries in the long incident: {args.entries:,}; median of {args.reads} reads")
    print(f"  clocks: short {short_clocks:.1f} ms, long {long_clocks:.1f} ms, "
          f"long without the index {scan_clocks:.1f} ms")  # fmt: skip
    print(f"  view:   short {short_view:.1f} ms, long {long_view:.1f} ms, "
          f"long without the index {scan_view:.1f} ms")  # fmt: skip
    ratio = long_clocks / short_clocks if short_clocks else float("inf")
    print(f"  long/short (clocks): {ratio:.2f}x (target at most 2x)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
