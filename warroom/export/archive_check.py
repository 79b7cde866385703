"""Verify a sealed archive without a database: the manifest, the seal, every member, and
the embedded JSON export's own verification.

The checks run in an order that names what happened: a manifest edited after signing
(its SHA-256 no longer matches the seal's), a member removed, added or changed, a seal
whose signature is forged or damaged, a key or signature member that disagrees, and last
the export's chain and signatures, checked exactly as ``warroom verify FILE.json`` does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from warroom.domain.archive_manifest import (
    INFO_NAME,
    MANIFEST_NAME,
    SEAL_NAME,
    SIGNATURES_NAME,
    UNLISTED,
    ArchiveInfo,
    ManifestError,
    parse_info,
    parse_manifest,
    parse_seal,
    sha256_hex,
    unsafe_member_reason,
)
from warroom.domain.clock import iso_utc
from warroom.domain.errors import ValidationError
from warroom.domain.terminal_text import terminal_line
from warroom.domain.trust import fingerprint
from warroom.export.archive_members import pem_public_key, signatures_problem
from warroom.export.archive_read import ArchiveReader, MemberDamaged
from warroom.export.export_check import ExportCheck
from warroom.export.json_reader import check_document, parse_document
from warroom.export.signatures import is_valid

#: the most a manifest, seal, key or signature list can reasonably hold
SMALL_MEMBER_LIMIT = 16 << 20


@dataclass(frozen=True, slots=True)
class ArchiveCheck:
    """The verdict on one archive: ``problem`` names the first thing that disagrees."""

    ok: bool
    encrypted: bool
    members: int
    problem: str = ""
    info: ArchiveInfo | None = None
    export: ExportCheck | None = None

    def describe(self) -> str:
        """Return one line a person can act on."""
        if not self.ok:
            return f"broken: {self.problem}"
        assert self.info is not None
        info = self.info
        sealed = "encrypted (AES-256) archive" if self.encrypted else "archive"
        return (
            f"intact {sealed}: incident {info.incident_id}, {info.entry_count} entries, chain "
            f"head {info.head_hash}; {self.members} members match {MANIFEST_NAME}; sealed by "
            f"{terminal_line(info.archived_by)} (key {info.key}) at {iso_utc(info.archived_at)}"
        )


class _Broken(Exception):
    """The first problem found, as one line."""


def check_archive(
    path: Path, password: str | None = None, trusted: Collection[str] = ()
) -> ArchiveCheck:
    """Verify the archive at ``path``; ``trusted`` fingerprints, if any, must include the
    archiving person's. Refuses (ValidationError) an unreadable zip or a missing or wrong
    password; any other problem is the verdict."""
    with ArchiveReader(path, password) as archive:
        base = ArchiveCheck(ok=True, encrypted=archive.encrypted, members=len(archive.names))
        try:
            info, export = _check(archive, trusted)
        except _Broken as problem:
            return replace(base, ok=False, problem=str(problem))
        except MemberDamaged as damaged:
            return replace(base, ok=False, problem=str(damaged))
        except ManifestError as error:
            return replace(base, ok=False, problem=str(error))
    return replace(base, info=info, export=export)


def _check(archive: ArchiveReader, trusted: Collection[str]) -> tuple[ArchiveInfo, ExportCheck]:
    names = archive.names
    seen: set[str] = set()
    for name in names:
        reason = unsafe_member_reason(name)
        if reason is not None:
            raise _Broken(f"the member {name!r} has an unsafe name ({reason})")
        if name in seen:
            raise _Broken(f"the member {name} appears twice in the archive")
        seen.add(name)
    for name in UNLISTED:
        if name not in names:
            raise _Broken(f"this is not a War Room archive: it has no {name}")
    manifest = archive.read(MANIFEST_NAME, SMALL_MEMBER_LIMIT)
    seal = parse_seal(archive.read(SEAL_NAME, SMALL_MEMBER_LIMIT))
    if sha256_hex(manifest) != seal.manifest_sha256:
        raise _Broken(
            f"{MANIFEST_NAME} was changed after it was sealed (its SHA-256 differs from the "
            f"one signed in {SEAL_NAME})"
        )
    listed = parse_manifest(manifest)
    present = set(names)
    for name, _ in listed:
        if name not in present:
            raise _Broken(f"the member {name} listed in {MANIFEST_NAME} is missing (removed)")
    known = {name for name, _ in listed}
    for name in names:
        if name not in known and name not in UNLISTED:
            raise _Broken(f"the member {name} is not listed in {MANIFEST_NAME} (added)")
    for name, digest in listed:
        if archive.sha256(name) != digest:
            raise _Broken(
                f"the member {name} was changed (its SHA-256 differs from {MANIFEST_NAME})"
            )
    if INFO_NAME not in known:
        raise _Broken(f"this is not a War Room archive: {MANIFEST_NAME} does not list {INFO_NAME}")
    info = parse_info(archive.read(INFO_NAME, SMALL_MEMBER_LIMIT))
    _check_seal(info, seal.key, seal.signed_by, seal.signature, manifest)
    if trusted and info.key not in trusted:
        raise _Broken(
            f"the archive was sealed by {info.archived_by} with key {info.key}, which is not "
            "one you trust (--trust)"
        )
    _check_keys(archive, info, known)
    problem = signatures_problem(archive.read(SIGNATURES_NAME, SMALL_MEMBER_LIMIT), info.keys)
    if problem is not None:
        raise _Broken(problem)
    return info, _check_export(archive, info, known, trusted)


def _check_seal(info: ArchiveInfo, key: str, signed_by: str, signature: str, data: bytes) -> None:
    try:
        own = fingerprint(bytes.fromhex(info.public_key))
    except ValueError:
        own = ""
    if own != info.key or key != info.key or signed_by != info.archived_by:
        raise _Broken(
            f"{SEAL_NAME} names a key or signer that does not match {INFO_NAME} (forged seal)"
        )
    if not is_valid(info.public_key, signature, data):
        raise _Broken(
            f"the signature in {SEAL_NAME} does not match {MANIFEST_NAME} (forged or damaged "
            "signature)"
        )


def _check_keys(archive: ArchiveReader, info: ArchiveInfo, known: set[str]) -> None:
    """Every included key file holds the key ``manifest.json`` says, the sealer's among them."""
    if not any(k.fingerprint == info.key for k in info.keys):
        raise _Broken(f"the archiving person's key {info.key} is not included in the archive")
    for key in info.keys:
        if key.member not in known:
            raise _Broken(f"the key file {key.member} of {key.person} is missing")
        public = pem_public_key(archive.read(key.member, SMALL_MEMBER_LIMIT))
        if public != key.public_key or _fingerprint(public) != key.fingerprint:
            raise _Broken(f"the key file {key.member} does not hold {key.person}'s key")


def _fingerprint(public: str | None) -> str:
    try:
        return fingerprint(bytes.fromhex(public or ""))
    except ValueError:
        return ""


def _check_export(
    archive: ArchiveReader, info: ArchiveInfo, known: set[str], trusted: Collection[str]
) -> ExportCheck:
    """Verify the embedded export as ``verify FILE.json`` would, and bind it to the seal."""
    for member in (info.export, info.pdf, info.csv):
        if member not in known:
            raise _Broken(f"the member {member} named in {INFO_NAME} is not in the archive")
    try:
        document = parse_document(archive.read(info.export), info.export)
        check = check_document(document, trusted=trusted)
    except ValidationError as error:
        raise _Broken(str(error)) from None
    if not check.ok:
        where = "" if check.broken_seq is None else f" at entry {check.broken_seq}"
        raise _Broken(f"the export {info.export} is broken{where}: {check.problem}")
    if check.signer_key != info.key:
        raise _Broken(f"the export {info.export} was not signed by the archiving person's key")
    if (check.incident_id, check.entry_count, check.head_hash) != (
        info.incident_id,
        info.entry_count,
        info.head_hash,
    ):
        raise _Broken(f"{INFO_NAME} and the export {info.export} disagree on the chain")
    return check
