"""Search and short listings at scale (issue 13's targets), on the embedded SQLite file.

Targets at 1,000,000 entries in one incident (plus 10,000 small incidents for the
cross-incident cases): the search service call at most 50 ms median; ``warroom search`` and
``warroom log list ID --last 50`` at most 60 ms above ``warroom --version`` (the commands are
timed alternately in one run: compare within a run). Prints how each grows with size.

Entry texts are drawn from a 2,000-word vocabulary (Zipf-like: some words are in most
entries, some in very few), so "frequent", "rare", prefix and phrase queries are realistic.

Run: python tests/perf/bench_search.py [--sizes 10000 100000 1000000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert

from tests.support.bulk_timeline import seed_entries
from warroom.domain.search import SearchFilters
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.models import IncidentRow

VOCABULARY = [f"w{n}" for n in range(2000)] + ["refund", "payment", "gateway", "café"]
QUERIES = {
    "frequent word": "w1",
    "rare word": "w1500",
    "two words": "w3 w17",
    "prefix": "w19*",
    "phrase": '"w1 w2"',
    "accent-folded": "cafe",
}


def entry_text(n: int) -> str:
    rng = random.Random(n)
    words = [VOCABULARY[(int(rng.paretovariate(0.6)) - 1) % 2000] for _ in range(12)]
    if n % 97 == 0:
        words.append("café")
    return f"Entry {n}: " + " ".join(words)


def seed(url: str, entries: int, incidents: int) -> None:
    db = open_database(url)
    services = build_services(db)
    big = services.incidents.open("Big incident", 2, "bench")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    seed_entries(db, big.id, entries, start=start, batch=20_000, text_for=entry_text)
    if incidents:
        with db.transaction() as session:
            rows = [
                {
                    "title": f"Incident {n}",
                    "severity": 3,
                    "state": "closed",
                    "began_at": start,
                    "aware_at": start,
                    "declared_at": start,
                    "created_by": "bench",
                    "regulator_deadline_label": "",
                    "entry_count": 0,
                    "head_hash": "0" * 64,
                    "version": 1,
                }
                for n in range(incidents)
            ]
            session.execute(insert(IncidentRow), rows)
        for incident_id in range(big.id + 1, big.id + 1 + incidents):
            seed_entries(db, incident_id, 10, start=start, text_for=entry_text)
    db.dispose()


def service_medians(url: str, runs: int) -> dict[str, float]:
    db = open_database(url)
    search = build_services(db).search
    medians = {}
    for name, query in QUERIES.items():
        for label, filters, count in (
            ("all incidents", SearchFilters(), False),
            ("incident 1", SearchFilters(incident_id=1), False),
            ("all, with count", SearchFilters(), True),
        ):
            search.search(query, filters, with_count=count)  # warm
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                search.search(query, filters, limit=50, with_count=count)
                samples.append(time.perf_counter() - started)
            medians[f"{name} ({label})"] = statistics.median(samples) * 1000
    db.dispose()
    return medians


def command_medians(url: str, runs: int) -> dict[str, float]:
    env = dict(os.environ, WARROOM_DB=url)
    commands = {
        "--version": ["--version"],
        "log list 1 --last 50": ["log", "list", "1", "--last", "50"],
        "search w1500 (rare)": ["search", "w1500"],
        "search w1 (frequent)": ["search", "w1"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "warroom", *argv],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            started = time.perf_counter()
            seed(url, size, args.incidents)
            seeded = time.perf_counter() - started
            print(
                f"\n== {size:,} entries in incident 1 + {args.incidents:,} small incidents "
                f"(seeded in {seeded:.0f} s)"
            )
            for name, value in service_medians(url, args.runs).items():
                print(f"service search {name:<40} median {value:7.2f} ms")
            commands = command_medians(url, args.runs)
            base = commands["--version"]
            for name, value in commands.items():
                extra = "" if name == "--version" else f"  (+{value - base:.0f} ms)"
                print(f"command {name:<28} median {value:7.1f} ms{extra}")


if __name__ == "__main__":
    main()
