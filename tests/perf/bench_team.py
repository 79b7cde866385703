"""Team mode: append latency and cross-workstation refresh latency, PostgreSQL beside SQLite.

For each database:

1. append latency: one workstation, ``--appends`` calls of ``services.timeline.add`` (a full
   use case: role check, lock, chain extension, change feed row, commit);
2. contended appends: ``--workstations`` processes appending to the same incident at once
   (per-append latency and total throughput);
3. refresh latency: a writer process appends one entry every 250 ms while a reader process
   polls ``services.changes.latest()`` every ``--poll`` seconds (the window polls
   every second; 100 ms here); write->seen is the time from the writer's commit returning
   to the reader first seeing the new feed row (wall clocks of one machine).

The PostgreSQL server is a throwaway one started by tests/support/postgres.py (fsync=off, as in
the tests), unless ``--pg URL`` names another; SQLite is a temporary file (WAL,
synchronous=FULL).

Run: python tests/perf/bench_team.py [--appends 300] [--workstations 4] [--writes 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from tests.support.postgres import PostgresServer  # noqa: E402
from warroom.services import build_services  # noqa: E402
from warroom.storage.database import open_database  # noqa: E402


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(samples) * 1000:7.2f} ms, p95 {p95 * 1000:7.2f} ms"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.team_load", *args],
        cwd=REPO_ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen[str]) -> dict[str, list[Any]]:
    out, err = process.communicate(timeout=900)
    if process.returncode != 0:
        raise SystemExit(err)
    summary: dict[str, list[Any]] = json.loads(out.strip().splitlines()[-1])
    return summary


def single_appends(url: str, appends: int) -> list[float]:
    """Return per-append latencies of one workstation."""
    db = open_database(url)
    try:
        services = build_services(db)
        incident = services.incidents.open("Bench single", 2, "bench")
        for n in range(20):  # warm up
            services.timeline.add(incident.id, f"warm {n}", "bench")
        samples = []
        for n in range(appends):
            start = time.perf_counter()
            services.timeline.add(incident.id, f"bench {n}", "bench")
            samples.append(time.perf_counter() - start)
        return samples
    finally:
        db.dispose()


def contended_appends(url: str, workstations: int, appends: int) -> tuple[list[float], float]:
    """Return every append latency and the entries/second of all workstations together."""
    db = open_database(url)
    try:
        services = build_services(db)
        incident = services.incidents.open("Bench contended", 2, "bench")
        workers = [
            _worker("append", url, str(incident.id), str(appends), f"ws{n}")
            for n in range(workstations)
        ]
        results = [_result(w) for w in workers]
        # Throughput over the appending itself, not the processes' start-up.
        first = min(r["done_at"][0] - r["latencies"][0] for r in results)
        elapsed = max(r["done_at"][-1] for r in results) - first
        assert services.timeline.verify(incident.id).ok
        assert services.incidents.get(incident.id).entry_count == 1 + workstations * appends
        return [x for r in results for x in r["latencies"]], workstations * appends / elapsed
    finally:
        db.dispose()


def refresh_latency(url: str, writes: int, poll: float) -> list[float]:
    """Return write->seen delays between a writer process and a polling reader process."""
    db = open_database(url)
    try:
        incident = build_services(db).incidents.open("Bench refresh", 2, "bench")
    finally:
        db.dispose()
    gap = 0.25
    watcher = _worker("watch", url, str(writes * gap + 3), str(poll))
    assert watcher.stdout is not None
    assert watcher.stdout.readline().strip() == "ready"
    writer = _worker("append", url, str(incident.id), str(writes), "writer", str(gap))
    written = _result(writer)
    seen: list[tuple[float, float]] = [(pair[0], pair[1]) for pair in _result(watcher)["seen"]]
    delays = []
    for value, done_at in zip(written["counters"], written["done_at"], strict=True):
        first = next((at for v, at in seen if v >= value), None)
        if first is None:
            raise SystemExit(f"the reader never saw counter {value}")
        delays.append(max(0.0, first - done_at))
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--workstations", type=int, default=4)
    parser.add_argument("--contended-appends", type=int, default=200)
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--poll", type=float, default=0.1)
    parser.add_argument("--pg", help="PostgreSQL URL (default: start a throwaway server)")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory() as folder:
        try:
            if args.pg:
                pg_url = args.pg
            else:
                server = PostgresServer()
                server.start()
                pg_url = server.create_database()
            backends = {
                "sqlite": f"sqlite:///{Path(folder) / 'bench.db'}",
                "postgresql": pg_url,
            }
            for name, url in backends.items():
                print(f"== {name}")
                print(f"append, 1 workstation:        {_ms(single_appends(url, args.appends))}")
                samples, rate = contended_appends(url, args.workstations, args.contended_appends)
                print(
                    f"append, {args.workstations} workstations at once: {_ms(samples)}; "
                    f"{rate:.0f} entries/s in total"
                )
                delays = refresh_latency(url, args.writes, args.poll)
                print(
                    f"refresh write->seen (poll {args.poll * 1000:.0f} ms): {_ms(delays)}, "
                    f"max {max(delays) * 1000:.1f} ms"
                )
        finally:
            if server is not None:
                server.cleanup()


if __name__ == "__main__":
    main()
