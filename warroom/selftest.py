"""``warroom --self-test``: prove that this installation (or frozen bundle) works end to end.

On a temporary SQLite file and offscreen Qt: find the bundled resources, create and migrate
the database, open an incident, log an entry, get a statement approved by two people, open
the main window on it, and export the incident log to JSON (and PDF), verifying the export.
Each check prints one line, ``ok`` or ``FAILED``; the exit code is 0 only if all passed.
Nothing touches the user's database, preferences or keychain; records still go to the
normal log file so that a failure can be investigated.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from warroom import __version__

T = TypeVar("T")

log = logging.getLogger(__name__)

LEAD = "Self-test Lead"
AUTHOR = "Self-test Comms"
APPROVERS = ("Self-test Legal", "Self-test Support")
WINDOW_TIMEOUT_S = 20.0
# The offscreen platform says this for every top-level window; it means nothing here.
OFFSCREEN_NOISE = "does not support propagateSizeHints"
# Object names that tests and screen readers rely on (DESIGN.md, "Window").
WINDOW_PARTS = (
    "timelineView",
    "draftsPane",
    "draftEditor",
    "checklistView",
    "clocksBar",
    "outboxIndicator",
)


class Skipped(Exception):
    """A check that could not run because one it needs failed."""


@dataclass
class Report:
    """Prints one line per check and remembers whether any failed."""

    out: TextIO
    failures: list[str] = field(default_factory=list)

    def check(self, name: str, run: Callable[[], tuple[T, str]]) -> T | None:
        """Run one check; ``run`` returns (value for later checks, what it saw)."""
        try:
            value, detail = run()
        except Skipped as why:
            self._line("FAILED", name, f"not run: {why}")
            self.failures.append(name)
            return None
        except Exception as error:
            log.exception("self-test check %r failed", name)
            self._line("FAILED", name, f"{type(error).__name__}: {error}")
            self.failures.append(name)
            return None
        self._line("ok", name, detail)
        return value

    def note(self, text: str) -> None:
        """Print an informational line that is not a check."""
        self.out.write(f"  {'':6} {text}\n")
        self.out.flush()

    def _line(self, verdict: str, name: str, detail: str) -> None:
        self.out.write(f"  {verdict:6} {name}: {detail}\n")
        self.out.flush()


def needs(value: T | None, what: str) -> T:
    """Return ``value``, or skip the check when the check producing it failed."""
    if value is None:
        raise Skipped(f"needs {what}")
    return value


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print the outcome; return 0 if all passed, else 1."""
    # Before anything imports Qt: the self-test never needs (or opens) a screen.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    stream = out or sys.stdout
    frozen = bool(getattr(sys, "frozen", False))
    stream.write(
        f"warroom {__version__} self-test (Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, "
        f"{'frozen bundle' if frozen else 'source'})\n"
    )
    from warroom.logging_setup import configure_logging

    configure_logging()
    report = Report(stream)
    with tempfile.TemporaryDirectory(prefix="warroom-selftest-") as temp:
        _run_checks(report, Path(temp))
    if report.failures:
        stream.write(f"self-test FAILED: {', '.join(report.failures)}\n")
        from warroom.storage.locations import log_dir

        stream.write(f"(details in the log file in {log_dir()})\n")
        return 1
    stream.write("self-test passed\n")
    return 0


def _run_checks(report: Report, temp: Path) -> None:
    from warroom.resource_paths import resource, resources_dir

    def resources() -> tuple[str, str]:
        from warroom.services.playbooks import PlaybookCatalog

        playbooks, problems = PlaybookCatalog([resource("playbooks")]).load()
        if problems:
            raise ValueError("; ".join(p.message for p in problems))
        if not playbooks:
            raise FileNotFoundError(f"no playbooks in {resource('playbooks')}")
        missing = [
            str(path)
            for path in (
                resource("styles", "theme.qss"),
                resource("icons", "app", "warroom.svg"),
                resource("icons", "app", "warroom-256.png"),
            )
            if not path.is_file()
        ]
        if missing:
            raise FileNotFoundError(", ".join(missing))
        keys = ", ".join(p.key for p in playbooks)
        return playbooks[0].key, f"{resources_dir()} (playbooks: {keys}; styles, icons)"

    playbook_key = report.check("resources", resources)

    def database() -> tuple[Any, str]:
        from warroom.storage.database import open_database

        path = temp / "selftest.db"
        db = open_database(f"sqlite:///{path}")
        return db, f"created and migrated {path.name}"

    db = report.check("database", database)
    try:
        _run_flow(report, temp, db, playbook_key)
    finally:
        if db is not None:
            db.dispose()


