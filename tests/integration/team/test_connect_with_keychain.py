"""Connecting a workstation to the team's server: the password lives in the keychain only."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.support.postgres import PASSWORD_USER, PostgresServer
from warroom.domain.errors import StorageError
from warroom.services import build_services
from warroom.services.connection import connect, forget_password, keychain_account

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse 'battery'"


@pytest.fixture
def team_url(pg_url: str, postgres_server: PostgresServer) -> str:
    """Return the URL of a fresh database for a user who must give a password (none in it)."""
    postgres_server.create_password_user(PASSWORD)
    return make_url(pg_url).set(username=PASSWORD_USER).render_as_string(hide_password=False)


def _keychain() -> dict[str, Any]:
    path = Path(os.environ["WARROOM_TEST_KEYRING"])
    return json.loads(path.read_text()) if path.exists() else {}


def test_a_wrong_or_missing_password_is_one_clear_line_and_stores_nothing(team_url: str) -> None:
    with pytest.raises(StorageError, match="password is missing or wrong"):
        connect(team_url)
    with pytest.raises(StorageError, match="password is missing or wrong"):
        connect(team_url, password="wrong")
    assert "wrong" not in json.dumps(_keychain())


def test_the_password_is_kept_in_the_keychain_and_used_next_time(
    team_url: str, run_cli: Any
) -> None:
    db = connect(team_url, password=PASSWORD)
    try:
        assert PASSWORD not in db.url and PASSWORD not in db.location
        services = build_services(db)
        incident = services.incidents.open("Outage", 2, "alice")
    finally:
        db.dispose()
    account = keychain_account(team_url)
    assert account.startswith(f"{PASSWORD_USER}@127.0.0.1:")
    assert _keychain()["warroom"][f"database:{account}"] == PASSWORD

    again = connect(team_url)  # no password given: the keychain's is used
    try:
        assert build_services(again).incidents.get(incident.id).title == "Outage"
    finally:
        again.dispose()
    shown = run_cli("incident", "list", "--json", env={"WARROOM_DB": team_url})
    assert shown.code == 0, shown.err
    assert [i["title"] for i in shown.json()] == ["Outage"]

    forget_password(team_url)
    with pytest.raises(StorageError, match="password is missing or wrong"):
        connect(team_url)
