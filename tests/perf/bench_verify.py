"""``verify --incident`` at 10k / 100k / 1M entries, against a bare verifier (issues 18, 13).

Targets: a full verification within 1.5x a bare verifier over the same rows, in constant
memory; after one new entry, the incremental verification (from the checkpoint the last
one saved) within 100 ms. Measured in one run, each in its own process (a fresh peak RSS):

- ``floor``: the bare verifier. The standard ``sqlite3`` module, one SELECT of the chain
  columns ordered by number, fetched 2,000 rows at a time; per row the data parsed when not
  ``{}``, the time turned into its canonical text by slicing, the canonical JSON body built
  with ``json.dumps(sort_keys=True)`` and hashed with SHA-256, then compared with the stored
  hash and the link. Nothing else: no count or head check, no header or statement fields.
- ``full``: ``services.verification.verify(id, full=True)`` in process (what
  ``warroom verify --incident ID --full`` runs): the chain, its end against the incident's
  head, every exported field of the header and statements, and a new checkpoint saved.
- ``incremental``: in process, ``timeline.add`` one entry then ``verification.verify(id)``,
  20 times; the median of the verify calls.
- ``cli``: the command ``warroom verify --incident ID`` after one new entry, wall time
  (median of 5), beside ``warroom --version`` (interpreter start-up and the CLI's imports).
  On a plain SQLite file the command reads through the standard ``sqlite3`` module
  (``services/quick_verify.py``), not SQLAlchemy; "above start-up" is its own work.

Run: python tests/perf/bench_verify.py [--entries 10000,100000] [--rounds 1]
     [--folder DIR (keeps the seeded databases between runs)]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GENESIS = "0" * 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--folder", help="keep seeded databases here (default: a temp folder)")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "DB"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(options.folder or temp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in (int(n) for n in options.entries.split(",")):
            database = seeded(folder, size)
            env = environment(folder, database)
            print(f"\n{size:,} entries ({database.name}); best of {options.rounds}")
            floor = best(env, "floor", database, options.rounds)
            full = best(env, "full", database, options.rounds)
            ratio = full["seconds"] / floor["seconds"]
            print(
                f"  full verify   {full['seconds']:7.2f} s  {full['per_second']:>9,.0f} entries/s"
                f"  {full['rss_mb']:4.0f} MB"
            )
            print(
                f"  bare verifier {floor['seconds']:7.2f} s  {floor['per_second']:>9,.0f} entries/s"
                f"  {floor['rss_mb']:4.0f} MB   ratio {ratio:4.2f}x "
                f"{'meets' if ratio <= 1.5 else 'MISSES'} (<= 1.5x)"
            )
            incremental = best(env, "incremental", database, 1)
            median = incremental["median_ms"]
            print(
                f"  incremental   median {median:6.1f} ms, max {incremental['max_ms']:6.1f} ms "
                f"over {incremental['runs']} appends (in process) "
                f"{'meets' if median <= 100 else 'MISSES'} (<= 100 ms)"
            )
            cli, version = command_times(env, database)
            print(
                f"  CLI verify    median {cli:6.0f} ms; warroom --version {version:5.0f} ms; "
                f"above start-up {cli - version:5.0f} ms"
            )


def environment(folder: Path, database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "tests.support.keyring_backend.FileKeyring",
        "WARROOM_TEST_KEYRING": str(folder / "keyring.json"),
        "PYTHONPATH": str(ROOT),
        "WARROOM_DATA_DIR": str(folder / "data"),  # the CLI's log file stays in the folder
        "WARROOM_DB": f"sqlite:///{database}",
        "WARROOM_USER": "bench",
    }


def seeded(folder: Path, size: int) -> Path:
    """Return a database holding the demo incident grown to ``size`` entries."""
    path = folder / f"verify-{size}.db"
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


def best(env: dict[str, str], what: str, database: Path, rounds: int) -> dict[str, float]:
    runs = []
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, __file__, "--child", what, str(database)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return min(runs, key=lambda run: run.get("seconds", run.get("median_ms", 0)))


def command_times(env: dict[str, str], database: Path, runs: int = 5) -> tuple[float, float]:
    """Return the median wall times (ms) of ``verify --incident 1`` after one new entry, and
    of ``warroom --version``."""
    verify, version = [], []
    for n in range(runs):
        run = [sys.executable, "-m", "warroom"]
        subprocess.run(
            [*run, "log", "add", "1", f"cli fact {n}"], env=env, check=True, capture_output=True
        )
        start = time.perf_counter()
        done = subprocess.run(
            [*run, "verify", "--incident", "1"], env=env, capture_output=True, text=True
        )
        verify.append(time.perf_counter() - start)
        assert done.returncode == 0 and "incremental: 1 new entries" in done.stdout, done
        start = time.perf_counter()
        subprocess.run([*run, "--version"], env=env, check=True, capture_output=True)
        version.append(time.perf_counter() - start)
    return statistics.median(verify) * 1000, statistics.median(version) * 1000


def child(what: str, database: str) -> None:
    """Run one measurement in this process; print its figures as one JSON line."""
    if what == "floor":
        start = time.perf_counter()
        count = bare_verify(database, 1)
        seconds = time.perf_counter() - start
        result = {"seconds": seconds, "per_second": count / seconds}
    else:
        import warroom.services.incident_verify  # noqa: F401  imports not timed (nor the floor's)
        from warroom.services import build_services
        from warroom.storage.database import open_database

        services = build_services(open_database(f"sqlite:///{database}"))
        if what == "full":
            start = time.perf_counter()
            verdict = services.verification.verify(1, "bench", full=True)
            seconds = time.perf_counter() - start
            assert verdict.check.ok and verdict.saved is not None, verdict
            result = {"seconds": seconds, "per_second": verdict.rechecked / seconds}
        else:
            services.verification.verify(1, "bench")  # a checkpoint at the head
            samples = []
            for n in range(20):
                services.timeline.add(1, f"one more fact {n}", "bench")
                start = time.perf_counter()
                verdict = services.verification.verify(1, "bench")
                samples.append(time.perf_counter() - start)
                assert verdict.check.ok and verdict.rechecked == 1, verdict
            result = {
                "median_ms": statistics.median(samples) * 1000,
                "max_ms": max(samples) * 1000,
                "runs": len(samples),
            }
    print(json.dumps({**result, "rss_mb": peak_rss_mb()}))


def bare_verify(database: str, incident_id: int) -> int:
    """The floor: check every link and hash of the incident with sqlite3 and hashlib only."""
    connection = sqlite3.connect(database)
    cursor = connection.execute(
        "SELECT seq, kind, text, author, created_at, corrects_seq, data, prev_hash, hash "
        "FROM timeline_entries WHERE incident_id = ? ORDER BY seq",
        (incident_id,),
    )
    previous, count = GENESIS, 0
    while rows := cursor.fetchmany(2000):
        for seq, kind, text, author, created, corrects, data, prev_hash, digest in rows:
            body = {
                "prev": previous,
                "incident": incident_id,
                "seq": seq,
                "kind": kind,
                "text": text,
                "author": author,
                "at": f"{created[:10]}T{created[11:]}Z",
                "corrects": corrects,
                "data": {} if data == "{}" else json.loads(data),
            }
            text_body = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            if prev_hash != previous or hashlib.sha256(text_body.encode()).hexdigest() != digest:
                raise AssertionError(f"the bare verifier found entry {seq} broken")
            previous, count = digest, seq
    connection.close()
    return count


def peak_rss_mb() -> float:
    """Return this process's peak resident set (VmHWM: not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
