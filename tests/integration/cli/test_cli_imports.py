"""Commands import only what they use: the cold-start budget depends on it."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("alembic", "requests", "keyring", "PySide6", "smtplib", "logging.handlers")


def test_incident_list_loads_no_heavy_module(cli_env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "warroom", "incident", "list"],
        env=cli_env,
        check=True,
        capture_output=True,
    )  # creates and migrates the database
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['warroom', 'incident', 'list']\n"
        "try:\n"
        "    runpy.run_module('warroom', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, check=True, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
