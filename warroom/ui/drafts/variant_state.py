"""The editor's variant tabs as data (no Qt): one tab for the main text, one per chosen
channel with that channel's counter and whether it has its own text.

Every counter measures the text the channel will receive (its own variant, or the main
text) with the domain's one measure (``domain.channels.fit``), so a per-format limit added
there shows here at once. Tested without Qt (tests/unit/ui/drafts/test_variant_state.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from warroom.domain.channels import Channel, fit
from warroom.domain.variants import Variant, language_of
from warroom.ui.drafts.content import EditorContent

MAIN_TITLE = "Main text"
EDITED = "edited: its own text"
SAME = "same as main text"


@dataclass(frozen=True)
class VariantTab:
    """What one tab shows: its title, marker, counter and whether its subject is used."""

    channel: str  # '' for the main text
    title: str
    marker: str
    counter: str
    over: bool
    subject_used: bool
    edited: bool = False
    problem: str = ""


def variant_for(content: EditorContent, channel: Channel) -> Variant:
    """Return what ``channel`` receives if ``content`` is saved (its own, or the main text)."""
    own = next((v for v in content.own_variants if v.channel == channel.name), None)
    return own or Variant(channel.name, content.subject, content.text, edited=False)


def _title(channel: Channel, edited: bool, over: bool) -> str:
    language = language_of(channel.settings)
    name = f"{channel.name} [{language}]" if language else channel.name
    marks = (" ✎" if edited else "") + (" ⚠" if over else "")
    return name + marks


def variant_tabs(content: EditorContent, channels: Sequence[Channel]) -> list[VariantTab]:
    """Return the main tab, then one tab per chosen channel (in ``channels`` order)."""
    chosen = [c for c in channels if c.name in content.channel_names]
    over_main = [
        c.name
        for c in chosen
        if not variant_for(content, c).edited and not fit(c, content.text).fits
    ]
    main_counter = (
        f"followed by {len(chosen) - len(content.own_variants)} of {len(chosen)} channel(s)"
        if chosen
        else "choose at least one channel"
    )
    tabs = [
        VariantTab(
            channel="",
            title=MAIN_TITLE + (" ⚠" if over_main else ""),
            marker="",
            counter=main_counter,
            over=bool(over_main),
            subject_used=any(c.has_subject for c in chosen),
            problem=f"too long for {', '.join(over_main)}" if over_main else "",
        )
    ]
    for channel in chosen:
        variant = variant_for(content, channel)
        measured = fit(channel, variant.text)
        tabs.append(
            VariantTab(
                channel=channel.name,
                title=_title(channel, variant.edited, not measured.fits),
                marker=EDITED if variant.edited else SAME,
                counter=measured.counter + ("" if measured.fits else ": too long"),
                over=not measured.fits,
                subject_used=channel.has_subject,
                edited=variant.edited,
                problem=measured.problem or "",
            )
        )
    return tabs


def over_limit(content: EditorContent, channels: Sequence[Channel]) -> list[str]:
    """Return the chosen channels whose text (own or main) does not fit them."""
    return [
        c.name
        for c in channels
        if c.name in content.channel_names and not fit(c, variant_for(content, c).text).fits
    ]
