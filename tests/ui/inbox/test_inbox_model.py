"""The inbox item model: lazy keyset pages, live changes in place, cells that stay plain text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from tests.support.bulk_inbox import START, seed_inbox
from tests.ui.inbox.conftest import WAIT_MS
from warroom.domain.changes import Area
from warroom.domain.inbox import Author, Heard, InboxFilter, InboxState, Suggestion
from warroom.storage import changes, inbox_repo, source_repo
from warroom.ui.inbox.filter_bar import WAITING
from warroom.ui.inbox.model import ITEM_ROLE, InboxModel
from warroom.ui.inbox.presentation import COL_PRIORITY, COL_TEXT, detail_text

NO_PARENT = QModelIndex()


def _wait_idle(qtbot: Any, model: InboxModel, runner: Any) -> None:
    qtbot.waitUntil(lambda: not model.is_loading() and runner.is_idle(), timeout=WAIT_MS)


def _ids(model: InboxModel) -> list[int]:
    return [model.index(row, 0).data(ITEM_ROLE).id for row in range(model.rowCount())]


def _hear(services: Any, text: str, minutes: int, source: str = "mail") -> int:
    with services.db.transaction() as session:
        found = source_repo.by_name(session, source)
        heard = Heard(f"late-{text}", text, START + timedelta(minutes=minutes), Author("late"))
        (item,) = inbox_repo.add_heard(session, found, [(heard, Suggestion(2))], START)
        changes.record(session, None, Area.INBOX)
    return item.id


def test_pages_load_lazily_and_the_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, services: Any, runner: Any
) -> None:
    seed_inbox(services.db, services, 230, answered_every=0)
    expected = [i.id for i in services.inbox.items(limit=None)]
    model = InboxModel(services.inbox, runner, page_size=100)
    assert model.rowCount() == 0 and not model.canFetchMore(NO_PARENT)
    assert model.reads == 0  # nothing is read before a filter is set

    model.set_filter(InboxFilter())
    _wait_idle(qtbot, model, runner)
    assert _ids(model) == expected[:100] and model.canFetchMore(NO_PARENT)
    assert model.total == 230
    model.fetchMore(NO_PARENT)
    _wait_idle(qtbot, model, runner)
    model.fetchMore(NO_PARENT)
    _wait_idle(qtbot, model, runner)
    assert _ids(model) == expected and not model.canFetchMore(NO_PARENT)
    assert model.reads == 3  # one per page (the count rides on the runner, not a page)

    checked = InboxModel(services.inbox, runner, page_size=40)
    qtmodeltester.check(checked)  # it keeps checking every change below (and fetches more)
    checked.set_filter(InboxFilter())
    for _ in range(8):
        _wait_idle(qtbot, checked, runner)
        checked.fetchMore(NO_PARENT)
    _wait_idle(qtbot, checked, runner)
    assert _ids(checked) == expected
    qtmodeltester.check(checked)


def test_live_changes_insert_remove_and_update_rows_in_place(
    qtbot: Any, qtmodeltester: Any, services: Any, runner: Any
) -> None:
    seed_inbox(services.db, services, 120, answered_every=0)
    model = InboxModel(services.inbox, runner, page_size=50)
    qtmodeltester.check(model)
    model.set_filter(InboxFilter(states=WAITING))
    while model.canFetchMore(NO_PARENT) or model.is_loading():  # the tester fetches too
        _wait_idle(qtbot, model, runner)
        model.fetchMore(NO_PARENT)
    _wait_idle(qtbot, model, runner)
    chosen = QPersistentModelIndex(model.index(10, 0))
    chosen_id = chosen.data(ITEM_ROLE).id
    gone, changed = _ids(model)[3], _ids(model)[20]
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))

    services.inbox.triage(gone, "alice", state=InboxState.HANDLED)
    services.inbox.triage(changed, "alice", priority=1)
    newest = _hear(services, "brand new", minutes=60 * 24)
    older = _hear(services, "older than all", minutes=-60)
    model.refresh()
    _wait_idle(qtbot, model, runner)

    ids = _ids(model)
    assert ids[0] == newest and ids[-1] == older and gone not in ids
    assert len(ids) == 121
    assert chosen.isValid() and chosen.data(ITEM_ROLE).id == chosen_id  # it moved with its item
    assert chosen.row() == 10  # one above it left, one came in at the top
    row = model.row_of(changed)
    assert model.index(row, COL_PRIORITY).data() == "P1"
    assert not resets  # in place, never a reset
    assert model.total == 121  # 120 waiting - 1 handled + 2 new
    assert not model.has_more()


def test_a_flood_of_new_items_reloads_the_first_page(
    qtbot: Any, services: Any, runner: Any
) -> None:
    seed_inbox(services.db, services, 30, answered_every=0)
    model = InboxModel(services.inbox, runner, page_size=100)
    model.set_filter(InboxFilter())
    _wait_idle(qtbot, model, runner)
    later = START + timedelta(days=1)
    seed_inbox(services.db, services, 30, start=later, answered_every=0, prefix="b")
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    model.refresh()  # 30 new: inserted in place
    _wait_idle(qtbot, model, runner)
    assert model.rowCount() == 60 and not resets

    seed_inbox(services.db, services, 600, start=later, answered_every=0, prefix="c")
    model.refresh()  # 600 new: more than one refresh sends, so the first page is read again
    _wait_idle(qtbot, model, runner)
    assert resets and model.rowCount() == 100 and model.total == 660
    assert _ids(model) == [i.id for i in services.inbox.items(limit=100)]


def test_cells_say_suggested_or_decided_and_outside_text_stays_plain(
    qtbot: Any, services: Any, runner: Any
) -> None:
    seed_inbox(services.db, services, 3, answered_every=0)
    html = "<b>Refund</b> now <img src=x onerror=alert(1)>\nsecond line"
    _hear(services, html, minutes=60 * 24)
    model = InboxModel(services.inbox, runner)
    model.set_filter(InboxFilter())
    _wait_idle(qtbot, model, runner)
    item = model.index(0, 0).data(ITEM_ROLE)
    priority = model.index(0, COL_PRIORITY)
    assert priority.data() == f"P{item.suggestion.priority}?"
    assert priority.data(Qt.ItemDataRole.FontRole).italic()
    assert "Suggested P2, not decided yet" in priority.data(Qt.ItemDataRole.ToolTipRole)
    text = model.index(0, COL_TEXT).data()
    assert "\n" not in text and text.startswith("<b>Refund</b> now")  # shown as typed
    author_tip = model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert author_tip.startswith("<qt>") and "<b>" not in author_tip.removeprefix("<qt>")
    assert detail_text(item).endswith(html)

    services.inbox.triage(item.id, "alice", priority=3)
    model.refresh()
    _wait_idle(qtbot, model, runner)
    assert model.index(0, COL_PRIORITY).data() == "P3"
    assert not model.index(0, COL_PRIORITY).data(Qt.ItemDataRole.FontRole)
    tip = model.index(0, COL_PRIORITY).data(Qt.ItemDataRole.ToolTipRole)
    assert "P3, set by a person (suggested P2" in tip
