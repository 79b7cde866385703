"""The archive password: from a file or standard input, never from the command line itself
(where any user of the machine could read it in the process list or a shell history)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.commands.base import print_warning, read_stdin
from warroom.domain.errors import ValidationError

#: Below this a password is accepted with a warning: an archive may travel far.
SHORT_PASSWORD = 12


def add_password_options(parser: argparse.ArgumentParser, purpose: str) -> None:
    """Add ``--password-file F`` and ``--password-stdin`` (one or the other)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--password-file",
        metavar="FILE",
        help=f"read the password {purpose} from FILE (its first line)",
    )
    group.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read the password {purpose} from standard input (prompted on a terminal)",
    )


def _strip(text: str) -> str:
    """Drop one trailing line break, as ``echo`` and editors add one."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def read_password(args: argparse.Namespace, *, confirm: bool = False) -> str | None:
    """Return the password the options name, or None when none was asked for.

    ``confirm``: on a terminal, ask twice (a new archive's password has no second chance).
    """
    if args.password_file is not None:
        path = Path(args.password_file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ValidationError(
                f"cannot read the password file {path}: {error.strerror or error}"
            ) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"the password file {path} is not UTF-8 text") from None
        password = text.split("\n", 1)[0].removesuffix("\r")
        where = f"the password file {path}"
    elif args.password_stdin:
        if sys.stdin is not None and sys.stdin.isatty():
            password = _prompt(confirm)
        else:
            password = _strip(read_stdin())
        where = "standard input"
    else:
        return None
    if not password:
        raise ValidationError(f"the password from {where} is empty")
    if "\n" in password or "\r" in password:
        raise ValidationError(f"the password from {where} has more than one line")
    if confirm and len(password) < SHORT_PASSWORD:
        print_warning(
            f"the password has fewer than {SHORT_PASSWORD} characters; an archive that "
            "leaves the room can be attacked offline for as long as anyone likes"
        )
    return password


def _prompt(confirm: bool) -> str:
    import getpass

    password = getpass.getpass("archive password: ")
    if confirm and getpass.getpass("the same password again: ") != password:
        raise ValidationError("the two passwords differ; nothing was written")
    return password
