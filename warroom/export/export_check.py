"""The verdict on one export (or live incident): intact, or the first thing that disagrees."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExportCheck:
    """The verdict on one export file.

    ``signer``/``signer_key``: who signed the footer, with which key fingerprint (empty for
    a live incident or a /1 file); ``approval_keys``: (approver, fingerprint) of every key
    the approvals were checked against; ``warnings``: what was not covered.
    """

    ok: bool
    incident_id: int
    title: str
    entry_count: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""
    warnings: tuple[str, ...] = ()
    signer: str = ""
    signer_key: str = ""
    approval_keys: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """Return one line a person can act on."""
        if self.ok:
            text = (
                f"intact: incident {self.incident_id}, {self.entry_count} entries, "
                f"chain head {self.head_hash}"
            )
            if self.signer_key:
                text += f"; signed by {self.signer} (key {self.signer_key})"
            return text
        if self.broken_seq is None:
            return f"broken: {self.problem}"
        return f"broken at entry {self.broken_seq}: {self.problem}"

    def keys_relied_on(self) -> str:
        """Return the fingerprints this verdict relied on, for someone to compare."""
        parts = [f"{person} {key}" for person, key in self.approval_keys]
        if self.signer_key:
            parts.append(f"exporter {self.signer} {self.signer_key}")
        return "keys relied on: " + ("; ".join(parts) if parts else "none")
