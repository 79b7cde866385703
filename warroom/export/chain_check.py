"""Compare what an export says with what its chain says (domain.chain_state), field by field.

The first field that disagrees is named, with the entry that recorded the chain's value, so a
person can look it up. Approval signatures are checked here too: each against the public key
chained with it, over the canonical approval document (domain.trust).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from warroom.domain.chain_state import ChainedStatement, ChainState
from warroom.domain.clock import parse_iso
from warroom.domain.content import (
    ChannelContent,
    approved_content_hash,
    content_hash_of,
    legacy_content_hash,
    main_hash,
    variant_hash,
)
from warroom.domain.trust import approval_document, fingerprint

Problem = tuple[int | None, str]

INCIDENT_FIELDS_V2 = (
    "title",
    "severity",
    "severity_label",
    "state",
    "playbook",
    "began_at",
    "aware_at",
    "declared_at",
    "closed_at",
    "created_by",
    "approvals_required",
    "update_cadence_seconds",
)
#: a /3 export also carries the incident's life (status, hold window) and its approval window
INCIDENT_FIELDS = (
    *INCIDENT_FIELDS_V2,
    "status",
    "hold_window_seconds",
    "approval_window_minutes",
)
STATEMENT_FIELDS = (
    "channels",
    "state",
    "content_hash",
    "revision",
    "review_round",
    "author",
    "created_at",
    "updated_at",
    "next_update_by",
    "template",
    "rejection_reason",
    "released_at",
    "released_by",
)
#: statement fields a /3 export adds (a /2 file has none of them): checked when present
LATER_STATEMENT_FIELDS = ("scheduled_for",)
APPROVAL_FIELDS = (
    "approver",
    "approved_at",
    "content_hash",
    "revision",
    "review_round",
    "signature",
    "key",
)
NOT_COVERED_INCIDENT = (
    "incident {id} was opened before War Room chained its header: its title, severity, "
    "times, state and approvals required are not covered"
)
NOT_COVERED_STATEMENT = (
    "statement #{id} was drafted before War Room chained statements: its state, channels, "
    "release and approvals' validity are not covered (its revisions and approvals are checked "
    "against their entries)"
)


def _differs(what: str, exported: Any, chained: Any) -> str:
    return f"{what} is {exported!r} in the export but the chain records {chained!r}"


def incident_problem(
    document: Mapping[str, Any], state: ChainState, fields: tuple[str, ...] = INCIDENT_FIELDS
) -> Problem | None:
    """Return the first incident header field that disagrees with the chain."""
    incident = document["incident"]
    chained = state.incident
    for name in fields:
        if incident[name] != chained.fields.get(name):
            return chained.source.get(name), _differs(
                f"incident.{name}", incident[name], chained.fields.get(name)
            )
    return None


@dataclass(frozen=True)
class FieldsVerdict:
    """What comparing a document's fields with its chain found."""

    problem: Problem | None
    warnings: tuple[str, ...]
    #: (person, key fingerprint) of every signed approval the chain records, in order
    approval_keys: tuple[tuple[str, str], ...]


def fields_problem(
    document: Mapping[str, Any],
    state: ChainState,
    incident_id: int,
    fields: tuple[str, ...] = INCIDENT_FIELDS,
) -> FieldsVerdict:
    """Compare the incident header, the chained keys and the statements with the chain: the
    one comparison an export file and a live incident are both checked by."""
    warnings: list[str] = []
    if state.incident.covered:
        found = incident_problem(document, state, fields)
    else:
        warnings.append(NOT_COVERED_INCIDENT.format(id=incident_id))
        found = None
    found = found or key_problem(state) or statements_problem(document, state, warnings)
    approval_keys = tuple(
        dict.fromkeys(
            (a.approver, a.key) for s in state.statements.values() for a in s.approvals if a.key
        )
    )
    return FieldsVerdict(found, tuple(warnings), approval_keys)


def key_problem(state: ChainState) -> Problem | None:
    """Return the first chained key whose fingerprint does not name its public key."""
    for key, (person, public, seq) in state.keys.items():
        try:
            actual = fingerprint(bytes.fromhex(public))
        except ValueError:
            actual = ""
        if actual != key:
            return seq, f"the key {key} of {person} does not match the public key given for it"
    return None


