"""Removing a channel and clearing an optional setting, from the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.both_databases


def _stored_secrets() -> dict[str, str]:
    """Return what the test keychain holds for War Room (account -> secret)."""
    path = Path(os.environ["WARROOM_TEST_KEYRING"])
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {account: secret for accounts in data.values() for account, secret in accounts.items()}


def _channel(run_cli: Any, name: str) -> dict[str, Any] | None:
    listed = run_cli("channel", "list", "--json")
    assert listed.code == 0, listed.err
    return next((c for c in listed.json() if c["name"] == name), None)


def test_clear_removes_optional_settings_and_keeps_the_rest(run_cli: Any, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    email = ["channel", "add", "press", "--kind", "email"]
    added = run_cli(
        *email,
        "--host", "smtp.example.org",
        "--from", "press@example.org",
        "--to", "desk@example.org",
        "--user", "press-bot",
        "--ca-bundle", str(bundle),
        "--json",
        stdin="s3cret\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.json()["settings"]["user"] == "press-bot"

    cleared = run_cli(*email, "--clear", "user", "--clear", "ca-bundle", "--keep-secret", "--json")
    assert cleared.code == 0, cleared.err
    settings = cleared.json()["settings"]
    assert "user" not in settings and "ca_bundle" not in settings
    assert (settings["host"], settings["from"], settings["to"]) == (
        "smtp.example.org",
        "press@example.org",
        ["desk@example.org"],
    )
    assert cleared.json()["secret"] == "kept"

    both = run_cli(*email, "--clear", "user", "--user", "x", "--keep-secret")
    assert both.code == 1 and both.err.strip() == (
        "error: user: either give a value or clear it, not both"
    )
    required = run_cli(*email, "--clear", "host", "--keep-secret")
    assert required.code == 2 and "invalid choice: 'host'" in required.err
    webhook = run_cli(
        "channel", "add", "hook", "--kind", "webhook", "--url", "https://x.example/h",
        "--clear", "user", stdin="",
    )  # fmt: skip
    assert webhook.code == 1 and "a webhook channel has no setting user" in webhook.err


def test_remove_deletes_an_unused_channel_and_its_secret(run_cli: Any) -> None:
    added = run_cli(
        "channel", "add", "typo", "--kind", "webhook", "--url", "https://x.example/h",
        stdin="signing-secret\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "signing-secret" in _stored_secrets().values()

    removed = run_cli("channel", "remove", "typo", "--json")
    assert removed.code == 0, removed.err
    assert removed.json() == {"name": "typo", "removed": True}
    assert _channel(run_cli, "typo") is None
    assert "signing-secret" not in _stored_secrets().values()

    again = run_cli("channel", "remove", "typo")
    assert again.code == 1 and again.err.startswith("error: no channel") and "typo" in again.err
    # A new channel under the old name starts without the old secret.
    recreated = run_cli(
        "channel", "add", "typo", "--kind", "webhook", "--url", "https://x.example/h",
        "--keep-secret",
    )  # fmt: skip
    assert recreated.code == 0, recreated.err
    assert "signing-secret" not in _stored_secrets().values()


def test_a_channel_a_statement_names_is_not_removed(run_cli: Any) -> None:
    incident = run_cli("incident", "open", "Outage", "--severity", "3").out.strip()
    drafted = run_cli("draft", "new", incident, "--channel", "webhook", "--text", "On it.")
    assert drafted.code == 0, drafted.err
    refused = run_cli("channel", "remove", "webhook")
    assert refused.code == 1
    assert refused.err.strip() == (
        "error: channel 'webhook' is named by 1 statement(s) and stays in their record; "
        "reconfigure it instead of removing it"
    )
    assert _channel(run_cli, "webhook") is not None
    unused = run_cli("channel", "remove", "bluesky")
    assert unused.code == 0, unused.err
    assert _channel(run_cli, "bluesky") is None
