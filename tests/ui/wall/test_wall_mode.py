"""Wall mode (F11): full screen, the clocks large, the last public statement and its
channels, overdue items, inbound volume; refreshed by the change feed; Esc/F11 leave."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer

from tests.integration.sync.conftest import release
from warroom.domain.channels import ChannelKind
from warroom.domain.inbox import SourceKind
from warroom.domain.incidents import Incident
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.wall.board import WallBoard
from warroom.ui.wall.mode import WallMode, install_wall

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")
Make = Callable[..., MainWindow]
WAIT_MS = 10_000

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Reviews</title><language>en</language>
<item><guid>r1</guid><title>Awful</title><description>Payment failed twice. Terrible, I am
furious and want a refund!</description><pubDate>Mon, 23 Nov 2026 08:40:00 GMT</pubDate></item>
<item><guid>r2</guid><title>Thanks</title><description>Great and quick support, thank you.
</description><pubDate>Mon, 23 Nov 2026 08:50:00 GMT</pubDate></item>
</channel></rss>"""


def wall_for(window: MainWindow, services: Any, store: Any) -> WallMode:
    return install_wall(window, services.incidents, services.inbox, services.sources, store)


def settle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)


@pytest.fixture
def delivered(services: Any, httpserver: HTTPServer, incident: Incident) -> Any:
    """A statement delivered to a webhook (a real HTTP server), queued on mastodon."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": httpserver.url_for("/hook")}, ""
    )
    rows = release(services, incident.id, ["webhook", "mastodon"], "Card payments fail in the EU.")
    services.delivery.run_once()
    return rows[0].statement_id


def test_f11_shows_the_board_and_esc_leaves(
    make_window: Make,
    services: Any,
    store: Any,
    incident: Incident,
    delivered: int,
    clock: Any,
    qtbot: Any,
) -> None:
    clock.advance(minutes=20)  # the first-15-minutes items are overdue now
    window = make_window(incident_id=incident.id)
    wall = wall_for(window, services, store)
    settle(qtbot, window)
    assert wall.action.shortcut().toString() == "F11"
    assert wall.action in window.view_menu.actions()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    board = wall.board
    assert isinstance(board, WallBoard)
    assert board.isVisible() and board.isFullScreen()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: board.content is not None, timeout=WAIT_MS)

    assert board.statement.text() == "Card payments fail in the EU."
    assert f"#{delivered}, public at" in board.public_when.text()
    assert "webhook: delivered" in board.channels.text()
    assert (
        "mastodon: queued" in board.channels.text() or "mastodon: FAILED" in board.channels.text()
    )
    assert "late" in board.overdue.text() and "Confirm impact" in board.overdue.text()
    qtbot.waitUntil(lambda: board.inbound is not None, timeout=WAIT_MS)
    assert board.inbound_label.text() == "no sources"
    # The clocks are the bar's own, large: twice and more the board's text.
    value = board.clocks.age.value.font().pixelSize()
    assert value >= 2 * board.public_when.font().pixelSize() > 0
    assert board.clocks.age.value.text() != "—"

    # The change feed refreshes it: a ticked item leaves the overdue list.
    overdue = board.content.overdue if board.content else ()
    for item in overdue:
        services.checklist.done(incident.id, item.id, "alice")
    window.look_for_changes()
    qtbot.waitUntil(lambda: board.overdue.text() == "Nothing overdue.", timeout=WAIT_MS)

    board.activateWindow()
    qtbot.waitUntil(board.isActiveWindow)
    qtbot.keyClick(board, Qt.Key.Key_Escape)
    assert not board.isVisible()
    qtbot.waitUntil(window.isActiveWindow)  # back to the window
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert board.isVisible()
    board.activateWindow()
    qtbot.waitUntil(board.isActiveWindow)
    qtbot.keyClick(board, Qt.Key.Key_F11)
    assert not board.isVisible()
    settle(qtbot, window)


def test_released_but_queued_is_shown_as_queued_not_public(
    make_window: Make, services: Any, store: Any, incident: Incident, qtbot: Any
) -> None:
    release(services, incident.id, ["mastodon"], "We are investigating.")
    window = make_window(incident_id=incident.id)
    wall = wall_for(window, services, store)
    board = wall.enter(full_screen=False)
    qtbot.waitUntil(lambda: board.content is not None, timeout=WAIT_MS)
    assert board.statement.text() == "Nothing has been made public yet."
    assert board.waiting.isVisible()
    assert "not public yet" in board.waiting.text() and "queued on mastodon" in board.waiting.text()
    wall.leave()
    settle(qtbot, window)


def test_inbound_volume_of_the_last_hour(
    make_window: Make,
    services: Any,
    store: Any,
    incident: Incident,
    httpserver: HTTPServer,
    clock: Any,
    qtbot: Any,
) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    services.sources.configure(
        "reviews", SourceKind.FEED, {"url": httpserver.url_for("/rss"), "read_timeout": 5}, ""
    )
    assert services.inbox_pull.pull_once().added == 2
    window = make_window(incident_id=incident.id)
    wall = wall_for(window, services, store)
    board = wall.enter(full_screen=False)
    qtbot.waitUntil(lambda: board.inbound is not None, timeout=WAIT_MS)
    assert board.inbound is not None and board.inbound.count == 2
    assert board.inbound.negative_share == pytest.approx(0.5)
    assert board.inbound_label.text().startswith("2 in the last hour · 50% negative")
    # An hour later the wave has passed: a minute's refresh says so.
    clock.advance(minutes=61)
    wall.refresh_inbound()
    qtbot.waitUntil(lambda: board.inbound is not None and board.inbound.count == 0, timeout=WAIT_MS)
    wall.leave()
    settle(qtbot, window)


def test_the_board_text_grows_with_the_screen_and_zooms(
    make_window: Make, services: Any, store: Any, incident: Incident, qtbot: Any
) -> None:
    window = make_window(incident_id=incident.id)
    wall = wall_for(window, services, store)
    board = wall.enter(full_screen=False)
    board.resize(1280, 720)
    small = board.statement.font().pixelSize()
    board.resize(1920, 1080)
    large = board.statement.font().pixelSize()
    assert large > small
    assert large >= 30  # about 1/34 of the height, times 1.1: readable across a room
    board.zoom.step(1)
    assert board.statement.font().pixelSize() > large
    assert store.load().zoom["wall"] == 110
    wall.leave()
    settle(qtbot, window)
