"""``warroom person add|list|remove|key``: the people of the war room, their roles and keys."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser
from warroom.domain.people import Role

if TYPE_CHECKING:
    from warroom.domain.people import Person


def role(value: str) -> Role:
    """Parse a role name (bad usage, exit 2, for an unknown one)."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise argparse.ArgumentTypeError(f"role must be one of {names}, not {value!r}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``person`` command and its subcommands."""
    parser = add_subparser(subparsers, "person", "people of the war room and their roles")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    adder = add_subparser(
        actions, "add", "add a person, or change their role (leads only)", handler=_add
    )
    adder.add_argument("name")
    adder.add_argument("--role", type=role, required=True, help=" | ".join(r.value for r in Role))
    adder.add_argument(
        "--login",
        action="store_true",
        help="team mode: also create their own database login (password read from stdin)",
    )
    add_subparser(actions, "list", "list people, their roles and key fingerprints", handler=_list)
    remover = add_subparser(actions, "remove", "remove a person (leads only)", handler=_remove)
    remover.add_argument("name")
    key = add_subparser(
        actions,
        "key",
        "show a signing key's fingerprint (your own is made on first use)",
        handler=_key,
    )
    key.add_argument("name", nargs="?", help="whose key (default: yours)")
    key.add_argument(
        "--new", action="store_true", help="make yourself a new key (e.g. after losing the old)"
    )


def person_json(person: Person) -> dict[str, Any]:
    """Return a person as JSON-ready data."""
    return {
        "name": person.name,
        "role": person.role.value,
        "added_by": person.added_by,
        "added_at": person.added_at.isoformat(),
        "login": person.login or None,
        "key": person.fingerprint or None,
    }


def _line(person: Person) -> str:
    text = f"{person.name:<24} {person.role.value:<9} added by {person.added_by}"
    if person.fingerprint:
        text += f"  key {person.fingerprint}"
    return text


def _add(ctx: CommandContext) -> int:
    import sys

    password = sys.stdin.read().rstrip("\r\n") if ctx.args.login else None
    person = ctx.services.people.put(
        ctx.args.name, ctx.args.role, ctx.actor, login_password=password
    )
    ctx.emit(person_json(person), _line(person))
    return 0


def _key(ctx: CommandContext) -> int:
    key = ctx.services.people.key(ctx.actor, ctx.args.name, new=ctx.args.new)
    ctx.emit(
        {
            "person": key.person,
            "fingerprint": key.fingerprint,
            "public_key": key.public_key,
            "registered_at": key.created_at.isoformat(),
        },
        f"{key.person}: {key.fingerprint}",
    )
    return 0


def _list(ctx: CommandContext) -> int:
    people = ctx.services.people.all()
    ctx.emit(
        [person_json(p) for p in people],
        lambda: (
            "\n".join(_line(p) for p in people)
            or "no people registered: roles are not checked (add a lead to start)"
        ),
    )
    return 0


def _remove(ctx: CommandContext) -> int:
    person = ctx.services.people.remove(ctx.args.name, ctx.actor)
    ctx.emit(person_json(person), f"removed {person.name} ({person.role.value})")
    return 0
