"""SQLite's plans for searches: the full-text index drives every read, counts included.

Left to choose, SQLite drove the window's "N of M" count from the incident's entries and ran
the MATCH once per entry: 6 s for a count of 11 matches at 100,000 entries (0.1 ms from the
index). The plan is checked, not the time: it is what makes the time.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.bulk_timeline import seed_entries
from warroom.domain.search import SearchFilters, parse_query
from warroom.services import build_services
from warroom.storage import search_sql
from warroom.storage.database import open_database


@pytest.fixture
def seeded(db_path: Path) -> Path:
    """Return a file of 3,000 entries without planner statistics, as the program leaves it."""
    db = open_database(f"sqlite:///{db_path}")
    try:
        incident = build_services(db).incidents.open("Plans", 2, "dana")
        seed_entries(db, incident.id, 3000, start=datetime(2026, 11, 1, tzinfo=UTC))
    finally:
        db.dispose()
    return db_path


def first_step(path: Path, sql: search_sql.Sql) -> str:
    connection = sqlite3.connect(path)
    try:
        plan = connection.execute("EXPLAIN QUERY PLAN " + sql.text, sql.params).fetchall()
        assert connection.execute(sql.text, sql.params).fetchall()  # the SQL runs
    finally:
        connection.close()
    steps = [str(row[3]) for row in plan if "search_timeline" in row[3] or " e " in row[3]]
    return steps[0]


@pytest.mark.parametrize(
    "filters",
    [SearchFilters(incident_id=1), SearchFilters(incident_id=1, kinds=("note",))],
    ids=["incident", "incident-and-kind"],
)
def test_counts_are_driven_by_the_index(seeded: Path, filters: SearchFilters) -> None:
    counted = search_sql.count_entries("sqlite", parse_query("entry 77*"), filters)
    assert first_step(seeded, counted).startswith("SCAN search_timeline VIRTUAL TABLE")


def test_pages_are_driven_by_the_index(seeded: Path) -> None:
    filters = SearchFilters(incident_id=1)
    for sql in (
        search_sql.select_entries(
            "sqlite", filters, query=parse_query("region 3"), limit=101, before_seq=2000
        ),
        search_sql.select_entries(
            "sqlite", filters, query=parse_query("region 3"), limit=101, newest_first=False
        ),
    ):
        assert first_step(seeded, sql).startswith("SCAN search_timeline VIRTUAL TABLE")
