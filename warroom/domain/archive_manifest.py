"""The sealed archive's own files: ``MANIFEST.sha256``, ``manifest.json`` and ``MANIFEST.sig``.

``MANIFEST.sha256`` is exactly what GNU ``sha256sum`` writes (``<64 hex>  <name>`` per
line, text mode), so ``sha256sum -c MANIFEST.sha256`` checks the extracted members with no
War Room at hand. It lists every member but itself and ``MANIFEST.sig``; ``manifest.json``
(who archived what, when, where the chain ends, which keys are included) is one of the
listed members, so the archiving person's Ed25519 signature over the manifest's bytes
covers it too. ``MANIFEST.sig`` holds that signature with the manifest's own SHA-256, which
tells a changed manifest apart from a forged or damaged signature.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.clock import iso_utc, parse_iso

ARCHIVE_TYPE = "warroom.archive/1"
SEAL_TYPE = "warroom.archive-seal/1"
MANIFEST_NAME = "MANIFEST.sha256"
SEAL_NAME = "MANIFEST.sig"
INFO_NAME = "manifest.json"
SIGNATURES_NAME = "signatures.json"
KEYS_FOLDER = "keys"
#: The members the manifest does not list (it cannot list itself; the seal signs it).
UNLISTED = (MANIFEST_NAME, SEAL_NAME)

_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ManifestError(ValueError):
    """A manifest, info or seal file that is not in the expected format."""


def unsafe_member_reason(name: str) -> str | None:
    """Return why ``name`` may not be an archive member (None when it is fine).

    Members are relative paths with forward slashes that ``sha256sum`` prints unescaped:
    no absolute path, no ``..``, no backslash, no control character.
    """
    if not name or name.startswith("/") or name.endswith("/"):
        return "it is not a relative file name"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or "\\" in name:
        return "it contains a control character or a backslash"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "it contains an empty, '.' or '..' path part"
    return None


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def format_manifest(hashes: Iterable[tuple[str, str]]) -> bytes:
    """Return ``sha256sum``'s output for ``(name, sha256 hex)`` pairs, in the given order."""
    lines = []
    for name, digest in hashes:
        reason = unsafe_member_reason(name)
        if reason is not None or not _HEX64.fullmatch(digest):
            raise ManifestError(f"cannot list {name!r} in the manifest: {reason or 'bad hash'}")
        lines.append(f"{digest}  {name}\n")
    return "".join(lines).encode("utf-8")


