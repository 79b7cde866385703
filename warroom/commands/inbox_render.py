"""Sources, inbox items and inbox stats as JSON data and as lines for people.

Outside text was cleaned when it was stored (no control or bidi characters); listings
still show it on one line, cut short.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from warroom.domain.clock import iso_utc
from warroom.domain.inbound_text import clean_field, preview

if TYPE_CHECKING:
    from warroom.domain.inbox import InboxItem, Source
    from warroom.domain.inbox_stats import InboxStats


def _time(value: Any) -> str | None:
    return iso_utc(value) if value is not None else None


def source_json(source: Source) -> dict[str, Any]:
    """Return a source as JSON data (settings hold no secrets)."""
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind.value,
        "settings": dict(source.settings),
        "cursors": dict(source.cursors),
        "active": source.active,
        "stopped_reason": source.stopped_reason,
        "last_pulled_at": _time(source.last_pulled_at),
        "last_ok_at": _time(source.last_ok_at),
        "last_error": source.last_error,
        "items": source.items_count,
        "skipped": source.skipped_count,
    }


def source_line(source: Source) -> str:
    """Return one line about a source: its state, last pull and counts."""
    if source.stopped_reason:
        state = f"STOPPED: {clean_field(source.stopped_reason, 300)}"
    elif source.last_error:
        state = f"error: {clean_field(source.last_error, 300)}"
    elif source.last_pulled_at is not None:
        state = f"ok (pulled {source.last_pulled_at:%Y-%m-%d %H:%M}Z)"
    else:
        state = "not pulled yet"
    counts = f"{source.items_count} items"
    if source.skipped_count:
        counts += f", {source.skipped_count} malformed skipped"
    return f"{source.name:<16} {source.kind.value:<9} {counts:<24} {state}"


def item_json(item: InboxItem) -> dict[str, Any]:
    """Return an inbox item as JSON data."""
    return {
        "id": item.id,
        "source": item.source_name,
        "source_kind": item.source_kind.value,
        "remote_id": item.remote_id,
        "url": item.url,
        "author": {
            "handle": item.author.handle,
            "name": item.author.name,
            "followers": item.author.followers,
            "address": item.author.address,
        },
        "subject": item.subject,
        "text": item.text,
        "language": item.language,
        "posted_at": _time(item.posted_at),
        "received_at": _time(item.received_at),
        "thread": dict(item.thread),
        "state": item.state.value,
        "priority": item.priority,
        "suggested_priority": item.suggestion.priority,
        "suggestion_reasons": list(item.suggestion.reasons),
        "sentiment": item.suggestion.sentiment,
        "risk_words": list(item.suggestion.risk_words),
        "assignee": item.assignee,
        "tags": list(item.tags),
        "incident": item.incident_id,
        "attached_automatically": item.attached_automatically,
        "reply_url": item.reply_url,
        "responded_at": _time(item.responded_at),
        "truncated": item.truncated,
        "attachments": item.attachments,
    }


def priority_label(item: InboxItem) -> str:
    """Return 'P2' for a person's priority, 'P2?' for a suggested one."""
    if item.priority is not None:
        return f"P{item.priority}"
    return f"P{item.suggestion.priority}?"


def item_line(item: InboxItem) -> str:
    """Return a one-line summary of an item."""
    incident = f"#{item.incident_id}" if item.incident_id is not None else "-"
    who = "@" + item.author.handle if item.author.handle else "?"
    return (
        f"{item.id:>6}  {item.state.value:<11} {priority_label(item):<4} {incident:<5} "
        f"{item.posted_at:%m-%d %H:%M}Z  {item.source_name:<10} {preview(who, 24):<24} "
        f"{preview(item.subject + ' ' + item.text if item.subject else item.text, 70)}"
    )


