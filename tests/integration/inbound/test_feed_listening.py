"""Listening to RSS, Atom and JSON Feed URLs served by a local HTTP server."""

from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer

from warroom.domain.inbox import SourceKind

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Reviews</title><language>en</language>
<item><guid>review-1</guid><title>Awful delivery</title><link>https://reviews.test/1</link>
<description>&lt;p&gt;Parcel &lt;b&gt;never&lt;/b&gt; came. I want a refund!&lt;/p&gt;</description>
<author>pat@example.org (Pat)</author><pubDate>Mon, 23 Nov 2026 08:10:00 GMT</pubDate></item>
<item><title>Great support</title><link>https://reviews.test/2</link>
<description>Quick answer, thanks.</description>
<pubDate>Mon, 23 Nov 2026 08:20:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News alerts</title>
<entry><id>urn:news:1</id><title>Shop outage reported</title>
<link href="https://news.test/a"/><updated>2026-11-23T08:30:00Z</updated>
<author><name>Newsdesk</name></author><summary>Customers report errors.</summary></entry>
</feed>"""

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Status watchers",
    "language": "en",
    "items": [
        {
            "id": "j1",
            "url": "https://watch.test/j1",
            "content_text": "Checkout down for 20 minutes",
            "date_published": "2026-11-23T08:40:00Z",
            "authors": [{"name": "Watcher"}],
        },
        {"id": "j2"},  # no text: skipped and counted
    ],
}


def _source(services: Any, name: str, url: str) -> None:
    services.sources.configure(name, SourceKind.FEED, {"url": url, "read_timeout": 5}, "")


def test_rss_atom_and_json_feed_items_are_read_once(services: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    httpserver.expect_request("/feed.json").respond_with_data(
        json.dumps(JSON_FEED), content_type="application/feed+json"
    )
    for name, path in (("reviews", "/rss"), ("news", "/atom"), ("watch", "/feed.json")):
        _source(services, name, httpserver.url_for(path))

    report = services.inbox_pull.pull_once()

    assert report.added == 4, report.summary()
    assert next(s for s in report.sources if s.name == "watch").skipped == 1
    items = {i.remote_id: i for i in services.inbox.items()}
    review = items["review-1"]
    assert review.text == "Awful delivery\n\nParcel never came. I want a refund!"
    assert review.url == "https://reviews.test/1" and review.subject == "Awful delivery"
    assert review.language == "en" and review.suggestion.sentiment is not None
    assert "https://reviews.test/2" in items  # no guid: the link identifies it
    assert items["urn:news:1"].author.handle == "Newsdesk"
    assert items["j1"].text == "Checkout down for 20 minutes"
    assert services.inbox_pull.pull_once().added == 0
    assert services.sources.get("watch").cursors["feed"].startswith("2026-11-23T08:40:00")


def test_malformed_and_huge_feeds_are_errors_and_other_sources_go_on(
    services: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/broken").respond_with_data(
        "<html><body>Moved! <<< not a feed", content_type="text/xml"
    )
    httpserver.expect_request("/huge").respond_with_data(
        "<rss><channel>" + "<item><title>x</title></item>" * 400_000 + "</channel></rss>",
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    _source(services, "broken", httpserver.url_for("/broken"))
    _source(services, "huge", httpserver.url_for("/huge"))
    _source(services, "good", httpserver.url_for("/rss"))

    report = {s.name: s for s in services.inbox_pull.pull_once().sources}

    assert "not a readable RSS or Atom feed" in report["broken"].error
    assert "not read" in report["huge"].error
    assert report["good"].added == 2
    assert not services.sources.get("huge").stopped_reason