def statements_problem(
    document: Mapping[str, Any], state: ChainState, warnings: list[str]
) -> Problem | None:
    """Return the first statement (or missing one) that disagrees with the chain."""
    incident_id = document["incident"]["id"]
    exported = {s["id"]: s for s in document["statements"]}
    for sid, chained in sorted(state.statements.items(), key=lambda item: item[1].seq):
        if sid not in exported:
            return chained.seq, (
                f"statement #{sid} is on the timeline but missing from the export (removed)"
            )
    for sid, statement in exported.items():
        chained_statement = state.statements.get(sid)
        if chained_statement is None:
            return None, f"statement #{sid} was never logged on the timeline"
        if chained_statement.covered:
            found = _statement_problem(incident_id, statement, chained_statement)
        else:
            warnings.append(NOT_COVERED_STATEMENT.format(id=sid))
            found = _legacy_problem(statement, chained_statement)
        if found is not None:
            return found
    return None


def _statement_problem(
    incident_id: int, statement: Mapping[str, Any], chained: ChainedStatement
) -> Problem | None:
    sid = statement["id"]
    where = f"statement #{sid}"
    later = [name for name in LATER_STATEMENT_FIELDS if name in statement]
    # The content hash last: a changed text or variant is named by what changed.
    fields = [name for name in (*STATEMENT_FIELDS, *later) if name != "content_hash"]
    seq = chained.source.get("content_hash")
    for name in (*fields, None, "content_hash"):
        if name is None:
            found = _content_problem(
                where,
                statement,
                exported_variants(statement),
                chained.fields.get("variants"),
                chained.fields.get("main_hash"),
                seq,
            )
            if found is not None:
                return found
        elif statement[name] != chained.fields.get(name):
            return chained.source.get(name), _differs(
                f"{where} {name}", statement[name], chained.fields.get(name)
            )
    digest = approved_content_hash(_contents(exported_variants(statement)))
    if digest != chained.fields.get("content_hash"):
        return seq, f"{where}: its subject or text does not match the content hash chained here"
    found = _revisions_problem(statement, chained)
    if found is not None:
        return found
    approvals = statement["approvals"]
    if len(approvals) != len(chained.approvals):
        last = chained.approvals[-1].seq if chained.approvals else chained.seq
        return last, (
            f"{where} lists {len(approvals)} approval(s) but the chain records "
            f"{len(chained.approvals)}"
        )
    for approval, entry in zip(approvals, chained.approvals, strict=True):
        for name in APPROVAL_FIELDS:
            if approval[name] != getattr(entry, name):
                return entry.seq, _differs(
                    f"{where} approval by {entry.approver!r}: {name}",
                    approval[name],
                    getattr(entry, name),
                )
        if approval["valid"] != chained.is_valid(entry):
            return entry.seq, _differs(
                f"{where} approval by {entry.approver!r}: valid",
                approval["valid"],
                chained.is_valid(entry),
            )
        document = approval_document(
            incident_id=incident_id,
            statement_id=sid,
            revision=entry.revision,
            content_hash=entry.content_hash,
            approver=entry.approver,
            approved_at=parse_iso(entry.approved_at),
        )
        # Imported here: the cryptography package is needed only once there is a signature
        # to check, not for every verification of an unsigned incident.
        from warroom.export.signatures import is_valid

        if not is_valid(entry.public_key, entry.signature, document):
            return entry.seq, (
                f"{where}: the signature of the approval by {entry.approver!r} does not match "
                "what it approved"
            )
    return None


