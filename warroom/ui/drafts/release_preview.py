"""Before a release: what will go out, where, to whom, and whether each channel is ready;
each channel's variant rendered as it will appear; release now or at a set time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.channels import Channel, ChannelKind, fit
from warroom.domain.statements import Statement
from warroom.ui.drafts.variant_preview import kind_label, preview_html
from warroom.ui.shell.row_table_model import RowTableModel

ModelIndex = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
_HEADERS = ("Channel", "Ready", "Length", "Goes to")
_WARN = QColor("#7a0010")
_WARN_BG = QColor("#fde2e2")


@dataclass(frozen=True)
class ChannelPlan:
    """What releasing will do on one channel."""

    name: str
    kind: ChannelKind
    configured: bool
    length: int
    maximum: int | None
    unit: str
    fits: bool
    recipients: str
    own_text: bool = False

    @property
    def ready_text(self) -> str:
        """Say whether delivery can start at once."""
        if not self.configured:
            return "NOT configured: waits in the outbox"
        return "configured: sends when online"

    @property
    def length_text(self) -> str:
        """Say how long the text is against the channel's limit."""
        if self.maximum is None:
            return f"{self.length} {self.unit} (no limit)"
        verdict = "fits" if self.fits else "TOO LONG"
        return f"{self.length} / {self.maximum} {self.unit}: {verdict}"


def recipients_of(channel: Channel) -> str:
    """Say who receives a post on ``channel``, from its non-secret settings."""
    settings = channel.settings
    parts: list[str] = []
    to = settings.get("to")
    if to:
        parts.append("to " + (", ".join(map(str, to)) if isinstance(to, list | tuple) else str(to)))
    for key, label in (("handle", "as"), ("url", "at"), ("host", "via"), ("from", "from")):
        value = settings.get(key)
        if value:
            parts.append(f"{label} {value}")
    if parts:
        return "; ".join(parts)
    return "not set yet (no address configured)"


def plan_release(statement: Statement, channels: Sequence[Channel]) -> list[ChannelPlan]:
    """Return one plan per target channel, using the freshest channel settings known."""
    fresh = {c.name: c for c in channels}
    plans = []
    for target, variant in zip(statement.channels, statement.variants, strict=True):
        channel = fresh.get(target.name, target)
        measured = fit(channel, variant.text)
        plans.append(
            ChannelPlan(
                name=channel.name,
                kind=channel.kind,
                configured=channel.configured,
                length=measured.length,
                maximum=measured.maximum,
                unit=measured.unit,
                fits=measured.fits,
                recipients=recipients_of(channel),
                own_text=variant.edited,
            )
        )
    return plans


