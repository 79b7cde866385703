"""Upgrading a 0011_search database with data to 0014_lifecycle, on SQLite and PostgreSQL:
incidents get their status, cadence and hold window (defaults), outbox rows and checklist
items their new columns, and a header chained before keeps verifying."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from warroom.domain.chain_state import HEADER_VERSION
from warroom.domain.incidents import IncidentStatus
from warroom.domain.timeline import GENESIS_HASH, entry_hash
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.schema import HEAD

pytestmark = pytest.mark.both_databases

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _opening_as_0011_wrote_it() -> tuple[dict[str, object], str]:
    data: dict[str, object] = {
        "event": "incident.opened",
        "v": HEADER_VERSION,
        "title": "Old one",
        "severity": 2,
        "began_at": "2026-01-01T00:00:00.000000Z",
        "aware_at": "2026-01-01T00:00:00.000000Z",
        "declared_at": "2026-01-01T00:00:00.000000Z",
        "approvals_override": None,
        "playbook": None,
    }
    digest = entry_hash(
        prev_hash=GENESIS_HASH,
        incident_id=1,
        seq=1,
        kind="status",
        text="Incident opened: Old one (SEV2)",
        author="Alice",
        created_at=AT,
        corrects_seq=None,
        data=data,
    )
    return data, digest


def _at_0011(db_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    data, digest = _opening_as_0011_wrote_it()
    engine = create_engine(db_url)
    try:
        upgrade_to(engine, "0011_search")
        zone = "+00" if engine.dialect.name == "postgresql" else ""
        at = f"'2026-01-01 00:00:00{zone}'"
        with engine.begin() as connection:
            for sql in (
                "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, "
                "declared_at, created_by, regulator_deadline_label, entry_count, head_hash, "
                f"lessons_learned, version) VALUES (1, 'Old one', 2, 'open', {at}, {at}, {at}, "
                f"'Alice', '', 1, '{digest}', '', 1)",
                "INSERT INTO timeline_entries (incident_id, seq, kind, text, author, "
                f"created_at, data, prev_hash, hash) VALUES (1, 1, 'status', "
                f"'Incident opened: Old one (SEV2)', 'Alice', {at}, '{json.dumps(data)}', "
                f"'{GENESIS_HASH}', '{digest}')",
                "INSERT INTO checklist_items (incident_id, phase, position, text, owner_role, "
                "stops_regulator_clock) VALUES (1, 'ongoing', 1, 'Tell the regulator', 'lead', "
                "false)",
            ):
                connection.execute(text(sql))
    finally:
        engine.dispose()


def test_upgrade_gives_old_incidents_their_life_and_keeps_the_chain_verifying(
    db_url: str,
) -> None:
    _at_0011(db_url)
    db = open_database(db_url)
    try:
        services = build_services(db, clock=lambda: datetime(2026, 1, 1, 1, tzinfo=UTC))
        incident = services.incidents.get(1)
        assert incident.status is IncidentStatus.INVESTIGATING
        assert incident.cadence_minutes is None and incident.hold_minutes == 30
        (item,) = services.checklist.items(1)
        assert item.assignee == ""
        check = services.export.verify_incident(1)
        assert check.ok and not check.warnings, check.describe()
        services.lifecycle.set_status(1, "identified", "Alice")
        services.lifecycle.set_severity(1, 1, "Alice", reason="worse than thought")
        services.checklist.assign(1, item.id, "Bob", "Alice")
        added = services.checklist.add(1, "Call the insurer", "Alice")
        assert added.position == 2
        assert services.export.verify_incident(1).ok
        with db.transaction() as session:
            names = {
                row[0]
                for row in session.execute(
                    text("SELECT posted_by FROM outbox UNION SELECT '' AS posted_by")
                )
            }
        assert names == {""}
    finally:
        db.dispose()
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                HEAD
            )
    finally:
        engine.dispose()
