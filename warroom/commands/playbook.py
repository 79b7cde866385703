"""``warroom playbook list``."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext, print_error
from warroom.commands.parsing import add_subparser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``playbook`` command."""
    parser = add_subparser(subparsers, "playbook", "crisis playbooks")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_subparser(actions, "list", "list the playbooks and their templates", handler=_list)


def _list(ctx: CommandContext) -> int:
    """List valid playbooks; report each broken file on stderr and exit 1 if any."""
    from warroom.commands.render import playbook_json
    from warroom.domain.clock import utc_now
    from warroom.services.playbooks import PlaybookCatalog

    playbooks, problems = PlaybookCatalog().load()
    today = utc_now().date()

    def human() -> str:
        lines = []
        for p in playbooks:
            deadline = ""
            if p.regulator_deadline:
                hours = int(p.regulator_deadline.total_seconds() // 3600)
                deadline = f"; regulator deadline {hours} h"
            lines.append(
                f"{p.key:<22} {p.name} ({len(p.items)} items, "
                f"{len(p.templates)} templates{deadline})"
            )
            for t in p.templates:
                stale = " STALE sign-off" if t.is_stale(today) else ""
                signed = f", signed off by {t.signed_off_by}" if t.signed_off_by else ""
                lines.append(f"    template {t.key}: {t.name}{signed}{stale}")
        if problems:
            lines.append("not used (each file's problem; the other playbooks work):")
            lines.extend(f"    {problem.message}" for problem in problems)
        return "\n".join(lines)

    ctx.emit([playbook_json(p, today) for p in playbooks], human)
    for problem in problems:
        print_error(problem.message)
    return 1 if problems else 0
