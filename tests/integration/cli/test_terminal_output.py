"""What a terminal sees: stored and remote text never reaches it with raw control characters.

Entry text may hold any printable Unicode and is kept exactly (``--json``, exports); every
human output shows C0/C1 controls escaped (``\\x1b``), so no stored text can retitle the
terminal, clear it or forge a line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RunCli = Any
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "Status\x1b]0;owned\x07 page\x1b[2J\rerror: forged line\x9b31m red"


def test_stored_text_is_escaped_in_human_output_and_exact_in_json(run_cli: RunCli) -> None:
    assert run_cli("incident", "open", "Outage \x1b[5m blink", "--severity", "2").code == 0
    added = run_cli("log", "add", "1", "-", stdin=HOSTILE)
    assert added.code == 0, added.err

    listing = run_cli("log", "list", "1")
    assert listing.code == 0
    assert not RAW_CONTROL.search(listing.out), repr(listing.out)
    assert "Status\\x1b]0;owned\\x07 page\\x1b[2J\\x0derror: forged line\\x9b31m red" in (
        listing.out
    )
    incidents = run_cli("incident", "list")
    assert not RAW_CONTROL.search(incidents.out) and "Outage \\x1b[5m blink" in incidents.out

    exact = run_cli("log", "list", "1", "--json")
    assert not RAW_CONTROL.search(exact.out), repr(exact.out)
    assert json.loads(exact.out)[-1]["text"] == HOSTILE


def test_error_lines_are_one_inert_line(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("incident", "open", "Outage", "--severity", "2").code == 0
    target = tmp_path / "missing\x1b[2J\nerror: fake" / "log.json"
    result = run_cli("export", "1", "-o", str(target))
    assert result.code == 1
    assert result.err.count("\n") == 1 and result.err.startswith("error: the folder ")
    assert not RAW_CONTROL.search(result.err) and "\\x1b[2J" in result.err


def test_markdown_export_escapes_control_characters(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("incident", "open", "Outage", "--severity", "2").code == 0
    assert run_cli("log", "add", "1", "-", stdin=HOSTILE).code == 0
    path = tmp_path / "log.md"
    assert run_cli("export", "1", "-o", str(path)).code == 0
    text = path.read_text(encoding="utf-8")
    assert not RAW_CONTROL.search(text), repr(text)
    assert "\\\\x1b" in text  # the escape itself, backslash-escaped for Markdown


def test_nul_in_entry_text_is_refused_in_one_line(run_cli: RunCli) -> None:
    assert run_cli("incident", "open", "Outage", "--severity", "2").code == 0
    result = run_cli("log", "add", "1", "-", stdin="before\x00after")
    assert result.code == 1 and result.out == ""
    assert result.err == (
        "error: the entry text contains a NUL character (U+0000), which is not allowed\n"
    )
    assert run_cli("log", "list", "1", "--json").json()[-1]["kind"] == "status"