def item_text(item: InboxItem, replies: list[Any]) -> str:
    """Return an item in full for ``inbox show``."""
    author = item.author
    who = f"@{author.handle}" + (f" ({author.name})" if author.name else "")
    if author.followers is not None:
        who += f", {author.followers:,} followers"
    lines = [
        f"Item {item.id} from {item.source_name} ({item.source_kind.value}), "
        f"posted {item.posted_at:%Y-%m-%d %H:%M:%S}Z",
        f"From:     {who}",
    ]
    if item.subject:
        lines.append(f"Subject:  {item.subject}")
    if item.url:
        lines.append(f"URL:      {item.url}")
    lines.append(
        f"State:    {item.state.value}"
        + (f", assigned to {item.assignee}" if item.assignee else "")
    )
    if item.priority is not None:
        lines.append(
            f"Priority: P{item.priority} (set by a person; suggested P{item.suggestion.priority})"
        )
    else:
        lines.append(f"Priority: not set; suggested P{item.suggestion.priority}")
    for reason in item.suggestion.reasons:
        lines.append(f"          - {reason}")
    if item.incident_id is not None:
        how = " automatically" if item.attached_automatically else ""
        lines.append(f"Incident: {item.incident_id} (attached{how})")
    if item.tags:
        lines.append("Tags:     " + ", ".join(item.tags))
    if item.reply_url:
        lines.append(f"Replied:  {item.reply_url}")
    for statement in replies:
        lines.append(f"Reply:    statement #{statement.id} ({statement.state.value})")
    if item.attachments:
        lines.append(f"({item.attachments} attachment(s), not downloaded)")
    lines += ["", item.text]
    if item.truncated:
        lines.append("(cut at 64 KiB)")
    return "\n".join(lines)


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def stats_json(stats: InboxStats) -> dict[str, Any]:
    """Return inbox stats as JSON data: the export's figures (``export.inbox_figures``), with
    the incident first, each bucket's negative share, and the response times under the key
    this command has always used (``first_response``)."""
    from warroom.export.inbox_figures import inbox_json

    data: dict[str, Any] = {"incident": stats.incident_id}
    for key, value in inbox_json(stats).items():
        if key == "buckets":
            value = [
                _with_share(shown, bucket.negative_share)
                for shown, bucket in zip(value, stats.buckets, strict=True)
            ]
        data["first_response" if key == "response" else key] = value
    return data


def _with_share(bucket: dict[str, Any], share: float | None) -> dict[str, Any]:
    """Return ``bucket`` with its negative share after the scored count."""
    shown: dict[str, Any] = {}
    for key, value in bucket.items():
        shown[key] = value
        if key == "scored":
            shown["negative_share"] = share
    return shown


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def stats_text(stats: InboxStats) -> str:
    """Return inbox stats for people."""
    scope = f"incident {stats.incident_id}" if stats.incident_id is not None else "all items"
    share = stats.negative_share
    tone = (
        f"negative {share:.0%} of {stats.scored} scored"
        if share is not None
        else "no English text scored"
    )
    waited = f", oldest waiting {_duration(stats.oldest_wait)}" if stats.waiting else ""
    lines = [
        f"Inbox ({scope}): {stats.total} items in {len(stats.buckets)} {stats.bucket} "
        f"buckets; {tone}",
        f"Waiting: {stats.waiting}{waited}",
        "Time to first response (median / p90):",
    ]
    for r in stats.response:
        lines.append(
            f"  P{r.priority}: {_duration(r.median)} / {_duration(r.p90)} ({r.answered} answered)"
        )
    if stats.buckets:
        lines.append(f"Volume per {stats.bucket} (! = spike: {stats.rule}):")
        for b in stats.buckets[-48:]:
            parts = ", ".join(f"{name} {n}" for name, n in b.by_source.items())
            mark = "!" if b.spike else " "
            lines.append(f" {mark} {b.start:%Y-%m-%d %H:%M}Z {b.total:>6}  ({parts})")
    return "\n".join(lines)
