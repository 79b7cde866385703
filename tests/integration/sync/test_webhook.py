"""Delivering to a webhook (pytest-httpserver): JSON body, Idempotency-Key, HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from typing import Any

import pytest

from tests.integration.sync.conftest import WEBHOOK_SECRET, open_incident, release
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState


def _configure(services: Any, httpserver: Any, secret: str, read_timeout: float = 10) -> None:
    # A short read timeout only where the test is about it: on a loaded machine (parallel
    # workers) the test server may well take more than 0.5 s to answer.
    services.channel_setup.configure(
        "webhook",
        ChannelKind.WEBHOOK,
        {"url": httpserver.url_for("/hooks/warroom"), "read_timeout": read_timeout},
        secret,
    )


def _row(services: Any, row_id: int) -> Any:
    return next(r for r in services.channels.outbox() if r.id == row_id)


def test_the_json_carries_text_and_ids_and_is_signed(services: Any, httpserver: Any) -> None:
    from werkzeug import Request, Response

    _configure(services, httpserver, WEBHOOK_SECRET)
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok", status=200)

    httpserver.expect_request("/hooks/warroom", method="POST").respond_with_handler(handler)
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Checkout restored.", subject="Resolved")

    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()

    (request,) = received
    body = request.get_data()
    document = json.loads(body)
    assert document["text"] == "Checkout restored."
    assert (document["incident"], document["statement"], document["outbox"]) == (
        incident,
        row.statement_id,
        row.id,
    )
    assert request.headers["Idempotency-Key"] == row.idempotency_key
    expected = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert request.headers["X-Warroom-Signature"] == f"sha256={expected}"
    assert request.headers["Content-Type"] == "application/json"


def test_without_a_secret_there_is_no_signature(services: Any, httpserver: Any) -> None:
    _configure(services, httpserver, "")
    httpserver.expect_request("/hooks/warroom").respond_with_data("ok")
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")
    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()
    (request, _response) = httpserver.log[0]
    assert "X-Warroom-Signature" not in request.headers


def test_500_then_success(services: Any, httpserver: Any, clock: Any) -> None:
    _configure(services, httpserver, WEBHOOK_SECRET)
    httpserver.expect_ordered_request("/hooks/warroom").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/hooks/warroom").respond_with_data("ok")
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")

    assert services.delivery.run_once().retrying == [row.id]
    clock.advance(seconds=30)
    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()
    assert len(httpserver.log) == 2


def test_a_read_timeout_makes_the_row_uncertain(services: Any, httpserver: Any) -> None:
    from werkzeug import Request, Response

    _configure(services, httpserver, WEBHOOK_SECRET, read_timeout=0.5)
    release_handler = threading.Event()

    def slow(request: Request) -> Response:
        release_handler.wait(5)  # answers only after the client gave up
        return Response("late", status=200)

    httpserver.expect_request("/hooks/warroom").respond_with_handler(slow)
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")

    assert services.delivery.run_once().uncertain == [row.id]
    services.delivery.close()
    uncertain = _row(services, row.id)
    assert uncertain.state is DeliveryState.UNCERTAIN
    assert "no answer within 0.5 s" in uncertain.last_error
    release_handler.set()  # the session-wide server is single-threaded: free it


@pytest.mark.parametrize("status", [401, 403, 422])
def test_permanent_errors_stop_the_row(services: Any, httpserver: Any, status: int) -> None:
    _configure(services, httpserver, WEBHOOK_SECRET)
    httpserver.expect_request("/hooks/warroom").respond_with_json({"error": "nope"}, status=status)
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")
    report = services.delivery.run_once()
    assert report.failed == [row.id], report
    services.delivery.close()
    assert f"HTTP {status} nope" in _row(services, row.id).last_error
    assert services.delivery.run_once().failed == []
    services.delivery.close()
