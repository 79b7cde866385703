"""A statement with its history and receipts: the unit every export writes a statement from.

Its own module (re-exported by :mod:`warroom.domain.incident_log`) so that checking a live
incident's statements (``services/verify_run.py``) does not import the whole snapshot of an
incident (clocks, review, inbox figures) just to build these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from warroom.domain.statements import Revision, Statement

if TYPE_CHECKING:  # receipts are not read when checking a live incident: no outbox import
    from warroom.domain.outbox import Delivery


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """A statement with its full revision history and its delivery receipts."""

    statement: Statement
    revisions: tuple[Revision, ...]
    deliveries: tuple[Delivery, ...]
