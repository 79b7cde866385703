"""kill -9 of a real ``warroom sync --watch`` at every point of a batch, then a restart.

A deduplicating channel claims a batch of rows in one transaction, sends them one by one,
then settles them in one transaction that also claims the next batch (see
``warroom.services.delivery_lane``). Each test kills the worker at one point of that cycle
and checks, after a restart, that every statement was posted exactly once, that every row
has exactly one receipt on the timeline, and that the chain verifies:

- the claim is committed but nothing of the batch was sent yet;
- some rows of the batch were sent (stored by the server) but not yet recorded;
- the settle transaction was in progress (PostgreSQL: blocked on a row lock mid-way);
- a channel without deduplication (a webhook) loses at most one row to 'uncertain'.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.integration.sync.conftest import MASTODON_TOKEN, bulk_release
from tests.integration.sync.fakes import FakeSocial
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState
from warroom.services.delivery_lane import BATCH_ROWS

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]

STATEMENTS = 2 * BATCH_ROWS + 8  # three batches: full, full, partial
STALE_S = 2
QUICK = {"connect_timeout": 0.5, "read_timeout": 1.0}  # a stale window of 2 s is allowed


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _start_watch(cli_env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "warroom", "sync", "--watch", "--interval", "0.2", *extra],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(10) == -signal.SIGKILL


def _drain(cli_env: dict[str, str]) -> None:
    """Restart once the killed worker's claims are stale, and deliver everything."""
    time.sleep(STALE_S + 0.5)
    final = subprocess.run(
        [sys.executable, "-m", "warroom", "sync", "--once", "--stale-after", str(STALE_S)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert final.returncode == 0, final.stderr


@pytest.fixture
def mastodon(services: Any) -> Iterator[tuple[Any, FakeSocial, int, list[str]]]:
    """A configured Mastodon channel with STATEMENTS released statements waiting."""
    with FakeSocial(token=MASTODON_TOKEN) as social:
        services.channel_setup.configure(
            "mastodon", ChannelKind.MASTODON, {"url": social.url, **QUICK}, MASTODON_TOKEN
        )
        incident = services.incidents.open("Payment outage", 2, "alice").id
        texts = [f"Update {n:03d}: still investigating." for n in range(STATEMENTS)]
        # The rows are released now in real time: the worker (a subprocess) runs on the real
        # clock, and rows older than the hold window would be held for a person.
        bulk_release(services.db, incident, ["mastodon"], texts, datetime.now(UTC))
        yield services, social, incident, texts


def _rows(services: Any) -> list[Any]:
    return sorted(services.channels.outbox(), key=lambda r: r.id)


def _receipts(services: Any, incident: int) -> Counter[int]:
    entries = services.timeline.entries(incident)
    return Counter(e.data["outbox"] for e in entries if "outbox" in e.data)


def _assert_exactly_once(
    services: Any, social: FakeSocial, incident: int, texts: list[str]
) -> None:
    rows = _rows(services)
    assert Counter(r.state for r in rows) == {DeliveryState.SENT: len(texts)}
    assert Counter(s["text"] for s in social.statuses) == Counter(texts)  # once each
    sent = [
        e for e in services.timeline.entries(incident) if e.data.get("event") == "delivery.sent"
    ]
    assert Counter(e.data["outbox"] for e in sent) == Counter(r.id for r in rows)
    assert {r.remote_url for r in rows} == {s["url"] for s in social.statuses}
    assert services.timeline.verify(incident).ok


def test_killed_after_the_claim_before_any_row_of_the_batch_was_sent(
    mastodon: Any, cli_env: dict[str, str]
) -> None:
    services, social, incident, texts = mastodon
    first_of_second_batch = BATCH_ROWS + 1
    social.fault_on_create(first_of_second_batch, "hang-before-store:5")

    worker = _start_watch(cli_env)
    _wait_for(lambda: social.create_requests >= first_of_second_batch, "the second batch")
    _kill(worker)

    rows = _rows(services)
    first, second = rows[:BATCH_ROWS], rows[BATCH_ROWS : 2 * BATCH_ROWS]
    assert {r.state for r in first} == {DeliveryState.SENT}  # settled with its receipts
    assert {r.state for r in second} == {DeliveryState.SENDING}  # claimed as one batch
    assert {r.state for r in rows[2 * BATCH_ROWS :]} == {DeliveryState.QUEUED}
    assert len(social.statuses) == BATCH_ROWS  # nothing of the second batch went out

    _drain(cli_env)
    _assert_exactly_once(services, social, incident, texts)
    assert social.duplicate_creates == 0


def test_killed_when_some_rows_of_the_batch_were_sent_but_not_recorded(
    mastodon: Any, cli_env: dict[str, str]
) -> None:
    services, social, incident, texts = mastodon
    hanging = BATCH_ROWS + 6  # the sixth row of the second batch
    social.fault_on_create(hanging, "hang-after-store:5")

    worker = _start_watch(cli_env)
    _wait_for(lambda: social.create_requests >= hanging, "the sixth post of the batch")
    time.sleep(0.2)
    _kill(worker)

    second = _rows(services)[BATCH_ROWS : 2 * BATCH_ROWS]
    on_server = set(social.texts())
    unrecorded = [r for r in second if r.state is DeliveryState.SENDING and r.text in on_server]
    assert second[5] in unrecorded  # the hanging one, and those sent before it
    assert len(unrecorded) >= 2
    never_sent = [r for r in second if r.text not in on_server]
    assert {r.state for r in never_sent} == {DeliveryState.SENDING}  # claimed, not sent

    _drain(cli_env)
    _assert_exactly_once(services, social, incident, texts)
    # Every unrecorded post was sent again under its key and answered with the first one.
    assert social.duplicate_creates == len(unrecorded)


@pytest.mark.postgresql_only
def test_killed_inside_the_settle_transaction(
    mastodon: Any, cli_env: dict[str, str], db_url: str
) -> None:
    """The settle of a batch blocks on a row lock after writing the rows before it; the
    worker is killed there: none of that settle may become visible."""
    from sqlalchemy import create_engine, text

    services, social, incident, texts = mastodon
    last = _rows(services)[BATCH_ROWS - 1]  # the last row of the first batch
    social.fault_on_create(BATCH_ROWS, "hang-after-store:1.5")  # stored, answer lost
    engine = create_engine(db_url)
    try:
        with engine.connect() as locker:
            worker = _start_watch(cli_env)
            _wait_for(lambda: social.create_requests >= BATCH_ROWS, "the last post of the batch")
            locker.execute(text("SELECT id FROM outbox WHERE id = :id FOR UPDATE"), {"id": last.id})

            def settle_is_waiting() -> bool:
                with engine.connect() as probe:
                    waiting = probe.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                            "'Lock' AND datname = current_database() AND query ILIKE '%outbox%'"
                        )
                    ).scalar()
                return bool(waiting)

            _wait_for(settle_is_waiting, "the settle to wait for the locked row")
            _kill(worker)
            locker.rollback()  # the orphaned transaction goes on, then finds no client
        _wait_for(lambda: _idle(engine), "the killed worker's transaction to end")
    finally:
        engine.dispose()

    first = _rows(services)[:BATCH_ROWS]
    assert {r.state for r in first} == {DeliveryState.SENDING}  # nothing of it committed
    assert not set(_receipts(services, incident)) & {r.id for r in first}
    assert len(social.statuses) == BATCH_ROWS  # all stored, none recorded

    _drain(cli_env)
    _assert_exactly_once(services, social, incident, texts)
    assert social.duplicate_creates == BATCH_ROWS


