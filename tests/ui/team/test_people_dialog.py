"""Tools > People and roles…: the people table, a lead managing roles, a viewer read only."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from warroom.domain.people import Person, Role
from warroom.services import Services
from warroom.services.preferences import Identity
from warroom.ui.publishing.channels_dialog import ChannelsDialog
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.team.people_dialog import ENFORCEMENT_HELP, PeopleDialog, install_people_action
from warroom.ui.team.people_model import COL_KEY, COL_ROLE, PERSON_ROLE, SORT_ROLE, PeopleModel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
WAIT_MS = 10_000
LEAD = "Dana Reyes"


def _person(name: str, role: Role) -> Person:
    return Person(name, role, LEAD, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


def test_the_people_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = PeopleModel()
    model.set_people([_person(LEAD, Role.LEAD), _person("Sam Ortiz", Role.APPROVER)])
    qtmodeltester.check(model)
    assert model.index(1, COL_ROLE).data() == "approver"
    assert model.index(1, COL_ROLE).data(PERSON_ROLE).name == "Sam Ortiz"
    assert model.index(0, COL_ROLE).data(SORT_ROLE) < model.index(1, COL_ROLE).data(SORT_ROLE)
    model.set_people([_person(LEAD, Role.LEAD), _person("Sam Ortiz", Role.SCRIBE)])
    qtmodeltester.check(model)
    assert model.index(1, COL_ROLE).data() == "scribe"
    model.set_people([_person("Vic Chen", Role.VIEWER)])
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.person(0) == _person("Vic Chen", Role.VIEWER)


def _open(qtbot: Any, window: MainWindow, services: Services) -> PeopleDialog:
    dialog = install_people_action(window, services.people).open_dialog()
    qtbot.waitUntil(
        lambda: window.runner.is_idle() and bool(dialog.enforcement_text()), timeout=WAIT_MS
    )
    return dialog


def _save(qtbot: Any, dialog: PeopleDialog, name: str, role: Role) -> None:
    dialog.name_edit.setText(name)
    dialog.select_role(role)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.model.row_of(name) >= 0, timeout=WAIT_MS)
    qtbot.waitUntil(dialog._runner.is_idle, timeout=WAIT_MS)


def _grab(dialog: PeopleDialog, name: str) -> None:
    folder = os.environ.get("WARROOM_SCREENSHOTS")
    if folder:
        dialog.grab().save(str(Path(folder) / name))


def test_a_lead_adds_an_approver_and_a_viewer_then_the_viewer_only_reads(
    make_window: Callable[..., MainWindow], services: Services, qtbot: Any
) -> None:
    window = make_window(LEAD, "lead")
    dialog = _open(qtbot, window, services)
    assert "not enforced yet" in dialog.enforcement_text()
    assert ENFORCEMENT_HELP in dialog.enforcement_text()

    # The first person must be a lead: the dialog says so and registers nobody.
    dialog.name_edit.setText("Sam Ortiz")
    dialog.select_role(Role.APPROVER)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "first person must be a lead" in dialog.result_text(), timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    assert services.people.all() == []
    assert "\n" not in dialog.result_text()

    _save(qtbot, dialog, LEAD, Role.LEAD)
    _save(qtbot, dialog, "Sam Ortiz", Role.APPROVER)
    _save(qtbot, dialog, "Vic Chen", Role.VIEWER)
    assert {p.name: p.role for p in services.people.all()} == {
        LEAD: Role.LEAD,
        "Sam Ortiz": Role.APPROVER,
        "Vic Chen": Role.VIEWER,
    }
    qtbot.waitUntil(lambda: "Roles are enforced" in dialog.enforcement_text(), timeout=WAIT_MS)
    assert "3 people are registered" in dialog.enforcement_text()
    assert dialog.save_button.isEnabled() and dialog.remove_button.isEnabled()
    _grab(dialog, "people-lead.png")
    key = services.people.key("Sam Ortiz")  # Sam's first signature made a key
    dialog.refresh()
    qtbot.waitUntil(
        lambda: (
            dialog.model.person(dialog.model.row_of("Sam Ortiz")).fingerprint == key.fingerprint
        ),
        timeout=WAIT_MS,
    )  # type: ignore[union-attr]
    row = dialog.model.row_of("Sam Ortiz")
    assert dialog.model.index(row, COL_KEY).data() == key.fingerprint
    assert dialog.model.index(dialog.model.row_of(LEAD), COL_KEY).data() == "none yet"

    # Switching to the viewer refreshes the open dialog: the form is disabled and says why.
    window.set_identity(Identity("Vic Chen", "viewer"), remember=False)
    qtbot.waitUntil(lambda: dialog.refusal_text() is not None, timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    reason = dialog.refusal_text() or ""
    assert "Vic Chen is a viewer and may not manage people" in reason
    for widget in (dialog.name_edit, dialog.role_combo, dialog.save_button, dialog.remove_button):
        assert not widget.isEnabled()
        assert widget.toolTip() == reason
    assert dialog.permission_label.isVisible()
    assert reason in dialog.permission_label.text()
    _grab(dialog, "people-viewer.png")
    dialog.close()


def test_a_lead_removes_someone_and_the_last_lead_is_kept(
    make_window: Callable[..., MainWindow], services: Services, qtbot: Any
) -> None:
    services.people.put(LEAD, Role.LEAD, LEAD)
    services.people.put("Sam Ortiz", Role.APPROVER, LEAD)
    window = make_window(LEAD, "lead")
    dialog = _open(qtbot, window, services)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT_MS)

    dialog.select_person("Sam Ortiz")
    assert dialog.name_edit.text() == "Sam Ortiz"
    assert dialog.role() is Role.APPROVER
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.model.row_of("Sam Ortiz") < 0, timeout=WAIT_MS)
    assert [p.name for p in services.people.all()] == [LEAD]

    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    dialog.select_person(LEAD)
    dialog.select_role(Role.VIEWER)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "last lead" in dialog.result_text(), timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    assert services.views.permissions(LEAD).role is Role.LEAD
    dialog.close()


@pytest.mark.sqlite_only
def test_the_channels_dialog_save_is_refused_for_a_non_lead(
    make_window: Callable[..., MainWindow], services: Services, qtbot: Any
) -> None:
    services.people.put(LEAD, Role.LEAD, LEAD)
    services.people.put("Sam Ortiz", Role.APPROVER, LEAD)
    window = make_window("Sam Ortiz", "approver")
    dialog = ChannelsDialog(
        services.channels,
        services.channel_setup,
        window.runner,
        window,
        actor=lambda: window.identity.name,  # read at each save, as the Tools menu passes it
    )
    dialog.show()
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4, timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    dialog.select_channel("mastodon")
    dialog.url_edit.setText("https://mastodon.example")
    dialog.secret_edit.setText("token-of-sam")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "may not set up channels" in dialog.result_text(), timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    assert "Sam Ortiz is an approver" in dialog.result_text()
    assert not next(c for c in services.channels.all() if c.name == "mastodon").configured
    keyring = Path(os.environ["WARROOM_TEST_KEYRING"])
    assert not keyring.exists() or "token-of-sam" not in keyring.read_text()

    # The same dialog saves once the window acts as the lead.
    window.set_identity(Identity(LEAD, "lead"), remember=False)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    dialog.secret_edit.setText("token-of-dana")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Saved mastodon" in dialog.result_text(), timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    dialog.close()
    dialog.deleteLater()
