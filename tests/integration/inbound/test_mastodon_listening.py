"""Listening on a (fake, documented-wire-format) Mastodon: mentions, search, tags, faults."""

from __future__ import annotations

from typing import Any

from tests.integration.inbound.conftest import add_mastodon_source
from tests.integration.inbound.fake_listening import FakeListening
from tests.integration.sync.conftest import MASTODON_TOKEN
from warroom.domain.inbox import InboxFilter, InboxState

NOTIFICATIONS = "/api/v1/notifications"


def _texts(services: Any) -> list[str]:
    return sorted(item.text for item in services.inbox.items(limit=None))


def test_mentions_are_pulled_with_the_token_and_only_mentions(
    services: Any, listening: FakeListening
) -> None:
    add_mastodon_source(services, listening)
    status = listening.mention("Checkout fails with error 500, please help", followers=2500)

    report = services.inbox_pull.pull_once()

    assert report.added == 1 and report.sources[0].error == ""
    (item,) = services.inbox.items()
    assert item.text == "Checkout fails with error 500, please help"
    assert item.remote_id == status["id"]
    assert item.url == status["url"]
    assert item.author.handle == "carol@example.social"
    assert item.author.followers == 2500
    assert item.thread == {"status_id": status["id"], "acct": "carol@example.social"}
    assert item.language == "en"
    assert item.state is InboxState.NEW and item.priority is None
    assert item.suggestion.priority == 3  # reach 1,000+
    assert any("reach" in reason for reason in item.suggestion.reasons)
    (query,) = listening.queries_for(NOTIFICATIONS)
    assert query["types[]"] == ["mention"] and "min_id" not in query
    _method, _path, headers = next(r for r in listening.requests if r[1] == NOTIFICATIONS)
    assert headers["Authorization"] == f"Bearer {MASTODON_TOKEN}"


def test_pages_forward_with_min_id_and_a_restart_resumes_from_the_stored_cursor(
    services: Any, listening: FakeListening, db_url: str, clock: Any
) -> None:
    from warroom.services import build_services
    from warroom.storage.database import open_database

    add_mastodon_source(services, listening)
    listening.mention("first")
    services.inbox_pull.pull_once()
    first_cursor = services.sources.get("masto").cursors["notifications"]
    for number in range(170):  # more than two pages of 80
        listening.mention(f"wave {number}")

    services.inbox_pull.pull_once()

    min_ids = [q.get("min_id", [None])[0] for q in listening.queries_for(NOTIFICATIONS)]
    assert min_ids[0] is None and min_ids[1] == first_cursor
    assert len(min_ids) == 1 + 3  # three pages of 80, 80, 10
    assert min_ids[2] == listening.mentions[80]["id"]  # each page starts after the last
    assert len(services.inbox.items(limit=None)) == 171
    cursor = services.sources.get("masto").cursors["notifications"]
    assert cursor == listening.mentions[-1]["id"]

    # A new process over the same database (a restart): it resumes from the stored cursor.
    listening.mention("after the restart")
    db = open_database(db_url)
    restarted = build_services(db, clock=clock)
    try:
        assert restarted.inbox_pull.pull_once().added == 1
        assert listening.queries_for(NOTIFICATIONS)[-1]["min_id"] == [cursor]
        assert restarted.inbox_pull.pull_once().added == 0  # nothing twice
    finally:
        db.dispose()
    assert len(services.inbox.items(limit=None)) == 172


def test_tracked_terms_and_hashtags_are_searched_and_deduplicated(
    services: Any, listening: FakeListening
) -> None:
    add_mastodon_source(services, listening, queries=["ExampleShop"], tags=["#shopdown"])
    both = listening.status("ExampleShop is down again #shopdown")
    listening.public += [both, listening.status("Unrelated weather chat")]
    services.inbox_pull.pull_once()

    items = services.inbox.items()
    assert [i.remote_id for i in items] == [both["id"]]  # found twice, stored once
    search = listening.queries_for("/api/v2/search")[0]
    assert search["type"] == ["statuses"] and search["q"] == ["ExampleShop"]
    assert listening.queries_for("/api/v1/timelines/tag/shopdown")
    cursors = services.sources.get("masto").cursors
    assert cursors["search:ExampleShop"] == both["id"]
    assert cursors["tag:shopdown"] == both["id"]


