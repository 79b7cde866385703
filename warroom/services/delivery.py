"""The outbox worker: claims queued rows, calls connectors, records every outcome.

Exactly once, as far as each channel allows: the 'sending' claim is committed *before* the
network call and the outcome in a later transaction (which also claims the channel's next
row: see :mod:`warroom.services.delivery_lane`). A worker that dies in between leaves the
row in 'sending'; the next pass finds it (after ``stale_after``) and, for channels that
deduplicate (Mastodon's Idempotency-Key, Bluesky's record key, Matrix's transaction id) or
look for their earlier attempt first (Statuspage, the status folder), simply tries again,
while email and webhook rows become 'uncertain' and wait for a person (resend or mark sent).

One DeliveryService per worker thread: it keeps one connector (and connection) per channel
between rows and passes. Call :meth:`close` when done.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.errors import RuleViolation, StorageError
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.people import Action
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.channel_memory import StoredChannelMemory
from warroom.services.context import ServiceContext
from warroom.services.delivery_lane import ChannelLane
from warroom.services.delivery_records import minimum_stale_after, settle
from warroom.services.holds import hold_if_stale
from warroom.services.people import authorize
from warroom.services.statement_release import release_due
from warroom.storage import (
    changes,
    channel_repo,
    incident_repo,
    outbox_decisions,
    outbox_repo,
    reply_repo,
)
from warroom.storage.file_identity import DatabaseReplacedError
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable
from warroom.storage.timeline_repo import append
from warroom.sync.backoff import Backoff
from warroom.sync.connectors import (
    IDEMPOTENT_KINDS,
    SECRETLESS_KINDS,
    Connector,
    make_connector,
)
from warroom.sync.connectors.matrix import token_mark

log = logging.getLogger(__name__)

ConnectorFactory = Callable[..., Connector]
DEFAULT_STALE_AFTER = timedelta(minutes=5)
BATCH = 200


@dataclass
class PassReport:
    """What one pass over the outbox did (outbox row ids)."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    #: rows that waited longer than their hold window: a person must confirm them
    held: list[int] = field(default_factory=list)
    #: channel name -> why its rows were left waiting in this pass
    waiting: dict[str, str] = field(default_factory=dict)
    depth: int = 0

    def summary(self) -> str:
        """Return one line for people."""
        text = (
            f"sent {len(self.sent)}, failed {len(self.failed)}, uncertain "
            f"{len(self.uncertain)}, will retry {len(self.retrying)}; "
            f"{self.depth} still waiting in the outbox"
        )
        if self.held:
            rows = ", ".join(str(row) for row in self.held)
            text += f"\nheld (waited longer than the hold window; confirm or withdraw): rows {rows}"
        for name, why in sorted(self.waiting.items()):
            text += f"\n  {name}: {why}"
        return text


@dataclass(frozen=True)
class ChannelState:
    """A channel's reachability as last seen, and its rows by delivery state."""

    channel: Channel
    online: bool | None  # None: never tried
    counts: dict[str, int]

    @property
    def name(self) -> str:
        """Return the channel's name."""
        return self.channel.name


@dataclass(frozen=True)
class SyncStatus:
    """The outbox at a glance: depth, channels, and rows that need a person."""

    depth: int
    channels: list[ChannelState]
    attention: list[Delivery]  # uncertain, failed and held rows
    next_due_at: datetime | None
    #: Queued rows whose last attempt failed (a 5xx, a timeout...): tried again later, and
    #: shown with the server's reason from the first failure on.
    retrying: list[Delivery] = field(default_factory=list)
    #: Rows of scheduled releases still waiting for their time, and when this was read
    scheduled: list[Delivery] = field(default_factory=list)
    read_at: datetime | None = None


def channel_online(channel: Channel) -> bool | None:
    """Return True/False from the last check or delivery, None if never tried."""
    if channel.last_checked_at is None:
        return None
    return not channel.last_error


