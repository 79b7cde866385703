"""One write, one refresh: the change feed names what changed and only those panes re-read.

Reads are counted where every read use case starts (``Database.reading``); looks at the
change feed are counted apart, since on a team server the server's NOTIFY may add a look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from warroom.domain.incidents import Incident
from warroom.services import Services, build_services
from warroom.storage.database import open_database
from warroom.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

WAIT_MS = 10_000
Make = Callable[..., MainWindow]


class Reads:
    """Counts read transactions and looks at the change feed of one services object."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        self.looks = 0
        db: Any = services.db
        original = db.reading

        @contextmanager
        def reading() -> Iterator[Any]:
            self.total += 1
            with original() as session:
                yield session

        monkeypatch.setattr(db, "reading", reading)
        feed = services.changes
        since = feed.since

        def counted_since(seen: int) -> Any:
            self.looks += 1
            return since(seen)

        monkeypatch.setattr(feed, "since", counted_since)

    @property
    def data(self) -> int:
        """Return the reads that were not looks at the feed."""
        return self.total - self.looks


@pytest.fixture
def reads(services: Services, monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(services, monkeypatch)


@pytest.fixture
def elsewhere(db_url: str, services: Services) -> Iterator[Services]:
    """Return another workstation: its own engine on the same database."""
    db = open_database(db_url)
    yield build_services(db)
    db.dispose()


def _settled(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: window.runner.is_idle() and not window.timeline.model.is_loading(),
        timeout=WAIT_MS,
    )


def _texts(window: MainWindow) -> list[str]:
    model = window.timeline.model
    return [model.entry_at(row).text for row in range(model.rowCount())]


def test_an_entry_logged_elsewhere_is_one_read_of_the_timeline_only(
    make_window: Make,
    incident: Incident,
    elsewhere: Services,
    reads: Reads,
    qtbot: Any,
) -> None:
    window = make_window(incident_id=incident.id, poll_ms=3_600_000)
    qtbot.waitUntil(lambda: window.view_loader.view is not None, timeout=WAIT_MS)
    _settled(qtbot, window)
    drafts, checklist, views = (
        window.drafts.shown_views,
        window.checklist.shown_views,
        window.view_loader.reads,
    )
    reads.total = reads.looks = 0

    elsewhere.timeline.add(incident.id, "Logged on another workstation", "bob")
    window.look_for_changes()
    qtbot.waitUntil(lambda: "Logged on another workstation" in _texts(window), timeout=WAIT_MS)
    _settled(qtbot, window)

    assert reads.data == 1  # the timeline's new entries; no pane view, no incident list
    assert window.view_loader.reads == views
    assert (window.drafts.shown_views, window.checklist.shown_views) == (drafts, checklist)


def test_an_approval_in_the_window_refreshes_each_affected_pane_once(
    make_window: Make,
    services: Services,
    incident: Incident,
    reads: Reads,
    qtbot: Any,
) -> None:
    draft = services.statements.draft(
        incident.id, ["email"], "We are on it.", "alice", subject="Checkout"
    )
    services.statements.submit(draft.id, "alice")
    window = make_window("bob", incident_id=incident.id, poll_ms=3_600_000)
    qtbot.waitUntil(lambda: window.view_loader.view is not None, timeout=WAIT_MS)
    _settled(qtbot, window)
    pane = window.drafts
    pane.select_statement(draft.id)
    _settled(qtbot, window)
    assert pane.approve_action.isEnabled()
    drafts, checklist, views = (
        pane.shown_views,
        window.checklist.shown_views,
        window.view_loader.reads,
    )
    clock_loads: list[object] = []
    window.clocks.data_loaded.connect(lambda: clock_loads.append(None))
    reads.total = reads.looks = 0

    pane.approve_action.trigger()
    qtbot.waitUntil(
        lambda: "approved by bob" in " ".join(_texts(window)) and pane.shown_views == drafts + 1,
        timeout=WAIT_MS,
    )
    _settled(qtbot, window)

    assert window.view_loader.reads == views + 1  # one view for every pane
    assert reads.data == 2  # that view, and the timeline's new entry
    assert pane.shown_views == drafts + 1  # the drafts pane: once
    assert len(clock_loads) == 1  # the clocks: once (statements changed)
    assert window.checklist.shown_views == checklist  # the checklist: not at all
    assert "approved" in pane.heading.text()
    assert services.statements.get(draft.id).state.value == "approved"
