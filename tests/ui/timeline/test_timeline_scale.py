"""A 100,000-entry incident opens on its newest page and scrolls back page by page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.bulk_timeline import seed_entries
from warroom.services import Services, build_services
from warroom.storage.database import open_database
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.timeline.model import PAGE_SIZE
from warroom.ui.timeline.presentation import COL_TEXT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only,  # the 100,000-entry file is built once, as SQLite
    pytest.mark.sqlite_only,  # its own 100,000-entry SQLite file, shared by the session
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
]

ENTRIES = 100_000


@pytest.fixture(scope="session")
def big_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a database with one incident of 100,000 entries (built once)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    url = f"sqlite:///{path}"
    db = open_database(url)
    try:
        incident = build_services(db).incidents.open("Huge incident", 2, "alice")
        seed_entries(db, incident.id, ENTRIES - 1, start=datetime(2026, 11, 1, tzinfo=UTC))
    finally:
        db.dispose()
    return url


@pytest.fixture
def big_services(big_db_url: str) -> Iterator[Services]:
    db = open_database(big_db_url)
    yield build_services(db)
    db.dispose()


def test_opens_on_the_newest_page_and_pages_back_when_scrolled_to_the_top(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    big_services: Services,
    qtbot: Any,
) -> None:
    window = make_window(services_=big_services)
    wait_loaded(window)
    pane, model, view = window.timeline, window.timeline.model, window.timeline.view
    assert model.rowCount() == PAGE_SIZE
    assert model.has_older()
    assert model.entry_at(model.rowCount() - 1).seq == ENTRIES
    last = model.index(model.rowCount() - 1, COL_TEXT)
    assert view.viewport().rect().intersects(view.visualRect(last))

    # Following the bottom must not drag in older pages.
    qtbot.wait(300)
    assert model.rowCount() == PAGE_SIZE

    # Scrolling to the top loads one older page above and keeps the same entries in view.
    top_seq = ENTRIES - PAGE_SIZE + 1
    view.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=10_000)
    wait_loaded(window)
    assert model.entry_at(0).seq == ENTRIES - 2 * PAGE_SIZE + 1
    first_visible = view.rowAt(0)
    assert model.entry_at(first_visible).seq == top_seq
    assert not pane.is_following()

    # Page back a few more times; each page costs one background read.
    for pages in range(3, 6):
        view.verticalScrollBar().setValue(0)
        qtbot.waitUntil(
            lambda n=pages: model.rowCount() == n * PAGE_SIZE,  # type: ignore[misc]
            timeout=10_000,
        )
    wait_loaded(window)

    # Back to the bottom: following again, the newest entry in view.
    view.scrollToBottom()
    qtbot.waitUntil(pane.is_following)
    big_services.timeline.add(1, "Still here after 100,000 entries", "bob")
    window.timeline.refresh()
    qtbot.waitUntil(lambda: model.entry_at(model.rowCount() - 1).seq == ENTRIES + 1, timeout=10_000)
    newest = model.index(model.rowCount() - 1, COL_TEXT)
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(newest)))


def test_search_across_100k_entries(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    big_services: Services,
    qtbot: Any,
) -> None:
    window = make_window(services_=big_services)
    wait_loaded(window)
    window.timeline.search.setText("Entry 77777:")
    window.timeline.search.returnPressed.emit()
    qtbot.waitUntil(lambda: window.timeline.model.rowCount() == 1, timeout=10_000)
    assert window.timeline.model.entry_at(0).seq == 77777
