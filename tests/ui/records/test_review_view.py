"""Tools > Post-incident review…: the metrics of the record, and lessons learned that persist."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from warroom.domain.incidents import Incident
from warroom.export.inbox_figures import review_figure_rows
from warroom.services.demo import load_demo
from warroom.ui.records.review_actions import ReviewActions, install_review_action
from warroom.ui.records.review_model import PROBLEM_ROLE, ROW_ROLE, ReviewModel
from warroom.ui.records.review_window import ReviewWindow
from warroom.ui.shell.main_window import MainWindow

# The offscreen platform cannot resize to size hints, raise or grab the keyboard; harmless.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

Make = Callable[..., MainWindow]
WAIT_MS = 10_000


@pytest.fixture
def demo(services: Any, clock: Any) -> Incident:
    incident: Incident = load_demo(services.db, now=clock())
    return incident


@pytest.fixture
def actions(make_window: Make, demo: Incident, qtbot: Any, services: Any) -> ReviewActions:
    window = make_window(poll_ms=200)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    return install_review_action(window, services.review, services.incidents)


def _open(qtbot: Any, actions: ReviewActions) -> ReviewWindow:
    actions.review_action.trigger()
    window = actions.parent()
    assert isinstance(window, MainWindow)
    incident = window.current_incident()
    assert incident is not None
    view = actions.windows[incident.id]
    assert view.isVisible()
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=WAIT_MS)
    return view


def _settle(qtbot: Any, view: ReviewWindow) -> None:
    """Wait for a fresh read to land (a refresh is started if none is under way)."""
    if not view.is_loading():
        view.refresh()
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=WAIT_MS)


def test_model_passes_the_model_tester(
    qtmodeltester: Any, services: Any, demo: Incident, clock: Any
) -> None:
    model = ReviewModel()
    qtmodeltester.check(model)
    review = services.review.review(demo.id)
    model.set_review(review)
    assert model.rows() == review_figure_rows(review)
    qtmodeltester.check(model)
    # The tester stays attached: an in-place change, then a change in shape (a reset).
    clock.advance(hours=3)
    model.set_review(services.review.review(demo.id))
    item = next(i for i in services.checklist.items(demo.id) if not i.is_done)
    services.checklist.done(demo.id, item.id, "alice")
    model.set_review(services.review.review(demo.id))
    model.set_review(None)
    assert model.rowCount() == 0


def test_action_in_the_tools_menu(actions: ReviewActions) -> None:
    window = actions.parent()
    assert isinstance(window, MainWindow)
    assert actions.review_action in window.tools_menu.actions()
    assert actions.review_action.shortcut().toString() == "Ctrl+R"
    assert actions.review_action.isEnabled()


def test_shows_the_metrics_of_the_review_service(
    actions: ReviewActions, demo: Incident, services: Any, qtbot: Any
) -> None:
    view = _open(qtbot, actions)
    review = services.review.review(demo.id)
    assert view.model.rows() == review_figure_rows(review)
    assert view.incident_id() == demo.id
    labels = [label for label, _ in view.model.rows()]
    for expected in ("Began", "Aware", "Declared", "Closed", "First public statement"):
        assert expected in labels
    assert "Update cadence" in labels
    assert any(label.startswith("Delivery") for label in labels)
    assert any(label.startswith("Checklist: ") for label in labels)
    assert any(label.startswith("Approval of statement #") for label in labels)
    assert len(review.approvals) == sum(1 for lb in labels if lb.startswith("Approval of"))
    assert len(review.overdue_items) == labels.count("Overdue item")
    # Problems are marked (overdue items of the demo's checklist, for one).
    model = view.model
    marked = [
        model.index(row, 0).data(ROW_ROLE)
        for row in range(model.rowCount())
        if model.index(row, 0).data(PROBLEM_ROLE)
    ]
    assert all(label != "Began" for label, _ in marked)
    if review.overdue_items:
        assert any(label == "Overdue item" for label, _ in marked)
    assert f"#{demo.id}" in view.heading.text()
    assert view.findChild(object, "reviewView") is view.view
    # Ctrl+R again brings the same window forward.
    actions.review_action.trigger()
    assert list(actions.windows.values()) == [view]
    view.close()


def test_lessons_saved_with_ctrl_s_and_kept_through_a_live_refresh(
    actions: ReviewActions, demo: Incident, services: Any, qtbot: Any
) -> None:
    view = _open(qtbot, actions)
    assert not view.save_button.isEnabled()  # nothing to save yet
    view.editor.setFocus()
    qtbot.keyClicks(view.editor, "Page the payments team sooner.")
    assert view.is_dirty() and view.save_button.isEnabled()
    assert view.windowTitle().startswith("* ")
    with qtbot.waitSignal(view.saved, timeout=WAIT_MS):
        qtbot.keyClick(view.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert services.incidents.get(demo.id).lessons_learned == "Page the payments team sooner."
    assert not view.is_dirty() and not view.windowTitle().startswith("* ")
    assert "saved" in view.lessons_status.text()
    entries = services.timeline.entries(demo.id)
    assert "Lessons learned updated by Dana Reyes" in entries[-1].text

    # Unsaved text survives refreshes, including a metric change and another person's save.
    view.editor.appendPlainText("Draft holding statements in advance.")
    item = next(i for i in services.checklist.items(demo.id) if not i.is_done)
    services.checklist.done(demo.id, item.id, "bob")
    before = view.model.rows()
    qtbot.waitUntil(lambda: view.model.rows() != before, timeout=WAIT_MS)
    assert view.model.rows() == review_figure_rows(services.review.review(demo.id))
    assert view.editor.toPlainText().endswith("Draft holding statements in advance.")
    assert view.is_dirty()
    services.review.set_lessons_learned(demo.id, "Bob's version.", "bob")
    qtbot.waitUntil(lambda: "Someone else" in view.lessons_status.text(), timeout=WAIT_MS)
    assert view.editor.toPlainText() == (
        "Page the payments team sooner.\nDraft holding statements in advance."
    )
    with qtbot.waitSignal(view.saved, timeout=WAIT_MS):
        view.save_button.click()
    _settle(qtbot, view)
    assert services.incidents.get(demo.id).lessons_learned.endswith("in advance.")

    # Without unsaved edits, someone else's save shows up.
    services.review.set_lessons_learned(demo.id, "Bob's final words.", "bob")
    qtbot.waitUntil(lambda: view.editor.toPlainText() == "Bob's final words.", timeout=WAIT_MS)
    assert not view.is_dirty()
    view.close()


def test_lessons_editable_after_close(
    actions: ReviewActions, demo: Incident, services: Any, qtbot: Any
) -> None:
    services.incidents.close(demo.id, "alice", anyway="wrapping up the test")
    view = _open(qtbot, actions)
    qtbot.waitUntil(lambda: "closed" in view.heading.text(), timeout=WAIT_MS)
    count = services.incidents.get(demo.id).entry_count
    view.editor.setPlainText("Written after the close.")
    with qtbot.waitSignal(view.saved, timeout=WAIT_MS):
        view.save()
    closed = services.incidents.get(demo.id)
    assert closed.lessons_learned == "Written after the close."
    assert closed.entry_count == count  # the sealed timeline is untouched
    view.close()


def test_a_refused_save_is_one_line_and_keeps_the_text(
    actions: ReviewActions, demo: Incident, services: Any, qtbot: Any
) -> None:
    services.people.put("alice", "lead", "alice")  # now only registered people may act
    view = _open(qtbot, actions)
    view.editor.setPlainText("Not allowed to write this.")
    view.save()
    qtbot.waitUntil(lambda: "Not saved" in view.lessons_status.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=WAIT_MS)  # re-read after it
    assert "Not saved" in view.lessons_status.text()
    assert view.editor.toPlainText() == "Not allowed to write this."
    assert view.is_dirty() and view.save_button.isEnabled()
    assert services.incidents.get(demo.id).lessons_learned == ""
    view.editor.setPlainText("")
    view.close()


def test_closing_with_unsaved_lessons_asks_first(
    actions: ReviewActions, demo: Incident, services: Any, qtbot: Any
) -> None:
    view = _open(qtbot, actions)
    view.editor.setPlainText("Unsaved thought.")
    window = actions.parent()
    assert isinstance(window, MainWindow)
    # Closing the war room asks about the review window's lessons first.
    assert not window.close()
    box = view.close_box
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert view.isVisible() and view.editor.toPlainText() == "Unsaved thought."
    # Closing the review window itself asks too; Save saves, then closes.
    assert not view.close()
    box = view.close_box
    assert box is not None
    with qtbot.waitSignal(view.saved, timeout=WAIT_MS):
        box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT_MS)
    assert services.incidents.get(demo.id).lessons_learned == "Unsaved thought."
    # Discard throws the edit away.
    view = _open(qtbot, actions)
    view.editor.setPlainText("Throw me away.")
    assert not view.close()
    box = view.close_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Discard).click()
    assert not view.isVisible()
    assert services.incidents.get(demo.id).lessons_learned == "Unsaved thought."
    assert view.editor.toPlainText() == "Unsaved thought."


def test_one_window_per_incident_and_saves_as_the_current_user(
    actions: ReviewActions, demo: Incident, services: Any, qtbot: Any
) -> None:
    from warroom.services.preferences import Identity

    window = actions.parent()
    assert isinstance(window, MainWindow)
    first = _open(qtbot, actions)
    other = services.incidents.open("Phishing mail to customers", 3, "alice")
    window.select_incident(other.id)
    qtbot.waitUntil(lambda: (i := window.current_incident()) is not None and i.id == other.id)
    second = _open(qtbot, actions)
    assert second is not first and second.incident_id() == other.id
    assert set(actions.windows) == {demo.id, other.id}
    assert second.model.rows() == review_figure_rows(services.review.review(other.id))

    window.set_identity(Identity("Sam Okafor", "lead"), remember=False)
    second.editor.setPlainText("Train staff on phishing reports.")
    with qtbot.waitSignal(second.saved, timeout=WAIT_MS):
        second.save()
    entries = services.timeline.entries(other.id)
    assert "Lessons learned updated by Sam Okafor" in entries[-1].text
    assert services.incidents.get(demo.id).lessons_learned == ""
    _settle(qtbot, first)
    assert first.editor.toPlainText() == ""
    first.close()
    second.close()


class _HeldReview:
    """The review service, but a read computed before a save reports only when let go."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.hold = False
        self.computed = threading.Event()
        self.release = threading.Event()

    def review(self, incident_id: int) -> Any:
        result = self.real.review(incident_id)
        if self.hold:
            self.computed.set()
            assert self.release.wait(20)
        return result

    def set_lessons_learned(self, incident_id: int, text: str, actor: str) -> Any:
        return self.real.set_lessons_learned(incident_id, text, actor)


def test_a_read_older_than_a_save_does_not_bring_the_old_text_back(
    qtbot: Any, services: Any, demo: Incident, runner: Any
) -> None:
    held = _HeldReview(services.review)
    view = ReviewWindow(held, services.incidents, runner, demo, "alice")  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.show()
    _settle(qtbot, view)
    view.editor.setPlainText("Saved while a read was out.")
    held.hold = True
    view.refresh()  # computes the review with no lessons, then waits
    try:
        assert held.computed.wait(10)
        held.hold = False
        with qtbot.waitSignal(view.saved, timeout=WAIT_MS):
            view.save()
    finally:
        held.release.set()
    _settle(qtbot, view)
    qtbot.wait(50)
    assert view.editor.toPlainText() == "Saved while a read was out."
    assert not view.is_dirty()
    assert services.incidents.get(demo.id).lessons_learned == "Saved while a read was out."
