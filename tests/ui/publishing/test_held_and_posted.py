"""Held rows are confirmed or withdrawn in the Outbox dialog; a released statement can be
recorded as posted by hand; released-but-queued is shown as queued, and the clocks agree."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.sync.conftest import release
from tests.ui.conftest import WAIT_MS
from warroom.domain.outbox import DeliveryState
from warroom.ui.publishing.outbox_dialog import OutboxDialog
from warroom.ui.publishing.posted_dialog import PostedDialog, install_posted_action
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _held_rows(services: Any, clock: Any) -> list[Any]:
    """Two statements released while offline, held once the channel is back (unreachable
    here, so the channel is 'configured' with a port nobody listens on)."""
    from warroom.domain.channels import ChannelKind

    incident = services.incidents.open("Checkout outage", 3, "alice").id
    rows = [release(services, incident, ["webhook"], t)[0] for t in ("Old news.", "Older.")]
    clock.advance(minutes=45)
    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": "http://127.0.0.1:9/hook"}, ""
    )
    delivery = services.new_delivery()
    report = delivery.run_once()
    delivery.close()
    assert report.held == [row.id for row in rows]
    return rows


def test_a_held_row_is_confirmed_or_withdrawn_from_the_dialog(
    qtbot: Any, services: Any, clock: Any, runner: TaskRunner
) -> None:
    first, second = _held_rows(services, clock)
    dialog = OutboxDialog(services.delivery, runner, lambda: "Dana Reyes", holds=services.holds)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.refresh()
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    assert dialog.model.rowCount() == 2
    dialog.select_row(first.id)
    assert dialog.confirm_button.isEnabled() and dialog.withdraw_button.isEnabled()
    assert not dialog.resend_button.isEnabled() and not dialog.mark_button.isEnabled()
    assert dialog.model.index(0, 3).data() == "held"
    assert "hold window" in dialog.model.index(0, 5).data()
    dialog.confirm()
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    confirmed = next(r for r in services.channels.outbox() if r.id == first.id)
    assert confirmed.state is DeliveryState.QUEUED and confirmed.confirmed_by == "Dana Reyes"
    assert "confirmed" in dialog.result_label.text()
    dialog.select_row(second.id)
    dialog.withdraw()
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    withdrawn = next(r for r in services.channels.outbox() if r.id == second.id)
    assert withdrawn.state is DeliveryState.WITHDRAWN
    assert dialog.model.rowCount() == 0


def test_posted_by_hand_from_the_window_makes_the_statement_public(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    wait_loaded: Any,
    services: Any,
    clock: Any,
) -> None:
    incident = services.incidents.open("Checkout outage", 3, "Dana Reyes")
    (row,) = release(services, incident.id, ["mastodon"], "We are investigating.")
    clock.advance(minutes=10)
    window = make_window(incident_id=incident.id)
    posted = install_posted_action(window, services.publication, window.runner, clock)
    wait_loaded(window)
    window.drafts.select_statement(row.statement_id)
    qtbot.waitUntil(posted.action.isEnabled, timeout=WAIT_MS)
    assert posted.action in window.statement_menu.actions()
    list_state = window.drafts.list_model.index(
        window.drafts.list_model.row_of(row.statement_id), 1
    ).data()
    assert list_state == "queued"  # released, but not public
    assert "queued, not public yet" in window.drafts.heading.text()
    cadence = window.clocks.last_clocks
    assert cadence is not None and cadence.last_public is None
    posted.action.trigger()
    dialog = posted.dialog
    assert isinstance(dialog, PostedDialog) and dialog.channel() == "mastodon"
    dialog.url_edit.setText("https://social.example/@acme/77")
    dialog.time_edit.setDateTime(dialog.time_edit.dateTime().addSecs(-300))
    dialog.accept()
    qtbot.waitUntil(
        lambda: services.incidents.clocks(incident.id).last_public is not None, timeout=WAIT_MS
    )
    public = services.incidents.clocks(incident.id).last_public
    assert public is not None and public.by_hand
    assert public.public_at == (clock.now - timedelta(minutes=5)).replace(microsecond=0)
    qtbot.waitUntil(
        lambda: (
            window.drafts.list_model.index(
                window.drafts.list_model.row_of(row.statement_id), 1
            ).data()
            == "public"
        ),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(
        lambda: (c := window.clocks.last_clocks) is not None and c.last_public is not None,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: not posted.action.isEnabled(), timeout=WAIT_MS)
    wait_loaded(window)
