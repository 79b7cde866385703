"""A credential inside a channel URL is refused: secrets go on stdin, into the keychain only."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.parametrize(
    ("url", "carried"),
    [
        ("https://bot:hunter2@hooks.example/warroom", "a user name or password in the address"),
        ("https://hooks.example/warroom?token=hunter2", "a token= parameter"),
        ("https://hooks.example/warroom?a=1&KEY=hunter2", "a KEY= parameter"),
        ("https://flow.example/invoke?api-version=1&sig=hunter2", "a sig= parameter"),
    ],
)
def test_a_url_with_a_credential_is_refused_and_nothing_is_stored(
    run_cli: Any, url: str, carried: str
) -> None:
    result = run_cli("channel", "add", "status", "--kind", "webhook", "--url", url, stdin="s\n")
    assert result.code == 1 and result.out == ""
    assert result.err == (
        f"error: --url holds a credential ({carried}); give the address without it and pass "
        "the secret on stdin (it is kept in the keychain, never in the database)\n"
    )
    listed = run_cli("channel", "list", "--json")
    assert "status" not in [c["name"] for c in listed.json()]
    assert "hunter2" not in listed.out


def test_channel_list_masks_a_credential_stored_by_an_older_version(
    run_cli: Any, db_path: Path
) -> None:
    assert run_cli("channel", "list").code == 0  # creates the database
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE channels SET configured = 1, settings = "
            '\'{"url": "https://bot:hunter2@hooks.example/w?sig=hunter2&v=1"}\' '
            "WHERE name = 'webhook'"
        )
    connection.close()
    listed = run_cli("channel", "list", "--json")
    assert listed.code == 0 and "hunter2" not in listed.out
    (webhook,) = [c for c in listed.json() if c["name"] == "webhook"]
    assert webhook["settings"]["url"] == "https://***@hooks.example/w?sig=***&v=1"
