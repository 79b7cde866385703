"""What the hash chain itself says about an incident and its statements.

Every exported field that matters is derived here from chained timeline entries alone, never
from a mutable column: the incident header from its opening entry (and later
``incident.closed``/``incident.updated`` entries), and each statement's channels, content
hash, revisions, state, promise, release and approvals (with their validity) from its
``statement.*`` entries. ``warroom verify`` compares an export (or a live snapshot) with it.

Values are kept in their exported JSON form (times as canonical UTC strings), so comparing
is plain equality. Incidents and statements begun before War Room chained these facts
(``covered`` false) are reported as not covered instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warroom.domain.clock import iso_utc, parse_iso
from warroom.domain.incidents import (
    DEFAULT_APPROVAL_WINDOW,
    DEFAULT_HOLD_MINUTES,
    IncidentStatus,
    Severity,
    cadence_of,
    default_approvals_required,
)
from warroom.domain.release_rules import approved_state
from warroom.domain.timeline import ChainRecord, TimelineEvent

#: marks an opening entry that records the whole header
HEADER_VERSION = 2
#: the header fields an ``incident.updated`` entry may set
UPDATABLE = (
    "title",
    "severity",
    "began_at",
    "aware_at",
    "declared_at",
    "approvals_override",
    "status",
    "cadence_minutes",
    "hold_minutes",
    "approval_window_minutes",
)
#: what an opening entry that predates a field implies for it
HEADER_DEFAULTS: dict[str, Any] = {
    "status": IncidentStatus.INVESTIGATING.value,
    "cadence_minutes": None,
    "hold_minutes": DEFAULT_HOLD_MINUTES,
}


def opening_data(
    *,
    title: str,
    severity: Severity,
    began_at: datetime,
    aware_at: datetime,
    declared_at: datetime,
    approvals_override: int | None,
    playbook_key: str | None,
    status: IncidentStatus = IncidentStatus.INVESTIGATING,
    cadence_minutes: int | None = None,
    hold_minutes: int = DEFAULT_HOLD_MINUTES,
) -> dict[str, Any]:
    """Return the data of an incident's opening entry: its whole header, chained."""
    return {
        "event": TimelineEvent.INCIDENT_OPENED,
        "v": HEADER_VERSION,
        "title": title,
        "severity": int(severity),
        "began_at": iso_utc(began_at),
        "aware_at": iso_utc(aware_at),
        "declared_at": iso_utc(declared_at),
        "approvals_override": approvals_override,
        "playbook": playbook_key,
        "status": status.value,
        "cadence_minutes": cadence_minutes,
        "hold_minutes": hold_minutes,
    }


@dataclass
class ChainedIncident:
    """The incident header as the chain records it (exported JSON forms), by field."""

    covered: bool
    fields: dict[str, Any] = field(default_factory=dict)
    #: the entry that last set each field
    source: dict[str, int] = field(default_factory=dict)
    #: (entry, approvals required from that entry on), for statements approved meanwhile
    quorum: list[tuple[int, int]] = field(default_factory=list)

    def required_at(self, seq: int, fallback: int = 1) -> int:
        """Return the approvals a statement needed at entry ``seq``."""
        required = fallback
        for start, value in self.quorum:
            if start > seq:
                break
            required = value
        return required


@dataclass(frozen=True, slots=True)
class ChainedApproval:
    """One approval as its chained entry records it."""

    seq: int
    approver: str
    approved_at: str
    content_hash: str
    revision: int
    review_round: int
    signature: str
    key: str
    public_key: str


@dataclass
class ChainedRevision:
    """One revision as its drafted/edited entry records it."""

    seq: int
    content_hash: str
    author: str
    created_at: str
    channels: list[str] | None
    #: per channel {"channel", "edited", "hash"} (None: chained before variants existed)
    variants: list[dict[str, Any]] | None = None
    main_hash: str | None = None


@dataclass
class ChainedStatement:
    """A statement as its chained entries record it."""

    id: int
    seq: int
    covered: bool
    fields: dict[str, Any] = field(default_factory=dict)
    source: dict[str, int] = field(default_factory=dict)
    revisions: dict[int, ChainedRevision] = field(default_factory=dict)
    approvals: list[ChainedApproval] = field(default_factory=list)

    def set(self, name: str, value: Any, seq: int) -> None:
        """Record that entry ``seq`` set field ``name`` to ``value``."""
        self.fields[name] = value
        self.source[name] = seq

    def is_valid(self, approval: ChainedApproval) -> bool:
        """Tell whether an approval still counts: this content, this review round."""
        return approval.content_hash == self.fields.get(
            "content_hash"
        ) and approval.review_round == self.fields.get("review_round")


