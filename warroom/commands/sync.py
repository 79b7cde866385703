"""``warroom sync --once|--watch|--status``, and people's decisions on rows:
``--resend ROW|--mark-sent ROW`` (uncertain or failed), ``--confirm ROW|--withdraw ROW`` (held).

``--watch`` also pulls the inbox sources that are due, after each delivery pass.
"""

from __future__ import annotations

import argparse
import logging
import signal
from typing import TYPE_CHECKING, Any

from warroom import gc_policy
from warroom.commands.base import CommandContext, print_text, print_warning
from warroom.commands.parsing import add_subparser, positive_id

if TYPE_CHECKING:
    from warroom.services.delivery import PassReport, SyncStatus


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return number


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sync`` command."""
    parser = add_subparser(
        subparsers, "sync", "deliver released statements from the outbox", handler=_sync
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    mode.add_argument("--watch", action="store_true", help="keep delivering until stopped")
    mode.add_argument("--status", action="store_true", help="show the outbox and channels")
    mode.add_argument(
        "--resend",
        type=positive_id,
        metavar="ROW",
        help="queue an uncertain or failed outbox row again",
    )
    mode.add_argument(
        "--mark-sent",
        type=positive_id,
        metavar="ROW",
        help="record that an uncertain or failed row did go out",
    )
    mode.add_argument(
        "--confirm",
        type=positive_id,
        metavar="ROW",
        help="let a held row (it waited longer than the hold window) go out as released",
    )
    mode.add_argument(
        "--withdraw",
        type=positive_id,
        metavar="ROW",
        help="keep a held row from ever going out",
    )
    parser.add_argument("--url", default="", help="with --mark-sent: where it was published")
    parser.add_argument(
        "--interval",
        type=_seconds,
        default=2.0,
        metavar="S",
        help="with --watch: seconds between passes (default 2)",
    )
    parser.add_argument(
        "--stale-after",
        type=_seconds,
        default=None,
        metavar="S",
        help="treat a row left 'sending' for S seconds as interrupted (default 300)",
    )


def _sync(ctx: CommandContext) -> int:
    from datetime import timedelta

    from warroom.commands.render import outbox_row_json

    args = ctx.args
    delivery = ctx.services.delivery
    delivery.actor = ctx.actor
    if args.stale_after is not None:
        _check_stale_after(ctx, args.stale_after)
        delivery.stale_after = timedelta(seconds=args.stale_after)
    try:
        if args.status:
            return _status(ctx)
        if args.confirm or args.withdraw:
            holds = ctx.services.holds
            if args.confirm:
                row = holds.confirm(args.confirm, ctx.actor)
                human = f"outbox row {row.id} confirmed: it goes out on the next pass"
            else:
                row = holds.withdraw(args.withdraw, ctx.actor)
                human = f"outbox row {row.id} withdrawn: it will not go out"
            ctx.emit(outbox_row_json(row), human)
            return 0
        if args.resend or args.mark_sent:
            if args.resend:
                row = delivery.resend(args.resend, ctx.actor)
                human = f"outbox row {row.id} queued again"
            else:
                row = delivery.mark_sent(args.mark_sent, ctx.actor, remote_url=args.url)
                human = f"outbox row {row.id} marked as sent"
            ctx.emit(outbox_row_json(row), human)
            return 0
        if args.once:
            report = delivery.run_once()
            ctx.emit(report_json(report), report.summary())
            return 0
        return _watch(ctx, args.interval)
    finally:
        delivery.close()


def _check_stale_after(ctx: CommandContext, seconds: float) -> None:
    """Refuse a stale-claim window not longer than a channel's connect + read timeouts.

    A row whose worker is still waiting for the server would be taken for an interrupted
    one: a second worker would resend it, or mark it uncertain while it is being sent.
    """
    from warroom.domain.errors import UsageError
    from warroom.sync.http import timeouts

    configured = [c for c in ctx.services.channels.all() if c.configured]
    limits = [(sum(timeouts(c.settings)), f"channel {c.name}") for c in configured]
    longest, which = max(limits, default=(sum(timeouts({})), "the default timeouts"))
    if seconds <= longest:
        raise UsageError(
            f"--stale-after {seconds:g} is not longer than the connect + read timeouts of "
            f"{which} ({longest:g} s); a row still being sent would be taken for an "
            "interrupted one"
        )


def _watch(ctx: CommandContext, interval: float) -> int:
    import threading

    gc_policy.become_long_running()
    ctx.services.db.guard_file()  # a replaced database file stops the passes, in one line
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    passes: list[dict[str, Any]] = []
    pulls: list[dict[str, Any]] = []
    listen = _listener(ctx, stop, pulls)

    def on_pass(report: PassReport) -> None:
        if ctx.as_json:
            passes.append(report_json(report))
        elif report.sent or report.failed or report.uncertain or report.retrying or report.held:
            print_text(report.summary(), flush=True)
        listen()  # the same worker pulls the inbox sources that are due

    backups = _start_backups(ctx, stop, interval)
    ctx.services.delivery.watch(stop, poll_seconds=interval, on_pass=on_pass)
    if backups is not None:
        backups.join()
    if ctx.as_json:
        ctx.emit({"passes": passes, "pulls": pulls}, "")
    return 0


def _listener(ctx: CommandContext, stop: Any, pulls: list[dict[str, Any]]) -> Any:
    """Return the step that pulls due inbox sources after each delivery pass."""
    from warroom.commands.inbox import pull_json
    from warroom.domain.errors import StorageError
    from warroom.storage.secrets import SecretStoreUnavailable

    pull = ctx.services.inbox_pull

    def listen() -> None:
        try:
            report = pull.pull_once(only_due=True, stop=stop)
        except SecretStoreUnavailable:
            raise
        except StorageError as error:  # a busy database: the next pass tries again
            logging.getLogger(__name__).warning("inbox pull skipped: %s", error)
            return
        if ctx.as_json:
            if report.sources:
                pulls.append(pull_json(report))
        elif report.added or any(s.error for s in report.sources):
            print_text(report.summary(), flush=True)

    return listen


def _start_backups(ctx: CommandContext, stop: Any, interval: float) -> Any:
    """Take the configured backups (schedule, closed incidents) beside delivering."""
    import threading

    backups = ctx.services.backups
    if backups.settings() is None:
        return None
    said: list[str] = [""]

    def report(status: Any, backed_up: bool) -> None:
        if backed_up and status.last_good is not None and not ctx.as_json:
            print_text(f"backup written: {status.last_good.name}", flush=True)
        problem = status.last_error or ("" if status.folder_ok else "the folder is missing")
        if problem and problem != said[0]:
            print_warning(f"backup: {problem}")
        said[0] = problem

    thread = threading.Thread(
        target=backups.watch,
        args=(stop,),
        kwargs={"check_seconds": max(interval, 1.0), "on_status": report},
        name="backups",
        daemon=True,
    )
    thread.start()
    return thread


def _status(ctx: CommandContext) -> int:
    status = ctx.services.delivery.status()
    ctx.emit(status_json(status), lambda: status_text(status))
    return 0


def report_json(report: PassReport) -> dict[str, Any]:
    """Return a pass report as JSON data."""
    return {
        "sent": report.sent,
        "failed": report.failed,
        "uncertain": report.uncertain,
        "retrying": report.retrying,
        "recovered": report.recovered,
        "held": report.held,
        "waiting": report.waiting,
        "depth": report.depth,
    }


def status_json(status: SyncStatus) -> dict[str, Any]:
    """Return the sync status as JSON data."""
    from warroom.commands.render import outbox_row_json
    from warroom.domain.clock import iso_utc

    return {
        "depth": status.depth,
        "next_due_at": iso_utc(status.next_due_at) if status.next_due_at else None,
        "channels": [
            {
                "name": state.channel.name,
                "kind": state.channel.kind.value,
                "configured": state.channel.configured,
                "online": state.online,
                "last_error": state.channel.last_error,
                "counts": state.counts,
            }
            for state in status.channels
        ],
        "attention": [outbox_row_json(row) for row in status.attention],
        "retrying": [outbox_row_json(row) for row in status.retrying],
    }


def status_text(status: SyncStatus) -> str:
    """Return the sync status for people."""
    lines = [f"outbox: {status.depth} waiting"]
    from warroom.domain.clock import utc_now

    if status.next_due_at is not None and status.next_due_at > utc_now():
        lines[0] += f" (next attempt due {status.next_due_at:%Y-%m-%d %H:%M:%S}Z)"
    for state in status.channels:
        online = {True: "online", False: "offline", None: "untested"}[state.online]
        if not state.channel.configured:
            online = "not configured"
        counts = ", ".join(f"{n} {s}" for s, n in sorted(state.counts.items())) or "no rows"
        error = f" ({state.channel.last_error})" if state.channel.last_error else ""
        lines.append(f"  {state.channel.name:<16} {online}{error}: {counts}")
    if status.retrying:
        lines.append("retrying (the last attempt failed; War Room tries again by itself):")
        for row in status.retrying:
            when = f", next attempt {row.next_attempt_at:%H:%M:%S}Z" if row.next_attempt_at else ""
            lines.append(
                f"  row {row.id:<5} statement #{row.statement_id} on {row.channel_name}, "
                f"{row.attempts} attempt(s){when}: {row.last_error}"
            )
    held = [row for row in status.attention if row.state.value == "held"]
    decide = [row for row in status.attention if row.state.value != "held"]
    if held:
        lines.append(
            "held: waited longer than the hold window (warroom sync --confirm ROW | "
            "--withdraw ROW):"
        )
        for row in held:
            lines.append(
                f"  row {row.id:<5} statement #{row.statement_id} on {row.channel_name}, "
                f"released {row.created_at:%Y-%m-%d %H:%M:%S}Z"
            )
    if decide:
        lines.append("needs a person (warroom sync --resend ROW | --mark-sent ROW):")
        for row in decide:
            lines.append(
                f"  row {row.id:<5} {row.state.value:<9} statement #{row.statement_id} on "
                f"{row.channel_name}: {row.last_error}"
            )
    return "\n".join(lines)
