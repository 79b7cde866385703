"""Tools > Sources…: add, test and remove a source; a refused login shows STOPPED and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.integration.inbound.fake_listening import FakeListening
from tests.integration.sync.conftest import MASTODON_TOKEN
from tests.ui.inbox.conftest import WAIT_MS, add_source
from warroom.domain.inbox import SourceKind
from warroom.storage.secrets import SourceSecrets
from warroom.ui.inbox.sources_model import PROBLEM, STATE

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _open(qtbot: Any, controller: Any) -> Any:
    controller.sources_action.trigger()
    dialog = controller.sources_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog._runner.is_idle, timeout=WAIT_MS)
    return dialog


def test_a_source_is_added_tested_and_removed_and_its_secret_never_shown(
    qtbot: Any,
    services: Any,
    listening: FakeListening,
    inbox_window: Callable[..., Any],
) -> None:
    listening.mention("Where is my parcel?")
    _window, controller = inbox_window()
    dialog = _open(qtbot, controller)
    assert dialog.model.rowCount() == 0

    form = dialog.source_form
    dialog.name_edit.setText("masto")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(SourceKind.MASTODON))
    assert form.form.isRowVisible(form.url_edit) and not form.form.isRowVisible(form.host_edit)
    form.url_edit.setText(listening.url)
    form.queries_edit.setText("refund, outage")
    dialog.secret_edit.setText(MASTODON_TOKEN)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT_MS)
    assert "Saved masto (mastodon); secret stored in the keychain." in dialog.result_text()
    assert dialog.secret_edit.text() == ""
    assert SourceSecrets(services.secrets).get("masto") == MASTODON_TOKEN
    source = services.sources.get("masto")
    assert source.settings["queries"] == ["refund", "outage"]
    assert dialog.model.index(0, STATE).data() == "not pulled yet"
    qtbot.waitUntil(
        lambda: controller.pane.filters.source_combo.findData("masto") > 0, timeout=WAIT_MS
    )

    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✓ masto"), timeout=WAIT_MS)
    texts = [dialog.result_text()] + [
        dialog.model.index(0, c).data() or "" for c in range(dialog.model.columnCount())
    ]
    assert not any(MASTODON_TOKEN in text for text in texts)

    dialog.select_source("masto")
    dialog.remove_button.click()
    box = dialog.remove_confirmation
    assert box is not None and "items it brought in stay" in box.text()
    box.accept()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=WAIT_MS)
    assert services.sources.all() == []
    assert SourceSecrets(services.secrets).get("masto") == ""
    dialog.reject()
    qtbot.waitUntil(lambda: controller.sources_dialog is None, timeout=WAIT_MS)


def test_a_refused_login_shows_stopped_with_the_reason_until_a_good_test(
    qtbot: Any,
    services: Any,
    listening: FakeListening,
    inbox_window: Callable[..., Any],
) -> None:
    source = add_source(services, listening)
    services.sources.configure(source.name, SourceKind.MASTODON, {}, "wrong-token")
    report = services.inbox_pull.pull_once()
    assert report.sources[0].stopped
    _window, controller = inbox_window()
    dialog = _open(qtbot, controller)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT_MS)
    assert dialog.model.index(0, STATE).data() == "STOPPED"
    problem = dialog.model.index(0, PROBLEM)
    assert problem.data() and "wrong-token" not in problem.data()
    assert problem.data(Qt.ItemDataRole.ToolTipRole).startswith("<qt>")

    dialog.select_source("masto")
    assert dialog.name_edit.text() == "masto" and dialog.secret_edit.text() == ""
    assert "keep the stored" in dialog.secret_edit.placeholderText()
    dialog.secret_edit.setText(MASTODON_TOKEN)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Saved masto" in dialog.result_text(), timeout=WAIT_MS)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✓"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.model.index(0, STATE).data() != "STOPPED", timeout=WAIT_MS)
    assert services.sources.get("masto").active


def test_a_bad_setting_is_refused_in_one_line_and_the_form_keeps_it(
    qtbot: Any, services: Any, inbox_window: Callable[..., Any]
) -> None:
    _window, controller = inbox_window()
    dialog = _open(qtbot, controller)
    dialog.name_edit.setText("reviews")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(SourceKind.FEED))
    assert not dialog.source_form.form.isRowVisible(dialog.source_form.channel_combo)
    dialog.source_form.url_edit.setText("ftp://reviews.example/feed")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✗"), timeout=WAIT_MS)
    assert "--url must be an http(s) address" in dialog.result_text()
    assert dialog.source_form.url_edit.text() == "ftp://reviews.example/feed"
    assert services.sources.all() == []
