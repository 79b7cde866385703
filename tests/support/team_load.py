"""Workstations in separate processes, for team-mode tests and benchmarks.

Each process opens its own engine on the shared database URL, like a real workstation.

    python -m tests.support.team_load append URL INCIDENT COUNT ACTOR [GAP]
        appends COUNT notes through the services (GAP seconds apart); prints a JSON summary
        with per-append latencies (seconds), the wall time at which each append returned and
        the change feed (newest seq) read right after it.
    python -m tests.support.team_load watch URL SECONDS INTERVAL
        polls the change feed's newest seq every INTERVAL seconds for SECONDS; prints the wall
        times at which it saw it move, with the value seen.
"""

from __future__ import annotations

import json
import sys
import time

from warroom.services import build_services
from warroom.storage.database import open_database


def append(
    url: str, incident_id: int, count: int, actor: str, gap: float = 0.0
) -> dict[str, object]:
    """Append ``count`` entries as ``actor``; return latencies and completion times."""
    db = open_database(url)
    try:
        services = build_services(db)
        latencies: list[float] = []
        done_at: list[float] = []
        counters: list[int] = []
        for n in range(count):
            start = time.perf_counter()
            services.timeline.add(incident_id, f"{actor} note {n}", actor)
            latencies.append(time.perf_counter() - start)
            done_at.append(time.time())
            counters.append(services.changes.latest())
            if gap:
                time.sleep(gap)
        return {"actor": actor, "latencies": latencies, "done_at": done_at, "counters": counters}
    finally:
        db.dispose()


def watch(url: str, seconds: float, interval: float) -> dict[str, object]:
    """Poll the change feed's newest seq; return when (wall time) each new one was seen."""
    db = open_database(url, migrate=False)
    try:
        services = build_services(db)
        seen: list[tuple[int, float]] = []
        last = services.changes.latest()
        print("ready", flush=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = services.changes.latest()
            if value != last:
                seen.append((value, time.time()))
                last = value
            time.sleep(interval)
        return {"seen": seen}
    finally:
        db.dispose()


def main(argv: list[str]) -> None:
    """Run one workstation role from the command line; print its JSON summary."""
    command, url, *rest = argv
    if command == "append":
        gap = float(rest[3]) if len(rest) > 3 else 0.0
        result = append(url, int(rest[0]), int(rest[1]), rest[2], gap)
    elif command == "watch":
        result = watch(url, float(rest[0]), float(rest[1]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
