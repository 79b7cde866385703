"""The release preview says, per channel, what will happen before anything goes out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.statements import Statement, StatementState
from warroom.ui.drafts.release_preview import (
    ReleasePreviewDialog,
    plan_release,
    recipients_of,
    summary_text,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EMAIL = Channel(
    1, "email", ChannelKind.EMAIL, {"to": ["press@example.org", "ops@example.org"]}, True
)
MASTODON = Channel(2, "mastodon", ChannelKind.MASTODON, {}, False)
BLUESKY = Channel(3, "bsky-main", ChannelKind.BLUESKY, {"handle": "shop.example"}, True)
HOOK = Channel(4, "status", ChannelKind.WEBHOOK, {"url": "https://status.example/hook"}, True)


def _statement(text: str, *channels: Channel) -> Statement:
    return Statement(
        id=7,
        incident_id=1,
        channels=channels,
        subject="Checkout",
        text=text,
        state=StatementState.APPROVED,
        revision=3,
        author="alice",
        revision_author="alice",
        created_at=NOW,
        updated_at=NOW,
        version=5,
        next_update_by=NOW.replace(hour=10),
    )


def test_plan_says_configured_fit_and_recipients_per_channel() -> None:
    statement = _statement("Payments work again. 🎉", EMAIL, MASTODON, BLUESKY, HOOK)
    plans = {p.name: p for p in plan_release(statement, [EMAIL, MASTODON, BLUESKY, HOOK])}
    assert plans["email"].recipients == "to press@example.org, ops@example.org"
    assert plans["email"].maximum is None and plans["email"].fits
    assert not plans["mastodon"].configured
    assert "NOT configured" in plans["mastodon"].ready_text
    assert plans["mastodon"].recipients.startswith("not set yet")
    assert plans["bsky-main"].unit == "graphemes" and plans["bsky-main"].length == 22
    assert plans["bsky-main"].recipients == "as shop.example"
    assert plans["status"].recipients == "at https://status.example/hook"
    assert plans["status"].length_text.endswith("fits")


def test_fresh_channel_settings_win_over_the_statement_copy() -> None:
    statement = _statement("Hello", MASTODON)
    configured = replace(MASTODON, configured=True, settings={"handle": "@shop@social.example"})
    (plan,) = plan_release(statement, [configured])
    assert plan.configured and plan.recipients == "as @shop@social.example"


def test_too_long_text_is_called_out() -> None:
    statement = _statement("x" * 301, BLUESKY)
    (plan,) = plan_release(statement, [BLUESKY])
    assert not plan.fits and "TOO LONG" in plan.length_text
    assert "too long for: bsky-main" in summary_text(statement, [plan])


def test_recipients_handle_a_single_address() -> None:
    assert recipients_of(replace(EMAIL, settings={"to": "a@example.org"})) == "to a@example.org"


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_dialog_shows_the_plan_and_cancel_is_the_default(qtbot: Any, qtmodeltester: Any) -> None:
    statement = _statement("Payments work again.", EMAIL, MASTODON)
    dialog = ReleasePreviewDialog(statement, [EMAIL, MASTODON])
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 2
    assert dialog.model.index(1, 1).data() == "NOT configured: waits in the outbox"
    assert dialog.model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "2 channel(s): email, mastodon" in dialog.summary.text()
    assert "wait in the outbox: mastodon" in dialog.summary.text()
    assert "Subject: Checkout" in dialog.text.toPlainText()
    assert dialog.cancel_button.isDefault() and not dialog.release_button.isDefault()
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter must not publish
    assert dialog.result() == dialog.DialogCode.Rejected
