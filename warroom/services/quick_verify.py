"""``warroom verify --incident ID`` from its checkpoint, on the embedded file, without SQLAlchemy.

After a few new entries an incremental verification reads a few rows and writes one; the
command's time is then its imports. This path runs the very checks of the services' path
(:class:`~warroom.services.verify_run.VerifyRun`) over rows read with the standard ``sqlite3``
module (:mod:`warroom.storage.quick_chain`) and saves the new checkpoint the same way.

It applies only where it gives the same verdict for less: a plain SQLite file at this
version's schema that this user can write, an existing incident, a saved checkpoint.
Otherwise — a server, an encrypted or older file, no checkpoint yet (a full check, where
imports do not matter), a read-only file, anything unexpected while reading — it returns None
and the command takes the services' path, with its usual messages.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import closing
from dataclasses import replace

from warroom.domain.clock import Clock, utc_now
from warroom.domain.errors import StorageError
from warroom.services.verify_run import IncidentVerdict, VerifyRun, next_checkpoint
from warroom.storage.quick_chain import open_quick_chain, save_checkpoint
from warroom.storage.quick_open import translated_errors

log = logging.getLogger("warroom.services.incident_verify")


def verify_from_checkpoint(
    url: str | None, incident_id: int, actor: str, clock: Clock = utc_now
) -> IncidentVerdict | None:
    """Verify ``incident_id`` from its checkpoint on the embedded file, or return None."""
    chain = open_quick_chain(url)
    if chain is None:
        return None
    path = chain.path
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        chain.close()
        return None  # the services' path says why no checkpoint can be saved
    started = time.perf_counter()
    try:
        with closing(chain), translated_errors():
            incident = chain.incident(incident_id)
            point = chain.checkpoint(incident_id) if incident is not None else None
            if incident is None or point is None:
                return None
            run = VerifyRun(chain, incident, point, None)
            check = run.check()
    except (ValueError, TypeError, KeyError, LookupError) as error:
        # A stored value this reader does not expect: the services' path reads it (or says
        # what is wrong with it) in its own words.
        log.info("quick verify of incident %s not used: %s", incident_id, type(error).__name__)
        return None
    verdict = IncidentVerdict(check, False, point, run.rechecked, time.perf_counter() - started)
    if not check.ok:
        return verdict
    saved = next_checkpoint(verdict, run, clock(), actor)
    try:
        with translated_errors():
            save_checkpoint(path, saved)
    except StorageError as error:
        log.warning("verify checkpoint of incident %s not saved: %s", incident_id, error)
        return replace(verdict, not_saved=str(error))
    return replace(verdict, saved=saved)
