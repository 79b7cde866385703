"""``warroom verify PATH_OR_ID``: check the hash chain of an export file or a live incident."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser

if TYPE_CHECKING:
    from warroom.export.export_check import ExportCheck


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` command."""
    parser = add_subparser(
        subparsers,
        "verify",
        "prove that nothing in an incident log was altered, removed or reordered",
        handler=_verify,
    )
    parser.add_argument(
        "target",
        metavar="PATH_OR_ID",
        help="a JSON export file, or the id of an incident in the database",
    )
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="FINGERPRINT",
        help="require that the export was signed by this key (repeatable)",
    )


def _verify(ctx: CommandContext) -> int:
    from pathlib import Path

    from warroom.domain.errors import NotFoundError, ValidationError
    from warroom.export.json_reader import verify_export_file

    target: str = ctx.args.target
    path = Path(target)
    if path.is_file():
        # A file needs no database: verify it without opening (or creating) one.
        check = verify_export_file(path, ctx.args.trust)
        label = str(path)
    elif ctx.args.trust:
        raise ValidationError("--trust checks the signature of an export file, not a live incident")
    elif target.strip().isdigit() and int(target) > 0:
        check = ctx.services.export.verify_incident(int(target), ctx.actor)
        label = f"incident {int(target)}"
    elif path.exists():
        raise ValidationError(f"{path} is not a file")
    else:
        raise NotFoundError(f"{target!r} is neither an export file nor an incident id")
    data = {
        "source": label,
        "ok": check.ok,
        "incident_id": check.incident_id,
        "entry_count": check.entry_count,
        "head_hash": check.head_hash,
        "broken_seq": check.broken_seq,
        "problem": check.problem,
        **trust_json(check),
    }
    for warning in check.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if check.ok:
        ctx.emit(data, lambda: human_verdict(check, trusted=bool(ctx.args.trust)))
        return 0
    if ctx.as_json:
        ctx.emit(data, "")
    print(f"error: {label}: {check.describe()}", file=sys.stderr)
    return 1


def trust_json(check: ExportCheck) -> dict[str, Any]:
    """Return who signed and which keys the verdict relied on, for ``--json``."""
    return {
        "signed_by": check.signer or None,
        "key": check.signer_key or None,
        "approval_keys": [{"person": p, "key": k} for p, k in check.approval_keys],
        "warnings": list(check.warnings),
    }


def human_verdict(check: ExportCheck, *, trusted: bool) -> str:
    """Return the verdict, and without --trust the fingerprints it relied on."""
    text = check.describe()
    if not trusted and (check.signer_key or check.approval_keys):
        text += "\n" + check.keys_relied_on()
        if check.signer_key:
            text += f"\n(to require this exporter: --trust {check.signer_key})"
    return text
