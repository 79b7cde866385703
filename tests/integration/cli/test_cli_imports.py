"""Commands import only what they use, and run as short-lived processes: the cold-start
budget of issue 2 depends on both (``tests/perf/bench_cold_start.py`` measures it)."""

from __future__ import annotations

import subprocess
import sys

from warroom.cli import COMMAND_NAMES

HEAVY = ("alembic", "requests", "keyring", "PySide6", "smtplib", "logging.handlers")
# Needed by other commands only: the playbook parser, the drafting code, other commands.
NOT_FOR_LISTING = (
    "tomllib",
    "warroom.domain.playbooks",
    "warroom.services.statements",
    *(f"warroom.commands.{name}" for name in COMMAND_NAMES if name != "incident"),
)


def _probe(cli_env: dict[str, str], argv: list[str], report: str) -> str:
    """Run ``python -m warroom ARGV`` in a fresh interpreter; return what ``report`` prints
    after the command finished (evaluated in that interpreter)."""
    probe = (
        "import gc, sys, runpy\n"
        f"sys.argv = ['warroom', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('warroom', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print({report})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_incident_list_loads_no_module_it_does_not_use(cli_env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "warroom", "incident", "list"],
        env=cli_env,
        check=True,
        capture_output=True,
    )  # creates and migrates the database
    unwanted = HEAVY + NOT_FOR_LISTING
    loaded = _probe(
        cli_env, ["incident", "list"], f"sorted(m for m in {unwanted!r} if m in sys.modules)"
    )
    assert loaded == "[]"


def test_a_one_shot_command_runs_without_the_cyclic_collector(cli_env: dict[str, str]) -> None:
    state = _probe(cli_env, ["incident", "list"], "(gc.isenabled(), gc.get_freeze_count() > 0)")
    assert state == "(False, True)"


def test_the_self_test_runs_with_the_collector_on(cli_env: dict[str, str]) -> None:
    assert _probe(cli_env, ["--self-test"], "gc.isenabled()") == "True"


def test_long_running_mode_switches_the_collector_back_on() -> None:
    code = (
        "import gc\n"
        "from warroom import gc_policy\n"
        "gc_policy.become_long_running()\n"
        "untouched = gc.isenabled() and gc.get_freeze_count() == 0\n"
        "gc_policy.start_short_lived()\n"
        "off = not gc.isenabled()\n"
        "gc_policy.become_long_running()\n"
        "print(untouched, off, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.split() == ["True", "True", "True", "True"]


def test_reading_commands_on_the_embedded_file_do_not_load_sqlalchemy(
    cli_env: dict[str, str],
) -> None:
    """``log list`` and ``search`` read a current SQLite file with the stdlib driver."""
    setup = [
        ["incident", "open", "Outage", "--severity", "2"],
        ["log", "add", "1", "Refunds requested by customers"],
    ]
    for argv in setup:
        subprocess.run(
            [sys.executable, "-m", "warroom", *argv], env=cli_env, check=True, capture_output=True
        )
    for argv in (["log", "list", "1", "--last", "5"], ["search", "refund*"]):
        loaded = _probe(cli_env, argv, "sorted(m for m in ('sqlalchemy',) if m in sys.modules)")
        assert loaded == "[]", argv
