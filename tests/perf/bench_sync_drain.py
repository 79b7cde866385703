"""Drain queued outbox rows to a loopback server, beside two floors measured in the same run.

Target (issue 18): the outbox drain reaches at least 0.8x the "requests loop + two commits
per row" floor, on the same server, with exactly-once unchanged.

Three ways over the same server, rows and disk, repeated ``--rounds`` times in turn:

- **bare**: a ``requests.Session`` loop posting each row (kept-alive connection), nothing
  recorded: the wire's speed;
- **floor**: the same loop plus what claim-then-settle inherently costs, two fsync'd
  commits per row on a bare ``sqlite3`` connection (WAL, ``synchronous=FULL``, as War Room
  opens its file): claim (queued -> sending) before the request, settle (sending -> sent,
  with a receipt row) after it;
- **warroom**: ``DeliveryService.run_once`` over the same number of released rows: claims,
  the approved-bytes check, the post, the settle with its chained timeline receipt and its
  change-feed rows.

The fake Mastodon/Bluesky server of the integration tests runs in a child process (a real
server is another process too: its work does not compete with the worker's interpreter).

Run: python tests/perf/bench_sync_drain.py [--rows 1000] [--rounds 2] [--channel mastodon|bluesky]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token-not-secret"
HANDLE = "warroom.test"
SERVER = """
import sys, json
from tests.integration.sync.fakes import FakeSocial
with FakeSocial(token=sys.argv[1], app_password=sys.argv[1]) as social:
    print(social.url, flush=True)
    sys.stdin.read()
    print(json.dumps({"connections": social.connections, "creates": social.create_calls,
                      "duplicates": social.duplicate_creates}), flush=True)
"""


class Server:
    """The fake server in a child process."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", SERVER, TOKEN],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()

    def stop(self) -> dict[str, int]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.close()
        stats: dict[str, int] = json.loads(self._process.stdout.readline())
        self._process.wait(10)
        return stats


def bare_loop(url: str, rows: int, *, commits: Path | None = None) -> float:
    """Post ``rows`` statuses; with ``commits``, claim and settle each in a bare sqlite3 file."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    db = None
    if commits is not None:
        db = sqlite3.connect(commits, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, state TEXT, attempts INTEGER, "
            "updated_at TEXT, remote_id TEXT, remote_url TEXT, text TEXT)"
        )
        db.execute("CREATE TABLE receipts (id INTEGER PRIMARY KEY, outbox_id INTEGER, text TEXT)")
        db.executemany(
            "INSERT INTO outbox (state, attempts, text) VALUES ('queued', 0, ?)",
            [(f"Floor {n:04d}",) for n in range(rows)],
        )
    start = time.perf_counter()
    for n in range(1, rows + 1):
        if db is not None:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? "
                "WHERE id = ? AND state = 'queued'",
                (time.time(), n),
            )
            db.execute("COMMIT")
        response = session.post(
            f"{url}/api/v1/statuses",
            json={"status": f"Floor {n:04d}", "visibility": "public"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
            timeout=(5, 30),
        )
        status = response.json()
        assert response.status_code == 200, status
        if db is not None:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE outbox SET state = 'sent', updated_at = ?, remote_id = ?, remote_url = ? "
                "WHERE id = ? AND state = 'sending'",
                (time.time(), status["id"], status["url"], n),
            )
            db.execute(
                "INSERT INTO receipts (outbox_id, text) VALUES (?, ?)", (n, f"sent {status['url']}")
            )
            db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    session.close()
    if db is not None:
        db.close()
    return elapsed


def warroom_drain(url: str, folder: Path, rows: int, channel: str) -> float:
    """Release ``rows`` statements to ``channel`` and time one ``run_once`` delivering them."""
    from tests.integration.sync.conftest import bulk_release
    from warroom.domain.channels import ChannelKind
    from warroom.domain.outbox import DeliveryState
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{folder / 'bench.db'}")
    services = build_services(db)
    kind = ChannelKind(channel)
    settings: dict[str, Any] = {"url": url}
    if kind is ChannelKind.BLUESKY:
        settings["handle"] = HANDLE
    services.channel_setup.configure(channel, kind, settings, TOKEN)
    incident = services.incidents.open("Benchmark", 3, "bench").id
    texts = [f"Update {n:04d} {uuid.uuid4().hex[:6]}" for n in range(rows)]
    bulk_release(db, incident, [channel], texts, services.incidents.now())
    start = time.perf_counter()
    report = services.delivery.run_once()
    elapsed = time.perf_counter() - start
    services.delivery.close()
    assert len(report.sent) == rows, report.summary()
    states = {row.state for row in services.channels.outbox()}
    assert states == {DeliveryState.SENT}, states
    receipts = [
        e for e in services.timeline.entries(incident) if e.data.get("event") == "delivery.sent"
    ]
    assert len(receipts) == rows  # one chained receipt per delivery
    assert services.timeline.verify(incident).ok
    db.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--channel", choices=("mastodon", "bluesky"), default="mastodon")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"bare": [], "floor": [], "warroom": []}
    server = Server()
    try:
        for round_number in range(args.rounds):
            with tempfile.TemporaryDirectory() as name:
                folder = Path(name)
                os.environ.update(
                    WARROOM_DATA_DIR=name,
                    PYTHON_KEYRING_BACKEND="tests.support.keyring_backend.FileKeyring",
                    WARROOM_TEST_KEYRING=str(folder / "keyring.json"),
                )
                times["bare"].append(bare_loop(server.url, args.rows))
                times["floor"].append(bare_loop(server.url, args.rows, commits=folder / "f.db"))
                times["warroom"].append(warroom_drain(server.url, folder, args.rows, args.channel))
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{k} {args.rows / v[-1]:.0f}/s" for k, v in times.items()),
                flush=True,
            )
    finally:
        stats = server.stop()
    rate = {name: args.rows / statistics.median(values) for name, values in times.items()}
    print(f"\n{args.rows} rows per way, {args.rounds} round(s), median of rounds:")
    print(f"  bare requests loop            {rate['bare']:6.0f} messages/s")
    print(f"  loop + 2 fsync'd commits/row  {rate['floor']:6.0f} messages/s   (the floor)")
    print(
        f"  warroom run_once ({args.channel:8})   {rate['warroom']:6.0f} messages/s   "
        f"= {rate['warroom'] / rate['floor']:.2f}x the floor, "
        f"{rate['warroom'] / rate['bare']:.2f}x the bare loop"
    )
    print(
        f"  server: {stats['connections']} connection(s) in all, {stats['creates']} creates, "
        f"{stats['duplicates']} answered from an idempotency key"
    )
    verdict = "meets" if rate["warroom"] >= 0.8 * rate["floor"] else "MISSES"
    print(f"target: >= 0.8x the floor: {verdict}")


if __name__ == "__main__":
    main()
