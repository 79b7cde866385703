"""``warroom clocks ID [--json]``: the live clocks the window shows, read the same way.

Age, since the last public update against the cadence in force, the next promised update
and the regulator deadline, each with its state (ok, due, late; off or stopped) and the time
it turns. One computation (domain.clocks.read_clocks) for this, the window and the exports.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, positive_id

if TYPE_CHECKING:
    from warroom.domain.clocks import ClockReading, IncidentClocks
    from warroom.domain.incidents import Incident

TITLES = {
    "age": "incident age",
    "cadence": "since last public update",
    "promise": "next promised update",
    "regulator": "regulator deadline",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``clocks`` command."""
    parser = add_subparser(
        subparsers, "clocks", "show an incident's live clocks, as the window does", handler=_clocks
    )
    parser.add_argument("id", type=positive_id, help="incident id")


def _clocks(ctx: CommandContext) -> int:
    services = ctx.services
    incident = services.incidents.get(ctx.args.id)
    clocks = services.incidents.clocks(incident.id)
    ctx.emit(clocks_json(incident, clocks), lambda: clocks_text(incident, clocks))
    return 0


def _time(value: datetime | None) -> str | None:
    from warroom.domain.clock import iso_utc

    return iso_utc(value) if value is not None else None


def clocks_json(incident: Incident, clocks: IncidentClocks) -> dict[str, Any]:
    """Return the clocks as JSON data (each clock as in the JSON export)."""
    from warroom.export.json_writer import clock_json

    period = clocks.cadence_in_force
    last = clocks.last_public
    named = {name: clock_json(reading) for name, reading in clocks.named()}
    named["regulator"].update(
        label=clocks.regulator_label, notified_at=_time(clocks.regulator_notified_at)
    )
    return {
        "incident": incident.id,
        "read_at": _time(clocks.read_at),
        "state": incident.state.value,
        "status": incident.status.value,
        "severity": int(period.severity),
        "cadence_seconds": period.cadence.total_seconds() if period.cadence else None,
        "last_public": (
            {
                "statement": last.id,
                "public_at": _time(last.public_at),
                "channels": list(last.channels),
                "by_hand": last.by_hand,
            }
            if last
            else None
        ),
        "clocks": named,
    }


def _duration(name: str, reading: ClockReading, now: datetime) -> str:
    from warroom.domain.clocks import ClockState, format_duration

    if reading.remaining is not None:
        if reading.remaining.total_seconds() < 0:
            return f"late by {format_duration(-reading.remaining)}"
        return f"{format_duration(reading.remaining)} left"
    if name == "cadence" and reading.since is not None:
        if reading.state is ClockState.STOPPED:
            return f"last public {_day(reading.since, now)}"
        return f"{format_duration(now - reading.since)} since {_day(reading.since, now)}"
    return "-"


def _day(moment: datetime, now: datetime) -> str:
    from warroom.commands.render import due_text

    return due_text(moment, now)


def clocks_text(incident: Incident, clocks: IncidentClocks) -> str:
    """Return the clocks for people, one line each."""
    from warroom.domain.cadence import describe_cadence
    from warroom.domain.clocks import format_duration, incident_age

    now = clocks.read_at
    period = clocks.cadence_in_force
    state = incident.status.value if incident.is_open else "closed: every clock has stopped"
    lines = [
        f"Incident {incident.id} clocks at {now:%Y-%m-%d %H:%M:%S}Z "
        f"({period.severity.label}, updates {describe_cadence(period.cadence)}; {state})"
    ]
    for name, reading in clocks.named():
        if name == "age":
            value = format_duration(incident_age(incident, now))
        else:
            value = _duration(name, reading, now)
        detail = []
        if reading.due_at is not None:
            detail.append(f"due {_day(reading.due_at, now)}")
        if reading.turns_at is not None:
            turns = "due" if reading.state.value == "ok" else "late"
            detail.append(f"turns {turns} at {_day(reading.turns_at, now)}")
        if name == "regulator" and clocks.regulator_notified_at is not None:
            detail.append(f"notified {_day(clocks.regulator_notified_at, now)}")
        if name == "cadence" and clocks.last_public is None:
            detail.append("nothing public yet (queued statements do not count)")
        extra = f"  ({'; '.join(detail)})" if detail else ""
        lines.append(f"  {TITLES[name]:<25} {reading.state.value:<8} {value}{extra}")
    return "\n".join(lines)
