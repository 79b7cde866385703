"""Where one append's time goes: per-phase milliseconds of ``services.timeline.add``.

Each function that ``TimelineService.add`` calls (looked up by name in the service module, so
the script works before and after a refactor) is wrapped with a timer; "transaction" is the
rest of the use case: the session, ``BEGIN IMMEDIATE`` (emitted lazily, at the first
statement, so it counts in the first phase that runs SQL; it is shown apart by timing the
driver), the commit (the fsync) and closing. SQL statements are counted and their time in
the driver (``cursor.execute`` alone) is summed, so what is left is Python overhead.

Run: python tests/perf/profile_append.py [--entries 100000] [--appends 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import event

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.services import timeline as timeline_module
from warroom.storage.database import open_database

#: (owner of the attribute, attribute, phase name): what the service's ``add`` may call
PHASES = (
    ("authorize", "authorize (people)"),
    ("incident_repo.ensure_open", "incident open?"),
    ("timeline_repo.lock_head", "lock incident, read head"),
    ("timeline_repo.append", "chain + insert + head"),
    ("timeline_repo.append_checked", "chain + insert + head"),
    ("changes.record", "change-feed row"),
    ("entry_hash", "hash"),
)

spent: dict[str, list[float]] = defaultdict(list)


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name].append(time.perf_counter() - start)

    return wrapper


def wrap_phases() -> None:
    import warroom.domain.timeline as domain_timeline
    from warroom.storage import timeline_repo

    for dotted, name in PHASES:
        owner: Any = timeline_module
        *path, attribute = dotted.split(".")
        for step in path:
            owner = getattr(owner, step, None)
        if owner is None or not hasattr(owner, attribute):
            continue
        if dotted == "entry_hash":  # hashed inside the repository
            owner = timeline_repo if hasattr(timeline_repo, "entry_hash") else domain_timeline
        setattr(owner, attribute, timed(name, getattr(owner, attribute)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'profile.db'}")
        services = build_services(db)
        incident = services.incidents.open("Big incident", 2, "bench").id
        seed_entries(db, incident, args.entries, start=datetime(2026, 1, 1, tzinfo=UTC))
        for n in range(200):
            services.timeline.add(incident, f"warm up {n}", "bench")
        wrap_phases()
        statements: list[int] = [0]
        driver: list[float] = [0.0]
        started: list[float] = [0.0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def before(*_args: Any) -> None:
            statements[0] += 1
            started[0] = time.perf_counter()

        @event.listens_for(db.engine, "after_cursor_execute")
        def after(*_args: Any) -> None:
            driver[0] += time.perf_counter() - started[0]

        dialect: Any = db.engine.dialect
        dialect.do_commit = timed("COMMIT (the fsync)", dialect.do_commit)

        @event.listens_for(db.engine, "rollback")
        def on_rollback(*_args: Any) -> None:  # never expected here
            raise AssertionError("an append rolled back")

        totals, cpu = [], []
        spent.clear()
        for n in range(args.appends):
            start, start_cpu = time.perf_counter(), time.thread_time()
            services.timeline.add(incident, f"profiled note {n}", "bench")
            totals.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
        assert services.timeline.verify(incident).ok
        db.dispose()
    per = 1000 / args.appends
    total = sum(totals) * per
    print(f"{args.appends} appends at {args.entries:,} entries (ms per append, mean):")
    print(f"  {'whole use case':<28}{total:7.3f}   (median {statistics.median(totals) * 1000:.3f})")
    print(f"  {'  of which CPU (this thread)':<28}{sum(cpu) * per:7.3f}   (the rest waits: fsync)")
    accounted = 0.0
    for name in dict.fromkeys(name for _, name in PHASES):
        if name in spent:
            value = sum(spent[name]) * per
            if name != "hash":
                accounted += value
            print(f"  {name:<28}{value:7.3f}")
    commit = sum(spent["COMMIT (the fsync)"]) * per
    print(f"  {'COMMIT (the fsync)':<28}{commit:7.3f}")
    rest = total - accounted - commit
    print(f"  {'session, BEGIN, close, rest':<28}{rest:7.3f}")
    print(f"  statements through Connection.execute: {statements[0] / args.appends:.1f}")
    print(f"  (their time inside cursor.execute: {driver[0] * per:.3f} ms per append)")


if __name__ == "__main__":
    main()
