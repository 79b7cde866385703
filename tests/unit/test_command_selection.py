"""The command line builds only the parser of the command it runs, with the same result."""

from __future__ import annotations

import argparse

import pytest

from warroom.cli import COMMAND_NAMES, build_parser, requested_command


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["incident", "list"], "incident"),
        (["--json", "log", "list", "1"], "log"),
        (["--db", "sqlite:///x.db", "draft", "list", "1"], "draft"),
        (["--db=sqlite:///x.db", "sync", "--once"], "sync"),
        (["--as", "log", "incident", "list"], "incident"),  # a person called "log"
        (["--a", "log", "incident", "list"], "incident"),  # argparse's abbreviation of --as
        (["--d", "export", "verify", "x.json"], "verify"),  # abbreviation of --db
        ([], None),
        (["--help", "incident"], None),
        (["-h"], None),
        (["--version"], None),
        (["--self-test"], None),
        (["incdent", "list"], None),  # a typo: the full parser lists the commands
        (["--", "incident"], None),
    ],
)
def test_requested_command(argv: list[str], expected: str | None) -> None:
    assert requested_command(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["incident", "list"],
        ["--json", "incident", "open", "Outage", "--severity", "2", "--playbook", "outage"],
        ["--as", "ana", "log", "add", "1", "checked the gateway", "--kind", "action"],
        ["draft", "new", "1", "--channel", "email", "--text", "We are on it.", "--json"],
        ["checklist", "done", "1", "3"],
        ["--db", "sqlite:///other.db", "sync", "--status"],
        ["export", "1", "--format", "json", "--output", "x.json"],
        ["verify", "x.json"],
        ["review", "1"],
        ["person", "list"],
        ["playbook", "list"],
        ["demo"],
    ],
)
def test_one_command_parser_parses_like_the_full_parser(argv: list[str]) -> None:
    command = requested_command(argv)
    assert command in COMMAND_NAMES
    assert build_parser(command).parse_args(argv) == build_parser().parse_args(argv)


def test_full_parser_offers_every_command() -> None:
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    assert tuple(subparsers.choices) == COMMAND_NAMES


def test_channel_clear_offers_exactly_the_optional_settings() -> None:
    from warroom.commands.channel import CLEARABLE
    from warroom.domain.channels import ChannelKind
    from warroom.services.channel_setup import optional_settings

    optional = {name for kind in ChannelKind for name in optional_settings(kind)}
    assert set(CLEARABLE) == {name.replace("_", "-") for name in optional}
