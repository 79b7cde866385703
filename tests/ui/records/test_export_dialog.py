"""File > Export… and verification in the window: every format, progress, tampering, errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialogButtonBox

from warroom.domain.incidents import Incident
from warroom.export.formats import ExportFormat, PageSize
from warroom.services.demo import load_demo
from warroom.services.export import ExportResult
from warroom.ui.records.export_actions import ExportActions, install_export_actions
from warroom.ui.records.export_dialog import CANCELLED, ExportDialog
from warroom.ui.records.verify_dialog import VerifyDialog
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner

# The offscreen platform cannot resize to size hints, raise or grab the keyboard; harmless.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")

Make = Callable[..., MainWindow]
WAIT_MS = 30_000  # a PDF of the demo takes a moment on a shared CI machine


@pytest.fixture
def demo(services: Any, clock: Any) -> Incident:
    incident: Incident = load_demo(services.db, now=clock())
    return incident


@pytest.fixture
def actions(
    make_window: Make, demo: Incident, tmp_path: Path, qtbot: Any, services: Any
) -> ExportActions:
    window = make_window()
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    folder = tmp_path / "Documents"
    folder.mkdir()
    return install_export_actions(window, services.export, services.incidents.today, folder)


def _open(actions: ExportActions) -> ExportDialog:
    actions.export_action.trigger()
    dialog = actions.export_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _export(qtbot: Any, dialog: ExportDialog) -> ExportResult:
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as blocker:
        dialog.export_button.click()
    result: ExportResult = blocker.args[0]
    return result


def test_actions_sit_in_the_file_and_tools_menus(actions: ExportActions) -> None:
    window = actions.parent()
    assert isinstance(window, MainWindow)
    file_actions = window.file_menu.actions()
    assert file_actions.index(actions.export_action) < file_actions.index(window.quit_action)
    assert actions.verify_file_action in file_actions
    assert actions.export_action.shortcut().toString() == "Ctrl+E"
    assert actions.verify_incident_action in window.tools_menu.actions()
    assert window.tools_menu.menuAction().isVisible()
    assert actions.export_action.isEnabled()


def test_default_file_in_the_documents_folder_follows_the_format(
    actions: ExportActions, demo: Incident
) -> None:
    dialog = _open(actions)
    assert dialog.path() == actions.folder / f"incident-{demo.id}-2026-11-23.pdf"
    assert dialog.page_combo.isEnabled()
    dialog.set_format(ExportFormat.MARKDOWN)
    assert dialog.path() == actions.folder / f"incident-{demo.id}-2026-11-23.md"
    assert not dialog.page_combo.isEnabled()  # page size is for the PDF only
    dialog.reject()


def test_every_format_written_through_the_dialog_with_progress(
    actions: ExportActions, demo: Incident, services: Any, qtbot: Any, tmp_path: Path
) -> None:
    dialog = _open(actions)
    reports: list[tuple[int, int]] = []
    dialog.relay.progressed.connect(lambda done, total: reports.append((done, total)))
    window = actions.parent()
    assert isinstance(window, MainWindow)
    for export_format in ExportFormat:
        reports.clear()
        dialog.set_format(export_format)
        if export_format is ExportFormat.PDF:
            dialog.page_combo.setCurrentIndex(dialog.page_combo.findData(PageSize.LETTER.value))
        path = tmp_path / f"out.{export_format.value}"
        dialog.set_path(path)
        result = _export(qtbot, dialog)
        assert result.path == path and path.is_file() and result.format is export_format
        assert result.entry_count == services.incidents.get(demo.id).entry_count
        assert result.chain_ok
        assert dialog.progress.value() == 100
        assert reports and reports[-1][0] == reports[-1][1]  # the last report is "all done"
        assert dialog.open_folder_button.isVisible()
        assert "Exported" in dialog.outcome.text()
        assert dialog.written_to.text() == str(path) and dialog.written_to.isVisible()
        assert dialog.chain.text() == "intact"
        assert dialog.head.text() == result.head_hash
        assert dialog.contents.text().startswith(f"{result.entry_count} entries")
        assert str(path) in window.status.currentMessage()
        data = path.read_bytes()
        if export_format is ExportFormat.PDF:
            assert data.startswith(b"%PDF")
        elif export_format is ExportFormat.JSON:
            document = json.loads(data)
            assert document["incident"]["id"] == demo.id
            assert services.export.verify_file(path).ok
        elif export_format is ExportFormat.CSV:
            assert b"Checkout API outage" in data
        else:
            assert data.startswith(b"#") and b"Checkout API outage" in data
    dialog.accept()


def test_an_error_is_one_line_and_the_dialog_stays_usable(
    actions: ExportActions, qtbot: Any, tmp_path: Path
) -> None:
    dialog = _open(actions)
    dialog.set_format(ExportFormat.JSON)
    dialog.set_path(tmp_path / "missing-folder" / "out.json")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as blocker:
        dialog.export_button.click()
    message = blocker.args[0]
    assert "does not exist" in message and "\n" not in message
    assert "Not exported" in dialog.outcome.text()
    assert not dialog.open_folder_button.isVisible() and not dialog.written_to.isVisible()
    assert dialog.export_button.isEnabled() and dialog.close_button.isEnabled()
    dialog.set_path(tmp_path / "out.json")
    _export(qtbot, dialog)
    assert (tmp_path / "out.json").is_file()
    dialog.reject()


class _SlowExport:
    """Stands in for the export service: reports half way, then waits to be let go."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.halfway = threading.Event()
        self.release = threading.Event()

    def export(self, *args: Any, progress: Any, **kwargs: Any) -> ExportResult:
        progress(500, 1000)
        self.halfway.set()
        assert self.release.wait(20)
        result: ExportResult = self.real.export(*args, progress=progress, **kwargs)
        return result


