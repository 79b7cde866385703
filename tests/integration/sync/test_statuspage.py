"""A hosted status page (Statuspage REST API) fed by War Room, against a loopback server.

The first public statement of an incident creates the page incident, later ones update
it; retries after a dropped answer find what the lost request made instead of making it
twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.sync.conftest import open_incident, release
from tests.support.channels import channel_named
from tests.support.statuspage import FakeStatuspage
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState
from warroom.domain.status_page import component_status, page_status
from warroom.storage import channel_repo

API_KEY = "sp-api-key-Secret-91ab"


@pytest.fixture
def page(services: Any) -> Iterator[FakeStatuspage]:
    with FakeStatuspage(key=API_KEY) as server:
        services.channel_setup.configure(
            "status",
            ChannelKind.STATUSPAGE,
            {
                "url": server.url,
                "page": server.page_id,
                "component": "cmp1checkout",
                "read_timeout": 2,
            },
            API_KEY,
        )
        yield server
        services.delivery.close()


def _rows(services: Any) -> dict[int, Any]:
    return {r.id: r for r in services.channels.outbox()}


def _remote(services: Any, incident: int) -> str | None:
    channel = channel_named(services, "status")
    with services.db.reading() as session:
        return channel_repo.remote_incident(session, channel.id, incident)


def test_first_statement_creates_later_ones_update(services: Any, page: FakeStatuspage) -> None:
    incident = services.incidents.open("Payments down (root cause: db-7 failover)", 3, "alice").id
    (first,) = release(services, incident, ["status"], "We are investigating.", subject="Payments")
    assert services.delivery.run_once().sent == [first.id]

    (created,) = page.incidents.values()
    assert created["name"] == "Payments"  # the approved subject, never the internal title
    assert created["status"] == "investigating"
    assert created["metadata"] == {
        "warroom": {"incident": f"{channel_named(services, 'status').uid}/{incident}"}
    }
    assert [u["body"] for u in created["incident_updates"]] == ["We are investigating."]
    assert page.components == {"cmp1checkout": "degraded_performance"}  # SEV3
    assert {auth for _m, _p, auth in page.requests} == {f"OAuth {API_KEY}"}
    assert _remote(services, incident) == created["id"]
    assert _rows(services)[first.id].remote_url == created["shortlink"]

    (second,) = release(services, incident, ["status"], "A fix is rolling out.")
    # delivered after closing: resolved
    services.incidents.close(incident, "alice", anyway="the update goes out next")
    assert services.delivery.run_once().sent == [second.id]
    assert len(page.incidents) == 1
    assert created["status"] == "resolved"
    assert [u["body"] for u in created["incident_updates"]] == [
        "A fix is rolling out.",
        "We are investigating.",
    ]
    assert page.components == {"cmp1checkout": "operational"}
    methods = [(m, p.rsplit("/", 1)[-1]) for m, p, _a in page.requests]
    assert methods == [("POST", "incidents"), ("PATCH", created["id"])]


def test_a_dropped_answer_after_the_create_makes_no_second_incident(
    services: Any, page: FakeStatuspage, clock: Any
) -> None:
    incident = open_incident(services)
    (row,) = release(services, incident, ["status"], "Checkout errors.", subject="Checkout")
    page.fault("POST", "incidents", "drop-after-store")

    assert services.delivery.run_once().retrying == [row.id]
    assert len(page.incidents) == 1  # made, but War Room never heard of it
    assert _remote(services, incident) is None
    assert _rows(services)[row.id].state is DeliveryState.QUEUED

    clock.advance(minutes=5)
    assert services.delivery.run_once().sent == [row.id]
    (made,) = page.incidents.values()
    assert len(made["incident_updates"]) == 1
    assert _remote(services, incident) == made["id"]
    posts = [p for m, p, _a in page.requests if m == "POST"]
    assert len(posts) == 1  # the retry looked it up (unresolved incidents) instead
    assert ("GET", f"/v1/pages/{page.page_id}/incidents/unresolved") in [
        (m, p) for m, p, _a in page.requests
    ]
    entry = services.timeline.entries(incident)[-1]
    assert entry.data["event"] == "delivery.sent"
    assert "found on the page" in entry.data.get("detail", "")


def test_a_dropped_answer_after_an_update_adds_it_once(
    services: Any, page: FakeStatuspage, clock: Any
) -> None:
    incident = open_incident(services)
    release(services, incident, ["status"], "Investigating.", subject="Checkout")
    services.delivery.run_once()
    (row,) = release(services, incident, ["status"], "Identified: a bad deploy.")
    page.fault("PATCH", "incident", "drop-after-store")

    assert services.delivery.run_once().retrying == [row.id]
    clock.advance(minutes=5)
    assert services.delivery.run_once().sent == [row.id]
    (made,) = page.incidents.values()
    bodies = [u["body"] for u in made["incident_updates"]]
    assert bodies == ["Identified: a bad deploy.", "Investigating."]
    assert len([m for m, _p, _a in page.requests if m == "PATCH"]) == 1


def test_channel_test_reads_the_page_and_names_a_bad_key(
    services: Any, page: FakeStatuspage
) -> None:
    result = services.channel_setup.test("status")
    assert result.ok and result.message == "page 'Example status' answered"
    assert page.requests[-1][:2] == ("GET", f"/v1/pages/{page.page_id}")

    services.channel_setup.configure("status", ChannelKind.STATUSPAGE, {}, "wrong-key-123")
    failed = services.channel_setup.test("status")
    assert not failed.ok and "HTTP 401" in failed.message and "wrong-key" not in failed.message


def test_status_mapping_takes_any_lifecycle_status() -> None:
    assert page_status("open") == "investigating"
    assert page_status("closed") == "resolved"
    for status in ("investigating", "identified", "monitoring", "resolved"):
        assert page_status(status) == status
    assert page_status("something new") == "investigating"  # never shown as resolved
    assert component_status("open", 1) == "major_outage"
    assert component_status("identified", 2) == "partial_outage"
    assert component_status("monitoring", 3) == "degraded_performance"
    assert component_status("resolved", 1) == "operational"


def test_the_cli_configures_a_statuspage_channel(run_cli: Any) -> None:
    result = run_cli(
        "--json",
        "channel",
        "add",
        "status",
        "--kind",
        "statuspage",
        "--page",
        "pg7k2m9x4q1z",
        "--component",
        "cmp1checkout",
        stdin=API_KEY,
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["settings"]["url"] == "https://api.statuspage.io"
    assert data["settings"]["page"] == "pg7k2m9x4q1z"
    assert data["secret"] == "stored in the keychain"
    assert API_KEY not in result.out
    bad = run_cli("channel", "add", "status2", "--kind", "statuspage", stdin=API_KEY)
    assert bad.code == 1 and "needs --page" in bad.err