def exported_variants(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return a statement's or revision's variants as exported; a file made before variants
    existed lists none: every channel received the main subject and text."""
    listed = item.get("variants")
    if isinstance(listed, list):
        return [v for v in listed if isinstance(v, Mapping)]
    return [
        {"channel": name, "subject": item["subject"], "text": item["text"], "edited": False}
        for name in item.get("channels") or ()
    ]


def _contents(variants: list[Mapping[str, Any]]) -> list[ChannelContent]:
    return [ChannelContent(v["channel"], v["subject"], v["text"]) for v in variants]


def _content_problem(
    where: str,
    item: Mapping[str, Any],
    variants: list[Mapping[str, Any]],
    chained_variants: Any,
    chained_main: Any,
    seq: int | None,
) -> Problem | None:
    """Check a statement's (or revision's) main text and every variant against the chain:
    the main text's hash, the channels the variants are for, a variant marked as following
    the main text really being it, and each channel's hash and edited mark."""
    subject, text = item["subject"], item["text"]
    for variant in variants:
        strings = (variant["channel"], variant["subject"], variant["text"])
        if not all(isinstance(v, str) for v in strings) or not isinstance(variant["edited"], bool):
            return seq, f"{where} has a variant with a member of the wrong type"
    if isinstance(chained_main, str) and main_hash(subject, text) != chained_main:
        return seq, f"{where}: its subject or text does not match the content hash chained here"
    names = [v["channel"] for v in variants]
    channels = list(item.get("channels") or ())
    if sorted(names) != sorted(channels) or len(set(names)) != len(names):
        return seq, f"{where} lists variants for {names} but its channels are {channels}"
    for variant in variants:
        label = f"{where} variant {variant['channel']!r}"
        if not variant["edited"] and (variant["subject"], variant["text"]) != (subject, text):
            return seq, f"{label} is marked as the main text but differs from it"
    if not isinstance(chained_variants, list):
        edited = [v["channel"] for v in variants if v["edited"]]
        if edited:
            return seq, (
                f"{where} variant {edited[0]!r} is marked as edited but the chain records no "
                "variants here"
            )
        return None
    chained = {c.get("channel"): c for c in chained_variants if isinstance(c, Mapping)}
    for variant in variants:
        name = variant["channel"]
        label = f"{where} variant {name!r}"
        entry = chained.get(name)
        if entry is None:
            return seq, f"{label} is not in the chain"
        if bool(entry.get("edited")) != variant["edited"]:
            return seq, _differs(f"{label} edited", variant["edited"], bool(entry.get("edited")))
        if variant_hash(name, variant["subject"], variant["text"]) != entry.get("hash"):
            return seq, f"{label}: its subject or text does not match the hash chained here"
    return None


def _revision_hash(revision: Mapping[str, Any]) -> str:
    channels = revision["channels"]
    if isinstance(revision.get("variants"), list):
        return approved_content_hash(_contents(exported_variants(revision)))
    if channels:
        return content_hash_of(channels, revision["subject"], revision["text"])
    return legacy_content_hash(revision["subject"], revision["text"])


def _revisions_problem(statement: Mapping[str, Any], chained: ChainedStatement) -> Problem | None:
    where = f"statement #{statement['id']}"
    numbers = [r["revision"] for r in statement["revisions"]]
    if sorted(chained.revisions) != numbers:
        return chained.source.get("revision"), (
            f"{where} lists revisions {numbers} but the chain records {sorted(chained.revisions)}"
        )
    for revision in statement["revisions"]:
        entry = chained.revisions[revision["revision"]]
        label = f"{where} revision {revision['revision']}"
        if revision["channels"]:
            found = _content_problem(
                label,
                revision,
                exported_variants(revision),
                entry.variants,
                entry.main_hash,
                entry.seq,
            )
            if found is not None:
                return found
        if _revision_hash(revision) != entry.content_hash or (
            revision["content_hash"] != entry.content_hash
        ):
            return entry.seq, f"{label} does not match the content hash chained here"
        for name, chained_value in (
            ("author", entry.author),
            ("created_at", entry.created_at),
            ("channels", entry.channels),
        ):
            if revision[name] != chained_value:
                return entry.seq, _differs(f"{label} {name}", revision[name], chained_value)
    return None


def _legacy_problem(statement: Mapping[str, Any], chained: ChainedStatement) -> Problem | None:
    """Check what a statement drafted before 0007 can still be checked on."""
    where = f"statement #{statement['id']}"
    for revision in statement["revisions"]:
        entry = chained.revisions.get(revision["revision"])
        if entry is None:
            return None, f"{where} revision {revision['revision']} was never logged"
        if entry.content_hash not in (_revision_hash(revision), revision["content_hash"]) or (
            _revision_hash(revision) != revision["content_hash"]
        ):
            return entry.seq, f"{where} revision {revision['revision']} does not match its entry"
    approvals = statement["approvals"]
    if len(approvals) != len(chained.approvals):
        return None, f"{where} lists {len(approvals)} approval(s) but the chain records " + str(
            len(chained.approvals)
        )
    for approval, logged in zip(approvals, chained.approvals, strict=True):
        for name in ("approver", "approved_at", "content_hash"):
            if approval[name] != getattr(logged, name):
                return logged.seq, _differs(
                    f"{where} approval: {name}", approval[name], getattr(logged, name)
                )
    return None