class DeliveryService:
    """Delivers the outbox. Not thread-safe: one instance per worker thread."""

    def __init__(
        self,
        context: ServiceContext,
        secrets: SecretStore,
        *,
        connector_factory: ConnectorFactory = make_connector,
        backoff: Backoff | None = None,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        actor: str = "sync",
    ) -> None:
        self._ctx = context
        self._secrets = secrets
        self._factory = connector_factory
        self._backoff = backoff or Backoff()
        self.stale_after = stale_after
        self.actor = actor
        self._connectors: dict[int, tuple[str, Connector, str]] = {}
        # channel id -> (its settings when it went offline, when to try it again)
        self._channel_retry_at: dict[int, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    # --- the worker ---------------------------------------------------------------------------

    def run_once(self, *, stop: threading.Event | None = None) -> PassReport:
        """Deliver every row that is due now, once each; return what happened.

        Rows are read in batches in id order; each channel's rows of a batch go through one
        :class:`ChannelLane` (its order kept, one connection, one commit per row).
        """
        with self._lock:
            self._ctx.db.check_file()  # a replaced database file stops the worker, even idle
            report = PassReport()
            report.recovered = self._recover_stale(report)
            release_due(self._ctx, self.actor)  # scheduled statements whose time has come
            after_id = 0  # one pass visits each due row once, in id order
            while not (stop and stop.is_set()):
                now = self._ctx.clock()
                with self._ctx.db.reading() as session:
                    rows = outbox_repo.due(session, now, limit=BATCH, after_id=after_id)
                    channels = {c.id: c for c in channel_repo.list_all(session)}
                    holds = incident_repo.hold_windows(session, {r.incident_id for r in rows})
                if not rows:
                    break
                after_id = rows[-1].id
                by_channel: dict[int, list[Delivery]] = {}
                for row in rows:
                    by_channel.setdefault(row.channel_id, []).append(row)
                for channel_id, due in by_channel.items():
                    if stop and stop.is_set():
                        break
                    channel = channels[channel_id]
                    if not self._may_start(channel, report):
                        continue
                    # The channel is ready: a row that waited past its hold window goes to
                    # a person instead (services.holds); the claim checks the window again.
                    ready = [row for row in due if not self._held(row, holds, report)]
                    ChannelLane(self, channel, report, stop, holds).run(ready)
            with self._ctx.db.reading() as session:
                report.depth = outbox_repo.depth(session)
            return report

    def _held(self, row: Delivery, holds: dict[int, timedelta], report: PassReport) -> bool:
        """Hold ``row`` if it waited longer than its incident's hold window; True if held."""
        hold = holds.get(row.incident_id)
        if hold is None or not hold_if_stale(self._ctx, row, hold, self.actor, self._ctx.clock()):
            return False
        report.held.append(row.id)
        return True

    def _may_start(self, channel: Channel, report: PassReport) -> bool:
        """Tell whether ``channel``'s rows may go now; else say in ``report`` why they wait."""
        if channel.name in report.waiting:
            return False
        if not channel.configured:
            report.waiting[channel.name] = (
                f"not configured yet (run 'warroom channel add {channel.name} "
                f"--kind {channel.kind.value} ...')"
            )
            return False
        offline = self._channel_retry_at.get(channel.id)
        retry_at = offline[1] if offline and offline[0] == _settings_key(channel) else None
        if retry_at is not None and retry_at > self._ctx.clock():
            report.waiting[channel.name] = (
                f"offline ({channel.last_error or 'unreachable'}); next try at {retry_at:%H:%M:%S}Z"
            )
            return False
        return True

    def watch(
        self,
        stop: threading.Event,
        *,
        poll_seconds: float = 2.0,
        on_pass: Callable[[PassReport], None] | None = None,
    ) -> None:
        """Run passes until ``stop`` is set: at least every ``poll_seconds``, sooner if due."""
        while not stop.is_set():
            try:
                report = self.run_once(stop=stop)
            except (SecretStoreUnavailable, DatabaseReplacedError):
                raise
            except StorageError as error:
                # A busy or briefly unreachable database (team mode): try again later.
                log.warning("sync pass skipped: %s", error)
                stop.wait(poll_seconds)
                continue
            if on_pass is not None:
                on_pass(report)
            stop.wait(self._sleep_seconds(poll_seconds))

    def _sleep_seconds(self, poll_seconds: float) -> float:
        with self._ctx.db.reading() as session:
            due_at = outbox_repo.next_due_at(session)
        if due_at is None:
            return poll_seconds
        until = (due_at - self._ctx.clock()).total_seconds()
        return max(0.05, min(poll_seconds, until))

    def _recover_stale(self, report: PassReport) -> list[int]:
        """Find rows a dead worker left in 'sending' and decide what each may do now."""
        now = self._ctx.clock()
        with self._ctx.db.reading() as session:
            stale = outbox_repo.stale_sending(session, now - self.stale_after)
            channels = {c.id: c for c in channel_repo.list_all(session)}
        recovered = []
        for row in stale:
            channel = channels[row.channel_id]
            if row.updated_at > now - self.stale_window(channel):
                continue  # its worker may still be waiting for the server's answer
            with self._ctx.db.transaction() as session:
                if channel.kind in IDEMPOTENT_KINDS:
                    if outbox_repo.finish(
                        session,
                        row.id,
                        DeliveryState.QUEUED,
                        now,
                        next_attempt_at=now,
                        error="an earlier attempt was interrupted; retrying safely",
                    ):
                        changes.record(session, row.incident_id, Area.OUTBOX)
                        recovered.append(row.id)
                    continue
                reason = (
                    "the worker stopped while sending; the message may or may not have gone out"
                )
                if settle(
                    session,
                    row,
                    channel,
                    DeliveryState.UNCERTAIN,
                    at=now,
                    actor=self.actor,
                    reason=reason,
                ):
                    changes.record(session, row.incident_id, Area.OUTBOX, Area.TIMELINE)
                    report.uncertain.append(row.id)
            log.info("outbox row %s to %s: interrupted earlier", row.id, channel.name)
        return recovered

    def stale_window(self, channel: Channel) -> timedelta:
        """Return how long a 'sending' claim on ``channel`` lasts before it counts as dead.

        Always longer than the channel's connect + read timeouts: a worker still waiting
        for the server must never see its row taken for an interrupted one.
        """
        return max(self.stale_after, minimum_stale_after(channel))

    # --- what the lanes share: connectors, secrets, reachability -----------------------------

    @property
    def context(self) -> ServiceContext:
        """Return the services' context (database, clock, secrets)."""
        return self._ctx

    @property
    def backoff(self) -> Backoff:
        """Return the retry policy."""
        return self._backoff

    def connector_for(self, channel: Channel) -> Connector:
        """Return the kept connector of ``channel`` (a new one after it was reconfigured)."""
        key = _settings_key(channel)
        cached = self._connectors.get(channel.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        self.drop_connector(channel)
        secret = "" if channel.kind in SECRETLESS_KINDS else self._secrets.get(channel)
        connector = self._factory(
            channel, secret, clock=self._ctx.clock, memory=StoredChannelMemory(self._ctx, channel)
        )
        self._connectors[channel.id] = (key, connector, secret)
        return connector

    def claim_mark(self, channel: Channel, row: Delivery) -> str:
        """Return what a Matrix claim records (kept from the first claim on): a keyed
        fingerprint of the access token the kept connector uses, so that a retry with
        another token looks for its earlier attempt in the room first ('' for others)."""
        cached = self._connectors.get(channel.id)
        if channel.kind is not ChannelKind.MATRIX or cached is None:
            return ""
        return token_mark(cached[2], row.idempotency_key)

    def secret_values(self, channel: Channel) -> list[str]:
        """Return the channel's secret, to scrub it from messages."""
        cached = self._connectors.get(channel.id)
        return [cached[2]] if cached is not None else []

    def drop_connector(self, channel: Channel) -> None:
        """Close ``channel``'s connector; the next row makes a new one."""
        cached = self._connectors.pop(channel.id, None)
        if cached is not None:
            cached[1].close()

    def channel_offline(self, channel: Channel, until: datetime) -> None:
        """Leave ``channel`` alone until ``until`` (it could not be reached)."""
        self.drop_connector(channel)
        self._channel_retry_at[channel.id] = (_settings_key(channel), until)

    def channel_reached(self, channel: Channel) -> None:
        """Forget that ``channel`` was offline."""
        self._channel_retry_at.pop(channel.id, None)

    def record_channel(self, channel: Channel, error: str) -> None:
        """Record a problem with ``channel`` found before any row was sent."""
        with self._ctx.db.transaction() as session:
            channel_repo.record_check(session, channel.id, self._ctx.clock(), error)
            changes.record(session, None, Area.CHANNELS)

    def close(self) -> None:
        """Close every kept connection (waits for a pass running on another thread)."""
        with self._lock:
            for _key, connector, _secret in self._connectors.values():
                connector.close()
            self._connectors.clear()

    # --- status and decisions by people ---------------------------------------------------------

    def status(self) -> SyncStatus:
        """Return the outbox depth, each channel's state and the rows needing a person."""
        with self._ctx.db.reading() as session:
            counts = outbox_repo.counts_by_channel(session)
            channels = channel_repo.list_all(session)
            attention = outbox_repo.list_rows(
                session,
                states=(DeliveryState.UNCERTAIN, DeliveryState.FAILED, DeliveryState.HELD),
            )
            retrying = outbox_repo.list_rows(
                session, states=(DeliveryState.QUEUED,), with_error=True
            )
            depth = outbox_repo.depth(session)
            due_at = outbox_repo.next_due_at(session)
            now = self._ctx.clock()
            queued = outbox_repo.list_rows(session, states=(DeliveryState.QUEUED,))
        states = [ChannelState(c, channel_online(c), counts.get(c.name, {})) for c in channels]
        scheduled = [row for row in queued if row.waits_for_schedule(now)]
        return SyncStatus(depth, states, attention, due_at, retrying, scheduled, now)

    def resend(self, row_id: int, actor: str) -> Delivery:
        """Queue an uncertain or failed row again (a person decided it did not go out)."""
        return self._decide(row_id, actor, DeliveryState.QUEUED, TimelineEvent.DELIVERY_RESEND)

    def mark_sent(self, row_id: int, actor: str, *, remote_url: str = "") -> Delivery:
        """Record that an uncertain or failed row did go out (a person checked)."""
        return self._decide(
            row_id, actor, DeliveryState.SENT, TimelineEvent.DELIVERY_SENT, remote_url=remote_url
        )

    def _decide(
        self,
        row_id: int,
        actor: str,
        state: DeliveryState,
        event: TimelineEvent,
        remote_url: str = "",
    ) -> Delivery:
        now = self._ctx.clock()
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.RELEASE)
            row = outbox_repo.get(session, row_id)
            if row.state not in (DeliveryState.UNCERTAIN, DeliveryState.FAILED):
                raise RuleViolation(
                    f"outbox row {row_id} is {row.state.value}; only an uncertain or failed "
                    "row waits for a person"
                )
            outbox_repo.finish(
                session,
                row_id,
                state,
                now,
                next_attempt_at=now if state is DeliveryState.QUEUED else None,
                remote_url=remote_url,
                remote_id=row.remote_id,
                from_states=(row.state,),
            )
            if state is DeliveryState.QUEUED:  # a person's decision: never held for its age
                outbox_decisions.mark_confirmed(session, row_id, actor)
            what = "queued again" if state is DeliveryState.QUEUED else "marked as sent"
            if state is DeliveryState.SENT:
                reply_repo.mark_replied(session, row.statement_id, remote_url, now)  # inbox answer
            data: dict[str, Any] = {
                "event": event,
                "statement": row.statement_id,
                "channel": row.channel_name,
                "outbox": row.id,
                "decided_by": actor,
                "previous_state": row.state.value,
            }
            if remote_url:
                data["url"] = remote_url
            append(
                session,
                incident_id=row.incident_id,
                kind=EntryKind.STATEMENT,
                text=f"Statement #{row.statement_id} on {row.channel_name} {what} by "
                f"{actor} (outbox row {row.id})",
                author=actor,
                at=now,
                data=data,
            )
            changes.record(session, row.incident_id, Area.OUTBOX, Area.TIMELINE)
            return outbox_repo.get(session, row_id)


def _settings_key(channel: Channel) -> str:
    """Return what identifies a channel's configuration (reconfiguring changes it)."""
    return json.dumps([channel.kind.value, dict(channel.settings)], sort_keys=True, default=str)
