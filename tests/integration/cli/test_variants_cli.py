"""Variants, scheduled release and the approval window through the command line (real
subprocesses, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.cli.test_cli_contract import one_line_error
from warroom.domain.clock import iso_utc

RunCli = Any

pytestmark = pytest.mark.both_databases

EMAIL = "Dear customer,\n\n" + "Everything we know about the checkout problem. " * 20


def _draft(run_cli: RunCli) -> tuple[str, str]:
    incident = run_cli("incident", "open", "Checkout outage", "--severity", "3").out.strip()
    draft = run_cli(
        "draft",
        "new",
        incident,
        "--channel",
        "mastodon",
        "--channel",
        "email",
        "--subject",
        "Checkout",
        "--text",
        "We are investigating checkout errors.",
    )
    assert draft.code == 0, draft.err
    return incident, draft.out.strip()


def test_variants_from_the_command_line(run_cli: RunCli) -> None:
    incident, draft = _draft(run_cli)
    shown = run_cli("draft", "show", draft, "--json").json()
    assert [(v["channel"], v["text"], v["edited"], v["derived"]) for v in shown["variants"]] == [
        ("mastodon", "We are investigating checkout errors.", False, True),
        ("email", "We are investigating checkout errors.", False, True),
    ]
    assert shown["variants"][0]["limit"] == 500 and shown["variants"][0]["fits"] is True
    saved = run_cli(
        "draft", "variant", draft, "--channel", "email", "--subject", "Checkout errors",
        "--text", "-", stdin=EMAIL,
    )  # fmt: skip
    assert saved.code == 0, saved.err
    assert "email:" in saved.out and "(own text)" in saved.out
    assert "mastodon: 37 / 500 characters (same as main text)" in saved.out
    shown = run_cli("draft", "show", draft, "--json").json()
    email = shown["variants"][1]
    assert (email["subject"], email["text"], email["edited"]) == (
        "Checkout errors",
        EMAIL.strip(),
        True,
    )
    assert [r["revision"] for r in shown["revisions"]] == [1, 2]
    assert shown["revisions"][1]["variants"][1]["edited"] is True
    one_line_error(
        run_cli("draft", "variant", draft, "--channel", "mastodon", "--text", "x" * 501),
        1,
        "the text is 501 characters but channel 'mastodon' (mastodon) allows 500",
    )
    one_line_error(
        run_cli("draft", "variant", draft, "--channel", "bluesky", "--text", "Hi"),
        1,
        "channel 'bluesky' is not a target of this statement",
    )
    one_line_error(run_cli("draft", "variant", draft, "--channel", "email"), 1, "needs a text")
    one_line_error(run_cli("draft", "variant", draft, "--text", "Hi"), 2, "--channel")
    # One approval covers both channels; the release sends each its own variant.
    assert run_cli("draft", "submit", draft).code == 0
    assert run_cli("--as", "bob", "draft", "approve", draft).code == 0
    released = run_cli("draft", "release", draft, "--json")
    assert released.code == 0, released.err
    rows = run_cli("draft", "show", draft, "--json").json()["deliveries"]
    assert [r["channel"] for r in rows] == ["mastodon", "email"]
    verified = run_cli("verify", "--incident", incident)
    assert verified.code == 0, verified.err


def test_reset_goes_back_to_the_main_text(run_cli: RunCli) -> None:
    _incident, draft = _draft(run_cli)
    assert run_cli("draft", "variant", draft, "--channel", "email", "--text", "Own.").code == 0
    reset = run_cli("draft", "variant", draft, "--channel", "email", "--reset", "--json")
    assert reset.code == 0, reset.err
    assert reset.json()["variants"][1]["edited"] is False
    assert reset.json()["variants"][1]["text"] == "We are investigating checkout errors."
    one_line_error(
        run_cli("draft", "variant", draft, "--channel", "email", "--reset", "--text", "x"),
        1,
        "either reset a variant",
    )


def test_scheduled_release_and_approval_window_from_the_command_line(run_cli: RunCli) -> None:
    incident, draft = _draft(run_cli)
    assert run_cli("draft", "submit", draft).code == 0
    assert run_cli("--as", "bob", "draft", "approve", draft).code == 0
    one_line_error(
        run_cli("draft", "release", draft, "--at", "2000-01-01T00:00Z"),
        1,
        "is not in the future",
    )
    one_line_error(run_cli("draft", "release", draft, "--at", "tomorrow"), 2, "is not a time")
    later = run_cli("draft", "release", draft, "--at", "2999-01-01T00:00Z")
    one_line_error(later, 1, "a release can be scheduled at most 30 days ahead")
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    scheduled = run_cli("draft", "release", draft, "--at", at.isoformat(), "--json")
    assert scheduled.code == 0, scheduled.err
    assert scheduled.json()["state"] == "scheduled"
    assert scheduled.json()["scheduled_for"] == iso_utc(at)
    listed = run_cli("draft", "list", incident)
    assert f"(goes out {at:%Y-%m-%d %H:%M}Z)" in listed.out
    rows = run_cli("draft", "show", draft, "--json").json()["deliveries"]
    assert {r["state"] for r in rows} == {"queued"}
    window = run_cli("incident", "approval-window", incident, "0.5", "--json")
    assert window.code == 0, window.err
    assert window.json()["approval_window_minutes"] == 30
    one_line_error(run_cli("incident", "approval-window", incident, "0"), 2, "positive")
    one_line_error(run_cli("incident", "approval-window", incident, "1000"), 1, "between 1 minute")
    log = run_cli("--json", "log", "list", incident).json()
    assert log[-1]["data"] == {
        "event": "incident.updated",
        "set": {"approval_window_minutes": 30},
    }
