"""Matrix delivery against a real Synapse homeserver (SQLite, on 127.0.0.1, no federation).

The transaction id is the outbox row's idempotency key, so the homeserver itself answers a
repeated send with the event it already made; with a new access token (Synapse scopes
transaction ids to a device) the connector finds its earlier event in the room instead.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.integration.sync.conftest import open_incident, release
from tests.support.channels import channel_named
from tests.support.hang_proxy import HangingProxy
from tests.support.synapse import MatrixUser, SynapseServer
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState
from warroom.sync.connectors import ForgetfulMemory
from warroom.sync.connectors.matrix import IDEMPOTENCY_FIELD, MatrixConnector, token_mark

_names = itertools.count(1)

TEXT = "Checkout is **back**. <b>not bold</b> & [status](https://status.example.com)"


def _room(synapse: SynapseServer) -> tuple[MatrixUser, str, str]:
    """Register a fresh user and give it a room with an alias; return both."""
    number = next(_names)
    user = synapse.register(f"warroom{number}")
    room_id = synapse.create_room(user, f"crisis{number}")
    return user, room_id, f"#crisis{number}:warroom.test"


def _configure(services: Any, url: str, room: str, token: str) -> None:
    services.channel_setup.configure(
        "matrix",
        ChannelKind.MATRIX,
        {"url": url, "room": room, "connect_timeout": 0.5, "read_timeout": 1.0},
        token,
    )


def test_a_statement_arrives_as_one_event_with_text_html_and_key(
    services: Any, synapse: SynapseServer
) -> None:
    user, room_id, alias = _room(synapse)
    _configure(services, synapse.url, alias, user.access_token)
    (row,) = release(services, open_incident(services), ["matrix"], TEXT)

    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()

    (event,) = synapse.messages(user, room_id)
    content = event["content"]
    assert content["msgtype"] == "m.text"
    assert content["body"] == TEXT
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"] == (
        "<p>Checkout is <strong>back</strong>. &lt;b&gt;not bold&lt;/b&gt; &amp; "
        '<a href="https://status.example.com">status</a></p>'
    )
    assert content[IDEMPOTENCY_FIELD] == row.idempotency_key
    assert event["unsigned"]["transaction_id"] == row.idempotency_key
    stored = next(r for r in services.channels.outbox() if r.id == row.id)
    assert stored.remote_id == event["event_id"]
    # The alias was resolved once and its room id kept in the channel's settings.
    assert channel_named(services, "matrix").settings["room_id"] == room_id


def test_a_retry_with_the_same_token_is_answered_by_the_homeserver(
    services: Any, synapse: SynapseServer
) -> None:
    user, room_id, _alias = _room(synapse)
    _configure(services, synapse.url, room_id, user.access_token)
    (row,) = release(services, open_incident(services), ["matrix"], "Update one.")
    channel = channel_named(services, "matrix")
    connector = MatrixConnector(channel, user.access_token)
    first = connector.deliver(row)
    mark = token_mark(user.access_token, row.idempotency_key)
    retried = connector.deliver(replace(row, attempts=2, record_key=mark))
    connector.close()
    assert retried.remote_id == first.remote_id  # Synapse deduplicated the transaction
    assert len(synapse.messages(user, room_id)) == 1


def test_a_new_token_looks_in_the_room_before_sending_again(
    services: Any, synapse: SynapseServer
) -> None:
    user, room_id, alias = _room(synapse)
    _configure(services, synapse.url, alias, user.access_token)
    (row,) = release(services, open_incident(services), ["matrix"], "Update two.")
    channel = channel_named(services, "matrix")
    memory = ForgetfulMemory()
    first = MatrixConnector(channel, user.access_token, memory=memory).deliver(row)
    assert memory.settings == {"room_id": room_id}

    renewed = synapse.login(user)  # another token, another device: no transaction dedupe
    claimed = replace(
        row, attempts=2, record_key=token_mark(user.access_token, row.idempotency_key)
    )
    found = MatrixConnector(channel, renewed.access_token).deliver(claimed)
    assert found.remote_id == first.remote_id
    assert "found in the room" in found.detail
    assert len(synapse.messages(user, room_id)) == 1


def test_channel_test_is_whoami_and_a_bad_token_is_named(
    services: Any, synapse: SynapseServer
) -> None:
    user, room_id, alias = _room(synapse)
    _configure(services, synapse.url, alias, user.access_token)
    result = services.channel_setup.test("matrix")
    assert result.ok, result.message
    assert result.message == f"authenticated as {user.user_id} (room {alias} is {room_id})"
    _configure(services, synapse.url, alias, "syt_not_a_real_token_0000")
    failed = services.channel_setup.test("matrix")
    assert not failed.ok and "HTTP 401" in failed.message
    assert "syt_not_a_real_token" not in failed.message


def test_a_bad_room_is_refused_when_configuring(services: Any) -> None:
    from warroom.domain.errors import ValidationError

    for room, why in [
        ("crisis", "room id"),
        ("#crisis", "names its server"),
        ("!abc def", "room id"),
    ]:
        with pytest.raises(ValidationError, match=why):
            _configure(services, "https://matrix.example.org", room, "t")


@pytest.mark.slow
def test_kill_9_mid_send_then_restart_with_a_new_token_shows_one_event(
    services: Any, synapse: SynapseServer, cli_env: dict[str, str], clock: Any
) -> None:
    # Released in real time: the worker (a subprocess) runs on the real clock, and a row
    # older than the incident's hold window would be held for a person instead of sent.
    clock.now = datetime.now(UTC)
    user, room_id, alias = _room(synapse)
    with HangingProxy(synapse.url, hang_on="/send/m.room.message/") as proxy:
        _configure(services, proxy.url, alias, user.access_token)
        assert len(release(services, open_incident(services), ["matrix"], "Payment back.")) == 1
        proxy.hang.set()
        worker = subprocess.Popen(
            [sys.executable, "-m", "warroom", "sync", "--watch", "--interval", "0.2"],
            env=cli_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert proxy.held.wait(60), "the send never reached the homeserver"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        assert worker.returncode == -signal.SIGKILL
        assert len(synapse.messages(user, room_id)) == 1  # sent, but never recorded
        (stuck,) = services.channels.outbox()
        assert stuck.state is DeliveryState.SENDING

        # A person renews the token meanwhile: the homeserver cannot dedupe any more.
        renewed = synapse.login(user)
        _configure(services, proxy.url, alias, renewed.access_token)
        time.sleep(2.0)  # the claim must be older than --stale-after (and the timeouts)
        final = subprocess.run(
            [sys.executable, "-m", "warroom", "sync", "--once", "--stale-after", "1.6"],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert final.returncode == 0, final.stderr
    (sent,) = services.channels.outbox()
    assert sent.state is DeliveryState.SENT
    events = synapse.messages(user, room_id)
    assert len(events) == 1  # the room shows one event
    assert sent.remote_id == events[0]["event_id"]
    puts = [path for method, path in proxy.forwarded if method == "PUT"]
    assert len(puts) == 1  # the restarted worker found the event instead of sending again
    entry = services.timeline.entries(sent.incident_id)[-1]
    assert "found in the room" in entry.data["detail"]
