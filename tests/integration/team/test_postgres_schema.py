"""Migrations on a PostgreSQL server behave as on the SQLite file: upgrade, refuse, never damage."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from warroom.domain.errors import StorageError
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.schema import HEAD, KNOWN_REVISIONS

pytestmark = pytest.mark.postgres


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_an_older_schema_is_upgraded_with_its_data(pg_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(pg_url)
    upgrade_to(engine, KNOWN_REVISIONS[0])
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (title, severity, state, began_at, aware_at, declared_at, "
                "created_by, regulator_deadline_label, entry_count, head_hash, version) VALUES "
                "('Old one', 3, 'open', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00', "
                "'2026-01-01 00:00:00+00', 'bob', '', 0, :genesis, 1)"
            ),
            {"genesis": "0" * 64},
        )
    engine.dispose()
    db = open_database(pg_url)
    try:
        services = build_services(db)
        old = services.incidents.all()[0]
        assert old.title == "Old one" and old.lessons_learned == ""
        assert services.people.all() == []  # 0004_people ran; nobody registered yet
        services.timeline.add(old.id, "logged after the upgrade", "bob")
        assert services.timeline.verify(old.id).ok
    finally:
        db.dispose()
    assert _scalar(pg_url, "SELECT version_num FROM alembic_version") == HEAD


def test_a_newer_schema_is_refused_and_left_unchanged(pg_url: str) -> None:
    open_database(pg_url).dispose()
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(StorageError, match="newer version of War Room"):
        open_database(pg_url)
    assert _scalar(pg_url, "SELECT version_num FROM alembic_version") == "0099_future"


def test_another_programs_database_is_refused_and_left_unchanged(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer primary key, total numeric)"))
    engine.dispose()
    with pytest.raises(StorageError, match="is not a War Room database"):
        open_database(pg_url)
    tables = _scalar(
        pg_url,
        "SELECT string_agg(table_name, ',') FROM information_schema.tables "
        "WHERE table_schema = current_schema()",
    )
    assert tables == "invoices"


def test_an_unreachable_server_is_one_clear_line(pg_url: str) -> None:
    unreachable = pg_url.replace(pg_url.split("@")[1].split("/")[0], "127.0.0.1:1")
    with pytest.raises(StorageError, match=r"cannot open the database .*127\.0\.0\.1:1"):
        open_database(unreachable)