def parse_manifest(data: bytes) -> list[tuple[str, str]]:
    """Return the ``(name, sha256 hex)`` pairs of a manifest, refusing any malformed line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestError(f"{MANIFEST_NAME} is not UTF-8 text") from None
    if not text.endswith("\n"):
        raise ManifestError(f"{MANIFEST_NAME} does not end with a line break")
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text[:-1].split("\n"), start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            raise ManifestError(
                f"{MANIFEST_NAME} line {number} is not '<64 hex digits>  <member name>'"
            )
        digest, name = match.groups()
        if unsafe_member_reason(name) is not None or name in UNLISTED:
            raise ManifestError(f"{MANIFEST_NAME} line {number} names an invalid member")
        if name in seen:
            raise ManifestError(f"{MANIFEST_NAME} lists {name!r} twice")
        seen.add(name)
        pairs.append((name, digest))
    return pairs


_KEY_MEMBERS = ("person", "fingerprint", "public_key", "member")


@dataclass(frozen=True, slots=True)
class IncludedKey:
    """A public key in the archive: whose, its fingerprint, and the member that holds it."""

    person: str
    fingerprint: str
    public_key: str
    member: str


@dataclass(frozen=True, slots=True)
class ArchiveInfo:
    """What ``manifest.json`` says: the archive, its incident, and who sealed it."""

    incident_id: int
    title: str
    entry_count: int
    head_hash: str
    archived_at: datetime
    archived_by: str
    key: str
    public_key: str
    generator: str
    export: str
    pdf: str
    csv: str
    keys: tuple[IncludedKey, ...]


def info_bytes(info: ArchiveInfo) -> bytes:
    """Return ``manifest.json``'s bytes (indented, UTF-8, one trailing line break)."""
    document = {
        "type": ARCHIVE_TYPE,
        "generator": info.generator,
        "incident": {"id": info.incident_id, "title": info.title},
        "entry_count": info.entry_count,
        "head_hash": info.head_hash,
        "archived_at": iso_utc(info.archived_at),
        "archived_by": info.archived_by,
        "key": info.key,
        "public_key": info.public_key,
        "members": {"export": info.export, "pdf": info.pdf, "csv": info.csv},
        "keys": [{name: getattr(k, name) for name in _KEY_MEMBERS} for k in info.keys],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _object(value: Any, members: Iterable[str], where: str) -> Mapping[str, Any]:
    wanted = set(members)
    if not isinstance(value, dict) or set(value) != wanted:
        raise ManifestError(f"{where} does not have exactly the members {sorted(wanted)}")
    return value


def _typed(value: Any, kind: type, where: str) -> Any:
    if type(value) is not kind:
        raise ManifestError(f"{where} is not a {kind.__name__}")
    return value


def _load(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ManifestError(f"{name} is not valid JSON ({error})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a member appears twice")
    return result


def parse_info(data: bytes) -> ArchiveInfo:
    """Read ``manifest.json`` strictly (exactly the members :func:`info_bytes` writes)."""
    top = _object(
        _load(data, INFO_NAME),
        ("type", "generator", "incident", "entry_count", "head_hash", "archived_at",
         "archived_by", "key", "public_key", "members", "keys"),
        INFO_NAME,
    )  # fmt: skip
    if top["type"] != ARCHIVE_TYPE:
        raise ManifestError(f"{INFO_NAME} is not a {ARCHIVE_TYPE} manifest")
    incident = _object(top["incident"], ("id", "title"), f"{INFO_NAME} 'incident'")
    members = _object(top["members"], ("export", "pdf", "csv"), f"{INFO_NAME} 'members'")
    keys = []
    for index, raw in enumerate(_typed(top["keys"], list, f"{INFO_NAME} 'keys'"), start=1):
        item = _object(raw, _KEY_MEMBERS, f"{INFO_NAME} key {index}")
        values = (_typed(item[m], str, f"key {index} {m!r}") for m in _KEY_MEMBERS)
        keys.append(IncludedKey(*values))
    try:
        archived_at = parse_iso(_typed(top["archived_at"], str, "'archived_at'"))
    except ValueError:
        raise ManifestError(f"{INFO_NAME} 'archived_at' is not a time") from None
    text = {m: _typed(top[m], str, f"{INFO_NAME} {m!r}") for m in
            ("generator", "head_hash", "archived_by", "key", "public_key")}  # fmt: skip
    return ArchiveInfo(
        incident_id=_typed(incident["id"], int, "the incident id"),
        title=_typed(incident["title"], str, "the incident title"),
        entry_count=_typed(top["entry_count"], int, f"{INFO_NAME} 'entry_count'"),
        head_hash=text["head_hash"],
        archived_at=archived_at,
        archived_by=text["archived_by"],
        key=text["key"],
        public_key=text["public_key"],
        generator=text["generator"],
        export=_typed(members["export"], str, "the export member"),
        pdf=_typed(members["pdf"], str, "the PDF member"),
        csv=_typed(members["csv"], str, "the CSV member"),
        keys=tuple(keys),
    )


@dataclass(frozen=True, slots=True)
class Seal:
    """``MANIFEST.sig``: the archiving person's signature over the manifest's exact bytes."""

    manifest_sha256: str
    signed_by: str
    key: str
    signature: str


def seal_bytes(seal: Seal) -> bytes:
    """Return ``MANIFEST.sig``'s bytes."""
    document = {
        "type": SEAL_TYPE,
        "signed": MANIFEST_NAME,
        "manifest_sha256": seal.manifest_sha256,
        "signed_by": seal.signed_by,
        "key": seal.key,
        "signature": seal.signature,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def parse_seal(data: bytes) -> Seal:
    """Read ``MANIFEST.sig`` strictly."""
    names = ("type", "signed", "manifest_sha256", "signed_by", "key", "signature")
    top = _object(_load(data, SEAL_NAME), names, SEAL_NAME)
    if top["type"] != SEAL_TYPE or top["signed"] != MANIFEST_NAME:
        raise ManifestError(f"{SEAL_NAME} is not a {SEAL_TYPE} signature of {MANIFEST_NAME}")
    values = [_typed(top[m], str, f"{SEAL_NAME} {m!r}") for m in names[2:]]
    return Seal(*values)
