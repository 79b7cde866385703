"""``warroom demo``: load a realistic sample incident."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    add_subparser(
        subparsers, "demo", "load a realistic sample incident; prints its id", handler=_demo
    )


def _demo(ctx: CommandContext) -> int:
    from warroom.commands.render import incident_json
    from warroom.services.demo import load_demo

    incident = load_demo(ctx.services.db)
    ctx.emit(
        incident_json(incident),
        f"{incident.id}\nsample incident {incident.id} loaded: {incident.title} "
        f"({incident.entry_count} timeline entries). Try: warroom log list {incident.id}",
    )
    return 0
