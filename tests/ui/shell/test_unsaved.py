"""Nothing typed is lost: text is kept on disk as it is typed, comes back after a crash
(kill -9 of a real window process) or a refused save, and quitting with it asks first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import REPO_ROOT
from warroom.domain.incidents import Incident
from warroom.domain.statements import StatementState
from warroom.services.preferences import Identity, PreferencesStore
from warroom.services.unsaved import store_path
from warroom.ui.shell.app import build_window
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.unsaved import UnsavedGuard

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")
WAIT_MS = 10_000
LONG = "We are investigating. " * 30  # 660 characters: over Mastodon's 500


@pytest.fixture
def full_window(
    qtbot: Any, services: Any, runner: TaskRunner, store: PreferencesStore
) -> Iterator[Callable[..., MainWindow]]:
    """Build windows as the composition root does (unsaved text kept, the quit guard)."""
    built: list[MainWindow] = []

    def make(incident_id: int | None = None) -> MainWindow:
        window = build_window(services, runner, Identity("Dana Reyes", "lead"), store)
        built.append(window)
        window.resize(1400, 850)
        window.show()
        window.start(incident_id)
        qtbot.waitUntil(
            lambda: window.drafts.state.view is not None and runner.is_idle(), timeout=WAIT_MS
        )
        return window

    yield make
    for window in built:
        window.stop()
        guard = window.findChild(UnsavedGuard)
        if guard is not None:
            guard._leaving = True
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    for window in built:
        window.close()
        window.deleteLater()
    qtbot.wait(1)


def kept(services: Any) -> dict[str, Any]:
    path = store_path(services.db.location)
    if not path.exists():
        return {}
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def wait_kept(qtbot: Any, services: Any, text: str) -> None:
    qtbot.waitUntil(lambda: text in json.dumps(kept(services)), timeout=WAIT_MS)


def guard_of(window: MainWindow) -> UnsavedGuard:
    guard = window.findChild(UnsavedGuard)
    assert guard is not None
    return guard


def click(box: Any, name: str) -> None:
    from PySide6.QtWidgets import QPushButton

    button = box.findChild(QPushButton, name)
    assert button is not None, name
    button.click()


@pytest.mark.sqlite_only
@pytest.mark.slow
def test_kill_minus_9_then_restart_brings_the_typed_text_back(
    services: Any, incident: Incident, cli_env: dict[str, str], full_window: Any, qtbot: Any
) -> None:
    entry = "Vendor says the certificate rotates at 15:00"
    statement = "We are investigating failed card payments in Europe."
    env = {
        **cli_env,
        "QT_QPA_PLATFORM": "offscreen",
        "WARROOM_DATA_DIR": os.environ["WARROOM_DATA_DIR"],
    }
    command = [
        sys.executable,
        str(REPO_ROOT / "tests" / "support" / "typing_window.py"),
        services.db.url,
        str(incident.id),
        entry,
        statement,
    ]
    with subprocess.Popen(
        command, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            said = process.stdout.readline().strip()
            assert said == "typed", f"the window did not type: {said!r}"
            # The window writes a moment after the last keystroke: wait for it, then crash it.
            deadline = time.monotonic() + 20
            while not all(text in json.dumps(kept(services)) for text in (entry, statement)):
                assert time.monotonic() < deadline, "the typed text never reached the disk"
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=20) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=20)

    window = full_window(incident.id)
    qtbot.waitUntil(lambda: window.drafts.editor.text.toPlainText() == statement, timeout=WAIT_MS)
    assert window.drafts.state.new_mode  # back as the new draft it was
    assert "Restored" in window.drafts.message.text()
    assert window.timeline.add_box.toPlainText() == entry


def test_a_refused_save_keeps_the_text_for_the_next_start(
    services: Any, incident: Incident, full_window: Any, qtbot: Any
) -> None:
    statement = services.statements.draft(incident.id, ["mastodon"], "Short text.", "Dana Reyes")
    window = full_window(incident.id)
    qtbot.waitUntil(lambda: window.drafts.list_model.row_of(statement.id) >= 0, timeout=WAIT_MS)
    window.drafts.select_statement(statement.id)
    window.drafts.editor.text.setPlainText(LONG)
    window.drafts.save_action.trigger()
    qtbot.waitUntil(
        lambda: (
            "too long" in window.drafts.message.text().lower()
            or "500" in window.drafts.message.text()
        ),
        timeout=WAIT_MS,
    )
    assert services.statements.get(statement.id).text == "Short text."
    wait_kept(qtbot, services, LONG.strip()[:40])

    again = full_window(incident.id)
    qtbot.waitUntil(lambda: again.drafts.editor.text.toPlainText() == LONG, timeout=WAIT_MS)
    assert again.drafts.state.current == statement.id
    assert again.drafts.is_dirty()
    assert statement.id in again.drafts.state.unsaved_ids(again.drafts.editor.content())


def test_quitting_with_unsaved_text_asks_keep_discard_or_stay(
    services: Any, incident: Incident, full_window: Any, qtbot: Any
) -> None:
    window = full_window(incident.id)
    window.timeline.add_box.setPlainText("Unfinished note")
    window.drafts.new_action.trigger()
    window.drafts.editor.text.setPlainText("Unfinished statement")
    guard = guard_of(window)
    assert guard.unsaved() == [
        f"a new draft of incident #{incident.id}",
        "the timeline entry being typed",
    ]

    assert not window.close()
    assert guard.box is not None and guard.box.objectName() == "unsavedQuitBox"
    guard.box.reject()  # Cancel: back to the text
    qtbot.waitUntil(lambda: guard.box is None)
    assert window.isVisible()

    assert not window.close()
    assert guard.box is not None
    click(guard.box, "unsavedKeep")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    saved = json.dumps(kept(services))
    assert "Unfinished statement" in saved and "Unfinished note" in saved

    again = full_window(incident.id)
    qtbot.waitUntil(
        lambda: again.drafts.editor.text.toPlainText() == "Unfinished statement", timeout=WAIT_MS
    )
    assert not again.close()
    assert guard_of(again).box is not None
    click(guard_of(again).box, "unsavedDiscard")
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=WAIT_MS)
    assert kept(services) == {}


def test_nothing_unsaved_quits_without_a_question(
    incident: Incident, full_window: Any, qtbot: Any
) -> None:
    window = full_window(incident.id)
    window.timeline.add_box.setPlainText("   ")
    assert window.close()
    assert guard_of(window).box is None


def test_saving_over_approved_text_says_it_voids_the_approvals_first(
    services: Any, incident: Incident, full_window: Any, qtbot: Any
) -> None:
    statement = services.statements.draft(incident.id, ["mastodon"], "We are on it.", "sam")
    services.statements.submit(statement.id, "sam")
    services.statements.approve(statement.id, "priya")
    window = full_window(incident.id)
    pane = window.drafts
    qtbot.waitUntil(lambda: pane.list_model.row_of(statement.id) >= 0, timeout=WAIT_MS)
    pane.select_statement(statement.id)
    pane.editor.text.setPlainText("We are on it. The fix is rolling out.")
    pane.save_action.trigger()
    assert pane.void_box is not None and pane.void_box.objectName() == "voidApprovalsBox"
    assert "priya" in pane.void_box.text() and "voids" in pane.void_box.text()
    pane.void_box.reject()
    qtbot.waitUntil(lambda: pane.void_box is None)
    assert services.statements.get(statement.id).state is StatementState.APPROVED

    pane.save_action.trigger()
    assert pane.void_box is not None
    click(pane.void_box, "voidApprovalsSave")
    qtbot.waitUntil(lambda: services.statements.get(statement.id).revision == 2, timeout=WAIT_MS)
    assert not services.statements.get(statement.id).valid_approvals
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)


def test_unsaved_lessons_come_back_in_the_review_window(
    services: Any, incident: Incident, full_window: Any, qtbot: Any
) -> None:
    from warroom.ui.records.review_actions import ReviewActions

    window = full_window(incident.id)
    actions = window.findChild(ReviewActions)
    assert actions is not None
    review = actions.open_review()
    assert review is not None
    qtbot.waitUntil(lambda: not review.is_loading(), timeout=WAIT_MS)
    review.editor.setPlainText("Page the payments team sooner.")
    wait_kept(qtbot, services, "Page the payments team sooner.")
    review._closing = True
    review.close()

    again = full_window(incident.id)
    assert "lessons learned kept" in again.status.currentMessage()
    again_actions = again.findChild(ReviewActions)
    assert again_actions is not None
    restored = again_actions.open_review()
    assert restored is not None
    assert restored.editor.toPlainText() == "Page the payments team sooner."
    assert restored.is_dirty()
    assert "Restored" in restored.lessons_status.text()
    restored.editor.setPlainText(incident.lessons_learned)  # nothing unsaved any more
    qtbot.waitUntil(lambda: "lessons:" not in json.dumps(kept(services)), timeout=WAIT_MS)
    QApplication.processEvents()