class ReleasePlanModel(RowTableModel):
    """One row per channel the statement will be released on."""

    headers = _HEADERS

    def __init__(self, plans: Sequence[ChannelPlan], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = list(plans)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        plan: ChannelPlan | None = self.index_object(index)
        if plan is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            own = ", own text" if plan.own_text else ""
            return (
                (plan.name if plan.name == plan.kind.value else f"{plan.name} ({plan.kind.value})")
                + own,
                plan.ready_text,
                plan.length_text,
                plan.recipients,
            )[column]
        warn = (column == 1 and not plan.configured) or (column == 2 and not plan.fits)
        if role == Qt.ItemDataRole.ForegroundRole and warn:
            return QBrush(_WARN)
        if role == Qt.ItemDataRole.BackgroundRole and warn:
            return QBrush(_WARN_BG)
        return None


def summary_text(
    statement: Statement, plans: Sequence[ChannelPlan], signoff: str | None = None
) -> str:
    """Return the one paragraph a person reads before pressing Release (``signoff``: the
    stale sign-off of the template it was made from, if any)."""
    names = ", ".join(p.name for p in plans)
    lines = [
        f"Releasing statement #{statement.id} (revision {statement.revision}) queues it for "
        f"{len(plans)} channel(s): {names}. Each channel gets the text exactly once."
    ]
    waiting = [p.name for p in plans if not p.configured]
    if waiting:
        lines.append(f"Not configured, so these wait in the outbox: {', '.join(waiting)}.")
    own = [p.name for p in plans if p.own_text]
    if own:
        lines.append(f"With their own text: {', '.join(own)} (the others get the main text).")
    too_long = [p.name for p in plans if not p.fits]
    if too_long:
        lines.append(f"The text is too long for: {', '.join(too_long)}.")
    if statement.next_update_by:
        lines.append(
            f"It promises the next update by {statement.next_update_by.astimezone():%H:%M} "
            f"({statement.next_update_by:%H:%M} UTC)."
        )
    if signoff:
        lines.append(f"Careful: {signoff}.")
    lines.append(
        "It counts as public only once a channel confirms it (or you record a post by hand)."
    )
    return " ".join(lines)


def _suggested_time(now: datetime) -> datetime:
    """Return a suggested release time: the next whole five minutes, 30 minutes from now."""
    moment = (now + timedelta(minutes=30)).replace(second=0, microsecond=0)
    return moment + timedelta(minutes=(5 - moment.minute % 5) % 5)


class ReleasePreviewDialog(QDialog):
    """Show exactly what a release does; Release happens only if the person confirms."""

    def __init__(
        self,
        statement: Statement,
        channels: Sequence[Channel],
        parent: QWidget | None = None,
        *,
        signoff: str | None = None,
        now: datetime | None = None,
        incident_title: str = "",
    ) -> None:
        super().__init__(parent)
        self.now = now or datetime.now(UTC)
        self.setObjectName("releasePreview")
        self.setWindowTitle(f"Release statement #{statement.id}?")
        self.statement = statement
        self.plans = plan_release(statement, channels)
        self.model = ReleasePlanModel(self.plans, self)
        self.summary = QLabel(summary_text(statement, self.plans, signoff), self)
        self.summary.setObjectName("releaseSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView(self)
        self.table.setObjectName("releasePlan")
        self.table.setAccessibleName("Channels this release goes to")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeRowsToContents()
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("releaseText")
        self.text.setAccessibleName("Text that will be published")
        self.text.setReadOnly(True)
        subject = f"Subject: {statement.subject}\n\n" if statement.subject else ""
        self.text.setPlainText(subject + statement.text)
        self.previews = QTabWidget(self)
        self.previews.setObjectName("releaseVariants")
        self.previews.setAccessibleName("Each channel's message as it will appear")
        fresh = {c.name: c for c in channels}
        for target, variant in zip(statement.channels, statement.variants, strict=True):
            channel = fresh.get(target.name, target)
            browser = QTextBrowser(self.previews)
            browser.setObjectName(f"preview_{channel.name}")
            browser.setOpenLinks(False)
            browser.setHtml(preview_html(channel, variant, self.now, incident_title=incident_title))
            self.previews.addTab(browser, f"{channel.name} ({kind_label(channel)})")
        self.previews.addTab(self.text, "Main text")
        self.later = QCheckBox("Release &later, at:", self)
        self.later.setObjectName("releaseLater")
        self.later.setToolTip(
            "The outbox holds the messages until then; editing or rejecting the statement "
            "before then cancels the release"
        )
        self.at_edit = QDateTimeEdit(self)
        self.at_edit.setObjectName("releaseAt")
        self.at_edit.setAccessibleName("Release at (local time)")
        self.at_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at_edit.setCalendarPopup(True)
        suggested = int(_suggested_time(self.now).timestamp())
        self.at_edit.setDateTime(QDateTime.fromSecsSinceEpoch(suggested))
        self.at_edit.setEnabled(False)
        schedule = QHBoxLayout()
        schedule.addWidget(self.later)
        schedule.addWidget(self.at_edit)
        schedule.addStretch(1)
        buttons = QDialogButtonBox(self)
        self.release_button = buttons.addButton(
            f"&Release to {len(self.plans)} channel(s)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.release_button.setObjectName("confirmRelease")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Enter must not publish by accident: Cancel is the default button.
        self.release_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.later.toggled.connect(self._update_button)
        self.at_edit.dateTimeChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(QLabel("As it will appear:", self))
        layout.addWidget(self.previews, 1)
        layout.addLayout(schedule)
        layout.addWidget(buttons)
        self.resize(760, 560)

    def release_at(self) -> datetime | None:
        """Return the chosen release time (UTC), or None to release at once."""
        if not self.later.isChecked():
            return None
        return datetime.fromtimestamp(self.at_edit.dateTime().toSecsSinceEpoch(), UTC)

    def _update_button(self) -> None:
        self.at_edit.setEnabled(self.later.isChecked())
        at = self.release_at()
        self.release_button.setText(
            f"&Schedule for {at.astimezone():%Y-%m-%d %H:%M}"
            if at is not None
            else f"&Release to {len(self.plans)} channel(s)"
        )