def _run_flow(report: Report, temp: Path, db: Any, playbook_key: str | None) -> None:
    from warroom.domain.statements import StatementState
    from warroom.domain.timeline import EntryKind

    def services() -> tuple[Any, str]:
        from warroom.services import build_services
        from warroom.storage.secrets import SecretStore

        # Signing keys made by the self-test's sample people stay in this process: they
        # never reach the person's real keychain (and a machine without one passes too).
        built = build_services(needs(db, "the database"), secrets=SecretStore.in_memory())
        return built, "built"

    svc = report.check("services", services)

    def incident() -> tuple[Any, str]:
        s = needs(svc, "the services")
        opened = s.incidents.open(
            "Self-test: checkout outage", 2, LEAD, playbook_key=needs(playbook_key, "a playbook")
        )
        items = s.checklist.items(opened.id)
        return opened, f"#{opened.id} SEV{opened.severity} with {len(items)} checklist items"

    opened = report.check("incident", incident)

    def entry() -> tuple[Any, str]:
        s, inc = needs(svc, "the services"), needs(opened, "the incident")
        added = s.timeline.add(
            inc.id, "Self-test: fail over to the backup region", LEAD, EntryKind.DECISION
        )
        return added, f"entry #{added.seq} ({added.kind}) logged"

    report.check("timeline entry", entry)

    def statement() -> tuple[Any, str]:
        s, inc = needs(svc, "the services"), needs(opened, "the incident")
        draft = s.statements.draft(
            inc.id,
            ["mastodon"],
            "Self-test: we are investigating checkout errors. Next update within 30 minutes.",
            AUTHOR,
        )
        s.statements.submit(draft.id, AUTHOR)
        for person in APPROVERS:
            s.statements.approve(draft.id, person)
        done = s.statements.get(draft.id)
        if done.state != StatementState.APPROVED:
            raise AssertionError(f"state is {done.state}, expected approved")
        people = sorted(a.approver for a in done.approvals)
        return done, f"#{done.id} approved by {' and '.join(people)}"

    report.check("statement approved by two people", statement)

    def chain() -> tuple[bool, str]:
        s, inc = needs(svc, "the services"), needs(opened, "the incident")
        verdict = s.timeline.verify(inc.id)
        if not verdict.ok:
            raise AssertionError(verdict.describe())
        return True, verdict.describe()

    report.check("hash chain", chain)
    report.check(
        "main window (offscreen)",
        lambda: _open_window(report, temp, needs(svc, "the services"), needs(opened, "incident")),
    )

    def export(suffix: str) -> Callable[[], tuple[Path, str]]:
        def run() -> tuple[Path, str]:
            from warroom.export.formats import ExportFormat

            s, inc = needs(svc, "the services"), needs(opened, "the incident")
            service = getattr(s, "export", None)
            if service is None:
                raise Skipped("this build has no export service")
            result = service.export(inc.id, temp / f"incident.{suffix}", ExportFormat(suffix), LEAD)
            if not result.chain_ok:
                raise AssertionError("the export reports a broken chain")
            detail = f"{result.path.name}, {result.size} bytes, {result.entry_count} entries"
            if suffix == "json":
                verdict = service.verify_file(result.path)
                if not verdict.ok:
                    raise AssertionError(verdict.describe())
                detail += f", verified {verdict.describe()}"
            elif not result.path.read_bytes().startswith(b"%PDF-"):
                raise AssertionError("the file is not a PDF")
            return result.path, detail

        return run

    report.check("export to JSON", export("json"))
    report.check("export to PDF", export("pdf"))
    report.note(f"keychain (for channel secrets; not needed here): {_keychain()}")


def _keychain() -> str:
    """Say whether this machine has a keychain keyring can use (only reported)."""
    from warroom.storage.secrets import SecretStore, SecretStoreUnavailable

    try:
        SecretStore().check()
    except SecretStoreUnavailable:
        return "none on this machine (needed before channels can be set up)"
    except Exception as error:  # a broken one: worth saying, not failing the self-test
        return f"unusable ({type(error).__name__}: {error})"
    return "available"


def _open_window(report: Report, temp: Path, services: Any, incident: Any) -> tuple[bool, str]:
    """Build the real window through the UI's composition function, show it, load the
    incident, and find the parts the design names; then shut it down cleanly."""
    from PySide6.QtCore import QCoreApplication, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

    from warroom.services.preferences import Identity, PreferencesStore
    from warroom.ui.shell.app import build_window
    from warroom.ui.shell.messages import qt_message_to_log
    from warroom.ui.shell.tasks import TaskRunner

    problems: list[str] = []

    def on_qt_message(kind: QtMsgType, context: Any, message: str) -> None:
        serious = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        if kind in serious and OFFSCREEN_NOISE not in message:
            problems.append(message)
        qt_message_to_log(kind, context, message)

    qInstallMessageHandler(on_qt_message)
    app = QCoreApplication.instance() or QApplication(sys.argv[:1])
    runner = TaskRunner(app)
    window = build_window(
        services,
        runner,
        Identity(LEAD, "Incident lead"),
        PreferencesStore(temp / "preferences.json"),
        poll_ms=250,
    )
    try:
        window.show()
        window.start(incident.id)
        timeline = window.findChild(QAbstractItemView, "timelineView")

        def loaded() -> bool:
            current = window.current_incident()
            model = timeline.model() if timeline is not None else None
            return (
                current is not None
                and current.id == incident.id
                and model is not None
                and model.rowCount() > 0
            )

        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while not loaded() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if not loaded():
            raise TimeoutError(f"the incident did not load within {WINDOW_TIMEOUT_S:.0f} s")
        missing = [name for name in WINDOW_PARTS if window.findChild(QWidget, name) is None]
        if missing:
            raise LookupError(f"missing parts: {', '.join(missing)}")
        rows = timeline.model().rowCount() if timeline is not None else 0
        platform_name = QApplication.platformName()
    finally:
        window.stop()
        window.close()
        runner.shutdown()
        app.processEvents()
        window.deleteLater()
        app.processEvents()
        qInstallMessageHandler(None)
    for message in problems[:5]:
        report.note(f"Qt said: {message}")
    return True, (
        f"{platform_name}, incident #{incident.id} shown, {rows} timeline rows, "
        f"parts {', '.join(WINDOW_PARTS)}"
    )
