"""The window shell: opening on a demo database, live refresh, switching, keyboard reach."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QTreeView, QWidget

from warroom.domain.incidents import Incident, Severity
from warroom.domain.timeline import EntryKind
from warroom.services.demo import load_demo
from warroom.services.preferences import Identity, PreferencesStore
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.timeline.model import ENTRY_ROLE
from warroom.ui.timeline.presentation import COL_TEXT

# The offscreen platform cannot resize to size hints, raise or grab the keyboard; harmless.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

Make = Callable[..., MainWindow]
WAIT_MS = 8000  # for waits that are not about the 2-second live refresh promise
Wait = Callable[[MainWindow], None]


@pytest.fixture
def demo(services: Any, clock: Any) -> Incident:
    incident: Incident = load_demo(services.db, now=clock())
    return incident


def texts(window: MainWindow) -> list[str]:
    model = window.timeline.model
    return [model.index(row, COL_TEXT).data(ENTRY_ROLE).text for row in range(model.rowCount())]


def test_opens_on_the_demo_with_timeline_clocks_and_status_bar(
    make_window: Make, wait_loaded: Wait, demo: Incident, services: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    assert window.current_incident() is not None
    assert window.current_incident().id == demo.id  # type: ignore[union-attr]
    view = window.findChild(QTableView, "timelineView")
    assert view is not None and view.isVisible()
    assert view.model().rowCount() == demo.entry_count
    assert window.findChild(QWidget, "clocksBar").isVisible()
    outbox = window.findChild(QLabel, "outboxIndicator")
    assert outbox.text() == f"Outbox: {services.channels.outbox_depth()}"
    assert services.db.location in window.status.database_label.text()
    assert "Dana Reyes" in window.status.user_label.text()
    assert window.findChild(QWidget, "draftsPane") is not None
    assert window.findChild(QWidget, "draftEditor") is not None
    assert window.findChild(QTreeView, "checklistView") is not None
    # The newest entry is at the bottom and in view.
    last = view.model().index(view.model().rowCount() - 1, COL_TEXT)
    assert view.viewport().rect().intersects(view.visualRect(last))
    assert texts(window)[-1] == "Error rate 0.2% for the last 20 minutes"


def test_a_cli_write_appears_within_two_seconds_keeping_typing_and_scroll(
    make_window: Make, wait_loaded: Wait, demo: Incident, run_cli: Any, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    pane = window.timeline
    pane.add_box.setPlainText("half-typed thought")
    pane.view.scrollToTop()  # the user reads older entries: the view must not jump
    qtbot.waitUntil(lambda: not pane.is_following())
    top_before = pane.view.verticalScrollBar().value()

    result = run_cli("log", "add", str(demo.id), "Written from the CLI", "--kind", "decision")
    assert result.code == 0, result.err
    # The window polls every second: the entry shows within 2 s (3 s allowed for CI load).
    qtbot.waitUntil(lambda: "Written from the CLI" in texts(window), timeout=3000)
    assert pane.add_box.toPlainText() == "half-typed thought"
    assert pane.view.verticalScrollBar().value() == top_before
    assert not pane.is_following()
    new = pane.model.entry_at(pane.model.rowCount() - 1)
    assert (new.kind, new.author) == (EntryKind.DECISION, "alice")


def test_new_entries_are_followed_when_at_the_bottom(
    make_window: Make, wait_loaded: Wait, demo: Incident, services: Any, qtbot: Any
) -> None:
    window = make_window(poll_ms=200)
    wait_loaded(window)
    for n in range(30):
        services.timeline.add(demo.id, f"Burst {n}", "bob")
    qtbot.waitUntil(lambda: "Burst 29" in texts(window))
    view = window.timeline.view
    last = view.model().index(view.model().rowCount() - 1, COL_TEXT)
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(last)))
    assert window.timeline.is_following()


def test_incident_switcher_and_new_incident_dialog(
    make_window: Make, wait_loaded: Wait, demo: Incident, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    window.new_incident_action.trigger()
    qtbot.waitUntil(lambda: window.new_incident_dialog is not None)
    dialog = window.new_incident_dialog
    assert dialog is not None
    assert dialog.playbook_combo.count() >= 5  # "No playbook" and the bundled ones
    qtbot.keyClicks(dialog.title_edit, "Customer data exposed")
    dialog.severity_combo.setCurrentIndex(0)
    dialog.select_playbook("data-breach")
    dialog.accept()
    qtbot.waitUntil(
        lambda: (i := window.current_incident()) is not None and i.title == "Customer data exposed"
    )
    wait_loaded(window)
    incident = window.current_incident()
    assert incident is not None and incident.severity is Severity.SEV1
    assert window.incident_switcher.count() == 2
    assert window.clocks.regulator.isVisible()  # the breach playbook has a 72 h deadline
    assert "Incident opened" in texts(window)[0]
    # Switch back with the switcher (Ctrl+K focuses it).
    window.switch_incident_action.trigger()
    assert window.incident_switcher.hasFocus() or not window.isActiveWindow()
    window.incident_switcher.hidePopup()
    window.incident_switcher.setCurrentIndex(window.incident_switcher.findData(demo.id))
    wait_loaded(window)
    assert window.current_incident().id == demo.id  # type: ignore[union-attr]
    assert texts(window)[-1] == "Error rate 0.2% for the last 20 minutes"


def test_switch_user_is_remembered_and_reaches_the_panes(
    make_window: Make, wait_loaded: Wait, demo: Incident, store: PreferencesStore, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    window.switch_user_action.trigger()
    dialog = window.identity_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.name_edit.setText("Priya Nair")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("approver"))
    dialog.accept()
    assert window.identity == Identity("Priya Nair", "approver")
    assert "Priya Nair (approver)" in window.status.user_label.text()
    assert store.load().identity == Identity("Priya Nair", "approver")
    window.timeline.add_box.setPlainText("Legal reviewed the holding line")
    window.timeline.add_entry()
    qtbot.waitUntil(lambda: "Legal reviewed the holding line" in texts(window))
    assert window.timeline.model.entry_at(window.timeline.model.rowCount() - 1).author == (
        "Priya Nair"
    )


def test_menus_show_the_shortcuts_and_alt_keys_move_focus(
    make_window: Make, wait_loaded: Wait, demo: Incident, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    expected = {
        window.new_incident_action: "Ctrl+N",
        window.switch_incident_action: "Ctrl+K",
        window.quit_action: "Ctrl+Q",
        window.focus_actions[0]: "Alt+1",
        window.focus_actions[1]: "Alt+2",
        window.focus_actions[2]: "Alt+3",
        window.timeline.correct_action: "Ctrl+Shift+E",
    }
    for action, keys in expected.items():
        assert action.shortcut().toString() == keys, action.text()
    assert window.switch_user_action.shortcut().toString()
    assert window.dark_action.shortcut().toString()
    menu_actions = [a for m in (window.incident_menu, window.statement_menu) for a in m.actions()]
    assert all(a.shortcut().toString() for a in menu_actions if not a.isSeparator())
    assert window.statement_menu.actions(), "the drafts pane's actions are in the menu"
    window.activateWindow()
    window.focus_actions[0].trigger()
    assert window.timeline.view.hasFocus() or window.focusWidget() is window.timeline.view
    window.focus_actions[1].trigger()
    assert window.focusWidget() is window.findChild(QWidget, "draftEditor") or (
        window.focusWidget() is window.drafts_widget
    )
    window.focus_actions[2].trigger()
    assert window.focusWidget() is window.findChild(QTreeView, "checklistView")


def test_panes_sit_in_resizable_splitters_with_accessible_names(
    make_window: Make, wait_loaded: Wait, demo: Incident
) -> None:
    window = make_window()
    wait_loaded(window)
    assert window.splitter.indexOf(window.timeline) == 0
    # The drafts are the first tab of the side's upper part (the inbox may plug in beside).
    assert window.side_splitter.indexOf(window.side_tabs) == 0
    assert window.side_tabs.indexOf(window.drafts_widget) == 0
    assert window.side_tabs.tabBar().isHidden()  # alone: no tab bar
    assert window.side_splitter.indexOf(window.checklist_widget) == 1
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sizes[0] + 100, sizes[1] - 100])
    assert window.splitter.sizes()[0] == sizes[0] + 100
    for name in ("timelineView", "clocksBar", "incidentSwitcher", "quickAddBox"):
        widget = window.findChild(QWidget, name)
        assert widget is not None and widget.accessibleName(), name


def test_closed_incident_is_read_only(
    make_window: Make, wait_loaded: Wait, services: Any, qtbot: Any
) -> None:
    incident = services.incidents.open("Old", 3, "bob")
    services.incidents.close(incident.id, "bob", anyway="wrapping up the test")
    window = make_window()
    wait_loaded(window)
    assert "CLOSED" in window.incident_state.text()
    assert not window.timeline.add_box.isEnabled()
    assert not window.timeline.correct_action.isEnabled()


def test_a_window_with_no_incident_invites_to_declare_one(
    make_window: Make, wait_loaded: Wait
) -> None:
    window = make_window()
    wait_loaded(window)
    assert window.current_incident() is None
    assert "Ctrl+N" in window.incident_state.text()
    assert window.timeline.model.rowCount() == 0
    assert not window.timeline.add_box.isEnabled()


def test_outbox_depth_follows_releases(
    make_window: Make, wait_loaded: Wait, services: Any, qtbot: Any
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    window = make_window(poll_ms=200)
    wait_loaded(window)
    assert window.status.outbox_label.text() == "Outbox: 0"
    draft = services.statements.draft(
        incident.id, ["email", "webhook"], "We are on it.", "alice", subject="Checkout"
    )
    services.statements.submit(draft.id, "alice")
    services.statements.approve(draft.id, "bob")
    services.statements.release(draft.id, "bob")
    qtbot.waitUntil(lambda: window.status.outbox_label.text() == "Outbox: 2")


def test_status_bar_takes_indicators_from_other_features(
    make_window: Make, wait_loaded: Wait
) -> None:
    window = make_window()
    wait_loaded(window)
    indicator = QLabel("email: offline")
    window.status.add_indicator(indicator)
    assert indicator.parent() is window.status
    assert indicator.isVisible()
    assert window.status.outbox_label.geometry().left() > indicator.geometry().left()


def test_theme_toggle_applies_and_is_remembered(
    qtbot: Any, qapp: Any, services: Any, runner: Any, store: PreferencesStore
) -> None:
    from warroom.ui.shell.theme import ThemeController, stylesheet_of

    theme = ThemeController(qapp)
    window = MainWindow(services, runner, Identity("Dana", "lead"), store, theme)
    qtbot.addWidget(window)
    try:
        window.dark_action.trigger()
        assert theme.current == "dark"
        assert qapp.styleSheet() == stylesheet_of("dark")
        assert store.load().theme == "dark"
        window.dark_action.trigger()
        # Light is a theme of its own (palette and stylesheet), not the absence of dark.
        assert theme.current == "light"
        assert qapp.styleSheet() == stylesheet_of("light")
        assert "QTableView" in qapp.styleSheet()
        assert store.load().theme == "light"
    finally:
        theme.apply("light")
        window.stop()


def test_runner_failures_reach_the_status_bar(
    make_window: Make, wait_loaded: Wait, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)

    def boom() -> None:
        raise RuntimeError("disk on fire")

    with qtbot.waitSignal(window.runner.task_failed):
        window.runner.run(boom)
    assert "disk on fire" in window.status.currentMessage()


def test_focus_alt_keys_work_from_the_keyboard(
    make_window: Make, wait_loaded: Wait, demo: Incident, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.focusWidget() is window.timeline.view


def test_closing_elsewhere_makes_the_window_read_only_live(
    make_window: Make, wait_loaded: Wait, demo: Incident, run_cli: Any, qtbot: Any
) -> None:
    window = make_window()
    wait_loaded(window)
    assert window.timeline.add_box.isEnabled()
    assert run_cli("incident", "close", str(demo.id), "--anyway", "drill over").code == 0
    qtbot.waitUntil(lambda: not window.timeline.add_box.isEnabled(), timeout=WAIT_MS)
    # The panes' view and the timeline's new entries are two reads of one change: either
    # may land first.
    qtbot.waitUntil(
        lambda: any(t.startswith("Incident closed by alice") for t in texts(window)),
        timeout=WAIT_MS,
    )
    assert "CLOSED" in window.incident_state.text()


def test_switcher_is_not_rebuilt_when_nothing_about_incidents_changed(
    make_window: Make, wait_loaded: Wait, demo: Incident, services: Any, qtbot: Any
) -> None:
    window = make_window(poll_ms=200)
    wait_loaded(window)
    rebuilt: list[int] = []
    window.incident_switcher.model().modelReset.connect(lambda: rebuilt.append(1))
    window.incident_switcher.model().rowsRemoved.connect(lambda *_: rebuilt.append(1))
    services.timeline.add(demo.id, "Just an entry", "bob")
    qtbot.waitUntil(lambda: "Just an entry" in texts(window))
    wait_loaded(window)
    assert rebuilt == []
    services.incidents.open("Second front", 3, "bob")
    qtbot.waitUntil(lambda: window.incident_switcher.count() == 2)
    assert window.current_incident().id == demo.id  # type: ignore[union-attr]


def test_team_roles_decide_what_the_window_lets_you_do(
    make_window: Make, wait_loaded: Wait, demo: Incident, services: Any, qtbot: Any
) -> None:
    services.people.put("Dana Reyes", "lead", "Dana Reyes")
    services.people.put("Vic", "viewer", "Dana Reyes")
    window = make_window("Vic", "lead")  # the workstation's remembered role does not count
    wait_loaded(window)
    assert "Vic (viewer, registered)" in window.status.user_label.text()
    assert not window.timeline.add_box.isEnabled()
    assert "viewer" in window.timeline.add_box.placeholderText()
    assert not window.new_incident_action.isEnabled()
    window.set_identity(Identity("Dana Reyes", "lead"))
    qtbot.waitUntil(window.timeline.add_box.isEnabled)
    assert window.new_incident_action.isEnabled()
    assert "Dana Reyes (lead, registered)" in window.status.user_label.text()
    window.set_identity(Identity("Stranger", "comms"))
    qtbot.waitUntil(lambda: not window.timeline.add_box.isEnabled())
    assert "not registered: read only" in window.status.user_label.text()


def test_a_cli_write_keeps_unsaved_draft_text(
    make_window: Make, wait_loaded: Wait, demo: Incident, run_cli: Any, qtbot: Any
) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    window = make_window()
    wait_loaded(window)
    drafts: Any = window.drafts_widget
    drafts.select_statement(4)  # the demo's unsent incident report draft
    wait_loaded(window)
    editor = window.findChild(QPlainTextEdit, "draftEditor")
    assert editor is not None
    editor.setPlainText("Unsaved words the comms lead is typing")
    assert run_cli("log", "add", str(demo.id), "Meanwhile, from the CLI").code == 0
    qtbot.waitUntil(lambda: "Meanwhile, from the CLI" in texts(window), timeout=3000)
    wait_loaded(window)
    assert editor.toPlainText() == "Unsaved words the comms lead is typing"


def test_f1_lists_every_shortcut(make_window: Make, wait_loaded: Wait, demo: Incident) -> None:
    from warroom.ui.shell.shortcuts_dialog import shortcut_rows

    window = make_window()
    wait_loaded(window)
    rows = shortcut_rows(window.menuBar())
    keys = {action: key for _menu, action, key in rows}
    assert keys["New incident"] == "Ctrl+N"
    assert keys["Focus timeline"] == "Alt+1"
    assert keys["Correct this entry"] == "Ctrl+Shift+E"
    assert any(menu == "Statement" for menu, _a, _k in rows)
    window.shortcuts_action.trigger()
    assert window.shortcuts_dialog is not None
    assert "Ctrl+K" in window.shortcuts_dialog.table.text()
    window.shortcuts_dialog.reject()


def test_window_layout_is_remembered(
    make_window: Make, wait_loaded: Wait, demo: Incident, store: PreferencesStore, qtbot: Any
) -> None:
    first = make_window()
    wait_loaded(first)
    sizes = first.splitter.sizes()
    first.splitter.setSizes([sizes[0] - 150, sizes[1] + 150])
    moved = first.splitter.sizes()
    first.close()
    assert set(store.load().layout) == {"geometry", "main_splitter", "side_splitter"}
    second = make_window()
    wait_loaded(second)
    # The offscreen screen is small, so the restored geometry is clamped: compare shares,
    # as far as the right-hand panes' minimum width leaves room for the timeline's share.
    restored = second.splitter.sizes()
    total = sum(restored)
    room = total - second.splitter.widget(1).minimumSizeHint().width()
    expected = min(moved[0] / sum(moved) * total, room)
    assert abs(restored[0] - expected) / total < 0.02, (restored, moved)


def test_a_damaged_layout_is_ignored(
    make_window: Make, wait_loaded: Wait, store: PreferencesStore
) -> None:
    store.save(store.load().with_layout({"geometry": "ü", "main_splitter": "!!not base64"}))
    window = make_window()
    wait_loaded(window)
    assert min(window.splitter.sizes()) > 100