@dataclass
class ChainState:
    """Everything derived from one incident's chain."""

    incident: ChainedIncident
    statements: dict[int, ChainedStatement]
    #: fingerprint -> (person, public key, entry) from key.registered and approval entries
    keys: dict[str, tuple[str, str, int]]


def _incident(records: list[ChainRecord]) -> ChainedIncident:
    if not records or records[0].data.get("v") != HEADER_VERSION:
        return ChainedIncident(covered=False)
    opening = records[0]
    data = opening.data
    result = ChainedIncident(covered=True)
    values: dict[str, Any] = {
        "title": data.get("title"),
        "severity": data.get("severity"),
        "state": "open",
        "playbook": data.get("playbook"),
        "began_at": data.get("began_at"),
        "aware_at": data.get("aware_at"),
        "declared_at": data.get("declared_at"),
        "closed_at": None,
        "created_by": opening.author,
        "approvals_override": data.get("approvals_override"),
        "approval_window_minutes": data.get("approval_window_minutes"),
    }
    for name, default in HEADER_DEFAULTS.items():
        values[name] = data.get(name, default)
    for name, value in values.items():
        result.fields[name] = value
        result.source[name] = opening.seq
    _derived_header(result)
    result.quorum.append((opening.seq, result.fields.get("approvals_required", 1)))
    for record in records[1:]:
        event = record.data.get("event")
        if event == TimelineEvent.INCIDENT_CLOSED:
            result.fields.update(state="closed", closed_at=iso_utc(record.created_at))
            result.source.update(state=record.seq, closed_at=record.seq)
        elif event == TimelineEvent.INCIDENT_UPDATED:
            changes = record.data.get("set")
            if isinstance(changes, Mapping):
                for name in UPDATABLE:
                    if name in changes:
                        result.fields[name] = changes[name]
                        result.source[name] = record.seq
                _derived_header(result)
                result.quorum.append((record.seq, result.fields.get("approvals_required", 1)))
    return result


def _derived_header(incident: ChainedIncident) -> None:
    """Add the fields computed from others: label, approvals required, cadence, hold."""
    fields, source = incident.fields, incident.source
    try:
        severity = Severity(fields["severity"])
    except (ValueError, TypeError):
        return
    override = fields.get("approvals_override")
    fields["severity_label"] = severity.label
    fields["approvals_required"] = (
        override if isinstance(override, int) else default_approvals_required(severity)
    )
    minutes = fields.get("cadence_minutes")
    cadence = cadence_of(severity, minutes if isinstance(minutes, int) else None)
    fields["update_cadence_seconds"] = cadence.total_seconds() if cadence else None
    hold = fields.get("hold_minutes")
    fields["hold_window_seconds"] = hold * 60 if isinstance(hold, int) else None
    source["severity_label"] = source["severity"]
    source["update_cadence_seconds"] = max(source["severity"], source["cadence_minutes"])
    source["approvals_required"] = max(source["severity"], source["approvals_override"])
    source["hold_window_seconds"] = source["hold_minutes"]


