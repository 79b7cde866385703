"""One channel's share of an outbox pass: claim, check, send and settle its rows, in order.

Exactly once as before (see :mod:`warroom.services.delivery`): every row is claimed
('sending', committed) before its network call and settled after it, with its own timeline
receipt. What changed for throughput (issue 18) is the number of commits, each an fsync:

- **Deduplicating channels** (Mastodon's Idempotency-Key, Bluesky's record key) claim a
  batch of rows in one transaction, send them one by one on the kept connection, and settle
  the batch in one transaction that also claims the next batch. A worker killed anywhere in
  between leaves rows in 'sending' that the next pass sends again under the same key: the
  server answers with the first post (or, past Mastodon's key lifetime, the connector finds
  it among the account's statuses), so nothing is posted twice. A batch is settled early
  once :data:`SETTLE_WITHIN` has passed, and the claims not used yet are renewed then: a row
  waiting for its turn never looks abandoned to another worker.
- **Other channels** (email, webhooks) claim one row at a time, in the transaction that
  settles the previous row: one commit per row, and a worker killed at any moment leaves
  at most one row whose fate is unknown ('uncertain', for a person), exactly as before.

A row claimed but never handed to the connector (the pass was stopped, the channel went
offline, its configuration broke) is released: queued again as if never claimed. The
connector, and with it the HTTP session or SMTP connection, is kept for the whole lane.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from warroom.domain.changes import Area
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.content import ChannelContent
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.services.approved_bytes import matches_approval, record_blocked
from warroom.services.delivery_records import settle
from warroom.storage import changes, channel_repo, outbox_repo
from warroom.storage.database import Session
from warroom.sync import tid
from warroom.sync.connectors import IDEMPOTENT_KINDS, Connector
from warroom.sync.outcomes import (
    DeliveryError,
    DeliveryResult,
    PermanentError,
    TransientError,
    UncertainError,
)
from warroom.sync.redact import one_line, scrub

if TYPE_CHECKING:
    from warroom.services.delivery import DeliveryService, PassReport

log = logging.getLogger(__name__)

#: Rows claimed (and settled) per transaction on a deduplicating channel.
BATCH_ROWS = 16
#: A batch is settled once this long has passed since its claim, however few rows went:
#: receipts appear promptly, and unused claims are renewed well within the stale window.
SETTLE_WITHIN = 0.5


@dataclass(frozen=True)
class Attempt:
    """What one network call did: a final state (with the result or the error), a transient
    failure to retry later (``state`` None), or a block before any call (``blocked``)."""

    state: DeliveryState | None
    result: DeliveryResult | None = None
    error: DeliveryError | None = None
    blocked: bool = False

    @property
    def offline(self) -> bool:
        """Tell whether the channel could not be reached (its other rows wait too)."""
        return isinstance(self.error, TransientError) and self.error.unreachable


class ChannelLane:
    """Delivers the due rows of one channel for one pass of a worker."""

    def __init__(
        self,
        worker: DeliveryService,
        channel: Channel,
        report: PassReport,
        stop: threading.Event | None,
        holds: dict[int, timedelta] | None = None,
    ) -> None:
        self._worker = worker
        self._holds = holds or {}
        self._ctx = worker.context
        self._channel = channel
        self._report = report
        self._stop = stop
        self._batch = BATCH_ROWS if channel.kind in IDEMPOTENT_KINDS else 1
        self._pending: deque[Delivery] = deque()
        self._ahead: deque[Delivery] = deque()  # claimed, not yet handed to the connector
        self._done: list[tuple[Delivery, Attempt]] = []  # sent (or blocked), not yet settled
        self._claimed_at = 0.0
        self._keys_made = 0
        self._siblings: dict[int, list[ChannelContent]] = {}
        # The channel's reachability is recorded with the first success of the lane, and
        # after any error: not rewritten (and refreshed in every window) once per row.
        self._checked = bool(channel.last_checked_at) and not channel.last_error

    def run(self, due: list[Delivery]) -> None:
        """Deliver ``due`` (queued rows of this channel, in id order) until done or stopped."""
        self._pending.extend(due)
        try:
            # Made before the first claim: a Matrix claim records its token's mark.
            self._worker.connector_for(self._channel)
        except DeliveryError as error:
            # A configuration problem: rows wait (nothing is lost, nothing claimed).
            self._worker.record_channel(self._channel, str(error))
            self._report.waiting[self._channel.name] = str(error)
            return
        with self._ctx.db.transaction() as session:
            self._claim_next(session)
            self._record_changes(session, self._ahead)
        while self._ahead:
            if self._stop is not None and self._stop.is_set():
                self._settle_done()
                self._release("the pass was stopped")
                return
            try:
                connector = self._worker.connector_for(self._channel)
            except DeliveryError as error:
                # A configuration problem: rows wait (nothing is lost) until it is fixed.
                self._settle_done()
                self._worker.record_channel(self._channel, str(error))
                self._report.waiting[self._channel.name] = str(error)
                self._release(str(error))
                return
            row = self._ahead.popleft()
            if matches_approval(row, self._siblings.get(row.statement_id, [])):
                attempt = self._send(connector, row)
            else:
                attempt = Attempt(DeliveryState.FAILED, blocked=True)
            self._done.append((row, attempt))
            elapsed = time.monotonic() - self._claimed_at
            if attempt.offline or not self._ahead or elapsed >= SETTLE_WITHIN:
                self._settle_done(claim=not attempt.offline)
            if attempt.offline:
                self._release("the channel went offline")
                return

    # --- claims -------------------------------------------------------------------------------

    def _claim_next(self, session: Session) -> None:
        """Claim the next batch of pending rows nobody else took (caller's transaction)."""
        now = self._ctx.clock()
        won: list[int] = []
        while self._pending and len(won) < self._batch:
            queued = self._pending.popleft()
            hold = self._holds.get(queued.incident_id)
            # Past its hold window meanwhile (and not confirmed): left for the next pass,
            # which holds it for a person (services.holds).
            released_after = now - hold if hold is not None else None
            if outbox_repo.claim(
                session,
                queued.id,
                now,
                self._record_key(now, queued),
                released_after=released_after,
            ):
                won.append(queued.id)
        rows = outbox_repo.claimed(session, won)
        self._siblings = outbox_repo.contents_for(session, [r.statement_id for r in rows])
        self._ahead.extend(rows)
        self._claimed_at = time.monotonic()

    def _record_key(self, now: datetime, row: Delivery) -> str:
        """Return what the claim records: a new Bluesky record key, never one this lane
        chose before (rows claimed together share ``now``, and a key shared by two rows
        would make the second find the first's post under it and count itself sent); for
        Matrix the token's mark (see ``DeliveryService.claim_mark``); '' for others."""
        if self._channel.kind is not ChannelKind.BLUESKY:
            return self._worker.claim_mark(self._channel, row)
        self._keys_made += 1
        return tid.make_tid(now + timedelta(microseconds=self._keys_made))

    def _release(self, why: str) -> None:
        """Queue again the rows claimed but never handed to the connector."""
        if not self._ahead:
            return
        rows = list(self._ahead)
        self._ahead.clear()
        with self._ctx.db.transaction() as session:
            outbox_repo.release(session, [r.id for r in rows], self._ctx.clock())
            self._record_changes(session, rows)
        log.info("released %d claimed row(s) to %s: %s", len(rows), self._channel.name, why)

    def _record_changes(
        self, session: Session, rows: list[Delivery] | deque[Delivery], *areas: Area
    ) -> None:
        """Record the change-feed areas last: outbox (plus ``areas``) of every incident."""
        for incident_id in dict.fromkeys(r.incident_id for r in rows):
            changes.record(session, incident_id, Area.OUTBOX, *areas)

    # --- the network call -----------------------------------------------------------------------

    def _send(self, connector: Connector, row: Delivery) -> Attempt:
        """Hand ``row`` to the connector; map what happened to an attempt."""
        channel = self._channel
        try:
            result = connector.deliver(row)
        except TransientError as error:
            return Attempt(None, error=error)
        except PermanentError as error:
            self._worker.drop_connector(channel)
            return Attempt(DeliveryState.FAILED, error=error)
        except UncertainError as error:
            self._worker.drop_connector(channel)
            return Attempt(DeliveryState.UNCERTAIN, error=error)
        except Exception as error:  # a bug or an unexpected library error
            log.error(
                "delivery of outbox row %s failed unexpectedly: %s",
                row.id,
                scrub(repr(error), self._worker.secret_values(channel)),
            )
            self._worker.drop_connector(channel)
            if channel.kind in IDEMPOTENT_KINDS:
                return Attempt(None, error=TransientError(f"unexpected {type(error).__name__}"))
            problem = UncertainError(f"unexpected {type(error).__name__} while sending")
            return Attempt(DeliveryState.UNCERTAIN, error=problem)
        return Attempt(DeliveryState.SENT, result=result)

    # --- outcomes -------------------------------------------------------------------------------

    def _settle_done(self, *, claim: bool = False) -> None:
        """Record every attempt made since the last settle, in one transaction; in it, claim
        the next batch (``claim``, when the current one is used up) or renew the claims
        still waiting."""
        if not self._done:
            return
        done, self._done = self._done, []
        now = self._ctx.clock()
        secrets = self._worker.secret_values(self._channel)
        notes: list[Recorded] = []
        with self._ctx.db.transaction() as session:
            for row, attempt in done:
                note = self._record(session, row, attempt, self._reason(attempt, secrets), now)
                if note is not None:
                    notes.append(note)
            if claim and not self._ahead:
                self._claim_next(session)
            elif self._ahead:
                outbox_repo.renew(session, [r.id for r in self._ahead], now)
                self._claimed_at = time.monotonic()
            self._record_changes(session, [r for r, _ in done] + list(self._ahead), Area.TIMELINE)
            if any(note.check for note in notes):  # last: the feed's lock is held until commit
                changes.record(session, None, Area.CHANNELS)
        for note in notes:
            self._after_commit(note, now)

    @staticmethod
    def _reason(attempt: Attempt, secrets: list[str]) -> str:
        if attempt.error is None:
            return ""
        if attempt.state is None:
            return one_line(scrub(str(attempt.error), secrets))
        return one_line(scrub(str(attempt.error), secrets), 500)

    def _record(
        self, session: Session, row: Delivery, attempt: Attempt, reason: str, now: datetime
    ) -> Recorded | None:
        """Write one attempt's outcome (None: another worker settled the row meanwhile)."""
        if attempt.blocked:
            record_blocked(session, row, self._worker.actor, now)
            return Recorded(row, attempt, reason)
        if attempt.state is None:
            error = attempt.error
            assert isinstance(error, TransientError)
            delay = self._worker.backoff.delay(row.attempts, error.retry_after)
            outbox_repo.finish(
                session,
                row.id,
                DeliveryState.QUEUED,
                now,
                error=reason,
                next_attempt_at=now + timedelta(seconds=delay),
            )
            if error.unreachable:
                channel_repo.record_check(session, self._channel.id, now, reason)
            return Recorded(row, attempt, reason, check=error.unreachable, delay=delay)
        sent = attempt.state is DeliveryState.SENT
        check = (sent and not self._checked) or (
            isinstance(attempt.error, PermanentError) and "credentials" in reason
        )
        if not settle(
            session,
            row,
            self._channel,
            attempt.state,
            at=now,
            actor=self._worker.actor,
            result=attempt.result,
            reason=reason,
            check=check,
        ):
            return None
        if check:
            self._checked = sent
        return Recorded(row, attempt, reason, check=check)

    def _after_commit(self, note: Recorded, now: datetime) -> None:
        """Tell the report and the log what was recorded; note the channel's reachability."""
        row, attempt, name = note.row, note.attempt, self._channel.name
        if attempt.blocked:
            self._report.failed.append(row.id)
            return
        if attempt.state is None:
            if attempt.offline:
                self._checked = False
                self._worker.channel_offline(self._channel, now + timedelta(seconds=note.delay))
                self._report.waiting[name] = f"offline ({note.reason})"
            log.info(
                "outbox row %s to %s: %s; retry in %.1f s", row.id, name, note.reason, note.delay
            )
            self._report.retrying.append(row.id)
            return
        self._worker.channel_reached(self._channel)
        {
            DeliveryState.SENT: self._report.sent,
            DeliveryState.FAILED: self._report.failed,
            DeliveryState.UNCERTAIN: self._report.uncertain,
        }[attempt.state].append(row.id)
        result = attempt.result
        where = (result.remote_url or result.remote_id) if result else note.reason
        log.info("outbox row %s to %s: %s %s", row.id, name, attempt.state.value, where)


@dataclass(frozen=True)
class Recorded:
    """An attempt as written: its reason, whether the channel's state was recorded with it,
    and (for a retry) the backoff chosen."""

    row: Delivery
    attempt: Attempt
    reason: str
    check: bool = False
    delay: float = 0.0
