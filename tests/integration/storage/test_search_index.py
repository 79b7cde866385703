"""The search index never disagrees with the timeline: crashes, upgrades, both databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from warroom.services import build_services
from warroom.storage.database import open_database

pytestmark = pytest.mark.both_databases

REPO_ROOT = Path(__file__).resolve().parents[3]

APPENDER = """
import sys
from warroom.services import build_services
from warroom.storage.database import open_database
services = build_services(open_database(sys.argv[1]))
incident = services.incidents.open("Crash", 3, "dana").id
n = 0
while True:
    n += 1
    services.timeline.add(incident, f"appended refund note {n} caf\u00e9", "dana")
    print(n, flush=True)
"""


def index_matches_rows(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM timeline_entries")).scalar()
        if engine.dialect.name == "sqlite":
            # FTS5 compares every indexed token with the rows it indexes; raises if not.
            connection.execute(
                text(
                    "INSERT INTO search_timeline(search_timeline, rank) "
                    "VALUES ('integrity-check', 1)"
                )
            )
            indexed = connection.execute(
                text("SELECT count(*) FROM search_timeline WHERE search_timeline MATCH 'cafe'")
            ).scalar()
            assert indexed == rows - 1  # every appended note, not the opening entry
        else:
            indexed = connection.execute(text("SELECT count(*) FROM search_timeline")).scalar()
            assert indexed == rows
    engine.dispose()


def test_the_index_is_consistent_after_kill_9_during_appends(db_url: str) -> None:
    open_database(db_url).dispose()  # create and migrate first
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    worker = subprocess.Popen(
        [sys.executable, "-c", APPENDER, db_url], stdout=subprocess.PIPE, text=True, env=env
    )
    assert worker.stdout is not None
    deadline = time.monotonic() + 60
    appended = 0
    while appended < 40 and time.monotonic() < deadline:
        appended = int(worker.stdout.readline() or 0)
    os.kill(worker.pid, signal.SIGKILL)  # most likely in the middle of an append
    worker.wait()
    worker.stdout.close()
    assert appended >= 40
    index_matches_rows(db_url)
    services = build_services(open_database(db_url))
    found = services.search.search("appended refund", with_count=True)
    assert found.total_entries is not None and found.total_entries >= appended
    services.db.dispose()


def test_upgrade_indexes_existing_entries_and_reports_progress(db_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    upgrade_to(engine, "0005_regulator_notification")
    zone = "+00" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, "
                "declared_at, created_by, regulator_deadline_label, entry_count, head_hash, "
                "version) VALUES (1, 'Old', 2, 'open', :t, :t, :t, 'bob', '', 0, :g, 1)"
            ),
            {"t": f"2026-01-01 00:00:00{zone}", "g": "0" * 64},
        )
        connection.execute(
            text(
                "INSERT INTO timeline_entries (incident_id, seq, kind, text, author, created_at, "
                "data, prev_hash, hash) VALUES (1, :seq, 'note', :text, 'bob', :t, '{}', :g, :g)"
            ),
            [
                {
                    "seq": n,
                    "text": f"old entry {n} Zürich",
                    "t": f"2026-01-01 00:00:0{n}{zone}",
                    "g": "0" * 64,
                }
                for n in range(1, 6)
            ],
        )
    engine.dispose()
    heard: list[tuple[str, int, int]] = []
    db = open_database(db_url, progress=lambda *step: heard.append(step))
    found = build_services(db).search.search("zurich", with_count=True)
    assert found.total_entries == 5
    db.dispose()
    assert heard == [("building the search index of timeline entries", 5, 5)]