def test_progress_moves_and_cancel_leaves_no_file(
    qtbot: Any, services: Any, demo: Incident, runner: TaskRunner, tmp_path: Path
) -> None:
    slow = _SlowExport(services.export)
    dialog = ExportDialog(
        slow,  # type: ignore[arg-type]
        runner,
        demo,
        "auditor",
        tmp_path,
        services.incidents.today(),
    )
    qtbot.addWidget(dialog)
    dialog.set_format(ExportFormat.CSV)
    dialog.show()
    dialog.export_button.click()
    target = tmp_path / f"incident-{demo.id}-2026-11-23.csv"
    try:
        assert slow.halfway.wait(10)
        qtbot.waitUntil(lambda: dialog.progress.value() == 50)
        assert dialog.is_running()
        assert not dialog.close_button.isEnabled()
        assert dialog.cancel_button.isVisible() and dialog.cancel_button.isEnabled()
        assert not dialog.export_button.isEnabled() and not dialog.format_combo.isEnabled()
        dialog.grab().save(str(tmp_path / "export-running.png"))
        dialog.cancel_button.click()
        assert dialog.isVisible() and dialog.outcome.text() == "Cancelling…"
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=WAIT_MS)
    assert dialog.outcome.text() == CANCELLED and dialog.progress.value() == 0
    assert not target.exists() and not list(tmp_path.glob(f".{target.name}.*"))  # no .part
    assert dialog.close_button.isEnabled() and not dialog.cancel_button.isVisible()

    dialog.export_button.click()  # a new export is not cancelled by the old request
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=WAIT_MS)
    assert dialog.progress.value() == 100 and target.is_file()


def _verify_dialog(qtbot: Any, dialog: VerifyDialog) -> VerifyDialog:
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=WAIT_MS)
    return dialog


def test_verify_an_intact_and_a_tampered_export(
    actions: ExportActions, demo: Incident, services: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "log.json"
    services.export.export(demo.id, path, ExportFormat.JSON, "auditor")
    dialog = _verify_dialog(qtbot, actions.verify_file(path))
    assert dialog.check is not None and dialog.check.ok
    assert "Intact" in dialog.verdict.text()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close).isEnabled()
    dialog.reject()

    document = json.loads(path.read_text(encoding="utf-8"))
    document["timeline"][9]["text"] += " (quietly edited)"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document), encoding="utf-8")
    dialog = _verify_dialog(qtbot, actions.verify_file(tampered))
    assert dialog.check is not None and not dialog.check.ok
    assert dialog.check.broken_seq == 10
    assert "Broken at entry 10" in dialog.verdict.text()
    assert str(tampered) in dialog.source_label.text()
    dialog.reject()

    (tmp_path / "notes.json").write_text("[1, 2]", encoding="utf-8")
    dialog = _verify_dialog(qtbot, actions.verify_file(tmp_path / "notes.json"))
    assert dialog.check is None and "not a War Room export" in dialog.error
    assert "Cannot verify" in dialog.verdict.text()
    dialog.reject()


