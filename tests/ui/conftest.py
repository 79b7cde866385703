"""Fixtures for window tests: a runner that leaves no thread behind, a built window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyleFactory

from warroom.domain.incidents import Incident
from warroom.services.preferences import Identity, PreferencesStore
from warroom.ui.shell.change_poller import ChangePoller
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.theme import ThemeController
from warroom.ui.shell.view_loader import IncidentViewLoader

WAIT_MS = 10_000  # generous: CI machines are shared


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    """Return a TaskRunner; teardown waits for it and checks no task is left running."""
    task_runner = TaskRunner()
    yield task_runner
    qtbot.waitUntil(task_runner.is_idle, timeout=WAIT_MS)
    assert task_runner.shutdown()


class Live:
    """The change feed and the shared incident view, wired as the window wires them, for
    panes tested on their own: a pane's ``wrote`` makes the poller look at the feed, and
    what it finds reloads the view the pane renders."""

    def __init__(self, services: Any, runner: TaskRunner) -> None:
        self.poller = ChangePoller(services.changes, runner, interval_ms=3_600_000)
        self.loader = IncidentViewLoader(services.views.incident, runner)
        self.poller.changed.connect(self.loader.follow)
        self.poller.poll()  # the first look: later looks report what changed after it

    def show(self, incident_id: int | None, actor: str) -> None:
        """Keep ``incident_id``'s view, judged for ``actor``."""
        self.loader.show(incident_id, actor)

    def follow(self, pane: Any) -> None:
        """Let ``pane``'s writes reach the feed, as in the window."""
        pane.wrote.connect(self.poller.poll)


@pytest.fixture
def live(qtbot: Any, services: Any, runner: TaskRunner) -> Iterator[Live]:
    """Return the feed and the shared view for a pane tested on its own."""
    wired = Live(services, runner)
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    yield wired
    wired.poller.stop()


@pytest.fixture
def theme(qapp: Any) -> Iterator[ThemeController]:
    """Return the application's theme controller; its look is put back afterwards."""
    style, palette, sheet = qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet()
    controller = ThemeController(qapp)
    yield controller
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    original = QStyleFactory.create(style)
    if original is not None:
        qapp.setStyle(original)


@pytest.fixture
def incident(services: Any) -> Incident:
    """Return a SEV3 incident (one approval releases) opened from the service-outage playbook,
    which brings two unfilled template drafts (#1, #2) and a ten-item checklist."""
    opened: Incident = services.incidents.open(
        "Checkout down", 3, "alice", playbook_key="service-outage"
    )
    return opened


@pytest.fixture
def store(isolated_environment: Path) -> PreferencesStore:
    """Return the preferences store of the test's own data dir."""
    return PreferencesStore(isolated_environment / "preferences.json")


@pytest.fixture
def make_window(
    qtbot: Any, services: Any, runner: TaskRunner, store: PreferencesStore
) -> Iterator[Callable[..., MainWindow]]:
    """Return a function that builds, shows and starts a window on the test database."""
    built: list[MainWindow] = []

    def make(
        name: str = "Dana Reyes",
        role: str = "lead",
        *,
        incident_id: int | None = None,
        poll_ms: int = 1000,
        show: bool = True,
        services_: Any = None,
    ) -> MainWindow:
        window = MainWindow(
            services_ or services, runner, Identity(name, role), store, poll_ms=poll_ms
        )
        # Not qtbot.addWidget: pytest-qt would delete the window before this fixture's
        # teardown has waited for the runner, and late results would meet deleted widgets.
        built.append(window)
        if show:
            window.resize(1400, 850)
            window.show()
        window.start(incident_id)
        qtbot.waitUntil(lambda: window.current_incident() is not None or runner.is_idle())
        return window

    yield make
    for window in built:
        window.stop()
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    for window in built:
        window.close()
        window.deleteLater()
    qtbot.wait(1)


@pytest.fixture
def wait_loaded(qtbot: Any) -> Callable[[MainWindow], None]:
    """Return a function that waits until every background read of a window is in."""

    def wait(window: MainWindow) -> None:
        qtbot.waitUntil(
            lambda: window.runner.is_idle() and not window.timeline.model.is_loading(),
            timeout=WAIT_MS,
        )

    return wait
