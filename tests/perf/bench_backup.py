"""Backup and restore of a 100,000-entry database (issue 17). Not part of the pass/fail suite.

Measures, in one run on the same data: a verified backup (online backup API copy, SQLite
integrity check, every chain recomputed, rename) of the clear file and of the same data
encrypted; the copy alone; a plain file copy of the database as the floor; the size of each
backup; and a restore (verify, compare, keep the current data, replace in one transaction).
With ``--db URL`` of a PostgreSQL server, the team-mode logical backup is timed too.

Run: python tests/perf/bench_backup.py [--entries 100000] [--rounds 3] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.services.encryption import encrypt_database
from warroom.storage import snapshots
from warroom.storage.database import open_database

START = datetime(2026, 1, 1, tzinfo=UTC)


def seeded(url: str, entries: int) -> None:
    db = open_database(url)
    incident = build_services(db).incidents.open("Long incident", 2, "bench")
    seed_entries(db, incident.id, entries, start=START)
    db.dispose()


def timed(call: object, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return samples


def report(name: str, samples: list[float], size: int | None = None) -> None:
    extra = f", backup {size / 1_000_000:.1f} MB" if size is not None else ""
    print(f"{name:<34} median {statistics.median(samples):6.2f} s (min {min(samples):.2f}){extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", help="also time a team-mode backup of this PostgreSQL URL")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backend.FileKeyring")
        os.environ.setdefault("WARROOM_TEST_KEYRING", str(root / "keyring.json"))
        os.environ["WARROOM_DATA_DIR"] = str(root / "data")
        clear, encrypted = root / "clear.db", root / "encrypted.db"
        seeded(f"sqlite:///{clear}", options.entries)
        shutil.copyfile(clear, encrypted)
        encrypt_database(str(encrypted))
        print(f"{options.entries} entries; database file {clear.stat().st_size / 1e6:.1f} MB")

        n = [0]

        def floor() -> None:
            n[0] += 1
            shutil.copyfile(clear, root / f"plain-copy-{n[0]}.db")

        report("plain file copy (floor)", timed(floor, options.rounds))

        def copy_only() -> None:
            n[0] += 1
            snapshots.copy_sqlite_file(clear, root / f"api-copy-{n[0]}.db")

        report("online backup API copy only", timed(copy_only, options.rounds))
        for label, path in (("clear", clear), ("encrypted", encrypted)):
            db = open_database(str(path))
            services = build_services(db)
            target = root / f"backups-{label}"
            results: list[Any] = []

            def backup(services: Any = services, target: Path = target, out: Any = results) -> None:
                out.append(services.backups.backup(target, keep_last=100))
                time.sleep(1.01)  # a new name each round (names have whole seconds)

            samples = [s - 1.01 for s in timed(backup, options.rounds)]
            report(f"verified backup, {label}", samples, results[-1].check.size)
            latest = results[-1].path
            services.timeline.add(1, "after the backup", "bench")
            report(
                f"restore (--force), {label}",
                timed(lambda s=services, p=latest: s.restore.restore(p, force=True), 1),
            )
            db.dispose()
        if options.db:
            team = open_database(options.db)
            incident = build_services(team).incidents.open("Long incident", 2, "bench")
            seed_entries(team, incident.id, options.entries, start=START)
            services = build_services(team)
            results = []
            samples = timed(lambda: results.append(services.backups.backup(root / "team")), 1)
            report("verified backup, PostgreSQL", samples, results[-1].check.size)
            team.dispose()


if __name__ == "__main__":
    main()
