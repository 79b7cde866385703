"""Fixtures for the inbox in the window: a window with the inbox installed, a fake that speaks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.inbound.fake_listening import FakeListening
from tests.integration.sync.conftest import MASTODON_TOKEN
from warroom.domain.inbox import SourceKind
from warroom.ui.inbox.install import InboxController, install_inbox
from warroom.ui.shell.main_window import MainWindow

WAIT_MS = 15_000


@pytest.fixture
def listening() -> Iterator[FakeListening]:
    """A running fake Mastodon server with mentions to read."""
    with FakeListening(token=MASTODON_TOKEN) as server:
        yield server


def add_source(services: Any, server: FakeListening, name: str = "masto", **settings: Any) -> Any:
    """Configure a Mastodon source on the fake server."""
    return services.sources.configure(
        name,
        SourceKind.MASTODON,
        {"url": server.url, "read_timeout": 2, **settings},
        MASTODON_TOKEN,
    )


@pytest.fixture
def inbox_window(
    qtbot: Any, services: Any, make_window: Callable[..., MainWindow]
) -> Callable[..., tuple[MainWindow, InboxController]]:
    """Return a function building a window with the inbox, its tab shown and first page in."""

    def make(
        *args: Any, show_inbox: bool = True, **kwargs: Any
    ) -> tuple[MainWindow, InboxController]:
        window = make_window(*args, **kwargs)
        controller = install_inbox(window, services, services.incidents.today)
        if show_inbox:
            controller.focus_inbox()
            model = controller.pane.model
            qtbot.waitUntil(
                lambda: model.current_filter is not None and not model.is_loading(),
                timeout=WAIT_MS,
            )
        qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
        return window, controller

    return make
