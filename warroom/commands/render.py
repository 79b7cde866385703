"""Domain objects as JSON-ready dicts and as short human lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warroom.domain.clock import iso_utc
from warroom.domain.timeline_line import timeline_line

if TYPE_CHECKING:  # annotations only: a command loads just the domain modules it uses
    from warroom.domain.channels import Channel
    from warroom.domain.checklist import ChecklistItem
    from warroom.domain.incidents import Incident
    from warroom.domain.outbox import Delivery
    from warroom.domain.playbooks import Playbook
    from warroom.domain.statements import Statement
    from warroom.domain.timeline import TimelineEntry


def _time(value: Any) -> str | None:
    return iso_utc(value) if value is not None else None


def incident_line(incident: Incident) -> str:
    """Return a one-line summary of an incident."""
    status = incident.status.value if incident.is_open else incident.state.value
    return (
        f"{incident.id:>4}  {incident.severity.label}  {status:<13}  "
        f"{incident.declared_at:%Y-%m-%d %H:%M}Z  {incident.title}"
    )


def entry_line(entry: TimelineEntry) -> str:
    """Return a one-line summary of a timeline entry (recorded at; when it happened, if the
    person said): the format of :func:`warroom.domain.timeline_line.timeline_line`."""
    # isoformat, not strftime: the same text for any four-digit year, several times faster.
    at = entry.created_at.isoformat(sep=" ", timespec="seconds")[:19]
    return timeline_line(
        entry.seq,
        at,
        entry.kind.value,
        entry.author,
        entry.text,
        entry.occurred_at,
        entry.corrects_id,
    )


def variant_lines(statement: Statement) -> list[str]:
    """Return one line per channel: its counter, and whether it has its own text."""
    from warroom.domain.channels import fit

    lines = []
    for channel, variant in zip(statement.channels, statement.variants, strict=True):
        measured = fit(channel, variant.text)
        own = "own text" if variant.edited else "same as main text"
        verdict = "" if measured.fits else "; TOO LONG"
        lines.append(f"  {measured.counter} ({own}{verdict})")
    return lines


def statement_line(statement: Statement) -> str:
    """Return a one-line summary of a statement."""
    preview = " ".join(statement.text.split())
    if len(preview) > 60:
        preview = preview[:57] + "..."
    approvals = len(statement.valid_approvals)
    scheduled = (
        f"  (goes out {statement.scheduled_for:%Y-%m-%d %H:%M}Z)"
        if statement.scheduled_for is not None and statement.state.value == "scheduled"
        else ""
    )
    return (
        f"{statement.id:>4}  {statement.state.value:<9}  r{statement.revision}  "
        f"{approvals} approval(s)  [{', '.join(statement.channel_names)}]  {preview}{scheduled}"
    )


def due_text(moment: Any, now: Any) -> str:
    """Render a due time for the CLI: 'HH:MMZ' today, with its date on any other day."""
    if moment.date() == now.date():
        return f"{moment:%H:%M}Z"
    return f"{moment:%Y-%m-%d %H:%M}Z"


def item_json(item: ChecklistItem) -> dict[str, Any]:
    """Return a checklist item as JSON data."""
    return {
        "id": item.id,
        "incident_id": item.incident_id,
        "phase": item.phase.value,
        "position": item.position,
        "text": item.text,
        "owner_role": item.owner_role,
        "due_at": _time(item.due_at),
        "done_by": item.done_by,
        "done_at": _time(item.done_at),
        "stops_regulator_clock": item.stops_regulator_clock,
        "assignee": item.assignee,
    }


def channel_json(channel: Channel) -> dict[str, Any]:
    """Return a channel as JSON data (settings hold no secrets)."""
    return {
        "id": channel.id,
        "name": channel.name,
        "kind": channel.kind.value,
        "configured": channel.configured,
        "settings": shown_settings(channel),
        "limit": channel.limit.maximum,
        "limit_unit": channel.limit.unit,
        "last_ok_at": _time(channel.last_ok_at),
        "last_checked_at": _time(channel.last_checked_at),
        "last_error": channel.last_error,
    }


def shown_settings(channel: Channel) -> dict[str, Any]:
    """Return a channel's settings to show: a URL stored with a credential is masked."""
    from warroom.domain.channels import masked_url

    settings = dict(channel.settings)
    if isinstance(settings.get("url"), str):
        settings["url"] = masked_url(settings["url"])
    return settings


def playbook_json(playbook: Playbook, today: Any) -> dict[str, Any]:
    """Return a playbook summary as JSON data."""
    deadline = playbook.regulator_deadline
    return {
        "key": playbook.key,
        "name": playbook.name,
        "description": playbook.description,
        "items": len(playbook.items),
        "regulator_deadline_hours": deadline.total_seconds() / 3600 if deadline else None,
        "regulator_deadline_label": playbook.regulator_deadline_label,
        "templates": [
            {
                "key": t.key,
                "name": t.name,
                "channels": list(t.channels),
                "signed_off_by": t.signed_off_by,
                "review_by": t.review_by.isoformat() if t.review_by else None,
                "stale": t.is_stale(today),
            }
            for t in playbook.templates
        ],
    }


def outbox_row_json(row: Delivery) -> dict[str, Any]:
    """Return an outbox row (one delivery of a statement to one channel) as JSON data."""
    return {
        "id": row.id,
        "statement": row.statement_id,
        "incident": row.incident_id,
        "channel": row.channel_name,
        "state": row.state.value,
        "attempts": row.attempts,
        "next_attempt_at": _time(row.next_attempt_at),
        "last_error": row.last_error,
        "remote_id": row.remote_id,
        "url": row.remote_url,
        "record_key": row.record_key,
        "idempotency_key": row.idempotency_key,
        "updated_at": _time(row.updated_at),
        "posted_by": row.posted_by,
        "posted_at": _time(row.posted_at),
        "confirmed_by": row.confirmed_by,
        "public_at": _time(row.public_at),
        "not_before": _time(row.not_before),
        "subject": row.subject,
        "text": row.text,
    }


def delivery_line(row: Delivery) -> str:
    """Return a one-line summary of one delivery."""
    detail = row.remote_url or row.remote_id or row.last_error
    if row.state.value == "queued" and row.last_error:
        detail = f"will be retried; last attempt: {row.last_error}"
    elif row.state.value == "queued" and row.not_before is not None:
        detail = f"scheduled release at {row.not_before:%Y-%m-%d %H:%M}Z"
    if row.by_hand and row.posted_at is not None:
        where = f": {row.remote_url}" if row.remote_url else ""
        detail = f"posted by hand by {row.posted_by} at {row.posted_at:%Y-%m-%d %H:%M}Z{where}"
    if row.state.value == "held":
        detail = (
            f"held: waited too long; 'warroom sync --confirm {row.id}' or '--withdraw {row.id}'"
        )
    return f"  {row.channel_name:<12} {row.state.value:<9} {detail}".rstrip()
