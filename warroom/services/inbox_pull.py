"""The listening worker: pulls every source in turn, stores new items, remembers cursors.

Offline-safe like the outbox: the items of a page and the cursors after them are committed
in one transaction, so a restart (or a week without network) resumes exactly where the
last commit stopped, and a page read twice is deduplicated by remote id. One source's
failure never stops the others: a refused login stops *that* source (the reason is shown in
``source list`` until it is reconfigured), any other failure is retried with backoff,
honouring the server's ``Retry-After``.

One InboxPullService per worker thread (the window's and ``sync --watch``'s worker run it
after each delivery pass).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.errors import StorageError
from warroom.domain.inbox import Source
from warroom.services.context import ServiceContext
from warroom.services.inbox_attach import auto_attach
from warroom.services.inbox_scoring import Scorer, risk_words
from warroom.services.playbooks import PlaybookCatalog
from warroom.storage import changes, channel_repo, inbox_repo, source_repo
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable, SourceSecrets
from warroom.sync.backoff import Backoff
from warroom.sync.outcomes import DeliveryError, PermanentError, TransientError
from warroom.sync.redact import one_line, scrub
from warroom.sync.sources import Batch, Listener, SourceAuthError, make_listener

log = logging.getLogger(__name__)

ListenerFactory = Callable[..., Listener]
DEFAULT_INTERVAL = 60.0
#: Transactions per source and pass (each stores up to STORE_BATCH items).
MAX_ROUNDS = 1000
STORE_BATCH = 500


@dataclass
class SourcePull:
    """What one pull of one source did."""

    name: str
    added: int = 0
    skipped: int = 0
    attached: int = 0
    error: str = ""
    stopped: bool = False


@dataclass
class PullReport:
    """What one pass over the sources did."""

    sources: list[SourcePull] = field(default_factory=list)

    @property
    def added(self) -> int:
        """Return how many new items the pass stored."""
        return sum(s.added for s in self.sources)

    def summary(self) -> str:
        """Return lines for people."""
        if not self.sources:
            return "no source was due"
        lines = []
        for pull in self.sources:
            line = f"{pull.name}: {pull.added} new"
            if pull.skipped:
                line += f", {pull.skipped} malformed skipped"
            if pull.attached:
                line += f", {pull.attached} attached automatically"
            if pull.error:
                line += f"; {'stopped' if pull.stopped else 'error'}: {pull.error}"
            lines.append(line)
        return "\n".join(lines)


class InboxPullService:
    """Pulls the sources. Not thread-safe: one instance per worker thread."""

    def __init__(
        self,
        context: ServiceContext,
        playbooks: PlaybookCatalog,
        secrets: SecretStore | None = None,
        *,
        listener_factory: ListenerFactory = make_listener,
        backoff: Backoff | None = None,
        actor: str = "sync",
    ) -> None:
        self._ctx = context
        self._playbooks = playbooks
        self._secrets = secrets or SecretStore()
        self._factory = listener_factory
        self._backoff = backoff or Backoff(base=15.0, cap=1800.0)
        self.actor = actor
        # source id -> (failures in a row, when to try again)
        self._retry: dict[int, tuple[int, datetime]] = {}
        self._lock = threading.Lock()

    def pull_once(
        self, *, only_due: bool = False, stop: threading.Event | None = None
    ) -> PullReport:
        """Pull every active source (``only_due``: those whose interval has passed)."""
        with self._lock:
            report = PullReport()
            with self._ctx.db.reading() as session:
                sources = source_repo.list_all(session)
            scorer = Scorer(risk_words(self._playbooks))
            for source in sources:
                if stop is not None and stop.is_set():
                    break
                if source.stopped_reason:
                    continue
                if only_due and not self._due(source):
                    continue
                report.sources.append(self._pull(source, scorer, stop))
            return report

    def watch(
        self,
        stop: threading.Event,
        *,
        poll_seconds: float = 2.0,
        on_pass: Callable[[PullReport], None] | None = None,
    ) -> None:
        """Pull due sources until ``stop`` is set."""
        while not stop.is_set():
            try:
                report = self.pull_once(only_due=True, stop=stop)
            except SecretStoreUnavailable:
                raise
            except StorageError as error:
                log.warning("inbox pull skipped: %s", error)
            else:
                if on_pass is not None:
                    on_pass(report)
            stop.wait(poll_seconds)

    def _due(self, source: Source) -> bool:
        now = self._ctx.clock()
        retry = self._retry.get(source.id)
        if retry is not None:
            return retry[1] <= now
        if source.last_pulled_at is None:
            return True
        interval = float(source.settings.get("interval") or DEFAULT_INTERVAL)
        return now - source.last_pulled_at >= timedelta(seconds=interval)

    def secret_for(self, source: Source) -> str:
        """Return the source's secret: its own, or its channel's (``--from-channel``)."""
        channel = source.settings.get("from_channel")
        if channel:
            with self._ctx.db.reading() as session:
                return self._secrets.get(channel_repo.by_name(session, str(channel)))
        return SourceSecrets(self._secrets).get(source.name)

    def _pull(self, source: Source, scorer: Scorer, stop: threading.Event | None) -> SourcePull:
        pull = SourcePull(source.name)
        secret = ""
        listener: Listener | None = None
        try:
            secret = self.secret_for(source)
            listener = self._factory(source, secret, clock=self._ctx.clock)
            cursors = dict(source.cursors)
            for _round in range(MAX_ROUNDS):
                batch = self._read(listener, cursors, stop)
                self._store(source, batch, scorer, pull, secret)
                listener.acknowledge([item.remote_id for item in batch.items])
                cursors = batch.cursors
                if not batch.more or (stop is not None and stop.is_set()):
                    break
            self._retry.pop(source.id, None)
        except SourceAuthError as error:
            self._failed(source, pull, str(error), secret, stopped=True)
        except TransientError as error:
            self._failed(source, pull, str(error), secret, retry_after=error.retry_after)
        except (PermanentError, DeliveryError) as error:
            self._failed(source, pull, str(error), secret)
        except SecretStoreUnavailable:
            raise
        except StorageError:
            raise
        except Exception as error:  # a bug or a library surprise: this source only
            log.error("pulling source %s failed unexpectedly: %r", source.name, error)
            self._failed(source, pull, f"unexpected {type(error).__name__}", secret)
        finally:
            if listener is not None:
                listener.close()
        return pull

    @staticmethod
    def _read(listener: Listener, cursors: dict[str, Any], stop: threading.Event | None) -> Batch:
        """Fetch pages until STORE_BATCH items are in hand or the source has no more.

        Storing several pages in one transaction saves a commit (an fsync) per page; the
        cursors stored are those after the last page read, with its items.
        """
        batch = listener.fetch(cursors)
        while batch.more and len(batch.items) < STORE_BATCH and not (stop and stop.is_set()):
            following = listener.fetch(batch.cursors)
            following.items[:0] = batch.items
            following.skipped += batch.skipped
            following.problems[:0] = batch.problems
            batch = following
        return batch

    def _store(
        self, source: Source, batch: Batch, scorer: Scorer, pull: SourcePull, secret: str
    ) -> None:
        """Score and store a batch's items with its cursors, in one transaction."""
        now = self._ctx.clock()
        suggestions = [(item, scorer.score(item)) for item in batch.items]
        with self._ctx.db.transaction() as session:
            added = inbox_repo.add_heard(session, source, suggestions, now)
            attached = auto_attach(session, added, actor=self.actor, at=now)
            source_repo.record_pull(
                session,
                source.id,
                now,
                cursors=batch.cursors,
                added=len(added),
                skipped=batch.skipped,
            )
            changes.record(session, None, Area.INBOX)
            for incident_id in sorted({item.incident_id for item in attached if item.incident_id}):
                changes.record(session, incident_id, Area.INBOX, Area.TIMELINE)
        for problem in batch.problems:
            log.info("source %s: skipped %s", source.name, scrub(problem, [secret]))
        pull.added += len(added)
        pull.skipped += batch.skipped
        pull.attached += len(attached)

    def _failed(
        self,
        source: Source,
        pull: SourcePull,
        message: str,
        secret: str,
        *,
        stopped: bool = False,
        retry_after: float | None = None,
    ) -> None:
        reason = one_line(scrub(message, [secret]), 500)
        now = self._ctx.clock()
        failures = self._retry.get(source.id, (0, now))[0] + 1
        delay = self._backoff.delay(failures, retry_after)
        self._retry[source.id] = (failures, now + timedelta(seconds=delay))
        with self._ctx.db.transaction() as session:
            source_repo.record_pull(
                session, source.id, now, error=reason, stopped_reason=reason if stopped else None
            )
            changes.record(session, None, Area.INBOX)
        pull.error = reason
        pull.stopped = stopped
        log.warning("source %s: %s", source.name, reason)
