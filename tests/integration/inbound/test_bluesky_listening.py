"""Listening on a (fake, documented-wire-format) Bluesky PDS: notifications and search."""

from __future__ import annotations

from typing import Any

from tests.integration.inbound.conftest import add_bluesky_source
from tests.integration.inbound.fake_listening import FakeListening

NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"


def test_mentions_replies_and_quotes_are_read_and_likes_are_not(
    services: Any, listening: FakeListening
) -> None:
    add_bluesky_source(services, listening)
    mention = listening.bsky_post("@warroom.test checkout is broken", reason="mention")
    listening.bsky_post("liked your post", reason="like")
    listening.bsky_post("quoting: this company is hopeless", reason="quote")

    report = services.inbox_pull.pull_once()

    assert report.added == 2, report.summary()
    texts = sorted(i.text for i in services.inbox.items())
    assert texts == ["@warroom.test checkout is broken", "quoting: this company is hopeless"]
    item = next(i for i in services.inbox.items() if "checkout" in i.text)
    assert item.remote_id == mention["uri"]
    assert item.thread["parent"] == {"uri": mention["uri"], "cid": mention["cid"]}
    assert item.thread["root"] == item.thread["parent"]  # not itself a reply
    assert (
        item.url
        == "https://bsky.app/profile/dave.bsky.social/post/" + mention["uri"].rsplit("/", 1)[1]
    )
    query = listening.queries_for(NOTIFICATIONS)[0]
    assert set(query["reasons"]) == {"mention", "reply", "quote"}
    _m, _p, headers = next(r for r in listening.requests if r[1] == NOTIFICATIONS)
    assert headers["Authorization"] == f"Bearer {listening.access_jwt}"


def test_pages_back_to_the_stored_cursor_and_reads_nothing_twice(
    services: Any, listening: FakeListening
) -> None:
    add_bluesky_source(services, listening)
    listening.bsky_post("first")
    services.inbox_pull.pull_once()
    for number in range(120):  # more than two pages of 50
        listening.bsky_post(f"wave {number}", reason="reply")

    report = services.inbox_pull.pull_once()

    assert report.added == 120
    assert len(listening.queries_for(NOTIFICATIONS)) == 1 + 3
    assert services.inbox_pull.pull_once().added == 0
    cursor = services.sources.get("bsky").cursors["notifications"]
    assert cursor.startswith(listening.bsky_notifications[-1]["indexedAt"][:19])


def test_search_for_tracked_terms_and_malformed_items_are_counted(
    services: Any, listening: FakeListening
) -> None:
    add_bluesky_source(services, listening, queries=["exampleshop"])
    listening.bsky_post("ExampleShop lost my parcel", notify=False)
    broken = listening.bsky_post("exampleshop broken record", notify=False)
    del broken["record"]["text"]

    report = services.inbox_pull.pull_once()

    assert report.sources[0].added == 1 and report.sources[0].skipped == 1
    search = listening.queries_for("/xrpc/app.bsky.feed.searchPosts")[0]
    assert search["q"] == ["exampleshop"] and search["sort"] == ["latest"]


def test_an_expired_session_logs_in_again_and_a_wrong_password_stops_the_source(
    services: Any, listening: FakeListening
) -> None:
    from warroom.domain.inbox import SourceKind

    add_bluesky_source(services, listening)
    listening.bsky_post("one")
    services.inbox_pull.pull_once()
    listening.expire_session()
    listening.bsky_post("two")
    assert services.inbox_pull.pull_once().added == 1

    services.sources.configure(
        "bsky2", SourceKind.BLUESKY, {"url": listening.url, "handle": listening.handle}, "nope"
    )
    report = services.inbox_pull.pull_once()
    bad = next(s for s in report.sources if s.name == "bsky2")
    assert bad.stopped and "Invalid identifier or password" in bad.error
