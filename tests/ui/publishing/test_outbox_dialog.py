"""Tools > Outbox…: uncertain and failed deliveries, resolved by a person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.sync.conftest import release
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState
from warroom.domain.timeline import EntryKind
from warroom.storage import outbox_repo
from warroom.ui.publishing.outbox_dialog import EMPTY, OutboxDialog
from warroom.ui.publishing.outbox_model import OutboxModel
from warroom.ui.shell.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
WAIT_MS = 10_000


def _interrupted_webhook_rows(services: Any, clock: Any, texts: list[str]) -> list[Any]:
    """Release statements to the webhook and leave each as a crashed worker would."""
    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": "http://127.0.0.1:9/hook"}, ""
    )
    incident = services.incidents.open("Checkout outage", 3, "alice").id
    rows = [release(services, incident, ["webhook"], text)[0] for text in texts]
    with services.db.transaction() as session:
        for row in rows:
            assert outbox_repo.claim(session, row.id, clock.now, "")
    clock.advance(minutes=10)
    delivery = services.new_delivery()
    report = delivery.run_once()  # finds them stale: 'uncertain', waiting for a person
    delivery.close()
    assert report.uncertain == [row.id for row in rows]
    return rows


@pytest.fixture
def make_dialog(qtbot: Any, services: Any, runner: TaskRunner) -> Callable[[], OutboxDialog]:
    def make() -> OutboxDialog:
        dialog = OutboxDialog(services.delivery, runner, lambda: "Dana Reyes")
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.refresh()
        qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)
        return dialog

    return make


def test_the_outbox_model_passes_the_model_tester(
    qtmodeltester: Any, services: Any, clock: Any
) -> None:
    rows = _interrupted_webhook_rows(services, clock, ["One.", "Two.", "Three."])
    model = OutboxModel()
    attention = services.delivery.status().attention
    model.set_rows(attention)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.index(0, 3).data() == "uncertain"
    model.set_rows(attention[:1])
    model.set_rows([])
    model.set_rows(attention)
    assert model.row_of(rows[2].id) == 2


def test_an_uncertain_row_is_resent_or_marked_sent_from_the_dialog(
    qtbot: Any,
    services: Any,
    clock: Any,
    runner: TaskRunner,
    make_dialog: Callable[[], OutboxDialog],
) -> None:
    first, second = _interrupted_webhook_rows(services, clock, ["Checkout down.", "Fixed."])
    dialog = make_dialog()
    assert dialog.model.rowCount() == 2
    assert "2 deliveries need a person" in dialog.summary.text()
    dialog.select_row(first.id)
    assert "may or may not have gone out" in dialog.detail.text()
    assert dialog.resend_button.isEnabled()

    dialog.resend_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT_MS)
    assert dialog.result_text() == f"Outbox row {first.id} queued again"
    resent = next(r for r in services.channels.outbox() if r.id == first.id)
    assert resent.state is DeliveryState.QUEUED

    dialog.select_row(second.id)
    dialog.url_edit.setText("https://status.example/incidents/1")
    dialog.mark_button.click()
    qtbot.waitUntil(lambda: "Nothing needs a person" in dialog.summary.text(), timeout=WAIT_MS)
    assert dialog.summary.text().startswith(EMPTY)
    marked = next(r for r in services.channels.outbox() if r.id == second.id)
    assert marked.state is DeliveryState.SENT
    assert marked.remote_url == "https://status.example/incidents/1"
    entries = services.timeline.entries(marked.incident_id)
    decided = [e for e in entries if e.kind is EntryKind.STATEMENT and e.author == "Dana Reyes"]
    assert [e.data["event"] for e in decided] == ["delivery.resend", "delivery.sent"]
    assert not dialog.resend_button.isEnabled()
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)


def test_a_failed_row_shows_its_reason_and_a_refusal_is_shown(
    qtbot: Any,
    services: Any,
    clock: Any,
    runner: TaskRunner,
    make_dialog: Callable[[], OutboxDialog],
) -> None:
    (row,) = _interrupted_webhook_rows(services, clock, ["Checkout down."])
    with services.db.transaction() as session:
        outbox_repo.finish(
            session,
            row.id,
            DeliveryState.FAILED,
            clock.now,
            error="HTTP 403 from the webhook: forbidden",
            from_states=(DeliveryState.UNCERTAIN,),
        )
    dialog = make_dialog()
    dialog.select_row(row.id)
    assert dialog.model.index(0, 3).data() == "failed"
    assert dialog.model.index(0, 5).data() == "HTTP 403 from the webhook: forbidden"
    assert "Reason: HTTP 403 from the webhook: forbidden" in dialog.detail.text()

    services.delivery.resend(row.id, "alice")  # someone else decided meanwhile
    dialog.mark_button.click()
    qtbot.waitUntil(
        lambda: "only an uncertain or failed row" in dialog.result_text(), timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(runner.is_idle, timeout=WAIT_MS)


def test_a_row_waiting_for_a_retry_shows_the_servers_reason(
    services: Any, httpserver: Any, make_dialog: Callable[[], OutboxDialog]
) -> None:
    """A webhook answering 503 shows its reason after the first failure, not only later."""
    httpserver.expect_request("/hook", method="POST").respond_with_json(
        {"error": "planned maintenance"}, status=503
    )
    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": httpserver.url_for("/hook")}, ""
    )
    incident = services.incidents.open("Checkout outage", 3, "alice").id
    (row,) = release(services, incident, ["webhook"], "Still down.")
    assert services.delivery.run_once().retrying == [row.id]
    services.delivery.close()

    dialog = make_dialog()
    assert dialog.retrying.isVisible()
    assert dialog.retrying.text() == (
        f"Retrying outbox row {row.id} (statement #{row.statement_id} on webhook, 1 attempt(s)): "
        "webhook: HTTP 503 planned maintenance"
    )
