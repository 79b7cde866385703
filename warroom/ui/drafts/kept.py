"""Unsaved statement text as kept on disk between starts (no Qt).

The drafts pane hands every unsaved buffer to the window's keeper as people type; after a
crash, or a save the service refused (a text too long for a channel), the next start gives
them back. A :class:`KeptDraft` remembers which version of the statement the text was
based on, so text typed over an older version comes back as a conflict, not as a silent
overwrite of someone else's edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from warroom.domain.incident_view import IncidentView
from warroom.domain.statements import Statement
from warroom.ui.drafts.content import EditorContent, content_of, same_content

#: The drafts state's buffers: key (statement id, or minus the incident id for a new
#: draft) -> (text, the statement it was based on).
Buffers = dict[int, tuple[EditorContent, Statement | None]]

#: Keys of drafts in the unsaved store start with this.
PREFIX = "draft:"


@dataclass(frozen=True)
class KeptDraft:
    """The unsaved text of one statement, or of a new draft (``statement_id`` None)."""

    incident_id: int
    statement_id: int | None
    content: EditorContent
    base_version: int | None = None
    base_revision: int | None = None

    @property
    def key(self) -> int:
        """Return the drafts state's buffer key (a new draft: minus the incident id)."""
        return self.statement_id if self.statement_id is not None else -self.incident_id

    @property
    def store_key(self) -> str:
        """Return the key in the unsaved store."""
        which = self.statement_id if self.statement_id is not None else "new"
        return f"{PREFIX}{self.incident_id}:{which}"

    def describe(self) -> str:
        """Return 'statement #3' or 'a new draft'."""
        return "a new draft" if self.statement_id is None else f"statement #{self.statement_id}"

    def payload(self) -> dict[str, Any]:
        """Return what the store keeps (JSON)."""
        promise = self.content.next_update_by
        return {
            "incident": self.incident_id,
            "statement": self.statement_id,
            "channels": list(self.content.channel_names),
            "subject": self.content.subject,
            "text": self.content.text,
            "next_update_by": promise.isoformat() if promise else None,
            "base_version": self.base_version,
            "base_revision": self.base_revision,
        }


def kept_buffers(buffers: Buffers, kept: Mapping[int, KeptDraft]) -> dict[int, KeptDraft]:
    """Return the buffers set aside (and the kept text not yet matched) as kept drafts."""
    found = dict(kept)
    for key, (content, base) in buffers.items():
        if key < 0:
            found[key] = KeptDraft(-key, None, content)
        elif base is not None:
            found[key] = KeptDraft(base.incident_id, key, content, base.version, base.revision)
    return found


def match_kept(kept: dict[int, KeptDraft], buffers: Buffers, view: IncidentView) -> list[KeptDraft]:
    """Move the kept text of ``view``'s incident into ``buffers``; return what came back.

    Text typed over an older version comes back based on that older version, so the pane
    reports a conflict instead of saving over the newer text; text equal to what is saved
    now is dropped (it was saved after all); a statement not in the view stays kept.
    """
    restored: list[KeptDraft] = []
    for key, draft in sorted(kept.items()):
        if draft.incident_id != view.incident.id:
            continue
        base: Statement | None = None
        if draft.statement_id is not None:
            found = view.statement(draft.statement_id)
            if found is None:
                continue
            base = found.statement
            unchanged = draft.base_version in (None, base.version)
            if unchanged and same_content(draft.content, content_of(base)):
                del kept[key]
                continue
            if not unchanged:
                base = replace(
                    base,
                    version=draft.base_version or 0,
                    revision=draft.base_revision or base.revision,
                )
        del kept[key]
        buffers.setdefault(key, (draft.content, base))
        restored.append(draft)
    return restored


def kept_from(payload: Mapping[str, Any]) -> KeptDraft | None:
    """Read a kept draft back (None if the entry is not one: a hand-edited file)."""
    try:
        incident = int(payload["incident"])
        statement = payload.get("statement")
        promise = payload.get("next_update_by")
        content = EditorContent(
            channel_names=tuple(str(name) for name in payload.get("channels", ())),
            subject=str(payload.get("subject", "")),
            text=str(payload.get("text", "")),
            next_update_by=datetime.fromisoformat(promise) if promise else None,
        )
        return KeptDraft(
            incident_id=incident,
            statement_id=int(statement) if statement is not None else None,
            content=content,
            base_version=_optional_int(payload.get("base_version")),
            base_revision=_optional_int(payload.get("base_revision")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _optional_int(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
