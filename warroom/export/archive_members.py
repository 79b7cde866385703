"""The archive's key and signature members, for checking with standard tools.

Each public key is a PEM file (``keys/<fingerprint>.pem``, SubjectPublicKeyInfo), which
OpenSSL reads as it is. ``signatures.json`` lists every signature the export already holds
(each approval, the exporter's footer) with the exact bytes that were signed, so that a
verifier without War Room can check them: ``openssl pkeyutl -verify -rawin``. The JSON
export stays the authority on what those signatures mean; these members repeat them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from warroom.domain.archive_manifest import KEYS_FOLDER, IncludedKey
from warroom.domain.clock import iso_utc
from warroom.domain.incident_log import IncidentLog
from warroom.domain.trust import PublicKey, approval_document, footer_document
from warroom.export.signatures import is_valid

SIGNATURES_TYPE = "warroom.archive-signatures/1"


def key_member(key: PublicKey) -> str:
    """Return the member name of ``key``'s PEM file."""
    return f"{KEYS_FOLDER}/{key.fingerprint}.pem"


def pem_bytes(public_key: str) -> bytes:
    """Return the PEM (SubjectPublicKeyInfo) of a raw Ed25519 public key given in hex."""
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def pem_public_key(data: bytes) -> str | None:
    """Return the raw public key (hex) of an Ed25519 PEM file, or None for anything else."""
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, Ed25519PublicKey):
        return None
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def included_keys(log: IncidentLog) -> tuple[IncludedKey, ...]:
    """Return the keys of everyone who signed something in ``log`` (and its exporter)."""
    return tuple(
        IncludedKey(k.person, k.fingerprint, k.public_key, key_member(k)) for k in log.keys
    )


def signatures_bytes(log: IncidentLog, export_member: str) -> bytes:
    """Return ``signatures.json``: every approval's signature and the export's, with the
    exact signed text (``document``)."""
    approvals = []
    for record in log.statements:
        statement = record.statement
        for approval in statement.approvals:
            if not approval.signature:
                continue  # approvals given before signing existed
            document = approval_document(
                incident_id=log.incident.id,
                statement_id=statement.id,
                revision=approval.revision,
                content_hash=approval.content_hash,
                approver=approval.approver,
                approved_at=approval.approved_at,
            )
            approvals.append(
                {
                    "statement": statement.id,
                    "revision": approval.revision,
                    "approver": approval.approver,
                    "approved_at": iso_utc(approval.approved_at),
                    "key": approval.key,
                    "signature": approval.signature,
                    "document": document.decode("utf-8"),
                }
            )
    export: dict[str, Any] | None = None
    signature = log.footer.signature
    if signature is not None:
        document = footer_document(
            incident_id=log.incident.id,
            entry_count=log.footer.entry_count,
            head_hash=log.footer.head_hash,
            statement_hashes=dict(log.footer.statement_hashes),
            exported_at=log.exported_at,
            exported_by=log.exported_by,
            key=signature.key,
        )
        export = {
            "member": export_member,
            "signed_by": log.exported_by,
            "key": signature.key,
            "signature": signature.signature,
            "document": document.decode("utf-8"),
        }
    body = {"type": SIGNATURES_TYPE, "export": export, "approvals": approvals}
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def signatures_problem(data: bytes, keys: Iterable[IncludedKey]) -> str | None:
    """Return the first signature in ``signatures.json`` that does not check out, or None."""
    by_fingerprint = {k.fingerprint: k.public_key for k in keys}
    try:
        body = json.loads(data.decode("utf-8"))
        items: list[Mapping[str, Any]] = list(body["approvals"])
        if body["export"] is not None:
            items.append(body["export"])
        if body["type"] != SIGNATURES_TYPE:
            raise ValueError
        checks = [
            (str(i.get("approver") or i["signed_by"]), i["key"], i["signature"], i["document"])
            for i in items
        ]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return "signatures.json is not a list of War Room signatures"
    for person, key, signature, document in checks:
        public = by_fingerprint.get(key) if isinstance(key, str) else None
        if public is None:
            return f"signatures.json: the key {key!r} of {person} is not included in the archive"
        if not (
            isinstance(signature, str)
            and isinstance(document, str)
            and is_valid(public, signature, document.encode("utf-8"))
        ):
            return f"signatures.json: a signature by {person} does not match its document"
    return None
