"""The window listens: its sync worker pulls due sources while "Listen when online" is on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.inbound.fake_listening import FakeListening
from tests.ui.inbox.conftest import WAIT_MS, add_source
from warroom.domain.inbox import SourceKind
from warroom.services.preferences import PreferencesStore
from warroom.ui.publishing.sync_setup import SyncController, install_publishing

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def publishing(services: Any, store: PreferencesStore) -> Iterator[Callable[[Any], SyncController]]:
    """Return a function adding publishing with listening to a window; stops every worker."""
    controllers: list[SyncController] = []

    def install(window: Any) -> SyncController:
        controller = install_publishing(
            window, services, store, poll_seconds=0.2, listen=services.new_inbox_pull
        )
        controllers.append(controller)
        return controller

    yield install
    for controller in controllers:
        controller.stop()
        assert not controller.is_running()


def test_the_worker_pulls_sources_into_the_inbox_and_listening_off_is_remembered(
    qtbot: Any,
    services: Any,
    clock: Any,
    store: PreferencesStore,
    listening: FakeListening,
    inbox_window: Callable[..., Any],
    publishing: Callable[[Any], SyncController],
) -> None:
    store.save(store.load().with_auto_publish(False))  # listening alone keeps the worker
    add_source(services, listening, interval=10)
    listening.mention("The app is down, I want a refund")
    window, inbox = inbox_window()
    controller = publishing(window)
    assert controller.listen_action is not None and controller.listen_action.isChecked()
    texts = [a.text() for a in window.tools_menu.actions() if a.text()]
    assert "&Listen when online" in texts
    assert controller.is_listening() and not controller.is_publishing()

    pane = inbox.pane
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=WAIT_MS)
    assert pane.model.item_at(0).text == "The app is down, I want a refund"
    assert services.sources.get("masto").last_pulled_at is not None

    controller.listen_action.trigger()  # off: with publishing off too, the worker stops
    assert not controller.is_running()
    assert store.load().listen is False
    listening.mention("Nobody hears this one")
    clock.advance(seconds=11)  # the source is due again (every 10 s)
    qtbot.wait(600)
    assert services.inbox.count() == 1

    controller.set_auto_publish(True)  # publishing alone: delivers, does not pull
    assert controller.is_publishing() and not controller.is_listening()
    qtbot.wait(600)
    assert services.inbox.count() == 1
    controller.set_listening(True)  # both: one worker pulls after each delivery pass
    assert controller.is_publishing() and controller.is_listening()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=WAIT_MS)
    assert store.load().listen is True


def test_a_source_that_fails_says_so_in_the_status_bar(
    qtbot: Any,
    services: Any,
    store: PreferencesStore,
    inbox_window: Callable[..., Any],
    publishing: Callable[[Any], SyncController],
) -> None:
    services.sources.configure(
        "down", SourceKind.FEED, {"url": "http://127.0.0.1:9/feed", "connect_timeout": 0.5}, None
    )
    window, _inbox = inbox_window()
    said: list[str] = []
    window.status.messageChanged.connect(said.append)
    publishing(window)
    qtbot.waitUntil(lambda: services.sources.get("down").last_error != "", timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any(text.startswith("Listening: down: 0 new; error: ") for text in said),
        timeout=WAIT_MS,
    )
