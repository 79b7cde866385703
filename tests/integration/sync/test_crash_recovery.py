"""kill -9 of a real ``warroom sync --watch`` mid-drain, then a restart: exactly once.

The fake servers keep the promises the real ones make (Mastodon's Idempotency-Key, Bluesky's
record key), and each kill lands while a post is stored on the server but not yet recorded
in the database: the worst moment. Every statement must end up posted once, none lost.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.sync.conftest import BLUESKY_PASSWORD, MASTODON_TOKEN, bulk_release
from tests.integration.sync.fakes import FakeSocial
from tests.support.processes import wait_until_watching
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState

STATEMENTS = 100  # x 2 channels = 200 messages
STALE_S = 2


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _start_watch(cli_env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "warroom", "sync", "--watch", "--interval", "0.2", *extra],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_while_hanging(worker: subprocess.Popen[str], social: FakeSocial, path: str) -> None:
    """Make the next create hang after storing, and SIGKILL the worker during it."""
    social.fault("POST", path, "hang-after-store:2")
    _wait_for(lambda: not social.faults[("POST", path)], "the hanging request")
    time.sleep(0.2)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    assert worker.stderr is not None
    worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_drain_loses_nothing_and_posts_nothing_twice(
    db_url: str, cli_env: dict[str, str]
) -> None:
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(db_url)
    services = build_services(db)
    with FakeSocial(
        token=MASTODON_TOKEN, app_password=BLUESKY_PASSWORD, post_delay=0.005
    ) as social:
        # Short timeouts, so that a claim left by a killed worker may be taken over after
        # STALE_S (the window must exceed connect + read: 0.5 + 1 s).
        quick = {"connect_timeout": 0.5, "read_timeout": 1.0}
        services.channel_setup.configure(
            "mastodon", ChannelKind.MASTODON, {"url": social.url, **quick}, MASTODON_TOKEN
        )
        services.channel_setup.configure(
            "bluesky",
            ChannelKind.BLUESKY,
            {"url": social.url, "handle": social.handle, **quick},
            BLUESKY_PASSWORD,
        )
        incident = services.incidents.open("Payment outage", 2, "alice").id
        texts = [f"Update {n:03d}: still investigating." for n in range(STATEMENTS)]
        bulk_release(db, incident, ["mastodon", "bluesky"], texts, services.incidents.now())

        def sending() -> list[Any]:
            return [r for r in services.channels.outbox() if r.state is DeliveryState.SENDING]

        # Round 1: killed while a Mastodon post is stored but not recorded.
        worker = _start_watch(cli_env)
        _wait_for(lambda: len(social.statuses) >= 30, "the first posts")
        _kill_while_hanging(worker, social, "/api/v1/statuses")
        # The batch in flight is claimed: its rows sent so far are on the server but not in
        # our records, the hanging one too; the rest were never sent.
        stuck = sending()
        assert {r.channel_name for r in stuck} == {"mastodon"}
        unrecorded = [r for r in stuck if r.text in social.texts()]
        assert unrecorded

        # Round 2: restart once that claim is stale, then killed while a Bluesky record is
        # stored but not recorded.
        time.sleep(STALE_S + 0.5)
        worker = _start_watch(cli_env, "--stale-after", str(STALE_S))
        _wait_for(lambda: len(social.records) >= 70, "more posts")
        _kill_while_hanging(worker, social, "/xrpc/com.atproto.repo.createRecord")
        stuck = sending()
        assert {r.channel_name for r in stuck} == {"bluesky"}
        assert any(r.text in social.texts() for r in stuck)

        # Restart once more, once the claim is stale, and drain everything.
        time.sleep(STALE_S + 0.5)
        final = subprocess.run(
            [sys.executable, "-m", "warroom", "sync", "--once", "--stale-after", f"{STALE_S}"],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert final.returncode == 0, final.stderr

        rows = services.channels.outbox()
        assert len(rows) == 2 * STATEMENTS
        assert Counter(r.state for r in rows) == {DeliveryState.SENT: 2 * STATEMENTS}
        mastodon_texts = Counter(s["text"] for s in social.statuses)
        bluesky_texts = Counter(r["value"]["text"] for r in social.records.values())
        assert mastodon_texts == Counter(texts)  # every one, exactly once
        assert bluesky_texts == Counter(texts)
        # Each unrecorded Mastodon post was sent again and answered from its key...
        assert social.duplicate_creates == len(unrecorded)
        # ...and each stuck Bluesky row was found by getRecord before any second create.
        creates = [p for _m, p, _h in social.requests if p.endswith("createRecord")]
        assert len(creates) == STATEMENTS
        by_url = {s["url"] for s in social.statuses}
        assert {r.remote_url for r in rows if r.channel_name == "mastodon"} == by_url
        sent_entries = [
            e for e in services.timeline.entries(incident) if e.data.get("event") == "delivery.sent"
        ]
        assert Counter(e.data["outbox"] for e in sent_entries) == Counter(r.id for r in rows)
    db.dispose()


def test_sigterm_stops_the_watch_cleanly(cli_env: dict[str, str]) -> None:
    worker = _start_watch(cli_env)
    try:
        # Started: the watch has taken over SIGTERM (a fixed 1.5 s sleep was too short on a
        # loaded machine, where the imports alone took longer and SIGTERM killed the process).
        wait_until_watching(worker)
        time.sleep(0.3)  # idle in its passes: nothing is queued
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(10) == 0
        assert worker.stderr is not None
        assert worker.stderr.read() == ""
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        if worker.stderr is not None:
            worker.stderr.close()
