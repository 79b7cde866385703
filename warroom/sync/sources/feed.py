"""Listening to feeds: RSS and Atom (parsed by ``feedparser``) and JSON Feed.

The feed is downloaded by us (timeouts, TLS, proxy and a size limit like every other
connector) and handed to feedparser as bytes, so feedparser never opens a connection
itself. feedparser 6.0 does not read JSON Feed, which is plain JSON with a documented
shape (jsonfeed.org, versions 1 and 1.1), so that is read here. Every entry of every fetch
is offered to the store, which keeps the new ones (deduplicated by the entry's id, else its
link); the cursor records the newest entry time seen, for people.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from warroom.domain.clock import Clock, iso_utc, parse_iso, utc_now
from warroom.domain.inbound_text import clean_body, clean_field
from warroom.domain.inbox import Author, Heard, Source
from warroom.sync import http
from warroom.sync.outcomes import PermanentError, TransientError
from warroom.sync.sources import Batch
from warroom.sync.sources.web import fetch_bytes

MAX_FEED_BYTES = 8 * 1024 * 1024


class FeedListener:
    """Reads one RSS, Atom or JSON Feed URL."""

    def __init__(self, source: Source, secret: str, *, clock: Clock = utc_now) -> None:
        self._source = source
        self._settings = dict(source.settings)
        self._url = str(self._settings.get("url") or "")
        if not self._url:
            raise PermanentError(f"source {source.name!r} has no feed --url")
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)
        if secret:  # a private feed: the secret is sent as a bearer token
            self._session.headers["Authorization"] = f"Bearer {secret}"

    def _download(self) -> tuple[bytes, str]:
        body, headers = fetch_bytes(
            self._session,
            self._url,
            settings=self._settings,
            secrets=[self._secret],
            what="feed",
            now=self._clock(),
            source_name=self._source.name,
            max_bytes=MAX_FEED_BYTES,
        )
        return body, str(headers.get("Content-Type", ""))

    def check(self) -> str:
        """Download and parse the feed once."""
        body, content_type = self._download()
        entries, title = _parse(body, content_type)
        return f"feed {clean_field(title) or self._url}: {len(entries)} entries"

    def fetch(self, cursors: Mapping[str, Any]) -> Batch:
        """Read the whole feed; the store keeps what it has not seen."""
        batch = Batch(cursors=dict(cursors))
        body, content_type = self._download()
        entries, _title = _parse(body, content_type)
        newest = _when(cursors.get("feed"))
        for entry in entries:
            heard = _heard(entry, self._clock())
            if heard is None:
                batch.skip("feed: an entry without an id, link or text")
                continue
            batch.items.append(heard)
            if newest is None or heard.posted_at > newest:
                newest = heard.posted_at
        if newest is not None:
            batch.cursors["feed"] = iso_utc(newest)
        return batch

    def acknowledge(self, remote_ids: Sequence[str]) -> None:
        """Nothing to tell a feed."""

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()


def _when(value: Any) -> datetime | None:
    try:
        return parse_iso(str(value)) if value else None
    except ValueError:
        return None


def _parse(body: bytes, content_type: str) -> tuple[list[dict[str, Any]], str]:
    """Return the entries as plain dicts (JSON Feed item shape) and the feed's title."""
    head = body.lstrip()[:1]
    if "json" in content_type or head == b"{":
        return _parse_json_feed(body)
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.get("bozo") and not parsed.get("entries"):
        problem = parsed.get("bozo_exception")
        detail = clean_field(problem, 120) if problem else "unreadable"
        raise TransientError(f"feed: not a readable RSS or Atom feed ({detail})")
    feed = parsed.get("feed", {})
    language = str(feed.get("language") or "")
    entries = []
    for entry in parsed.get("entries", []):
        content = entry.get("content")
        html = content[0].get("value") if isinstance(content, list) and content else None
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(
            {
                "id": entry.get("id") or "",
                "url": entry.get("link") or "",
                "title": entry.get("title") or "",
                "content_html": html or entry.get("summary") or "",
                "date_published": (
                    iso_utc(datetime.fromtimestamp(calendar.timegm(when), UTC)) if when else ""
                ),
                "authors": [{"name": entry.get("author") or ""}],
                "language": language,
            }
        )
    return entries, str(feed.get("title") or "")


def _parse_json_feed(body: bytes) -> tuple[list[dict[str, Any]], str]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise TransientError("feed: not a readable JSON Feed (invalid JSON)") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise TransientError("feed: not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise TransientError("feed: the JSON Feed has no list of items")
    language = str(data.get("language") or "")
    entries = [
        {**item, "language": item.get("language") or language} if isinstance(item, dict) else {}
        for item in items
    ]
    return entries, str(data.get("title") or "")


def _heard(entry: Mapping[str, Any], now: datetime) -> Heard | None:
    """Return one entry (JSON Feed item shape) as an item, or None when it is unusable."""
    if not entry:
        return None
    url = entry.get("url") if isinstance(entry.get("url"), str) else ""
    title = clean_field(entry.get("title"))
    html, plain = entry.get("content_html"), entry.get("content_text")
    if isinstance(html, str) and html.strip():
        text, cut = clean_body(html, is_html=True)
    elif isinstance(plain, str) and plain.strip():
        text, cut = clean_body(plain)
    else:
        text, cut = "", False
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}".strip()
    remote_id = str(entry.get("id") or url or "")
    if not remote_id and text:
        remote_id = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    if not remote_id or not text:
        return None
    authors = entry.get("authors")
    first = authors[0] if isinstance(authors, list) and authors else entry.get("author")
    name = first.get("name") if isinstance(first, dict) else ""
    return Heard(
        remote_id=remote_id[:300],
        text=text,
        posted_at=_when(entry.get("date_published")) or now,
        author=Author(handle=clean_field(name) or "feed", name=clean_field(name)),
        url=clean_field(url, 1000),
        subject=title,
        language=clean_field(entry.get("language"), 16),
        truncated=cut,
    )
