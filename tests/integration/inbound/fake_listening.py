"""Fake Mastodon and Bluesky servers that also *speak*: mentions, searches, hashtags.

Extends the publishing fake (tests/integration/sync/fakes.py) with the documented reading
endpoints, so one server can be listened to and answered in-thread:

- Mastodon ``GET /api/v1/notifications`` (``types[]``, ``min_id``, ``limit``; newest first),
  ``GET /api/v2/search?type=statuses`` (``{"statuses": [...]}``, ``min_id``) and
  ``GET /api/v1/timelines/tag/:tag``;
- Bluesky ``app.bsky.notification.listNotifications`` and ``app.bsky.feed.searchPosts``,
  newest first, paged backwards with an opaque ``cursor``.

Every query string is recorded (``queries``) so tests can see the cursors sent. ``raw``
answers a path with bytes instead (a malformed or oversized payload).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.sync.fakes import DID, FakeSocial

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class FakeListening(FakeSocial):
    """FakeSocial plus the reading side of both APIs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mentions: list[dict[str, Any]] = []  # notifications, oldest first
        self.public: list[dict[str, Any]] = []  # statuses findable by search/tag
        self.bsky_notifications: list[dict[str, Any]] = []  # oldest first
        self.bsky_posts: list[dict[str, Any]] = []  # searchable, oldest first
        self.queries: list[tuple[str, list[tuple[str, str]]]] = []
        self.raw: dict[str, bytes] = {}
        self._next_id = 110_000_000_000_000_000

    # --- building content ---------------------------------------------------------------------

    def status(
        self,
        text: str,
        *,
        acct: str = "carol@example.social",
        followers: int = 120,
        at: datetime | None = None,
        language: str | None = "en",
        html_content: str | None = None,
    ) -> dict[str, Any]:
        self._next_id += 1
        status_id = str(self._next_id)
        when = at or START + timedelta(minutes=len(self.public) + len(self.mentions))
        return {
            "id": status_id,
            "uri": f"{self.url}/users/x/statuses/{status_id}",
            "url": f"{self.url}/@{acct.split('@')[0]}/{status_id}",
            "created_at": stamp(when),
            "content": html_content
            if html_content is not None
            else "<p>" + html.escape(text).replace("\n", "<br />") + "</p>",
            "spoiler_text": "",
            "language": language,
            "visibility": "public",
            "in_reply_to_id": None,
            "media_attachments": [],
            "account": {
                "id": "77",
                "username": acct.split("@")[0],
                "acct": acct,
                "display_name": acct.split("@")[0].title(),
                "followers_count": followers,
                "url": f"{self.url}/@{acct}",
            },
        }

    def mention(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """Add a mention notification (its status is returned)."""
        status = self.status(text, **kwargs)
        self._next_id += 1
        with self.lock:
            self.mentions.append(
                {
                    "id": str(self._next_id),
                    "type": "mention",
                    "created_at": status["created_at"],
                    "account": status["account"],
                    "status": status,
                }
            )
        return status

    def bsky_post(
        self,
        text: str,
        *,
        reason: str = "mention",
        handle: str = "dave.bsky.social",
        at: datetime | None = None,
        reply_root: dict[str, str] | None = None,
        notify: bool = True,
    ) -> dict[str, Any]:
        number = len(self.bsky_notifications) + len(self.bsky_posts) + 1
        when = at or START + timedelta(minutes=number)
        rkey = f"3kfake{number:06d}"
        uri = f"at://did:plc:author{number}/app.bsky.feed.post/{rkey}"
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": stamp(when),
            "langs": ["en"],
        }
        if reply_root:
            record["reply"] = {"root": reply_root, "parent": reply_root}
        entry = {
            "uri": uri,
            "cid": f"bafyrei{number:06d}",
            "author": {"did": f"did:plc:author{number}", "handle": handle, "displayName": "Dave"},
            "reason": reason,
            "record": record,
            "isRead": False,
            "indexedAt": stamp(when),
        }
        with self.lock:
            (self.bsky_notifications if notify else self.bsky_posts).append(entry)
        return entry

    def queries_for(self, path: str) -> list[dict[str, list[str]]]:
        result = []
        for seen_path, pairs in self.queries:
            if seen_path == path:
                grouped: dict[str, list[str]] = {}
                for key, value in pairs:
                    grouped.setdefault(key, []).append(value)
                result.append(grouped)
        return result

    # --- serving ------------------------------------------------------------------------------

    def _handler_class(self) -> type:
        handler = super()._handler_class()
        fake = self
        original = handler._serve  # type: ignore[attr-defined]

        def _serve(self: Any, method: str) -> None:
            from urllib.parse import parse_qsl, urlsplit

            parts = urlsplit(self.path)
            with fake.lock:
                fake.queries.append((parts.path, parse_qsl(parts.query)))
            original(self, method)

        handler._serve = _serve  # type: ignore[attr-defined]
        return handler

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        if method == "GET" and path in self.raw:
            if (
                path.startswith("/api/v1/")
                and headers.get("Authorization") != f"Bearer {self.token}"
            ):
                return 401, {"error": "The access token is invalid"}
            return 200, self.raw[path]
        if (
            method == "GET"
            and path.startswith("/api/")
            and path != "/api/v1/accounts/verify_credentials"
        ):
            if headers.get("Authorization", "") != f"Bearer {self.token}":
                return 401, {"error": "The access token is invalid"}
            listed = self._mastodon_read(path, query)
            if listed is not None:
                return 200, listed
        if method == "GET" and path in (
            "/xrpc/app.bsky.notification.listNotifications",
            "/xrpc/app.bsky.feed.searchPosts",
        ):
            auth = headers.get("Authorization", "")
            if auth.removeprefix("Bearer ") in self.expired:
                return 400, {"error": "ExpiredToken", "message": "Token has expired"}
            if auth != f"Bearer {self.access_jwt}":
                return 401, {"error": "AuthenticationRequired", "message": "Invalid token"}
            return 200, self._bluesky_read(path, query)
        return super()._route(method, path, query, body, headers)

    @staticmethod
    def _key(value: str) -> tuple[int, str]:
        return (len(value), value)

    def _page(self, items: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
        limit = int(query.get("limit", 20))
        min_id = query.get("min_id")
        with self.lock:
            ordered = sorted(items, key=lambda s: self._key(s["id"]))
        if min_id:
            newer = [s for s in ordered if self._key(s["id"]) > self._key(min_id)]
            page = newer[:limit]  # the page just after min_id
        else:
            page = ordered[-limit:]
        return list(reversed(page))  # newest first, as Mastodon answers

    def _mastodon_read(self, path: str, query: dict[str, str]) -> Any:
        if path == "/api/v1/notifications":
            wanted = query.get("types[]")
            items = [n for n in self.mentions if not wanted or n.get("type") == wanted]
            return self._page(items, query)
        if path == "/api/v2/search":
            term = query.get("q", "").casefold()
            found = [s for s in self.public if term in str(s.get("content", "")).casefold()]
            return {"accounts": [], "hashtags": [], "statuses": self._page(found, query)}
        if path.startswith("/api/v1/timelines/tag/"):
            tag = path.rsplit("/", 1)[1].casefold()
            found = [s for s in self.public if f"#{tag}" in str(s.get("content", "")).casefold()]
            return self._page(found, query)
        return None

    def _bluesky_read(self, path: str, query: dict[str, str]) -> Any:
        limit = int(query.get("limit", 50))
        offset = int(query.get("cursor") or 0)
        if path.endswith("listNotifications"):
            with self.lock:
                newest_first = list(reversed(self.bsky_notifications))
            page = newest_first[offset : offset + limit]
            more = offset + limit < len(newest_first)
            return {
                "notifications": page,
                **({"cursor": str(offset + limit)} if more else {}),
                "seenAt": stamp(START),
            }
        term = query.get("q", "").casefold()
        since = query.get("since", "")
        with self.lock:
            found = [
                {k: v for k, v in p.items() if k != "reason"}
                for p in reversed(self.bsky_posts)
                if term in str(p["record"].get("text", term)).casefold()
                and p["indexedAt"] >= since[:19]
            ]
        page = found[offset : offset + limit]
        more = offset + limit < len(found)
        return {
            "posts": page,
            "hitsTotal": len(found),
            **({"cursor": str(offset + limit)} if more else {}),
        }


__all__ = ["DID", "START", "FakeListening", "stamp"]
