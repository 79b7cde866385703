"""What the inbox's cells and detail area say (no Qt): outside text stays plain text.

Everything an item holds came from outside (a post, an email, a feed). Cells show it on one
line; the detail area shows it whole with ``setPlainText``; tooltips, which Qt would render
as rich text when they look like HTML, get it escaped inside an explicit rich-text wrapper,
so a post saying ``<b>hi</b>`` shows those characters rather than bold text.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

from warroom.domain.inbox import InboxItem

COL_PRIORITY, COL_STATE, COL_SOURCE, COL_AUTHOR, COL_TIME, COL_TEXT = range(6)
HEADERS = ("Priority", "State", "Source", "Author", "Time", "Text")
#: A cell shows at most this many characters of an item's text (the detail area has it all).
CELL_TEXT_MAX = 300


def priority_text(item: InboxItem) -> str:
    """Return 'P2' for a person's choice, 'P2?' for the software's suggestion."""
    if item.priority is not None:
        return f"P{item.priority}"
    return f"P{item.suggestion.priority}?"


def priority_tip(item: InboxItem) -> str:
    """Say who chose the priority and, for a suggestion, why."""
    reasons = "; ".join(item.suggestion.reasons) or "no particular signal"
    if item.priority is not None:
        return (
            f"P{item.priority}, set by a person (suggested P{item.suggestion.priority}: {reasons})"
        )
    return f"Suggested P{item.suggestion.priority}, not decided yet: {reasons}"


def reach(followers: int | None) -> str:
    """Return a follower count the short way: 950, 12.3k, 1.2M ('' when unknown)."""
    if followers is None:
        return ""
    if followers < 1000:
        return str(followers)
    if followers < 1_000_000:
        return f"{followers / 1000:.1f}k".replace(".0k", "k")
    return f"{followers / 1_000_000:.1f}M".replace(".0M", "M")


def author_text(item: InboxItem) -> str:
    """Return who wrote the item, with their reach when the source gives it."""
    author = item.author
    who = author.handle or author.address or author.name or "unknown"
    followers = reach(author.followers)
    return f"{who} ({followers})" if followers else who


def time_text(item: InboxItem, today: date) -> str:
    """Return the local posting time: the time today, the weekday this week, else the date."""
    local = item.posted_at.astimezone()
    if local.date() == today:
        return local.strftime("%H:%M")
    if 0 < (today - local.date()).days < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d")


def one_line(text: str, limit: int = CELL_TEXT_MAX) -> str:
    """Fold ``text`` onto one line of at most ``limit`` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def text_cell(item: InboxItem) -> str:
    """Return the item's subject and text on one line."""
    if item.subject:
        return one_line(f"{item.subject} — {item.text}")
    return one_line(item.text)


def display(item: InboxItem, column: int, today: date) -> str:
    """Return what a cell shows."""
    if column == COL_PRIORITY:
        return priority_text(item)
    if column == COL_STATE:
        return item.state.value
    if column == COL_SOURCE:
        return item.source_name
    if column == COL_AUTHOR:
        return author_text(item)
    if column == COL_TIME:
        return time_text(item, today)
    return text_cell(item)


def plain_tip(text: str) -> str:
    """Return ``text`` as a tooltip that Qt shows literally (escaped, explicitly rich)."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def tooltip(item: InboxItem, column: int) -> str:
    """Return a cell's tooltip (escaped: see :func:`plain_tip`)."""
    if column == COL_PRIORITY:
        return plain_tip(priority_tip(item))
    if column == COL_AUTHOR:
        author = item.author
        lines = [author.name, author.handle, author.address]
        if author.followers is not None:
            lines.append(f"{author.followers:,} followers")
        return plain_tip("\n".join(line for line in lines if line))
    if column == COL_TIME:
        return plain_tip(_utc(item.posted_at))
    if column == COL_STATE and item.incident_id is not None:
        how = " automatically" if item.attached_automatically else ""
        return plain_tip(f"{item.state.value}; attached{how} to incident {item.incident_id}")
    return ""


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def detail_text(item: InboxItem) -> str:
    """Return everything about the item for the detail area (plain text, never HTML)."""
    author = item.author
    who = " · ".join(p for p in (author.name, author.handle or author.address) if p)
    if author.followers is not None:
        who += f" · {author.followers:,} followers"
    lines = [
        f"#{item.id} from {item.source_name} ({item.source_kind.value}) · {who}",
        f"Posted {_utc(item.posted_at)} · {item.state.value} · {priority_tip(item)}",
    ]
    if item.incident_id is not None:
        how = "automatically " if item.attached_automatically else ""
        lines.append(f"Attached {how}to incident #{item.incident_id}")
    if item.assignee or item.tags:
        lines.append(
            " · ".join(
                p
                for p in (
                    f"assigned to {item.assignee}" if item.assignee else "",
                    "tags: " + ", ".join(item.tags) if item.tags else "",
                )
                if p
            )
        )
    if item.url:
        lines.append(item.url)
    if item.reply_url:
        lines.append(f"Answered: {item.reply_url}")
    if item.attachments:
        lines.append(f"{item.attachments} attachment(s), not downloaded")
    lines.append("")
    if item.subject:
        lines.append(f"Subject: {item.subject}")
    lines.append(item.text)
    if item.truncated:
        lines.append("[text cut at 64 KiB]")
    return "\n".join(lines)


def accessible(item: InboxItem) -> str:
    """Return what a screen reader says for the row."""
    return (
        f"{priority_text(item).replace('?', ' suggested')}, {item.state.value}, from "
        f"{author_text(item)} on {item.source_name} at {item.posted_at.astimezone():%H:%M}: "
        f"{one_line(item.text, 200)}"
    )
