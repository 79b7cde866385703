"""Team mode on the real PostgreSQL server: each person's own login is who they are, and a
workstation cannot rewrite history even with raw SQL (privileges plus triggers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from warroom.domain.errors import RuleViolation
from warroom.domain.people import NotPermittedError
from warroom.domain.statements import StatementState
from warroom.services import Services, build_services
from warroom.storage.database import open_database

pytestmark = pytest.mark.postgres

LOGINS = ("priya", "dana", "sam")


@pytest.fixture
def owner_url(postgres_server: Any) -> Iterator[str]:
    """A fresh team database; its person logins are dropped with it afterwards."""
    url: str = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
    for login in LOGINS:
        postgres_server._admin(f'DROP ROLE IF EXISTS "{login}"')


def login_url(owner_url: str, login: str) -> str:
    return make_url(owner_url).set(username=login).render_as_string(hide_password=False)


@pytest.fixture
def room(owner_url: str) -> Iterator[Services]:
    """The owner's connection: Lee (lead) registers priya and Dana with their own logins."""
    db = open_database(owner_url)
    services = build_services(db)
    services.people.put("Lee", "lead", "Lee")
    services.people.put("priya", "approver", "Lee", login_password="priya-pw")
    services.people.put("Dana", "comms", "Lee", login_password="dana-pw")
    yield services
    db.dispose()


def as_login(owner_url: str, login: str) -> Services:
    return build_services(open_database(login_url(owner_url, login)))


def test_a_person_login_acts_only_as_that_person(room: Services, owner_url: str) -> None:
    incident = room.incidents.open("Checkout down", 3, "Lee")
    dana = as_login(owner_url, "dana")
    priya = as_login(owner_url, "priya")
    try:
        assert dana.people.connected_person().name == "Dana"  # type: ignore[union-attr]
        with pytest.raises(NotPermittedError, match="you are connected as Dana"):
            dana.statements.draft(
                incident.id, ["email"], "We are on it.", "priya", subject="Update"
            )
        draft = dana.statements.draft(
            incident.id, ["email"], "We are on it.", "DANA", subject="Update"
        )
        dana.statements.submit(draft.id, "Dana")
        with pytest.raises(NotPermittedError, match="you are connected as priya"):
            priya.statements.approve(draft.id, "Lee")
        with pytest.raises(RuleViolation, match="no signing key yet; create it with"):
            priya.statements.approve(draft.id, "priya")
        with pytest.raises(RuleViolation, match="only priya's own login registers"):
            room.people.key("priya")  # the owner's connection cannot make priya's key
        key = priya.people.key("priya")
        approved = priya.statements.approve(draft.id, "priya", revision=draft.revision)
        assert approved.state is StatementState.APPROVED
        assert approved.approvals[0].key == key.fingerprint
        with pytest.raises(RuleViolation, match="managed from the database owner's connection"):
            priya.people.put("mallory", "lead", "priya")
        assert dana.statements.release(draft.id, "Dana").state is StatementState.RELEASED
        assert room.export.verify_incident(incident.id).ok
    finally:
        dana.db.dispose()
        priya.db.dispose()


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("UPDATE timeline_entries SET text = 'nothing happened'", "permission denied"),
        ("DELETE FROM timeline_entries", "permission denied"),
        ("TRUNCATE timeline_entries", "permission denied"),
        ("UPDATE approvals SET approver = 'mallory'", "permission denied"),
        ("DELETE FROM approvals", "permission denied"),
        ("UPDATE outbox SET text = 'never approved'", "permission denied"),
        ("UPDATE outbox SET not_before = NULL", "permission denied"),
        ("UPDATE statement_revision_variants SET text = 'never said'", "permission denied"),
        ("DELETE FROM statement_revision_variants", "permission denied"),
        ("DELETE FROM outbox", "permission denied"),
        ("UPDATE people SET role = 'lead'", "permission denied"),
        ("DELETE FROM statements", "permission denied"),
        ("DELETE FROM incidents", "permission denied"),
        (
            "INSERT INTO person_keys (person, person_key, fingerprint, public_key, created_at) "
            "VALUES ('Dana', 'dana', 'f', 'p', now())",
            "you are connected as priya",
        ),
    ],
)
def test_a_person_login_cannot_rewrite_history_with_raw_sql(
    room: Services, owner_url: str, sql: str, refusal: str
) -> None:
    incident = room.incidents.open("Checkout down", 3, "Lee")
    room.timeline.add(incident.id, "first fact", "Lee")
    engine = create_engine(login_url(owner_url, "priya"))
    try:
        with pytest.raises(DBAPIError, match=refusal), engine.begin() as connection:
            connection.execute(text(sql))
        with engine.begin() as connection:  # reading and the delivery columns stay open
            assert connection.execute(text("SELECT count(*) FROM timeline_entries")).scalar()
            connection.execute(text("UPDATE outbox SET last_error = '' WHERE false"))
    finally:
        engine.dispose()
    assert room.timeline.verify(incident.id).ok


def test_the_command_line_binds_the_login_and_refuses_as(
    room: Services, owner_url: str, run_cli: Any
) -> None:
    incident = room.incidents.open("Checkout down", 3, "Lee")
    env = {"WARROOM_DB": login_url(owner_url, "priya"), "WARROOM_USER": ""}
    added = run_cli("log", "add", str(incident.id), "checked the logs", env=env)
    assert added.code == 0, added.err  # no name given: the login decides
    assert room.timeline.entries(incident.id)[-1].author == "priya"
    for refused in (
        run_cli("--as", "Dana", "log", "add", str(incident.id), "x", env=env),
        run_cli("log", "add", str(incident.id), "x", env={**env, "WARROOM_USER": "Lee"}),
    ):
        assert refused.code == 1 and refused.err.strip().splitlines() == [
            "error: you are connected as priya"
        ]
    assert run_cli("--as", "PRIYA", "log", "add", str(incident.id), "y", env=env).code == 0
    owner = {"WARROOM_DB": owner_url, "WARROOM_USER": "Lee"}
    made = run_cli("person", "add", "sam", "--role", "scribe", "--login", stdin="s-pw\n", env=owner)
    assert made.code == 0, made.err
    engine = create_engine(owner_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'sam'")
            ).scalar()
    finally:
        engine.dispose()
    sam = {"WARROOM_DB": login_url(owner_url, "sam"), "WARROOM_USER": ""}
    key = run_cli("person", "key", "--json", env=sam)
    assert key.code == 0, key.err
    assert run_cli("person", "list", env=owner).out.count(key.json()["fingerprint"]) == 1  # type: ignore[index]
