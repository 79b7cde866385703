"""A complete, read-only snapshot of one incident: what every export format is written from.

The export writers see only this (no database): the incident header, the hash-chained
timeline as stored (an :class:`EntryStream`, read while it is written and checked on the way),
statements with revisions, approvals and deliveries, the checklist, the clocks and the
post-incident review at the moment of export, and a verification footer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from warroom.domain.checklist import ChecklistItem
from warroom.domain.clocks import IncidentClocks
from warroom.domain.entry_stream import EntryStream
from warroom.domain.inbox_stats import InboxStats
from warroom.domain.incidents import Incident
from warroom.domain.review import Review
from warroom.domain.statement_record import StatementRecord
from warroom.domain.statements import Statement
from warroom.domain.timeline import ChainRecord, ChainReport
from warroom.domain.trust import PublicKey

SCHEMA = "warroom.incident-log/3"
#: the layouts before the incident's life and the inbox figures were exported (status, public
#: times, clock states, inbox): verified as before, every member it has still checked
SCHEMA_V2 = "warroom.incident-log/2"
#: the layout before signatures and full chain coverage: still verified, with a warning
SCHEMA_V1 = "warroom.incident-log/1"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who acted in the incident, with the roles their actions show."""

    name: str
    roles: tuple[str, ...]
    entries: int


#: The clocks as they read at export time (the one computation: domain.clocks.read_clocks).
Clocks = IncidentClocks


@dataclass(frozen=True, slots=True)
class FooterSignature:
    """The exporting person's signature over the footer (see domain.trust.footer_document)."""

    key: str
    public_key: str
    signature: str


@dataclass(frozen=True, slots=True)
class Footer:
    """What the chain must end with (whether it did is :meth:`IncidentLog.chain`).

    ``statement_hashes`` maps each statement id to its current content hash; ``signature``
    is added by a signed (JSON) export.
    """

    entry_count: int
    head_hash: str
    statement_hashes: tuple[tuple[int, str], ...] = ()
    signature: FooterSignature | None = None


@dataclass(frozen=True, slots=True)
class IncidentLog:
    """One incident, complete, as exported by ``exported_by`` at ``exported_at``."""

    incident: Incident
    exported_at: datetime
    exported_by: str
    generator: str
    people: tuple[Person, ...]
    entries: EntryStream
    statements: tuple[StatementRecord, ...]
    checklist: tuple[ChecklistItem, ...]
    clocks: Clocks
    review: Review
    footer: Footer
    #: the public keys of the people who signed approvals in it (and of the exporter)
    keys: tuple[PublicKey, ...] = ()
    #: the inbox figures of the incident ("seeing the wave"; not covered by the chain)
    inbox: InboxStats | None = None

    def chain(self) -> ChainReport:
        """Return the verdict on the chain as the entries were written (after a full pass)."""
        return self.entries.report()


def author_counts(entries: Iterable[ChainRecord]) -> list[tuple[str, int]]:
    """Return each author and their number of entries, in the order first seen."""
    counts: dict[str, int] = {}
    for record in entries:
        counts[record.author] = counts.get(record.author, 0) + 1
    return list(counts.items())


def people_and_roles(
    incident: Incident,
    authors: Iterable[tuple[str, int]],
    statements: Iterable[Statement],
    checklist: Iterable[ChecklistItem],
) -> list[Person]:
    """Name everyone who appears in the record and the roles their actions show.

    ``authors`` are the timeline's authors with their entry counts, in the order first seen
    (counted by the database for a long log: see :func:`author_counts`). Roles come from what
    people did (declared, approved, released...) and from the owner role of the checklist
    items they ticked, in the order first seen.
    """
    roles: dict[str, dict[str, None]] = {}
    counts: dict[str, int] = {}

    def add(name: str | None, role: str | None = None) -> None:
        if not name:
            return
        seen = roles.setdefault(name, {})
        if role:
            seen[role] = None

    add(incident.created_by, "declared the incident")
    for author, count in authors:
        counts[author] = counts.get(author, 0) + count
        add(author)
    for statement in statements:
        add(statement.author, "drafted statements")
        add(statement.revision_author, "drafted statements")
        for approval in statement.approvals:
            add(approval.approver, "approved statements")
        add(statement.released_by, "released statements")
    for item in checklist:
        if item.done_by:
            add(item.done_by, f"{item.owner_role} (checklist)" if item.owner_role else None)
    return [Person(name, tuple(found), counts.get(name, 0)) for name, found in roles.items()]