def test_verify_file_picker_and_this_incident(
    actions: ExportActions, demo: Incident, services: Any, qtbot: Any, tmp_path: Path
) -> None:
    path = actions.folder / "log.json"
    services.export.export(demo.id, path, ExportFormat.JSON, "auditor")
    actions.verify_file_action.trigger()
    picker = actions.file_dialog
    assert picker is not None and picker.isVisible()
    picker.selectFile(str(path))
    picker.accept()
    qtbot.waitUntil(lambda: actions.verify_dialog is not None)
    dialog = actions.verify_dialog
    assert dialog is not None
    _verify_dialog(qtbot, dialog)
    assert dialog.check is not None and dialog.check.ok
    dialog.reject()

    actions.verify_incident_action.trigger()
    dialog = actions.verify_dialog
    assert dialog is not None
    _verify_dialog(qtbot, dialog)
    assert dialog.check is not None and dialog.check.ok
    assert dialog.check.entry_count == services.incidents.get(demo.id).entry_count
    assert f"Incident #{demo.id}" in dialog.source_label.text()
    dialog.reject()


def test_the_composition_root_installs_export_verify_and_review(
    qtbot: Any, services: Any, runner: TaskRunner, store: Any
) -> None:
    from warroom.services.preferences import Identity
    from warroom.ui.shell.app import build_window

    window = build_window(services, runner, Identity("Dana Reyes", "lead"), store)
    try:
        file_texts = [a.text() for a in window.file_menu.actions()]
        tools_texts = [a.text() for a in window.tools_menu.actions()]
        assert "&Export…" in file_texts and "&Verify export…" in file_texts
        assert "Verify this &incident" in tools_texts
        assert "Post-incident &review…" in tools_texts
        shortcuts = {a.shortcut().toString() for a in window.actions()}
        assert {"Ctrl+E", "Ctrl+R"} <= shortcuts
    finally:
        window.deleteLater()


def test_a_long_log_reports_progress_as_it_goes_and_the_window_stays_live(
    qtbot: Any, services: Any, demo: Incident, runner: TaskRunner, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from PySide6.QtCore import QTimer

    from tests.support.bulk_timeline import seed_entries

    seed_entries(services.db, demo.id, 6000, start=datetime(2026, 11, 23, 10, tzinfo=UTC))
    dialog = ExportDialog(
        services.export, runner, demo, "auditor", tmp_path, services.incidents.today()
    )
    qtbot.addWidget(dialog)
    dialog.set_format(ExportFormat.JSON)
    shown: list[int] = []
    dialog.progress.valueChanged.connect(shown.append)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(dialog.progress.value()))
    timer.start()
    try:
        with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as blocker:
            dialog.export_button.click()
    finally:
        timer.stop()
    result: ExportResult = blocker.args[0]
    # +1: the exporter's first signature made their key, logged on the incident
    assert result.entry_count == demo.entry_count + 6000 + 1 and result.chain_ok
    assert shown == sorted(shown) and shown[-1] == 100
    assert len([value for value in shown if 0 < value < 100]) >= 3  # it moved in steps
    assert ticks  # the GUI thread kept running while the worker wrote
    assert services.export.verify_file(result.path).ok


class _UrlCatcher(QObject):
    """Takes the place of the desktop's file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.urls.append(url)


def test_browse_picks_the_file_and_open_folder_shows_it(
    actions: ExportActions, demo: Incident, qtbot: Any, tmp_path: Path
) -> None:
    dialog = _open(actions)
    dialog.set_format(ExportFormat.CSV)
    dialog.browse()
    picker = dialog.file_dialog
    assert picker is not None and picker.isVisible()
    assert picker.selectedFiles()[0].endswith(f"incident-{demo.id}-2026-11-23.csv")
    target = tmp_path / "chosen" / "log.csv"
    target.parent.mkdir()
    picker.selectFile(str(target))
    picker.accept()
    assert dialog.path() == target
    _export(qtbot, dialog)
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open_url")
    try:
        assert dialog.open_folder()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in catcher.urls] == [str(target.parent)]
    dialog.accept()
