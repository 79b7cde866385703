"""What SQLCipher encryption costs (issue 17): the same database clear and encrypted, one run.

For an incident of ``--entries`` entries, on the clear file and on the same data encrypted
(``warroom encrypt``), measures: one append (``services.timeline.add``, a full use case with
its commit), opening the database (``open_database`` and a first read of the incident list,
as a command's start does), reading the last 50 entries (what the window shows first), and
a text search of the timeline (one that stops early, one that reads every page). Both
files are measured twice, alternating, and the second pass is reported. Prints medians
and the encrypted/clear ratio of each.

Run: python tests/perf/bench_sqlcipher.py [--entries 100000] [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.services.encryption import encrypt_database
from warroom.storage.database import open_database


def median_ms(call: Callable[[], object], rounds: int) -> float:
    call()  # warm up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def measure(path: Path, rounds: int) -> dict[str, float]:
    results: dict[str, float] = {}

    def open_and_read() -> None:
        db = open_database(str(path))
        build_services(db).incidents.all()
        db.dispose()

    results["open + first read"] = median_ms(open_and_read, max(rounds // 10, 5))
    db = open_database(str(path))
    services = build_services(db)
    counter = [0]

    def append() -> None:
        counter[0] += 1
        services.timeline.add(1, f"benchmark note {counter[0]}", "bench")

    results["append"] = median_ms(append, rounds)
    results["read last 50"] = median_ms(
        lambda: services.timeline.entries(1, limit=50, newest_first=True), rounds
    )
    results["search"] = median_ms(
        lambda: services.timeline.entries(1, search="gateway region 3", limit=200),
        max(rounds // 10, 5),
    )
    # No entry matches: every page of the timeline is read (and decrypted) each time.
    results["search, full scan"] = median_ms(
        lambda: services.timeline.entries(1, search="no such words anywhere"), 5
    )
    assert services.timeline.verify(1).ok
    db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backend.FileKeyring")
        os.environ.setdefault("WARROOM_TEST_KEYRING", str(root / "keyring.json"))
        clear, encrypted = root / "clear.db", root / "encrypted.db"
        db = open_database(str(clear))
        incident = build_services(db).incidents.open("Long incident", 2, "bench")
        seed_entries(db, incident.id, options.entries, start=datetime(2026, 1, 1, tzinfo=UTC))
        db.dispose()
        shutil.copyfile(clear, encrypted)
        started = time.perf_counter()
        encrypt_database(str(encrypted))
        print(
            f"{options.entries} entries; 'warroom encrypt' took "
            f"{time.perf_counter() - started:.1f} s (verified copy, swap, overwrite)"
        )
        # Two passes, alternating, reporting the second: neither file is favoured by going
        # first into a cold cache.
        for _ in range(2):
            plain = measure(clear, options.rounds)
            secret = measure(encrypted, options.rounds)
    print(f"{'':<20}{'clear':>10}{'encrypted':>12}{'ratio':>8}")
    for name, value in plain.items():
        print(f"{name:<20}{value:>8.2f}ms{secret[name]:>10.2f}ms{secret[name] / value:>8.2f}")


if __name__ == "__main__":
    main()
