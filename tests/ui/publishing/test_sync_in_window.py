"""Publishing in the window: the worker thread delivers, the status bar follows, off is off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.sync.conftest import MASTODON_TOKEN, release
from tests.integration.sync.fakes import FakeSocial
from warroom.domain.channels import ChannelKind
from warroom.services.context import ServiceContext
from warroom.services.delivery import DeliveryService
from warroom.services.preferences import PreferencesStore
from warroom.ui.publishing.sync_setup import SyncController, install_publishing
from warroom.ui.shell.main_window import MainWindow

#: The offscreen platform says this whenever a window is shown or resized; not our problem.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
WAIT_MS = 15_000


@pytest.fixture
def social() -> Iterator[FakeSocial]:
    with FakeSocial(token=MASTODON_TOKEN) as server:
        yield server


@pytest.fixture
def mastodon(services: Any, social: FakeSocial) -> Any:
    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": social.url, "read_timeout": 2}, MASTODON_TOKEN
    )
    return services


@pytest.fixture
def publish(
    qtbot: Any,
    services: Any,
    clock: Any,
    store: PreferencesStore,
    make_window: Callable[..., MainWindow],
) -> Iterator[Callable[..., tuple[MainWindow, SyncController]]]:
    """Return a function building a window with publishing; teardown stops every worker."""
    controllers: list[SyncController] = []

    def make(**kwargs: Any) -> tuple[MainWindow, SyncController]:
        window = make_window(**kwargs)
        controller = install_publishing(window, services, store, poll_seconds=0.2)
        controllers.append(controller)
        return window, controller

    yield make
    for controller in controllers:
        controller.stop()
        assert not controller.is_running()


def _incident(services: Any) -> int:
    return int(services.incidents.open("Checkout outage", 3, "alice").id)


def _timeline_texts(window: MainWindow) -> list[str]:
    model = window.timeline.model
    return [model.entry_at(row).text for row in range(model.rowCount())]


def test_the_worker_delivers_a_released_statement_once_and_the_window_follows(
    qtbot: Any, mastodon: Any, social: FakeSocial, publish: Any
) -> None:
    incident = _incident(mastodon)
    window, controller = publish(incident_id=incident)
    assert controller.is_running()
    assert window.findChild(object, "channelIndicator") is controller.indicator

    (row,) = release(mastodon, incident, ["mastodon"], "We are investigating checkout errors.")

    qtbot.waitUntil(lambda: len(social.statuses) == 1, timeout=WAIT_MS)
    url = social.statuses[0]["url"]
    qtbot.waitUntil(lambda: any(url in text for text in _timeline_texts(window)), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.status.outbox_label.property("depth") == 0, timeout=WAIT_MS)
    assert window.status.outbox_label.text() == "Outbox: 0"
    qtbot.waitUntil(
        lambda: controller.indicator.states.get("mastodon") == "online", timeout=WAIT_MS
    )
    assert "mastodon" in controller.indicator.labels["mastodon"].text()
    assert "email" not in controller.indicator.labels  # not configured: not shown
    assert mastodon.channels.outbox(statement_id=row.statement_id)[0].remote_url == url
    qtbot.wait(600)  # a few more passes: still exactly one post
    assert social.create_calls == 1
    assert len(social.statuses) == 1


def test_an_unreachable_channel_shows_offline_and_the_row_waits(
    qtbot: Any, services: Any, publish: Any
) -> None:
    services.channel_setup.configure(
        "mastodon",
        ChannelKind.MASTODON,
        {"url": "http://127.0.0.1:9", "connect_timeout": 0.5},
        MASTODON_TOKEN,
    )
    incident = _incident(services)
    window, controller = publish(incident_id=incident)
    release(services, incident, ["mastodon"], "Checkout is slow.")

    qtbot.waitUntil(
        lambda: controller.indicator.states.get("mastodon") == "offline", timeout=WAIT_MS
    )
    assert "offline" in controller.indicator.labels["mastodon"].toolTip()
    qtbot.waitUntil(lambda: window.status.outbox_label.property("depth") == 1, timeout=WAIT_MS)


def test_publishing_off_sends_nothing_and_is_remembered(
    qtbot: Any,
    mastodon: Any,
    social: FakeSocial,
    store: PreferencesStore,
    publish: Any,
) -> None:
    incident = _incident(mastodon)
    window, controller = publish(incident_id=incident)
    assert controller.auto_action.isChecked()
    controller.auto_action.trigger()  # off

    assert not controller.is_running()
    assert store.load().auto_publish is False
    assert controller.indicator.publishing_label.text() == "Publishing off"
    release(mastodon, incident, ["mastodon"], "Nothing should leave.")
    qtbot.waitUntil(lambda: window.status.outbox_label.property("depth") == 1, timeout=WAIT_MS)
    qtbot.wait(800)
    assert social.requests == []
    assert mastodon.channels.outbox_depth() == 1

    # The next window starts with publishing off too; turning it on delivers.
    second_window, second = publish(incident_id=incident)
    assert not second.auto_action.isChecked()
    assert not second.is_running()
    second.auto_action.trigger()  # on
    assert second.is_running()
    qtbot.waitUntil(lambda: len(social.statuses) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: second_window.status.outbox_label.property("depth") == 0, timeout=WAIT_MS
    )
    assert store.load().auto_publish is True


def test_closing_the_window_stops_the_worker(qtbot: Any, mastodon: Any, publish: Any) -> None:
    window, controller = publish()
    worker = controller.worker
    assert worker is not None and worker.isRunning()
    window.close()
    assert controller.worker is None
    assert worker.isFinished()


def test_the_tools_menu_opens_channels_and_outbox(qtbot: Any, mastodon: Any, publish: Any) -> None:
    window, controller = publish()
    texts = [a.text() for a in window.tools_menu.actions() if a.text()]
    assert texts[:3] == ["&Channels…", "&Outbox…", "&Publish automatically when online"]
    assert controller.channels_action.shortcut().toString() == "Ctrl+Shift+C"

    controller.channels_action.trigger()
    dialog = controller.channels_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4, timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: controller.channels_dialog is None, timeout=WAIT_MS)

    controller.outbox_action.trigger()
    outbox = controller.outbox_dialog
    assert outbox is not None and outbox.isVisible()
    qtbot.waitUntil(lambda: "Nothing needs a person" in outbox.summary.text(), timeout=WAIT_MS)
    outbox.reject()
    qtbot.waitUntil(lambda: controller.outbox_dialog is None, timeout=WAIT_MS)


def test_a_permanent_error_stops_the_row_with_its_reason_on_the_statement(
    qtbot: Any, mastodon: Any, social: FakeSocial, publish: Any
) -> None:
    incident = _incident(mastodon)
    window, controller = publish(incident_id=incident)
    social.fault("POST", "/api/v1/statuses", "401")
    (row,) = release(mastodon, incident, ["mastodon"], "Checkout is back.")

    qtbot.waitUntil(
        lambda: mastodon.channels.outbox(statement_id=row.statement_id)[0].state.value == "failed",
        timeout=WAIT_MS,
    )
    failed = mastodon.channels.outbox(statement_id=row.statement_id)[0]
    assert failed.last_error
    pane: Any = window.drafts_widget
    qtbot.waitUntil(lambda: pane.current_statement() is not None or window.runner.is_idle())
    qtbot.waitUntil(
        lambda: (
            pane.state.view is not None and any(s.deliveries for s in pane.state.view.statements)
        ),
        timeout=WAIT_MS,
    )
    pane.select_statement(row.statement_id)
    qtbot.waitUntil(
        lambda: "Delivery failed on mastodon" in pane.panel.reasons.text(), timeout=WAIT_MS
    )
    assert f"Delivery failed on mastodon: {failed.last_error}" in pane.panel.reasons.text()
    assert MASTODON_TOKEN not in pane.panel.reasons.text()
    qtbot.wait(600)
    assert social.statuses == []  # stopped, not retried

    controller.outbox_action.trigger()
    outbox = controller.outbox_dialog
    assert outbox is not None
    qtbot.waitUntil(lambda: outbox.model.rowCount() == 1, timeout=WAIT_MS)
    assert outbox.model.index(0, 5).data() == failed.last_error
    outbox.reject()


def test_a_missing_keychain_stalls_publishing_with_one_line_and_still_stops(
    qtbot: Any,
    mastodon: Any,
    clock: Any,
    store: PreferencesStore,
    make_window: Callable[..., MainWindow],
) -> None:
    from keyring.backends import fail

    from warroom.storage.secrets import NO_KEYCHAIN, SecretStore

    incident = _incident(mastodon)
    release(mastodon, incident, ["mastodon"], "Waiting for a keychain.")
    window = make_window(incident_id=incident)

    class NoKeychain:
        """The services, but every new worker gets a keychain that is not there."""

        channels, channel_setup, delivery = (
            mastodon.channels,
            mastodon.channel_setup,
            mastodon.delivery,
        )

        def new_delivery(self) -> DeliveryService:
            return DeliveryService(ServiceContext(mastodon.db, clock), SecretStore(fail.Keyring()))

    controller = install_publishing(window, NoKeychain(), store, poll_seconds=0.2)
    try:
        label = controller.indicator.publishing_label
        qtbot.waitUntil(lambda: label.text() == "Publishing stalled", timeout=WAIT_MS)
        assert label.toolTip() == f"Publishing stalled: {NO_KEYCHAIN}"
        assert mastodon.channels.outbox_depth() == 1
    finally:
        controller.stop()  # the worker waits 30 s before trying again; stop is immediate
    assert not controller.is_running()


def test_closing_a_dialog_before_its_read_is_back_is_harmless(
    qtbot: Any, mastodon: Any, publish: Any
) -> None:
    window, controller = publish()
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    for _ in range(3):
        controller.channels_action.trigger()
        assert controller.channels_dialog is not None
        controller.channels_dialog.reject()  # its channel list is still being read
        controller.outbox_action.trigger()
        assert controller.outbox_dialog is not None
        controller.outbox_dialog.reject()
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    qtbot.wait(50)  # deleteLater and late results: no exception in the event loop
    assert controller.channels_dialog is None and controller.outbox_dialog is None
