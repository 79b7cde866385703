"""What the statement editor holds, compared with what is saved (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from warroom.domain.statements import Statement, fill_placeholders, placeholders_in
from warroom.domain.variants import Variant, VariantEdit


@dataclass(frozen=True)
class EditorContent:
    """What the editor holds: compared with the saved statement to know what is unsaved.

    ``own`` are the channels given their own subject and text (the other chosen channels
    follow the main subject and text).
    """

    channel_names: tuple[str, ...] = ()
    subject: str = ""
    text: str = ""
    next_update_by: datetime | None = None
    own: tuple[Variant, ...] = ()

    @property
    def placeholders(self) -> list[str]:
        """Return the ``{placeholders}`` left in the subject and text, and in each variant."""
        parts = [self.subject, self.text]
        for variant in self.own_variants:
            parts += [variant.subject, variant.text]
        return placeholders_in("\n".join(parts))

    @property
    def own_variants(self) -> tuple[Variant, ...]:
        """Return the variants of channels still chosen (others are dropped on save)."""
        return tuple(v for v in self.own if v.channel in self.channel_names)


def content_of(statement: Statement) -> EditorContent:
    """Return the editor content that shows ``statement`` unchanged."""
    return EditorContent(
        channel_names=statement.channel_names,
        subject=statement.subject,
        text=statement.text,
        next_update_by=statement.next_update_by,
        own=statement.edited_variants,
    )


def _own_key(content: EditorContent) -> set[tuple[str, str, str]]:
    return {(v.channel, v.subject.strip(), v.text.strip()) for v in content.own_variants}


def same_content(a: EditorContent, b: EditorContent) -> bool:
    """Tell whether saving ``a`` over ``b`` would change anything (channel order aside)."""
    return (
        set(a.channel_names) == set(b.channel_names)
        and a.subject.strip() == b.subject.strip()
        and a.text.strip() == b.text.strip()
        and a.next_update_by == b.next_update_by
        and _own_key(a) == _own_key(b)
    )


def variant_edits(content: EditorContent, saved: Statement | None) -> dict[str, VariantEdit | None]:
    """Return what a save sets: every chosen channel's own variant, and None (back to the
    main text) for a channel that had its own in ``saved`` and no longer has."""
    edits: dict[str, VariantEdit | None] = {
        v.channel: VariantEdit(subject=v.subject, text=v.text) for v in content.own_variants
    }
    if saved is not None:
        for variant in saved.edited_variants:
            if variant.channel in content.channel_names and variant.channel not in edits:
                edits[variant.channel] = None
    return edits


def with_filled(content: EditorContent, values: dict[str, str]) -> EditorContent:
    """Return ``content`` with the placeholders that have a value filled in (variants too)."""
    return replace(
        content,
        subject=fill_placeholders(content.subject, values),
        text=fill_placeholders(content.text, values),
        own=tuple(
            replace(
                v,
                subject=fill_placeholders(v.subject, values),
                text=fill_placeholders(v.text, values),
            )
            for v in content.own
        ),
    )
