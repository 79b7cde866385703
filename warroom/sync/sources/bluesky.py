"""Listening on Bluesky: mentions, replies and quotes, and tracked terms.

Streams: ``notifications`` (``app.bsky.notification.listNotifications``, reasons mention,
reply and quote) and ``search:TERM`` (``app.bsky.feed.searchPosts``, newest first). Both
page *backwards* with an opaque ``cursor``; ours is the newest ``indexedAt`` read so far, and
a fetch pages back until it reaches it. Items at exactly that time are read again and
deduplicated by the store (by their ``at://`` URI). A stream without a cursor starts from
its most recent page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from warroom.domain.clock import Clock, iso_utc, parse_iso, utc_now
from warroom.domain.inbound_text import clean_body, clean_field
from warroom.domain.inbox import Author, Heard, Source
from warroom.sync import http
from warroom.sync.outcomes import PermanentError, TransientError
from warroom.sync.sources import Batch, SourceAuthError
from warroom.sync.sources.web import fetch_json

DEFAULT_SERVICE = "https://bsky.social"
APP_URL = "https://bsky.app"
PAGE = 50
#: Pages read back per stream and fetch: between two pulls, at most 1,000 new items per
#: stream are read (older ones past that are not fetched).
MAX_PAGES = 20
REASONS = ("mention", "reply", "quote")


class BlueskyListener:
    """Reads one Bluesky account's notifications and the source's tracked terms."""

    def __init__(self, source: Source, secret: str, *, clock: Clock = utc_now) -> None:
        self._source = source
        self._settings = dict(source.settings)
        self._base = str(self._settings.get("url") or DEFAULT_SERVICE).rstrip("/")
        self._handle = str(self._settings.get("handle") or "")
        if not self._handle:
            raise PermanentError(f"source {source.name!r} has no --handle")
        if not secret:
            raise PermanentError(f"source {source.name!r} has no app password in the keychain")
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)
        self._access = ""

    def _login(self) -> None:
        if self._access:
            return
        what = "Bluesky login"
        try:
            response = http.send(
                self._session,
                "POST",
                f"{self._base}/xrpc/com.atproto.server.createSession",
                settings=self._settings,
                secrets=[self._secret],
                what=what,
                json={"identifier": self._handle, "password": self._secret},
            )
        except http.MaybeSent as error:
            raise TransientError(str(error)) from None
        with response:
            if response.status_code in (400, 401, 403) and _error(response) in (
                "AuthenticationRequired",
                "AuthFactorTokenRequired",
                "AccountTakedown",
                "InvalidToken",
            ):
                raise SourceAuthError(
                    f"{what}: {http.server_reason(response, [self._secret]) or 'refused'} "
                    f"(run 'warroom source add {self._source.name} ...' again with a valid "
                    "app password)"
                )
            http.raise_for_status(response, what=what, secrets=[self._secret], now=self._clock())
            try:
                data = response.json()
            except ValueError:
                raise TransientError(f"{what}: the answer was not JSON") from None
        self._access = str(data.get("accessJwt") or "") if isinstance(data, dict) else ""
        if not self._access:
            raise TransientError(f"{what}: the answer had no session")

    def _get(self, nsid: str, what: str, params: Any) -> Any:
        self._login()
        for attempt in (1, 2):
            try:
                return fetch_json(
                    self._session,
                    f"{self._base}/xrpc/{nsid}",
                    settings=self._settings,
                    secrets=[self._secret, self._access],
                    what=what,
                    now=self._clock(),
                    source_name=self._source.name,
                    params=params,
                    headers={"Authorization": f"Bearer {self._access}"},
                )
            except (SourceAuthError, TransientError) as error:
                # An expired session answers 400 ExpiredToken or 401: log in once more.
                if attempt == 2 or ("Expired" not in str(error) and "401" not in str(error)):
                    raise
                self._access = ""
                self._login()
        raise AssertionError("unreachable")  # pragma: no cover

    def check(self) -> str:
        """Create a session: proves the handle and app password."""
        self._access = ""
        self._login()
        return f"authenticated as @{self._handle}"

    def fetch(self, cursors: Mapping[str, Any]) -> Batch:
        """Read back each stream to its cursor (at most MAX_PAGES pages each)."""
        batch = Batch(cursors=dict(cursors))
        self._stream(batch, "notifications", cursors.get("notifications"))
        for term in self._settings.get("queries") or []:
            self._stream(batch, f"search:{term}", cursors.get(f"search:{term}"))
        return batch

    def _stream(self, batch: Batch, key: str, cursor: Any) -> None:
        since = _time(cursor) if cursor else None
        newest = since
        api_cursor = ""
        for _page in range(MAX_PAGES if since else 1):
            entries, api_cursor = self._page(key, api_cursor, since)
            reached = False
            for entry in entries:
                indexed = _time(entry.get("indexedAt")) if isinstance(entry, dict) else None
                if indexed is not None and since is not None and indexed < since:
                    reached = True
                    continue
                if indexed is not None and (newest is None or indexed > newest):
                    newest = indexed
                if (
                    key == "notifications"
                    and isinstance(entry, dict)
                    and entry.get("reason") not in REASONS
                ):
                    continue
                heard = _heard(entry)
                if heard is None:
                    batch.skip(f"{key}: an item without a readable post")
                else:
                    batch.items.append(heard)
            if reached or not api_cursor or not entries:
                break
        if newest is not None:
            batch.cursors[key] = iso_utc(newest)

    def _page(self, key: str, api_cursor: str, since: datetime | None) -> tuple[list[Any], str]:
        params: list[tuple[str, str | int]] = [("limit", PAGE)]
        if api_cursor:
            params.append(("cursor", api_cursor))
        if key == "notifications":
            params += [("reasons", reason) for reason in REASONS]
            data = self._get("app.bsky.notification.listNotifications", "Bluesky mentions", params)
            entries = data.get("notifications") if isinstance(data, dict) else None
        else:
            term = key.split(":", 1)[1]
            params += [("q", term), ("sort", "latest")]
            if since is not None:
                params.append(("since", iso_utc(since)))
            data = self._get("app.bsky.feed.searchPosts", f"Bluesky search {term!r}", params)
            entries = data.get("posts") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise TransientError(f"Bluesky {key}: the answer had no list of items")
        next_cursor = data.get("cursor") if isinstance(data, dict) else None
        return entries, str(next_cursor) if isinstance(next_cursor, str) else ""

    def acknowledge(self, remote_ids: Sequence[str]) -> None:
        """Nothing to tell Bluesky."""

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()


def _time(value: Any) -> datetime | None:
    try:
        return parse_iso(str(value))
    except ValueError:
        return None


def _error(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _ref(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and isinstance(value.get("uri"), str) and value.get("cid"):
        return {"uri": str(value["uri"]), "cid": str(value["cid"])}
    return None


def _heard(entry: Any) -> Heard | None:
    """Return a notification or a post view as an item, or None when it is malformed."""
    if not isinstance(entry, dict):
        return None
    uri, cid = entry.get("uri"), entry.get("cid")
    author, record = entry.get("author"), entry.get("record")
    if not isinstance(uri, str) or not uri.startswith("at://") or not isinstance(cid, str):
        return None
    if not isinstance(author, dict) or not isinstance(record, dict):
        return None
    text = record.get("text")
    posted = _time(record.get("createdAt")) or _time(entry.get("indexedAt"))
    if not isinstance(text, str) or posted is None:
        return None
    body, cut = clean_body(text)
    handle = clean_field(author.get("handle") or author.get("did"))
    parent = {"uri": uri, "cid": cid}
    reply = record.get("reply")
    root = _ref(reply.get("root")) if isinstance(reply, dict) else None
    langs = record.get("langs")
    followers = author.get("followersCount")
    embed = record.get("embed")
    return Heard(
        remote_id=uri[:300],
        text=body,
        posted_at=posted,
        author=Author(
            handle=handle,
            name=clean_field(author.get("displayName")),
            followers=followers if isinstance(followers, int) and followers >= 0 else None,
        ),
        url=f"{APP_URL}/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
        language=clean_field(langs[0], 16) if isinstance(langs, list) and langs else "",
        thread={"root": root or parent, "parent": parent},
        truncated=cut,
        attachments=1 if isinstance(embed, dict) and "images" in str(embed.get("$type")) else 0,
    )
