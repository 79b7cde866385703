"""The timeline's search box on both databases: the full-text index, "N of M", Escape, marks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from sqlalchemy import event

from warroom.domain.timeline import EntryKind
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.timeline import search_text
from warroom.ui.timeline.highlight import TINT_ALPHA
from warroom.ui.timeline.model import HIGHLIGHT_ROLE
from warroom.ui.timeline.pane import TimelinePane
from warroom.ui.timeline.presentation import COL_AUTHOR, COL_TEXT

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

ENTRIES = [
    ("Gateway returns 502 for card payments", EntryKind.NOTE),
    ("Checkout outage confirmed in the EU region", EntryKind.NOTE),
    ("Rolled back the gateway config", EntryKind.ACTION),
    ("Le Café du coin a payé deux fois", EntryKind.INBOUND),
    ("Outages page updated", EntryKind.STATUS),
]
ALL = len(ENTRIES) + 1  # and "Incident opened"


@pytest.fixture
def incident_id(services: Any, clock: Any) -> int:
    incident = services.incidents.open("Checkout down", 2, "alice")
    for text, kind in ENTRIES:
        clock.advance(minutes=1)
        services.timeline.add(incident.id, text, "bob", kind)
    return int(incident.id)


@pytest.fixture
def pane(qtbot: Any, services: Any, runner: TaskRunner, incident_id: int) -> Iterator[TimelinePane]:
    widget = TimelinePane(services.timeline, runner, "carol")
    widget.resize(900, 400)
    widget.show()
    widget.set_incident(incident_id)
    qtbot.waitUntil(lambda: runner.is_idle() and widget.model.rowCount() == ALL)
    yield widget
    qtbot.waitUntil(runner.is_idle)
    widget.close()
    widget.deleteLater()


def settled(pane: TimelinePane, runner: TaskRunner) -> bool:
    bar = pane.search_bar
    return (
        runner.is_idle()
        and not pane.model.is_loading()
        and not bar.counter.is_counting()
        and not bar._timer.isActive()
    )


def type_search(qtbot: Any, pane: TimelinePane, runner: TaskRunner, typed: str) -> list[str]:
    """Type into the box as a person does, wait for the pause and the reads: the texts shown."""
    pane.search.clear()
    qtbot.keyClicks(pane.search, typed)
    qtbot.waitUntil(lambda: settled(pane, runner), timeout=5000)
    return [pane.model.entry_at(row).text for row in range(pane.model.rowCount())]


def test_words_match_in_any_order(qtbot: Any, pane: TimelinePane, runner: TaskRunner) -> None:
    assert type_search(qtbot, pane, runner, "payments gateway") == [ENTRIES[0][0]]
    assert pane.search_count.text() == f"1 of {ALL}"
    assert pane.search_count.isVisible()


def test_the_last_word_is_searched_as_a_prefix_while_typing(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    assert type_search(qtbot, pane, runner, "outa") == [ENTRIES[1][0], ENTRIES[4][0]]
    assert pane.search_count.text() == f"2 of {ALL}"
    # A space after the word: the whole word only ("outage", not "outages").
    assert type_search(qtbot, pane, runner, "outage ") == [ENTRIES[1][0]]
    # A star typed by the person is theirs: no second guess.
    assert type_search(qtbot, pane, runner, "gate*") == [ENTRIES[0][0], ENTRIES[2][0]]


def test_a_phrase_keeps_its_words_together_and_in_order(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    assert type_search(qtbot, pane, runner, '"gateway config"') == [ENTRIES[2][0]]
    assert type_search(qtbot, pane, runner, '"config gateway"') == []
    assert pane.search_count.text() == "no matches"


def test_accents_and_case_do_not_matter(qtbot: Any, pane: TimelinePane, runner: TaskRunner) -> None:
    assert type_search(qtbot, pane, runner, "CAFE paye") == [ENTRIES[3][0]]
    spans = pane.model.index(0, COL_TEXT).data(HIGHLIGHT_ROLE)
    assert [ENTRIES[3][0][start:end] for start, end in spans] == ["Café", "payé"]


def test_the_box_reads_through_the_full_text_index(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any
) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        type_search(qtbot, pane, runner, "gateway")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    searches = [s for s in statements if "search_timeline" in s]
    assert len(searches) >= 2  # the page and the count
    index_test = "MATCH" if services.db.is_sqlite else "to_tsquery"
    assert all(index_test in s for s in searches)
    assert not any("LIKE" in s.upper() for s in statements)


def test_escape_clears_then_leaves(qtbot: Any, pane: TimelinePane, runner: TaskRunner) -> None:
    pane.activateWindow()
    pane.find_action.trigger()  # Ctrl+F
    assert pane.focusWidget() is pane.search
    assert type_search(qtbot, pane, runner, "gateway") == [ENTRIES[0][0], ENTRIES[2][0]]

    qtbot.keyClick(pane.search, Qt.Key.Key_Escape)
    assert pane.search.text() == ""
    assert pane.model.current_filter.search == ""  # at once, no pause
    qtbot.waitUntil(lambda: settled(pane, runner))
    assert pane.model.rowCount() == ALL
    assert not pane.search_count.isVisible() and pane.search_count.text() == ""
    assert pane.focusWidget() is pane.search  # the first Escape only clears

    qtbot.keyClick(pane.search, Qt.Key.Key_Escape)
    assert pane.focusWidget() is pane.view


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("***", "Put * right after a word, like outa*"),
        ('"', 'Type a phrase between the quotes, like "card declined"'),
        ("?! ;", "Type letters or digits: punctuation alone is not searched"),
    ],
)
def test_an_unsearchable_box_shows_a_hint_and_the_whole_timeline(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, typed: str, hint: str
) -> None:
    failures: list[str] = []
    runner.task_failed.connect(failures.append)
    pane.model.load_failed.connect(failures.append)
    pane.status_message.connect(failures.append)
    type_search(qtbot, pane, runner, "gateway")
    assert pane.model.rowCount() == 2
    assert len(type_search(qtbot, pane, runner, typed)) == ALL
    assert pane.search_count.text() == hint
    assert pane.search_count.isVisible()
    assert pane.search.accessibleDescription() == hint
    assert failures == []


def test_an_unclosed_quote_searches_the_phrase_and_says_so(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    assert type_search(qtbot, pane, runner, '"checkout outage') == [ENTRIES[1][0]]
    assert pane.search_count.text() == f"1 of {ALL} · The quote is not closed"


def test_the_count_follows_the_kind_filter_and_new_entries(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any, incident_id: int
) -> None:
    type_search(qtbot, pane, runner, "gateway")
    assert pane.search_count.text() == f"2 of {ALL}"
    assert pane.search_count.accessibleDescription() == f"2 entries match, of {ALL}"
    pane.kind_filter.setCurrentIndex(pane.kind_filter.findText("Action"))
    qtbot.waitUntil(lambda: settled(pane, runner))
    assert pane.search_count.text() == f"1 of {ALL}"
    pane.kind_filter.setCurrentIndex(0)
    services.timeline.add(incident_id, "Gateway fixed", "bob")
    services.timeline.add(incident_id, "Unrelated", "bob")
    pane.refresh()  # what the window's change feed does
    qtbot.waitUntil(lambda: settled(pane, runner) and pane.model.rowCount() == 3)
    assert pane.search_count.text() == f"3 of {ALL + 2}"


def test_a_count_at_the_cap_says_so(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("warroom.storage.search_sql", "warroom.domain.search"):
        monkeypatch.setattr(f"{module}.COUNT_MAX", 1)
    monkeypatch.setattr(search_text, "COUNT_MAX", 1)
    type_search(qtbot, pane, runner, "gateway")
    assert pane.model.rowCount() == 2  # the rows are not capped, only the count
    assert pane.search_count.text() == f"1+ of {ALL}"


def test_marks_are_given_for_the_text_column_only(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    model = pane.model
    assert model.index(0, COL_TEXT).data(HIGHLIGHT_ROLE) == ()  # no search: nothing
    type_search(qtbot, pane, runner, "rolled gate")
    text = ENTRIES[2][0]
    spans = model.index(0, COL_TEXT).data(HIGHLIGHT_ROLE)
    assert [text[start:end] for start, end in spans] == ["Rolled", "gateway"]
    assert model.index(0, COL_AUTHOR).data(HIGHLIGHT_ROLE) == ()


def test_marks_skip_what_the_window_adds_to_a_correction(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any, incident_id: int
) -> None:
    original = pane.model.entry_at(3)
    services.timeline.correct(incident_id, original.id, "Correction: the gateway config", "bob")
    pane.refresh()
    qtbot.waitUntil(lambda: settled(pane, runner) and pane.model.rowCount() == ALL + 1)
    type_search(qtbot, pane, runner, "correction")
    shown = pane.model.index(0, COL_TEXT).data()
    assert shown.startswith("Correction of #")
    spans = pane.model.index(0, COL_TEXT).data(HIGHLIGHT_ROLE)
    assert [shown[start:end] for start, end in spans] == ["Correction"]
    assert spans[0][0] > 0  # the window's own "Correction of #4:" is not marked


def test_the_delegate_paints_the_marks_in_the_palette_tint(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    view = pane.view
    type_search(qtbot, pane, runner, "checkout")
    view.clearSelection()
    view.setCurrentIndex(pane.model.index(0, 0))
    view.clearSelection()
    cell = view.visualRect(pane.model.index(0, COL_TEXT))
    image = view.viewport().grab(cell).toImage()
    palette = view.palette()
    base, tint = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Highlight)
    share = TINT_ALPHA / 255
    expected = QColor(
        *(
            round(b * (1 - share) + t * share)
            for b, t in zip(base.getRgb()[:3], tint.getRgb()[:3], strict=True)
        )
    )

    def near(colour: QColor) -> bool:
        return all(
            abs(a - b) <= 3 for a, b in zip(colour.getRgb()[:3], expected.getRgb()[:3], strict=True)
        )

    tinted = sum(
        near(image.pixelColor(x, y)) for x in range(image.width()) for y in range(image.height())
    )
    assert tinted > 20  # the band behind "Checkout"
    pane.search.clear()
    qtbot.waitUntil(lambda: settled(pane, runner))
    row = pane.model.rowCount() - 4  # the same entry, now without a search
    assert pane.model.entry_at(row).text == ENTRIES[1][0]
    plain = view.viewport().grab(view.visualRect(pane.model.index(row, COL_TEXT))).toImage()
    assert not any(
        near(plain.pixelColor(x, y)) for x in range(plain.width()) for y in range(plain.height())
    )


def test_the_model_passes_the_model_tester_while_searching(
    qtmodeltester: Any, qtbot: Any, pane: TimelinePane, runner: TaskRunner
) -> None:
    type_search(qtbot, pane, runner, "gate")
    qtmodeltester.check(pane.model, force_py=True)
    qtmodeltester.check(pane.model)


def test_a_search_follows_the_incident_shown(
    qtbot: Any, pane: TimelinePane, runner: TaskRunner, services: Any
) -> None:
    type_search(qtbot, pane, runner, "gateway")
    other = services.incidents.open("Gateway maintenance", 3, "alice")
    pane.set_incident(other.id)
    qtbot.waitUntil(lambda: settled(pane, runner))
    shown = [pane.model.entry_at(row).text for row in range(pane.model.rowCount())]
    assert shown == ["Incident opened: Gateway maintenance (SEV3)"]
    assert pane.search_count.text() == "1 of 1"
    pane.set_incident(None)
    qtbot.waitUntil(lambda: settled(pane, runner))
    assert pane.search_count.text() == ""  # no incident: no count promised
