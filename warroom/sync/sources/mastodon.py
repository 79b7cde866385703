"""Listening on Mastodon: mentions, tracked terms and hashtags, each paged with ``min_id``.

Streams and their cursors (the newest id read so far):

- ``notifications``: ``GET /api/v1/notifications?types[]=mention``;
- ``search:TERM``: ``GET /api/v2/search?type=statuses&q=TERM``;
- ``tag:TAG``: ``GET /api/v1/timelines/tag/TAG``.

With ``min_id`` Mastodon returns the page of results just after that id (newest first
within the page), so reading forward page by page never skips one. A stream without a
cursor starts from its most recent page: a new source does not import years of history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from warroom.domain.clock import Clock, parse_iso, utc_now
from warroom.domain.inbound_text import clean_body, clean_field
from warroom.domain.inbox import Author, Heard, Source
from warroom.sync import http
from warroom.sync.outcomes import PermanentError
from warroom.sync.sources import Batch
from warroom.sync.sources.web import fetch_json

#: Mastodon's largest page: 80 notifications, 40 statuses (search, hashtag timelines).
NOTIFICATIONS_PAGE = 80
PAGE = 40


def id_key(value: str) -> tuple[int, str]:
    """Order Mastodon ids (decimal strings of growing length) numerically."""
    return (len(value), value)


class MastodonListener:
    """Reads one Mastodon account's mentions and the source's tracked terms and hashtags."""

    def __init__(self, source: Source, secret: str, *, clock: Clock = utc_now) -> None:
        self._source = source
        self._settings = dict(source.settings)
        self._base = str(self._settings.get("url") or "").rstrip("/")
        if not self._base:
            raise PermanentError(f"source {source.name!r} has no instance --url")
        if not secret:
            raise PermanentError(f"source {source.name!r} has no access token in the keychain")
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)
        self._session.headers["Authorization"] = f"Bearer {secret}"

    def _get(self, path: str, what: str, params: Any) -> Any:
        return fetch_json(
            self._session,
            self._base + path,
            settings=self._settings,
            secrets=[self._secret],
            what=what,
            now=self._clock(),
            source_name=self._source.name,
            params=params,
        )

    def check(self) -> str:
        """Call verify_credentials: proves the token and names the account."""
        account = self._get("/api/v1/accounts/verify_credentials", "Mastodon login", None)
        name = account.get("acct") or account.get("username") if isinstance(account, dict) else ""
        return f"authenticated as @{name or '?'}"

    def streams(self) -> list[tuple[str, str, str]]:
        """Return (cursor key, path, what) for every stream of the source."""
        result = [("notifications", "/api/v1/notifications", "Mastodon mentions")]
        for term in self._settings.get("queries") or []:
            result.append((f"search:{term}", "/api/v2/search", f"Mastodon search {term!r}"))
        for tag in self._settings.get("tags") or []:
            name = str(tag).lstrip("#")
            path = f"/api/v1/timelines/tag/{quote(name, safe='')}"
            result.append((f"tag:{name}", path, f"Mastodon #{name}"))
        return result

    def fetch(self, cursors: Mapping[str, Any]) -> Batch:
        """Read one page past each stream's cursor."""
        batch = Batch(cursors=dict(cursors))
        for key, path, what in self.streams():
            cursor = cursors.get(key)
            page = NOTIFICATIONS_PAGE if key == "notifications" else PAGE
            params: list[tuple[str, str | int]] = [("limit", page)]
            if key == "notifications":
                params.append(("types[]", "mention"))
            elif key.startswith("search:"):
                params += [("q", key.split(":", 1)[1]), ("type", "statuses"), ("resolve", "false")]
            if cursor:
                params.append(("min_id", str(cursor)))
            data = self._get(path, what, params)
            if key.startswith("search:"):
                data = data.get("statuses") if isinstance(data, dict) else None
            if not isinstance(data, list):
                batch.skip(f"{what}: the answer was not a list")
                continue
            newest = str(cursor) if cursor else ""
            for entry in data:
                status = (
                    entry.get("status")
                    if key == "notifications" and isinstance(entry, dict)
                    else entry
                )
                entry_id = str(entry.get("id", "")) if isinstance(entry, dict) else ""
                if entry_id.isdigit() and id_key(entry_id) > id_key(newest or "0"):
                    newest = entry_id
                heard = _heard(status)
                if heard is None:
                    batch.skip(f"{what}: an item without a readable status")
                else:
                    batch.items.append(heard)
            if newest:
                batch.cursors[key] = newest
            batch.more = batch.more or (bool(cursor) and len(data) >= page)
        return batch

    def acknowledge(self, remote_ids: Sequence[str]) -> None:
        """Nothing to tell Mastodon."""

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()


def _heard(status: Any) -> Heard | None:
    """Return a status as an item, or None when it is malformed."""
    if not isinstance(status, dict):
        return None
    status_id = status.get("id")
    account = status.get("account")
    content = status.get("content")
    if not status_id or not isinstance(account, dict) or not isinstance(content, str):
        return None
    try:
        posted = parse_iso(str(status.get("created_at") or ""))
    except ValueError:
        return None
    text, cut = clean_body(content, is_html=True)
    warning = clean_field(status.get("spoiler_text"))
    if warning:
        text = f"[CW: {warning}]\n{text}"
    followers = account.get("followers_count")
    acct = clean_field(account.get("acct") or account.get("username"))
    media = status.get("media_attachments")
    return Heard(
        remote_id=str(status_id)[:300],
        text=text,
        posted_at=posted,
        author=Author(
            handle=acct,
            name=clean_field(account.get("display_name")),
            followers=followers if isinstance(followers, int) and followers >= 0 else None,
        ),
        url=clean_field(status.get("url") or status.get("uri"), 1000),
        language=clean_field(status.get("language"), 16),
        thread={"status_id": str(status_id), "acct": acct},
        truncated=cut,
        attachments=len(media) if isinstance(media, list) else 0,
    )
