"""``log list`` prints the same bytes whichever way it reads (issue 18).

The whole listing goes from rows straight to lines (storage/listing_sql.py), through the
stdlib reader on a plain SQLite file and through SQLAlchemy otherwise (a server, or a file
URL with options, which is how the benchmark forces it). Both must print exactly what the
entry path prints (``entry_line`` of each :class:`TimelineEntry`, escaped): for control
characters, C1 controls, bidi and zero-width characters, tabs and line breaks, corrections,
"happened at" times, times stored in another form, past a fetch batch, and with ``--kind``,
``--search`` and ``--last``.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from typing import Any

import pytest

from tests.support.bulk_timeline import seed_entries
from tests.support.tamper import tamper
from warroom.commands.render import entry_line
from warroom.domain.terminal_text import terminal_lines, terminal_text
from warroom.domain.timeline import EntryKind
from warroom.storage.search_repo import STREAM_ROWS

pytestmark = pytest.mark.both_databases

HOSTILE = [
    "Escape \x1b[31mred\x1b[0m, a bell \x07 and a carriage return \r here",
    "C1 CSI \x9b2J and DEL \x7f",
    "Bidi \u202eevil\u202c text, \u200f marks and a refund",
    "Multi\nline\ttabbed refund",
    "Zero width \u200b, line separator \u2028, accents é and 🎉",
]
VARIANTS = [
    [],
    ["--kind", "inbound", "--kind", "decision"],
    ["--search", "refund"],
    ["--last", "50"],
    ["--search", "refund", "--last", "5", "--kind", "inbound"],
    ["--kind", "note", "--search", "zebra"],
]


def _text(n: int) -> str:
    return HOSTILE[n % len(HOSTILE)] if n % 7 == 0 else f"check {n} of the gateway"


@pytest.fixture
def incident(services: Any, clock: Any) -> int:
    timeline = services.timeline
    opened = services.incidents.open("Checkout \x1b[5m outage", 2, "alice").id
    first = timeline.add(opened, "Plain note about refunds", "alice")
    for n, text in enumerate(HOSTILE):
        clock.advance(seconds=1.25)  # microseconds in the stored time
        timeline.add(opened, text, "Zoë", list(EntryKind)[n % 4])
    timeline.add(opened, "It happened earlier", "alice", occurred_at=datetime(2026, 11, 1, 8, 30))
    timeline.correct(opened, first.id, "Corrected note, refund", "alice")
    # past two fetch batches, one kind of hostile text in every seventh entry
    seed_entries(services.db, opened, 2 * STREAM_ROWS + 30, start=clock(), text_for=_text)
    return int(opened)


def _expected(services: Any, incident: int, argv: list[str]) -> str:
    """What the entry path prints: entry_line of each entry, escaped, one per line."""
    kinds = [EntryKind(argv[i + 1]) for i, arg in enumerate(argv) if arg == "--kind"]
    search = next((argv[i + 1] for i, arg in enumerate(argv) if arg == "--search"), "")
    last = next((int(argv[i + 1]) for i, arg in enumerate(argv) if arg == "--last"), None)
    entries = services.timeline.entries(
        incident, kinds=kinds, search=search, limit=last, newest_first=last is not None
    )
    if last is not None:
        entries.reverse()
    if not entries:
        return "no entries\n"
    return "".join(terminal_text(entry_line(entry)) + "\n" for entry in entries)


def _listings(run_cli: Any, db_url: str, incident: int, argv: list[str]) -> list[str]:
    """Return the listing by every way in this database has (quick and services on SQLite)."""
    urls = [db_url, f"{db_url}?timeout=30"] if db_url.startswith("sqlite") else [db_url]
    outputs = []
    for url in urls:
        result = run_cli("--db", url, "log", "list", str(incident), *argv)
        assert result.code == 0, result.err
        outputs.append(result.out)
    return outputs


def test_every_way_prints_what_the_entry_path_prints(
    services: Any, run_cli: Any, db_url: str, incident: int
) -> None:
    for argv in VARIANTS:
        expected = _expected(services, incident, argv)
        for output in _listings(run_cli, db_url, incident, argv):
            assert output == expected, argv
    whole = _expected(services, incident, [])
    assert whole.count("\n#") == 2 * STREAM_ROWS + 30 + len(HOSTILE) + 3
    assert "\\x1b[31mred\\x1b[0m" in whole and "\\x9b2J" in whole and "\x1b" not in whole
    assert "(corrects entry id" in whole and "[happened 2026-11-01 08:30Z]" in whole


@pytest.mark.sqlite_only
def test_a_time_stored_in_another_form_prints_as_the_entry_path_prints(
    services: Any, run_cli: Any, db_url: str, incident: int
) -> None:
    stored = {3: "2026-11-23T11:00:00.5+02:00", 4: "2026-11-23T10:00:00.500000"}
    stored[5] = "2026-11-23 11:00:00.5+0200"  # 26 characters, as the usual form has
    tamper(
        db_url,
        *(
            f"UPDATE timeline_entries SET created_at = '{value}' "
            f"WHERE incident_id = {incident} AND seq = {seq}"
            for seq, value in stored.items()
        ),
    )
    expected = _expected(services, incident, [])
    assert "#3    2026-11-23 09:00:00Z" in expected and "#4    2026-11-23 10:00:00Z" in expected
    assert "#5    2026-11-23 09:00:00Z" in expected
    for output in _listings(run_cli, db_url, incident, []):
        assert output == expected


def test_terminal_lines_escapes_as_terminal_text_of_the_joined_lines() -> None:
    lines = [*HOSTILE, "plain", "", "tab\tonly", "\u0085 next line", "\x00nul"]
    assert terminal_lines(lines) == terminal_text("\n".join(lines))


def test_the_services_listing_loads_neither_the_models_nor_the_orm(
    cli_env: dict[str, str], db_url: str, incident: int
) -> None:
    """The ORM models and SQLAlchemy's ORM cost a quarter of a second before the first line;
    a listing of plain rows needs neither."""
    url = f"{db_url}?timeout=30" if db_url.startswith("sqlite") else db_url
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['warroom', '--db', {url!r}, 'log', 'list', '{incident}']\n"
        "try:\n"
        "    runpy.run_module('warroom', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = ('warroom.storage.models' in sys.modules, 'sqlalchemy.orm' in sys.modules)\n"
        "print(loaded, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, capture_output=True, text=True, check=True
    )
    assert result.stderr.strip().splitlines()[-1] == "(False, False)"
