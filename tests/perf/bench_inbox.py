"""Inbox benchmarks: ingest 10,000 items from a loopback source; stats and filters over 100,000.

Targets (issue 15): ingest 10,000 items <= 10 s; stats over 100,000 items <= 200 ms; the list
filters of the (future) pane at the service level (the pane's own "filter change <= 100 ms"
is measured once it exists).

- ingest: the fake Mastodon of the integration tests on 127.0.0.1 holds N mentions; one
  ``inbox pull`` pages through them (40 per page, as Mastodon does), cleans, scores (VADER,
  risk words), stores and commits page by page. Baseline in the same run: the same pages
  fetched and parsed by the listener alone (no scoring, no database).
- stats / list: N items over 6 hours, 3 sources, mixed sentiment, a third answered; the
  median of 5 runs of ``services.inbox.stats`` and of the pane's typical filters. Baseline
  in the same run: one ``SELECT count(*)`` over the table.

Run: python tests/perf/bench_inbox.py [--part ingest|stats|all] [--ingest 10000] [--items 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TOKEN = "bench-token-not-secret"
TEXTS = (
    "Checkout fails again, I want a refund now",
    "Thanks for the quick fix, great work",
    "Is the app down? Cannot log in",
    "My data was leaked?! Calling my lawyer",
    "Order arrived, all good",
)


def _median_ms(action: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_ingest(folder: str, count: int) -> None:
    from tests.integration.inbound.fake_listening import FakeListening
    from warroom.domain.inbox import SourceKind
    from warroom.services import build_services
    from warroom.storage import source_repo
    from warroom.storage.database import open_database
    from warroom.sync.sources import make_listener

    db = open_database(f"sqlite:///{folder}/ingest.db")
    services = build_services(db)
    with FakeListening(token=TOKEN) as server:
        for n in range(count):
            server.mention(f"{TEXTS[n % len(TEXTS)]} #{n}", followers=n % 50_000)
        source = services.sources.configure(
            "masto", SourceKind.MASTODON, {"url": server.url}, TOKEN
        )
        start_cursor = {"notifications": "1"}  # read everything, as after a week offline

        listener = make_listener(source, TOKEN)
        start = time.perf_counter()
        cursors: dict[str, Any] = dict(start_cursor)
        fetched = 0
        while True:
            batch = listener.fetch(cursors)
            fetched += len(batch.items)
            cursors = batch.cursors
            if not batch.more:
                break
        listener.close()
        fetch_only = time.perf_counter() - start

        with db.transaction() as session:
            source_repo.record_pull(
                session, source.id, services.incidents.now(), cursors=start_cursor
            )
        start = time.perf_counter()
        report = services.inbox_pull.pull_once()
        elapsed = time.perf_counter() - start
    assert report.added == count, report.summary()
    assert fetched == count
    print(
        f"ingest: {count} items in {elapsed:.2f} s ({count / elapsed:.0f} items/s; target "
        f"<= 10 s); baseline fetch+parse only {fetch_only:.2f} s, so cleaning, scoring and "
        f"storing cost {elapsed - fetch_only:.2f} s"
    )
    db.dispose()


def _fill(db: Any, services: Any, count: int) -> None:
    from warroom.domain.inbox import Author, Heard, InboxState, SourceKind, Suggestion
    from warroom.storage import inbox_repo, source_repo

    t0 = datetime(2026, 11, 23, 6, tzinfo=UTC)
    for name in ("masto", "bsky", "mail"):
        kind = SourceKind.IMAP if name == "mail" else SourceKind.MASTODON
        settings = {"host": "h", "user": "u"} if name == "mail" else {"url": "https://m.test"}
        services.sources.configure(name, kind, settings, TOKEN)
    incident = services.incidents.open("Benchmark", 2, "bench").id
    with db.transaction() as session:
        sources = [source_repo.by_name(session, n) for n in ("masto", "bsky", "mail")]
        for start in range(0, count, 5000):
            for index, source in enumerate(sources):
                chunk = [
                    (
                        Heard(
                            remote_id=str(n),
                            text=TEXTS[n % len(TEXTS)],
                            posted_at=t0 + timedelta(seconds=(n * 21_600) // count),
                            author=Author(f"user{n % 997}"),
                        ),
                        Suggestion(1 + n % 4, sentiment=((n % 7) - 3) / 3),
                    )
                    for n in range(start + index, min(start + 5000, count), 3)
                ]
                items = inbox_repo.add_heard(session, source, chunk, t0)
                for item in items[::3]:
                    inbox_repo.update(
                        session,
                        item.id,
                        state=InboxState.REPLIED,
                        responded_at=item.posted_at + timedelta(minutes=item.id % 90),
                    )
                for item in items[1::10]:
                    inbox_repo.attach(session, item.id, incident, automatic=False)


def bench_stats(folder: str, count: int) -> None:
    from sqlalchemy import text

    from warroom.domain.inbox import InboxFilter, InboxState
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{folder}/stats.db")
    services = build_services(db)
    start = time.perf_counter()
    _fill(db, services, count)
    print(f"(filled {count} items in {time.perf_counter() - start:.1f} s)")
    inbox = services.inbox

    def baseline() -> None:
        with db.reading() as session:
            session.execute(text("SELECT count(*) FROM inbox_items")).scalar()

    stats = inbox.stats(bucket="15m")
    assert stats.total == count, stats.total
    figures = {
        "baseline count(*)": _median_ms(baseline),
        "stats 15m, all items": _median_ms(lambda: inbox.stats(bucket="15m")),
        "stats 5m, all items": _median_ms(lambda: inbox.stats(bucket="5m")),
        "stats 1h, one incident": _median_ms(lambda: inbox.stats(incident_id=1, bucket="1h")),
        "list: first 200, no filter": _median_ms(lambda: inbox.items(limit=200)),
        "list: state new": _median_ms(
            lambda: inbox.items(InboxFilter(states=(InboxState.NEW,)), limit=200)
        ),
        "list: incident": _median_ms(lambda: inbox.items(InboxFilter(incident_id=1), limit=200)),
        "list: priority 1": _median_ms(lambda: inbox.items(InboxFilter(priority=1), limit=200)),
        "list: source + unassigned": _median_ms(
            lambda: inbox.items(InboxFilter(source="mail", unassigned=True), limit=200)
        ),
        "list: text search": _median_ms(
            lambda: inbox.items(InboxFilter(search="lawyer"), limit=200)
        ),
        "count: state new": _median_ms(lambda: inbox.count(InboxFilter(states=(InboxState.NEW,)))),
    }
    print(f"{count} items, {len(stats.buckets)} buckets of 15m, {len(stats.spikes)} spikes:")
    for name, value in figures.items():
        print(f"  {name:<28} {value:8.1f} ms (median of 5)")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=("ingest", "stats", "all"), default="all")
    parser.add_argument("--ingest", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(
            WARROOM_DATA_DIR=folder,
            PYTHON_KEYRING_BACKEND="tests.support.keyring_backend.FileKeyring",
            WARROOM_TEST_KEYRING=str(Path(folder) / "keyring.json"),
        )
        if args.part in ("ingest", "all"):
            bench_ingest(folder, args.ingest)
        if args.part in ("stats", "all"):
            bench_stats(folder, args.items)


if __name__ == "__main__":
    main()
