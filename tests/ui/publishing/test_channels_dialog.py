"""Tools > Channels…: the channel table, configuring a channel, testing it, no keychain."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from werkzeug import Response

from tests.support.channels import channel_named
from warroom.domain.channels import Channel, ChannelKind
from warroom.services.channel_setup import ChannelSetupService
from warroom.services.context import ServiceContext
from warroom.storage.secrets import NO_KEYCHAIN, SecretStore
from warroom.ui.publishing.channels_dialog import ChannelsDialog
from warroom.ui.publishing.channels_model import ChannelsModel
from warroom.ui.shell.tasks import TaskRunner

OFFSCREEN_DIALOG = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
TOKEN = "mastodon-token-Secret-9c1e"
WAIT_MS = 10_000


def _channel(services: Any, name: str) -> Channel:
    """Return the channel called ``name`` as stored now."""
    return next(c for c in services.channels.all() if c.name == name)


@pytest.fixture
def make_dialog(qtbot: Any, services: Any, runner: TaskRunner) -> Callable[..., ChannelsDialog]:
    def make(setup: ChannelSetupService | None = None) -> ChannelsDialog:
        dialog = ChannelsDialog(services.channels, setup or services.channel_setup, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.refresh()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 4, timeout=WAIT_MS)
        qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
        return dialog

    return make


def _fill_mastodon(dialog: ChannelsDialog, url: str, secret: str) -> None:
    dialog.select_channel("mastodon")
    assert dialog.name_edit.text() == "mastodon"
    assert dialog.kind().value == "mastodon"
    dialog.url_edit.setText(url)
    dialog.secret_edit.setText(secret)


def _save(qtbot: Any, dialog: ChannelsDialog, runner: TaskRunner) -> None:
    dialog.save_button.click()
    qtbot.waitUntil(lambda: runner.is_idle() and dialog.save_button.isEnabled(), timeout=WAIT_MS)
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)


def test_the_channels_model_passes_the_model_tester(
    qtmodeltester: Any, services: Any, clock: Any
) -> None:
    model = ChannelsModel()
    channels = services.channels.all()
    model.set_channels(channels)
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(4)] == [
        "bluesky",
        "email",
        "mastodon",
        "webhook",
    ]
    assert model.index(2, 3).data() == "not configured"
    # A changed row is updated in place, a different list resets; the tester stays attached.
    changed = [replace(c, configured=True, last_checked_at=clock.now) for c in channels]
    model.set_channels(changed)
    assert model.index(2, 3).data() == "online"
    model.set_channels(changed[:2])
    model.set_channels([])
    assert model.rowCount() == 0


@OFFSCREEN_DIALOG
def test_configuring_mastodon_stores_the_secret_in_the_keychain_and_settings_in_the_db(
    qtbot: Any,
    services: Any,
    runner: TaskRunner,
    make_dialog: Callable[..., ChannelsDialog],
    httpserver: Any,
    caplog: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = make_dialog()
    assert dialog.secret_edit.echoMode() == dialog.secret_edit.EchoMode.Password
    _fill_mastodon(dialog, httpserver.url_for("/"), TOKEN)

    _save(qtbot, dialog, runner)

    assert "Saved mastodon (mastodon); secret stored in the keychain" in dialog.result_text()
    assert SecretStore().get(_channel(services, "mastodon")) == TOKEN
    channel = _channel(services, "mastodon")
    assert channel.configured
    assert channel.settings["url"] == httpserver.url_for("/").rstrip("/")
    assert TOKEN not in str(dict(channel.settings))
    assert dialog.secret_edit.text() == ""
    assert "keep the stored access token" in dialog.secret_edit.placeholderText()
    assert dialog.model.index(dialog.model.row_of("mastodon"), 2).data() == "yes"

    # Reconfiguring with the password field empty keeps the stored secret.
    dialog.url_edit.setText("https://mastodon.example")
    _save(qtbot, dialog, runner)
    assert "secret kept" in dialog.result_text()
    assert SecretStore().get(_channel(services, "mastodon")) == TOKEN
    assert _channel(services, "mastodon").settings["url"] == "https://mastodon.example"
    assert TOKEN not in caplog.text


@OFFSCREEN_DIALOG
def test_test_shows_success_then_a_rejected_token(
    qtbot: Any,
    services: Any,
    runner: TaskRunner,
    make_dialog: Callable[..., ChannelsDialog],
    httpserver: Any,
) -> None:
    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": httpserver.url_for("/")}, TOKEN
    )
    httpserver.expect_ordered_request(
        "/api/v1/accounts/verify_credentials",
        method="GET",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).respond_with_json({"id": "7", "username": "status", "acct": "status"})
    httpserver.expect_ordered_request("/api/v1/accounts/verify_credentials").respond_with_response(
        Response('{"error": "The access token is invalid"}', status=401)
    )
    dialog = make_dialog()
    dialog.select_channel("mastodon")

    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✓"), timeout=WAIT_MS)
    assert dialog.result_text() == "✓ mastodon: ok, authenticated as @status"
    qtbot.waitUntil(
        lambda: dialog.model.index(dialog.model.row_of("mastodon"), 3).data() == "online",
        timeout=WAIT_MS,
    )

    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✗"), timeout=WAIT_MS)
    assert "401" in dialog.result_text() or "rejected" in dialog.result_text()
    assert TOKEN not in dialog.result_text()
    qtbot.waitUntil(
        lambda: dialog.model.index(dialog.model.row_of("mastodon"), 3).data() == "offline",
        timeout=WAIT_MS,
    )
    assert dialog.model.index(dialog.model.row_of("mastodon"), 4).data()
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    httpserver.check_assertions()


@OFFSCREEN_DIALOG
def test_a_missing_keychain_is_one_line_and_the_form_keeps_everything(
    qtbot: Any,
    services: Any,
    clock: Any,
    runner: TaskRunner,
    make_dialog: Callable[..., ChannelsDialog],
) -> None:
    from keyring.backends import fail

    setup = ChannelSetupService(ServiceContext(services.db, clock), SecretStore(fail.Keyring()))
    dialog = make_dialog(setup)
    _fill_mastodon(dialog, "https://mastodon.example", TOKEN)

    _save(qtbot, dialog, runner)

    assert dialog.result_text() == f"✗ {NO_KEYCHAIN}"
    assert dialog.name_edit.text() == "mastodon"
    assert dialog.url_edit.text() == "https://mastodon.example"
    assert dialog.secret_edit.text() == TOKEN  # nothing typed is lost
    assert not _channel(services, "mastodon").configured


@OFFSCREEN_DIALOG
def test_the_form_shows_each_kinds_fields_and_refuses_bad_settings(
    qtbot: Any, services: Any, runner: TaskRunner, make_dialog: Callable[..., ChannelsDialog]
) -> None:
    dialog = make_dialog()
    dialog.select_channel("email")
    assert dialog.form.isRowVisible(dialog.host_edit)
    assert dialog.form.isRowVisible(dialog.to_edit)
    assert not dialog.form.isRowVisible(dialog.url_edit)
    assert dialog.secret_label.text() == "SMTP password"
    dialog.select_channel("bluesky")
    assert dialog.form.isRowVisible(dialog.handle_edit)
    assert dialog.form.isRowVisible(dialog.url_edit)
    assert not dialog.form.isRowVisible(dialog.host_edit)

    dialog.select_channel("email")
    dialog.host_edit.setText("smtp.example.com")
    dialog.from_edit.setText("incidents@example.com")
    dialog.to_edit.setText("press@example.com, ops@example.com")
    dialog.security_combo.setCurrentText("ssl")
    dialog.secret_edit.setText("smtp-pass")
    _save(qtbot, dialog, runner)
    settings = _channel(services, "email").settings
    assert settings["to"] == ["press@example.com", "ops@example.com"]
    assert (settings["security"], settings["port"]) == ("ssl", 465)

    dialog.select_channel("webhook")
    dialog.url_edit.setText("ftp://nope")
    _save(qtbot, dialog, runner)
    assert dialog.result_text().startswith("✗ --url must be an http(s) address")
    assert dialog.url_edit.text() == "ftp://nope"
    assert not _channel(services, "webhook").configured


@OFFSCREEN_DIALOG
def test_an_emptied_optional_field_is_cleared_on_save(
    qtbot: Any, services: Any, runner: TaskRunner, make_dialog: Callable[..., ChannelsDialog]
) -> None:
    dialog = make_dialog()
    dialog.select_channel("email")
    dialog.host_edit.setText("smtp.example.com")
    dialog.from_edit.setText("incidents@example.com")
    dialog.to_edit.setText("press@example.com")
    dialog.user_edit.setText("incident-bot")
    _save(qtbot, dialog, runner)
    assert _channel(services, "email").settings["user"] == "incident-bot"

    dialog.select_channel("email")
    assert dialog.user_edit.text() == "incident-bot"
    dialog.user_edit.clear()
    _save(qtbot, dialog, runner)
    settings = _channel(services, "email").settings
    assert "user" not in settings
    assert settings["host"] == "smtp.example.com"  # what the form still shows is kept


@OFFSCREEN_DIALOG
def test_remove_asks_first_and_refuses_a_channel_a_statement_names(
    qtbot: Any, services: Any, runner: TaskRunner, make_dialog: Callable[..., ChannelsDialog]
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    services.statements.draft(incident.id, ["email"], "We are on it.", "alice", subject="Update")
    dialog = make_dialog()
    dialog.select_channel("webhook")
    dialog.url_edit.setText("https://hooks.example/warroom")
    dialog.secret_edit.setText("hook-secret")
    _save(qtbot, dialog, runner)
    webhook = channel_named(services, "webhook")
    assert SecretStore().get(webhook) == "hook-secret"

    dialog.select_channel("webhook")
    dialog.remove_button.click()
    box = dialog.remove_confirmation
    assert box is not None and box.isVisible() and "webhook" in box.text()
    box.button(box.StandardButton.Cancel).click()  # cancelling changes nothing
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
    assert dialog.model.row_of("webhook") >= 0

    dialog.select_channel("webhook")
    dialog.remove_button.click()
    box = dialog.remove_confirmation
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Remove").click()
    qtbot.waitUntil(lambda: dialog.model.row_of("webhook") < 0, timeout=WAIT_MS)
    assert dialog.result_text() == "Removed webhook."
    assert [c.name for c in services.channels.all()] == ["bluesky", "email", "mastodon"]
    assert SecretStore().get(webhook) == ""

    dialog.select_channel("email")
    dialog.remove_button.click()
    box = dialog.remove_confirmation
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Remove").click()
    qtbot.waitUntil(lambda: dialog.result_text().startswith("✗"), timeout=WAIT_MS)
    assert "named by 1 statement(s)" in dialog.result_text()
    assert dialog.model.row_of("email") >= 0


@OFFSCREEN_DIALOG
def test_the_new_kinds_and_the_webhook_format_have_their_fields(
    qtbot: Any,
    services: Any,
    runner: TaskRunner,
    make_dialog: Callable[..., ChannelsDialog],
    tmp_path: Any,
) -> None:
    dialog = make_dialog()
    form = dialog.channel_form

    dialog.select_channel("webhook")
    assert form.form.isRowVisible(form.format_combo)
    assert not form.form.isRowVisible(form.room_edit)
    dialog.url_edit.setText("https://hooks.example.com/services/T/B")
    form.format_combo.setCurrentIndex(form.format_combo.findData("slack"))
    _save(qtbot, dialog, runner)
    assert _channel(services, "webhook").settings["format"] == "slack"

    dialog.clear_form()
    dialog.name_edit.setText("site")
    form.kind_combo.setCurrentIndex(form.kind_combo.findData(ChannelKind.STATUSDIR))
    assert form.form.isRowVisible(form.path_edit) and form.form.isRowVisible(form.title_edit)
    assert not form.form.isRowVisible(dialog.secret_edit)  # the folder needs no secret
    assert not form.form.isRowVisible(dialog.url_edit)
    form.path_edit.setText(str(tmp_path))
    form.title_edit.setText("Example status")
    _save(qtbot, dialog, runner)
    assert dialog.result_text() == "Saved site (statusdir); secret not needed."
    site = _channel(services, "site")
    assert (site.settings["path"], site.settings["title"]) == (str(tmp_path), "Example status")

    dialog.clear_form()
    dialog.name_edit.setText("room")
    form.kind_combo.setCurrentIndex(form.kind_combo.findData(ChannelKind.MATRIX))
    assert form.form.isRowVisible(form.room_edit) and form.form.isRowVisible(dialog.url_edit)
    assert dialog.secret_label.text() == "Access token"
    dialog.url_edit.setText("https://matrix.example.org")
    form.room_edit.setText("#crisis:example.org")
    dialog.secret_edit.setText("syt_token")
    _save(qtbot, dialog, runner)
    assert _channel(services, "room").settings["room"] == "#crisis:example.org"

    dialog.select_channel("email")
    for row in (form.bcc_edit, form.reply_to_edit, form.groups_edit, form.to_edit):
        assert form.form.isRowVisible(row)
    dialog.host_edit.setText("smtp.example.com")
    dialog.from_edit.setText("incidents@example.com")
    form.bcc_edit.setText("a@example.net, b@example.net")
    form.groups_edit.setText("press=p@example.org; staff=s@example.org, t@example.org")
    dialog.secret_edit.setText("smtp-pass")
    _save(qtbot, dialog, runner)
    settings = _channel(services, "email").settings
    assert settings["bcc"] == ["a@example.net", "b@example.net"]
    assert settings["groups"] == {
        "press": ["p@example.org"],
        "staff": ["s@example.org", "t@example.org"],
    }
    dialog.select_channel("email")
    assert form.groups_edit.text() == "press=p@example.org; staff=s@example.org, t@example.org"
    form.groups_edit.setText("staff=s@example.org")  # press deleted in the form: removed
    _save(qtbot, dialog, runner)
    assert _channel(services, "email").settings["groups"] == {"staff": ["s@example.org"]}