def test_html_is_text_control_characters_are_neutralised_and_text_is_capped(
    services: Any, listening: FakeListening
) -> None:
    add_mastodon_source(services, listening)
    listening.mention(
        "",
        html_content="<p>Refund <b>now</b> &amp; <script>alert(1)</script>"
        '<a href="https://x.test">link</a></p><p>evil\x1b[2J\u202eterm</p>',
    )
    listening.mention("", html_content="<p>" + "A" * 200_000 + "</p>")
    services.inbox_pull.pull_once()

    short, huge = sorted(services.inbox.items(), key=lambda i: len(i.text))
    assert short.text == "Refund now & link\n\nevil\ufffd[2J\ufffdterm"
    assert "<" not in short.text and "alert" not in short.text
    assert huge.truncated
    assert len(huge.text.encode()) <= 64 * 1024


def test_malformed_items_are_skipped_and_counted_and_the_rest_stored(
    services: Any, listening: FakeListening
) -> None:
    add_mastodon_source(services, listening)
    listening.mention("good one")
    broken = listening.mention("broken")
    del broken["account"]
    listening.mentions.append({"id": "999999999999999999999", "type": "mention", "status": None})
    listening.mention("good two")

    report = services.inbox_pull.pull_once()

    assert report.sources[0].added == 2 and report.sources[0].skipped == 2
    assert _texts(services) == ["good one", "good two"]
    source = services.sources.get("masto")
    assert source.skipped_count == 2 and source.last_error == ""


def test_rate_limit_waits_for_retry_after_and_other_sources_keep_going(
    services: Any, listening: FakeListening, clock: Any
) -> None:
    add_mastodon_source(services, listening, name="limited")
    add_mastodon_source(services, listening, name="other", queries=["outage"])
    listening.mention("seen by both")
    listening.fault("GET", NOTIFICATIONS, "429:120")

    report = services.inbox_pull.pull_once()

    limited = next(s for s in report.sources if s.name == "limited")
    other = next(s for s in report.sources if s.name == "other")
    assert "429" in limited.error and "retry after 120" in limited.error
    assert other.added == 1 and not other.error
    assert "429" in services.sources.get("limited").last_error
    clock.advance(seconds=100)
    assert "limited" not in [s.name for s in services.inbox_pull.pull_once(only_due=True).sources]
    clock.advance(seconds=30)
    again = services.inbox_pull.pull_once(only_due=True)
    assert [s.name for s in again.sources if s.name == "limited"] == ["limited"]
    assert services.sources.get("limited").last_error == ""


def test_a_malformed_or_oversized_answer_is_an_error_not_a_crash(
    services: Any, listening: FakeListening
) -> None:
    add_mastodon_source(services, listening, queries=["shop"])
    listening.mention("still read")
    listening.raw["/api/v2/search"] = b"<html>oops</html>"
    first = services.inbox_pull.pull_once()
    assert "not JSON" in first.sources[0].error

    listening.raw["/api/v2/search"] = b"[" + b'{"id": "1"},' * 800_000 + b"{}]"  # ~9.6 MB
    second = services.inbox_pull.pull_once()
    assert "not read" in second.sources[0].error
    assert services.sources.get("masto").stopped_reason == ""


def test_rejected_token_stops_that_source_with_a_reason_and_others_go_on(
    services: Any, listening: FakeListening, run_cli: Any
) -> None:
    from warroom.domain.inbox import SourceKind

    services.sources.configure(
        "badtoken", SourceKind.MASTODON, {"url": listening.url}, "not-the-token"
    )
    add_mastodon_source(services, listening, name="good")
    listening.mention("hello")

    report = services.inbox_pull.pull_once()

    bad = next(s for s in report.sources if s.name == "badtoken")
    assert bad.stopped and "credentials were rejected" in bad.error
    assert next(s for s in report.sources if s.name == "good").added == 1
    assert services.sources.get("badtoken").stopped_reason
    assert [s.name for s in services.inbox_pull.pull_once().sources] == ["good"]
    listed = run_cli("source", "list")
    assert listed.code == 0
    assert "STOPPED" in listed.out and "credentials were rejected" in listed.out
    assert "not-the-token" not in listed.out


def test_unassigned_and_state_filters(services: Any, listening: FakeListening) -> None:
    add_mastodon_source(services, listening)
    for text in ("one", "two", "three"):
        listening.mention(text)
    services.inbox_pull.pull_once()
    first = services.inbox.items()[0]
    services.inbox.triage(first.id, "alice", state=InboxState.HANDLED)
    assert services.inbox.count(InboxFilter(states=(InboxState.NEW,))) == 2
    assert services.inbox.count(InboxFilter(unassigned=True)) == 3
