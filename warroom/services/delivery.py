"""The outbox worker: claims queued rows, calls connectors, records every outcome.

Exactly once, as far as each channel allows: the 'sending' claim is committed *before* the
network call and the outcome in a second transaction. A worker that dies in between leaves
the row in 'sending'; the next pass finds it (after ``stale_after``) and, for channels that
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
from warroom.services.approved_bytes import approved_or_blocked
from warroom.services.channel_memory import StoredChannelMemory
from warroom.services.context import ServiceContext
from warroom.services.delivery_records import SETTLE_FROM, minimum_stale_after, timeline_entry
from warroom.services.people import authorize
from warroom.storage import changes, channel_repo, outbox_repo, reply_repo
from warroom.storage.file_identity import DatabaseReplacedError
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable
from warroom.storage.timeline_repo import append
from warroom.sync import tid
from warroom.sync.backoff import Backoff
from warroom.sync.connectors import (
    IDEMPOTENT_KINDS,
    SECRETLESS_KINDS,
    Connector,
    make_connector,
)
from warroom.sync.connectors.matrix import token_mark
from warroom.sync.outcomes import (
    DeliveryError,
    DeliveryResult,
    PermanentError,
    TransientError,
    UncertainError,
)
from warroom.sync.redact import one_line, scrub

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
    attention: list[Delivery]  # uncertain and failed rows
    next_due_at: datetime | None
    #: Queued rows whose last attempt failed (a 5xx, a timeout...): tried again later, and
    #: shown with the server's reason from the first failure on.
    retrying: list[Delivery] = field(default_factory=list)


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
        """Deliver every row that is due now, once each; return what happened."""
        with self._lock:
            self._ctx.db.check_file()  # a replaced database file stops the worker, even idle
            report = PassReport()
            report.recovered = self._recover_stale(report)
            after_id = 0  # one pass visits each due row once, in id order
            while not (stop and stop.is_set()):
                now = self._ctx.clock()
                with self._ctx.db.reading() as session:
                    rows = outbox_repo.due(session, now, limit=BATCH, after_id=after_id)
                    channels = {c.id: c for c in channel_repo.list_all(session)}
                if not rows:
                    break
                for row in rows:
                    if stop and stop.is_set():
                        break
                    after_id = row.id
                    self._deliver_row(row, channels[row.channel_id], report)
            with self._ctx.db.reading() as session:
                report.depth = outbox_repo.depth(session)
            return report

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

    def _deliver_row(self, queued: Delivery, channel: Channel, report: PassReport) -> None:
        now = self._ctx.clock()
        if channel.name in report.waiting:
            return
        if not channel.configured:
            report.waiting[channel.name] = (
                f"not configured yet (run 'warroom channel add {channel.name} "
                f"--kind {channel.kind.value} ...')"
            )
            return
        offline = self._channel_retry_at.get(channel.id)
        retry_at = offline[1] if offline and offline[0] == _settings_key(channel) else None
        if retry_at is not None and retry_at > now:
            report.waiting[channel.name] = (
                f"offline ({channel.last_error or 'unreachable'}); next try at {retry_at:%H:%M:%S}Z"
            )
            return
        try:
            connector = self._connector(channel)
        except DeliveryError as error:
            # A configuration problem: rows wait (nothing is lost) until it is fixed.
            self._record_channel(channel, str(error))
            report.waiting[channel.name] = str(error)
            return
        row = self._claim(queued, channel)
        if row is None:
            return
        if not approved_or_blocked(self._ctx, row, self.actor):
            report.failed.append(row.id)
            return
        secrets = self._secret_values(channel)
        try:
            result = connector.deliver(row)
        except TransientError as error:
            self._retry(row, channel, error, report, secrets)
        except PermanentError as error:
            self._drop_connector(channel)
            self._settle(row, channel, DeliveryState.FAILED, report, secrets, error=error)
        except UncertainError as error:
            self._drop_connector(channel)
            self._settle(row, channel, DeliveryState.UNCERTAIN, report, secrets, error=error)
        except Exception as error:  # a bug or an unexpected library error
            log.error(
                "delivery of outbox row %s failed unexpectedly: %s",
                row.id,
                scrub(repr(error), secrets),
            )
            self._drop_connector(channel)
            if channel.kind in IDEMPOTENT_KINDS:
                self._retry(
                    row,
                    channel,
                    TransientError(f"unexpected {type(error).__name__}"),
                    report,
                    secrets,
                )
            else:
                problem = UncertainError(f"unexpected {type(error).__name__} while sending")
                self._settle(row, channel, DeliveryState.UNCERTAIN, report, secrets, error=problem)
        else:
            self._settle(row, channel, DeliveryState.SENT, report, secrets, result=result)

    def _claim(self, queued: Delivery, channel: Channel) -> Delivery | None:
        """Commit the 'sending' claim (first transaction); None if another worker won."""
        now = self._ctx.clock()
        record_key = self._record_key(queued, channel)
        with self._ctx.db.transaction() as session:
            if not outbox_repo.claim(session, queued.id, now, record_key):
                return None
            changes.record(session, queued.incident_id, Area.OUTBOX)
            return outbox_repo.get(session, queued.id)

    def _record_key(self, row: Delivery, channel: Channel) -> str:
        """Return what a claim records (kept from the first claim on): Bluesky's record key;
        for Matrix, a keyed fingerprint of the access token (a retry with another token
        looks for its earlier attempt in the room first)."""
        if channel.kind is ChannelKind.BLUESKY:
            return tid.make_tid(self._ctx.clock())
        if channel.kind is ChannelKind.MATRIX:
            cached = self._connectors.get(channel.id)
            return token_mark(cached[2], row.idempotency_key) if cached else ""
        return ""

    def _retry(
        self,
        row: Delivery,
        channel: Channel,
        error: TransientError,
        report: PassReport,
        secrets: list[str],
    ) -> None:
        now = self._ctx.clock()
        delay = self._backoff.delay(row.attempts, error.retry_after)
        next_at = now + timedelta(seconds=delay)
        reason = one_line(scrub(str(error), secrets))
        with self._ctx.db.transaction() as session:
            outbox_repo.finish(
                session, row.id, DeliveryState.QUEUED, now, error=reason, next_attempt_at=next_at
            )
            if error.unreachable:
                channel_repo.record_check(session, channel.id, now, reason)
                changes.record(session, None, Area.CHANNELS)
            changes.record(session, row.incident_id, Area.OUTBOX)
        if error.unreachable:
            self._drop_connector(channel)
            self._channel_retry_at[channel.id] = (_settings_key(channel), next_at)
            report.waiting[channel.name] = f"offline ({reason})"
        log.info("outbox row %s to %s: %s; retry in %.1f s", row.id, channel.name, reason, delay)
        report.retrying.append(row.id)

    def _settle(
        self,
        row: Delivery,
        channel: Channel,
        state: DeliveryState,
        report: PassReport,
        secrets: list[str],
        *,
        result: DeliveryResult | None = None,
        error: DeliveryError | None = None,
    ) -> None:
        """Record a final outcome and its timeline entry (second transaction)."""
        now = self._ctx.clock()
        reason = one_line(scrub(str(error), secrets), 500) if error is not None else ""
        sent = state is DeliveryState.SENT
        with self._ctx.db.transaction() as session:
            previous = outbox_repo.current_state(session, row.id)
            # A confirmed delivery wins over whatever happened to the row meanwhile (another
            # worker took it for interrupted and made it 'uncertain', a person queued it
            # again): it did go out, so it must never be offered for resend.
            settled = previous is not DeliveryState.SENT and outbox_repo.finish(
                session,
                row.id,
                state,
                now,
                error=reason,
                remote_id=result.remote_id if result else "",
                remote_url=result.remote_url if result else "",
                from_states=SETTLE_FROM[state],
            )
            if not settled and not (sent and previous is DeliveryState.SENT):
                log.warning("outbox row %s was settled by another worker meanwhile", row.id)
                return
            if sent:  # an answer to an inbox item: the item is now replied, with where
                where = (result.remote_url or result.remote_id) if result else ""
                reply_repo.mark_replied(session, row.statement_id, where, now)
            checked = sent or (isinstance(error, PermanentError) and "credentials" in reason)
            if checked:
                channel_repo.record_check(session, channel.id, now, reason)
            text, data = timeline_entry(row, channel, state, result, reason, previous)
            append(
                session,
                incident_id=row.incident_id,
                kind=EntryKind.STATEMENT,
                text=text,
                author=self.actor,
                at=now,
                data=data,
            )
            changes.record(session, row.incident_id, Area.OUTBOX, Area.TIMELINE)
            if checked:  # last: the feed's lock is held until commit (see storage.changes)
                changes.record(session, None, Area.CHANNELS)
        self._channel_retry_at.pop(channel.id, None)
        {
            DeliveryState.SENT: report.sent,
            DeliveryState.FAILED: report.failed,
            DeliveryState.UNCERTAIN: report.uncertain,
        }[state].append(row.id)
        log.info(
            "outbox row %s to %s: %s %s",
            row.id,
            channel.name,
            state.value,
            (result.remote_url or result.remote_id) if result else reason,
        )

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
            if channel.kind in IDEMPOTENT_KINDS:
                with self._ctx.db.transaction() as session:
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
            else:
                problem = UncertainError(
                    "the worker stopped while sending; the message may or may not have gone out"
                )
                self._settle(row, channel, DeliveryState.UNCERTAIN, report, [], error=problem)
        return recovered

    def stale_window(self, channel: Channel) -> timedelta:
        """Return how long a 'sending' claim on ``channel`` lasts before it counts as dead.

        Always longer than the channel's connect + read timeouts: a worker still waiting
        for the server must never see its row taken for an interrupted one.
        """
        return max(self.stale_after, minimum_stale_after(channel))

    # --- connectors and secrets -------------------------------------------------------------

    def _connector(self, channel: Channel) -> Connector:
        key = _settings_key(channel)
        cached = self._connectors.get(channel.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        self._drop_connector(channel)
        secret = "" if channel.kind in SECRETLESS_KINDS else self._secrets.get(channel)
        connector = self._factory(
            channel, secret, clock=self._ctx.clock, memory=StoredChannelMemory(self._ctx, channel)
        )
        self._connectors[channel.id] = (key, connector, secret)
        return connector

    def _secret_values(self, channel: Channel) -> list[str]:
        """Return the channel's secret, to scrub it from messages."""
        cached = self._connectors.get(channel.id)
        return [cached[2]] if cached is not None else []

    def _drop_connector(self, channel: Channel) -> None:
        cached = self._connectors.pop(channel.id, None)
        if cached is not None:
            cached[1].close()

    def _record_channel(self, channel: Channel, error: str) -> None:
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
                session, states=(DeliveryState.UNCERTAIN, DeliveryState.FAILED)
            )
            retrying = outbox_repo.list_rows(
                session, states=(DeliveryState.QUEUED,), with_error=True
            )
            depth = outbox_repo.depth(session)
            due_at = outbox_repo.next_due_at(session)
        states = [ChannelState(c, channel_online(c), counts.get(c.name, {})) for c in channels]
        return SyncStatus(depth, states, attention, due_at, retrying)

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