def _idle(engine: Any) -> bool:
    from sqlalchemy import text

    with engine.connect() as probe:
        busy = probe.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
        ).scalar()
    return not busy


@pytest.mark.sqlite_only
def test_a_webhook_loses_at_most_the_one_row_in_flight(
    services: Any, cli_env: dict[str, str], httpserver: Any
) -> None:
    """Without deduplication, one row is claimed at a time: a kill leaves one 'uncertain'
    row for a person, every other row is delivered once."""
    from werkzeug import Request, Response

    received: list[str] = []
    lock = threading.Lock()
    killed = threading.Event()

    def handler(request: Request) -> Response:
        with lock:
            received.append(request.get_json()["text"])
            number = len(received)
        if number == 7:
            # The seventh is received, its answer never reaches the worker. The server
            # answers one request at a time: it must not still be holding this one when the
            # restarted worker sends the next (that one would time out too).
            killed.wait(10)
        return Response("ok", status=200)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": httpserver.url_for("/hook"), **QUICK}, ""
    )
    incident = services.incidents.open("Payment outage", 2, "alice").id
    texts = [f"Hook {n:02d}" for n in range(20)]
    bulk_release(services.db, incident, ["webhook"], texts, datetime.now(UTC))  # real time

    worker = _start_watch(cli_env)
    _wait_for(lambda: len(received) >= 7, "the seventh request")
    _kill(worker)
    killed.set()
    states = Counter(r.state for r in _rows(services))
    assert states[DeliveryState.SENDING] == 1  # only the row in flight was claimed
    assert states[DeliveryState.SENT] == 6

    _drain(cli_env)
    rows = _rows(services)
    assert Counter(r.state for r in rows) == {DeliveryState.SENT: 19, DeliveryState.UNCERTAIN: 1}
    assert next(r for r in rows if r.state is DeliveryState.UNCERTAIN).text == "Hook 06"
    assert Counter(received) == Counter(texts)  # each once: the uncertain one was not resent
    assert services.timeline.verify(incident).ok
