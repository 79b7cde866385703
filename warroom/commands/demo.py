"""``warroom demo``: load a realistic sample incident."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    parser = add_subparser(
        subparsers, "demo", "load a realistic sample incident; prints its id", handler=_demo
    )
    parser.add_argument(
        "--again", action="store_true", help="add another sample even if one exists already"
    )


def _demo(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_incident_json
    from warroom.services.demo import existing_demo, load_demo

    existing = None if ctx.args.again else existing_demo(ctx.services.db)
    if existing is not None:
        ctx.emit(
            {**cli_incident_json(existing), "already_existed": True},
            f"{existing.id}\nthe sample incident already exists (incident {existing.id}: "
            f"{existing.title}); 'warroom demo --again' adds another",
        )
        return 0
    incident = load_demo(ctx.services.db)
    ctx.emit(
        cli_incident_json(incident),
        f"{incident.id}\nsample incident {incident.id} loaded: {incident.title} "
        f"({incident.entry_count} timeline entries). Try: warroom log list {incident.id}",
    )
    return 0