def _variants(data: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """Return the chained variants of a drafted/edited entry (None before they existed)."""
    value = data.get("variants")
    if not isinstance(value, list):
        return None
    return [dict(v) for v in value if isinstance(v, Mapping)]


def _statement_event(
    statement: ChainedStatement,
    record: ChainRecord,
    event: str,
    required: int,
    window: timedelta = DEFAULT_APPROVAL_WINDOW,
) -> None:
    data, seq = record.data, record.seq
    at = iso_utc(record.created_at)
    if event in (TimelineEvent.STATEMENT_DRAFTED, TimelineEvent.STATEMENT_EDITED):
        revision = data.get("revision")
        channels = data.get("channels")
        variants = _variants(data)
        main = data.get("main_hash")
        if isinstance(revision, int):
            statement.revisions[revision] = ChainedRevision(
                seq,
                str(data.get("content_hash")),
                record.author,
                at,
                list(channels) if isinstance(channels, list) else None,
                variants,
                main if isinstance(main, str) else None,
            )
        statement.set("revision", revision, seq)
        statement.set("content_hash", data.get("content_hash"), seq)
        statement.set("channels", channels, seq)
        statement.set("variants", variants, seq)
        statement.set("main_hash", main if isinstance(main, str) else None, seq)
        statement.set("next_update_by", data.get("next_update_by"), seq)
        statement.set("revision_author", record.author, seq)
        statement.set("rejection_reason", "", seq)
        statement.set("scheduled_for", None, seq)
        if event == TimelineEvent.STATEMENT_DRAFTED:
            statement.set("author", record.author, seq)
            statement.set("created_at", at, seq)
            statement.set("template", data.get("template"), seq)
            statement.set("state", "draft", seq)
            statement.set("review_round", 0, seq)
            for name in ("released_at", "released_by"):
                statement.set(name, None, seq)
        elif statement.fields.get("state") in ("in_review", "approved", "scheduled"):
            statement.set("state", "in_review", seq)
    elif event == TimelineEvent.STATEMENT_SUBMITTED:
        statement.set("state", "in_review", seq)
    elif event == TimelineEvent.STATEMENT_APPROVED:
        statement.approvals.append(
            ChainedApproval(
                seq,
                str(data.get("approver")),
                at,
                str(data.get("content_hash")),
                int(data.get("revision") or 0),
                int(data.get("review_round") or 0),
                str(data.get("signature", "")),
                str(data.get("key", "")),
                str(data.get("public_key", "")),
            )
        )
        times = [_time(a.approved_at) for a in statement.approvals if statement.is_valid(a)]
        state = approved_state(
            [t for t in times if t is not None], record.created_at, required, window
        )
        statement.set("state", state.value, seq)
    elif event == TimelineEvent.STATEMENT_REJECTED:
        statement.set("state", "draft", seq)
        statement.set("review_round", int(statement.fields.get("review_round") or 0) + 1, seq)
        statement.set("rejection_reason", data.get("reason", ""), seq)
        statement.set("scheduled_for", None, seq)
    elif event == TimelineEvent.STATEMENT_QUORUM:
        # The quorum changed with the severity: judged again against the new number.
        if statement.fields.get("state") in ("in_review", "approved"):
            valid = sum(1 for a in statement.approvals if statement.is_valid(a))
            statement.set("state", "approved" if valid >= required else "in_review", seq)
    elif event == TimelineEvent.STATEMENT_SCHEDULED:
        statement.set("state", "scheduled", seq)
        statement.set("scheduled_for", data.get("release_at"), seq)
    elif event == TimelineEvent.STATEMENT_RELEASED:
        statement.set("state", "released", seq)
        statement.set("released_at", at, seq)
        # a scheduled release is written by the sync worker for the person who scheduled it
        statement.set("released_by", data.get("released_by") or record.author, seq)
    else:
        return
    statement.set("updated_at", at, seq)


def _time(value: str) -> datetime | None:
    try:
        return parse_iso(value)
    except (ValueError, TypeError, AttributeError):
        return None


def _window(minutes: Any) -> timedelta:
    """Return an approval window from its chained minutes (None or junk: the default)."""
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
        return timedelta(minutes=minutes)
    return DEFAULT_APPROVAL_WINDOW


def derive(records: Iterable[ChainRecord]) -> ChainState:
    """Return what the chain ``records`` (already verified as a chain) say."""
    entries = list(records)
    incident = _incident(entries)
    # The window as it stood at each entry (an approval counts by the rule of its time).
    window_minutes = entries[0].data.get("approval_window_minutes") if entries else None
    statements: dict[int, ChainedStatement] = {}
    keys: dict[str, tuple[str, str, int]] = {}
    for record in entries:
        data = record.data
        event = data.get("event")
        if not isinstance(event, str):
            continue
        if event == TimelineEvent.KEY_REGISTERED or (
            event == TimelineEvent.STATEMENT_APPROVED and "key" in data
        ):
            person = data.get("person", data.get("approver"))
            keys.setdefault(
                str(data.get("key")), (str(person), str(data.get("public_key")), record.seq)
            )
        if event == TimelineEvent.INCIDENT_UPDATED:
            changed = data.get("set")
            if isinstance(changed, Mapping) and "approval_window_minutes" in changed:
                window_minutes = changed["approval_window_minutes"]
        sid = data.get("statement")
        if not event.startswith("statement.") or not isinstance(sid, int):
            continue
        statement = statements.get(sid)
        if statement is None:
            # Statements drafted before their channels were chained are not covered.
            statement = ChainedStatement(sid, record.seq, covered="channels" in data)
            statements[sid] = statement
        required = incident.required_at(record.seq)
        _statement_event(statement, record, event, int(required or 1), _window(window_minutes))
    return ChainState(incident, statements, keys)
