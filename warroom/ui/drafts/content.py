"""What the statement editor holds, compared with what is saved (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from warroom.domain.statements import Statement, fill_placeholders, placeholders_in


@dataclass(frozen=True)
class EditorContent:
    """What the editor holds: compared with the saved statement to know what is unsaved."""

    channel_names: tuple[str, ...] = ()
    subject: str = ""
    text: str = ""
    next_update_by: datetime | None = None

    @property
    def placeholders(self) -> list[str]:
        """Return the ``{placeholders}`` left in the subject and text."""
        return placeholders_in(self.subject + "\n" + self.text)


def content_of(statement: Statement) -> EditorContent:
    """Return the editor content that shows ``statement`` unchanged."""
    return EditorContent(
        channel_names=statement.channel_names,
        subject=statement.subject,
        text=statement.text,
        next_update_by=statement.next_update_by,
    )


def same_content(a: EditorContent, b: EditorContent) -> bool:
    """Tell whether saving ``a`` over ``b`` would change anything (channel order aside)."""
    return (
        set(a.channel_names) == set(b.channel_names)
        and a.subject.strip() == b.subject.strip()
        and a.text.strip() == b.text.strip()
        and a.next_update_by == b.next_update_by
    )


def with_filled(content: EditorContent, values: dict[str, str]) -> EditorContent:
    """Return ``content`` with the placeholders that have a value filled in."""
    return replace(
        content,
        subject=fill_placeholders(content.subject, values),
        text=fill_placeholders(content.text, values),
    )
