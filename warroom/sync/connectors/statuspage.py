"""A hosted status page: the Atlassian Statuspage REST API (``Authorization: OAuth KEY``).

The first public statement of a War Room incident creates the page's incident
(``POST /v1/pages/{page_id}/incidents``: name, status, body, affected component); every
later one adds an update to it (``PATCH /v1/pages/{page_id}/incidents/{incident_id}``). The
page incident's id is kept per (channel, incident) in the database.

Retries are safe although the API has no idempotency key. The created incident carries a
marker in its metadata (``{"warroom": {"incident": "<channel uid>/<incident id>"}}``): before
creating again after an interrupted attempt, the unresolved incidents (then a search by
name) are looked through for it. An interrupted update is looked for among the incident's
updates (same body, made since the first attempt) before it is sent again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, as_utc, parse_iso, utc_now
from warroom.domain.outbox import Delivery
from warroom.domain.status_page import component_status, page_status
from warroom.sync import http
from warroom.sync.connectors import ChannelMemory, ForgetfulMemory, ensure_fits
from warroom.sync.outcomes import DeliveryResult, PermanentError, TransientError

DEFAULT_API = "https://api.statuspage.io"
DEFAULT_NAME = "Service incident"
NAME_MAX = 255
LOOKUP_MARGIN = timedelta(minutes=5)


def marker(channel: Channel, incident_id: int) -> str:
    """Return the marker that names a War Room incident on the page (stable across retries)."""
    return f"{channel.uid or channel.id}/{incident_id}"


def _same_text(left: str, right: str) -> bool:
    return " ".join(left.split()) == " ".join(right.split())


class StatuspageConnector:
    """Creates and updates incidents on one Statuspage page."""

    idempotent = True

    def __init__(
        self,
        channel: Channel,
        secret: str,
        *,
        clock: Clock = utc_now,
        memory: ChannelMemory | None = None,
    ) -> None:
        self._channel = channel
        self._settings = dict(channel.settings)
        self._base = str(self._settings.get("url") or DEFAULT_API).rstrip("/")
        self._page = str(self._settings.get("page") or "")
        self._component = str(self._settings.get("component") or "")
        if not self._page:
            raise PermanentError(f"channel {channel.name!r} has no --page")
        if not secret:
            raise PermanentError(f"channel {channel.name!r} has no API key in the keychain")
        self._secret = secret
        self._clock = clock
        self._memory = memory or ForgetfulMemory()
        self._session = http.make_session(self._settings)
        self._session.headers["Authorization"] = f"OAuth {secret}"
        self._api = http.JsonApi(self._session, self._base, self._settings, secret, clock)

    @property
    def _page_path(self) -> str:
        return f"/v1/pages/{quote(self._page, safe='')}"

    def check(self) -> str:
        """Read the page (``GET /v1/pages/{page_id}``): proves the key and the page id."""
        page = self._api.request("GET", self._page_path, "Statuspage page")
        name = str(page.get("name") or self._page) if isinstance(page, dict) else self._page
        return f"page {name!r} answered"

    def _fields(self, row: Delivery) -> dict[str, Any]:
        fields: dict[str, Any] = {"status": page_status(row.incident_status), "body": row.text}
        if self._component:
            state = component_status(row.incident_status, row.incident_severity)
            fields["components"] = {self._component: state}
            fields["component_ids"] = [self._component]
        return fields

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Create the page incident (first statement) or add an update to it."""
        ensure_fits(self._channel, row.text)
        try:
            remote = self._memory.remote_incident(row.incident_id)
            if remote is None and row.attempts > 1:
                remote = self._find_created(row)
                if remote is not None:
                    self._memory.remember_remote_incident(row.incident_id, remote)
                    return self._result(remote, "found on the page after an interrupted attempt")
            if remote is None:
                return self._create(row)
            if row.attempts > 1 and self._update_exists(row, remote):
                return self._result(remote, "the update was found on the page")
            return self._update(row, remote)
        except http.MaybeSent as error:
            # Safe to retry: the next attempt looks for what this one may have made.
            raise TransientError(str(error)) from None

    def _create(self, row: Delivery) -> DeliveryResult:
        name = (row.subject or DEFAULT_NAME)[:NAME_MAX]
        incident = {
            "name": name,
            **self._fields(row),
            "metadata": {"warroom": {"incident": marker(self._channel, row.incident_id)}},
        }
        answer = self._api.request(
            "POST",
            f"{self._page_path}/incidents",
            "Statuspage incident",
            json={"incident": incident},
        )
        remote = str(answer.get("id") or "") if isinstance(answer, dict) else ""
        if not remote:
            raise TransientError("Statuspage incident: the answer named no incident")
        self._memory.remember_remote_incident(row.incident_id, remote)
        return self._result(remote, "page incident created", answer)

    def _update(self, row: Delivery, remote: str) -> DeliveryResult:
        answer = self._api.request(
            "PATCH",
            f"{self._page_path}/incidents/{quote(remote, safe='')}",
            "Statuspage update",
            json={"incident": self._fields(row)},
        )
        return self._result(remote, "page incident updated", answer)

    def _result(self, remote: str, detail: str, answer: Any = None) -> DeliveryResult:
        link = str(answer.get("shortlink") or "") if isinstance(answer, dict) else ""
        return DeliveryResult(remote_id=remote, remote_url=link, detail=detail)

    def _find_created(self, row: Delivery) -> str | None:
        """Look for the page incident an interrupted create may have made (by its marker)."""
        wanted = marker(self._channel, row.incident_id)
        searches: list[tuple[str, dict[str, Any]]] = [
            (f"{self._page_path}/incidents/unresolved", {"per_page": 100}),
            (
                f"{self._page_path}/incidents",
                {"q": (row.subject or DEFAULT_NAME)[:NAME_MAX], "limit": 100},
            ),
        ]
        for path, params in searches:
            found = self._api.request("GET", path, "Statuspage lookup", params=params)
            for incident in found if isinstance(found, list) else []:
                meta = incident.get("metadata") if isinstance(incident, dict) else None
                ours = meta.get("warroom") if isinstance(meta, dict) else None
                if isinstance(ours, dict) and ours.get("incident") == wanted:
                    return str(incident.get("id") or "") or None
        return None

    def _update_exists(self, row: Delivery, remote: str) -> bool:
        """Tell whether an interrupted attempt already added this update."""
        incident = self._api.request(
            "GET", f"{self._page_path}/incidents/{quote(remote, safe='')}", "Statuspage lookup"
        )
        updates = incident.get("incident_updates") if isinstance(incident, dict) else None
        since = as_utc(row.first_attempt_at or row.created_at) - LOOKUP_MARGIN
        for update in updates if isinstance(updates, list) else []:
            if not isinstance(update, dict) or not _same_text(str(update.get("body")), row.text):
                continue
            try:
                made = parse_iso(str(update.get("created_at") or ""))
            except ValueError:
                return True  # same body, unknown time: never post it twice
            if made >= since:
                return True
        return False

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()
