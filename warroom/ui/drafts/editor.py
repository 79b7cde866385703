"""The statement editor: channels, subject, text with live per-channel counters, promise."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QWidget,
)

from warroom.domain.channels import Channel, fit
from warroom.ui.drafts.content import EditorContent
from warroom.ui.drafts.model import ChannelChoiceModel

_OVER_STYLE = "color:#ffffff; background:#b00020; border-radius:3px; padding:1px 6px"
_OK_STYLE = "color:#1a1a1a; background:#e8e8e8; border-radius:3px; padding:1px 6px"


def counter_text(channel: Channel, text: str) -> tuple[str, bool]:
    """Return the counter label for ``channel`` and whether ``text`` does not fit it (the
    domain's one measure, as the release preview, the service and the connectors use)."""
    measured = fit(channel, text)
    return measured.counter, not measured.fits


def _half_an_hour_from_now() -> QDateTime:
    """Return a suggested promise: the next whole five minutes, half an hour from now."""
    moment = QDateTime.currentDateTime().addSecs(30 * 60)
    minutes = moment.time().minute()
    return moment.addSecs(((5 - minutes % 5) % 5) * 60 - moment.time().second())


class StatementEditor(QWidget):
    """Edit one statement. ``content_changed`` fires on every keystroke or choice."""

    content_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.channel_model = ChannelChoiceModel(self)
        self.channel_list = QListView(self)
        self.channel_list.setObjectName("draftChannels")
        self.channel_list.setAccessibleName("Channels")
        self.channel_list.setModel(self.channel_model)
        self.channel_list.setFlow(QListView.Flow.LeftToRight)
        self.channel_list.setWrapping(False)
        self.channel_list.setSpacing(3)
        # Channel names are short: never elide them (a styled check indicator is wider than
        # the delegate's size hint assumes, which truncated "bluesky" to "blues…").
        self.channel_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.channel_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.subject = QLineEdit(self)
        self.subject.setObjectName("draftSubject")
        self.subject.setAccessibleName("Subject (email)")
        self.subject.setPlaceholderText("Subject line for email channels")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("draftEditor")
        self.text.setAccessibleName("Statement text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Write the statement here")
        self.counters_host = QWidget(self)
        self.counters_layout = QHBoxLayout(self.counters_host)
        self.counters_layout.setContentsMargins(0, 0, 0, 0)
        self.counters: dict[str, QLabel] = {}
        self.promise_check = QCheckBox("&Promise next update by", self)
        self.promise_check.setObjectName("draftPromiseCheck")
        self.promise_edit = QDateTimeEdit(self)
        self.promise_edit.setObjectName("draftNextUpdate")
        self.promise_edit.setAccessibleName("Next update by (local time)")
        self.promise_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.promise_edit.setCalendarPopup(True)
        self.promise_edit.setEnabled(False)
        self._loaded_promise: datetime | None = None
        self._counter_names: tuple[str, ...] = ()

        promise_row = QHBoxLayout()
        promise_row.addWidget(self.promise_check)
        promise_row.addWidget(self.promise_edit)
        promise_row.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("C&hannels:", self.channel_list)
        form.addRow("S&ubject:", self.subject)
        form.addRow("&Text:", self.text)
        form.addRow("Length:", self.counters_host)
        form.addRow("Promise:", promise_row)

        self.channel_model.choice_changed.connect(self._channels_changed)
        self.channel_model.modelReset.connect(self._channels_changed)
        self.subject.textChanged.connect(self.content_changed)
        self.text.textChanged.connect(self._text_changed)
        self.promise_check.toggled.connect(self._promise_toggled)
        self.promise_edit.dateTimeChanged.connect(self.content_changed)

    def set_channels(self, channels: list[Channel]) -> None:
        """Offer ``channels`` to choose from (keeps the current choice)."""
        self.channel_model.set_channels(channels)
        row = max(self.channel_list.sizeHintForRow(0), self.fontMetrics().height() + 4)
        frame = 2 * self.channel_list.frameWidth() + 2 * self.channel_list.spacing()
        self.channel_list.setFixedHeight(row + frame + 4)
        self._rebuild_counters()

    def load(self, content: EditorContent) -> None:
        """Show ``content`` (replacing whatever the editor held)."""
        was_blocked = self.blockSignals(True)
        try:
            self.channel_model.set_checked(content.channel_names)
            if self.subject.text() != content.subject:
                self.subject.setText(content.subject)
            if self.text.toPlainText() != content.text:
                self.text.setPlainText(content.text)
            self._loaded_promise = content.next_update_by
            self.promise_check.setChecked(content.next_update_by is not None)
            if content.next_update_by is not None:
                secs = int(content.next_update_by.timestamp())
                self.promise_edit.setDateTime(QDateTime.fromSecsSinceEpoch(secs))
            else:
                self.promise_edit.setDateTime(_half_an_hour_from_now())
        finally:
            self.blockSignals(was_blocked)
        self._channels_changed()

    def content(self) -> EditorContent:
        """Return what the editor holds now."""
        promise = None
        if self.promise_check.isChecked():
            secs = self.promise_edit.dateTime().toSecsSinceEpoch()
            loaded = self._loaded_promise
            # The field shows whole minutes; an untouched promise keeps its exact saved time.
            if loaded is not None and int(loaded.timestamp()) // 60 == secs // 60:
                promise = loaded
            else:
                promise = datetime.fromtimestamp(secs, UTC)
        return EditorContent(
            channel_names=self.channel_model.checked_names(),
            subject=self.subject.text(),
            text=self.text.toPlainText(),
            next_update_by=promise,
        )

    def set_read_only(self, read_only: bool) -> None:
        """Lock the editor (a released statement, a closed incident)."""
        self.text.setReadOnly(read_only)
        self.subject.setReadOnly(read_only)
        self.channel_list.setEnabled(not read_only)
        self.promise_check.setEnabled(not read_only)
        self.promise_edit.setEnabled(not read_only and self.promise_check.isChecked())

    def over_limit(self) -> list[str]:
        """Return the names of checked channels whose limit the text exceeds."""
        text = self.text.toPlainText()
        return [c.name for c in self.channel_model.checked_channels() if counter_text(c, text)[1]]

    def _promise_toggled(self, checked: bool) -> None:
        self.promise_edit.setEnabled(checked and not self.text.isReadOnly())
        self.content_changed.emit()

    def _channels_changed(self) -> None:
        self.subject.setEnabled(any(c.has_subject for c in self.channel_model.checked_channels()))
        self._rebuild_counters()
        self.content_changed.emit()

    def _rebuild_counters(self) -> None:
        wanted = self.channel_model.checked_channels()
        names = tuple(c.name for c in wanted)
        if names != self._counter_names or not self.counters:
            self._counter_names = names
            for label in self.counters.values():
                self.counters_layout.removeWidget(label)
                label.deleteLater()
            self.counters.clear()
            while self.counters_layout.count():
                self.counters_layout.takeAt(0)
            for channel in wanted:
                label = QLabel(self.counters_host)
                label.setObjectName(f"counter_{channel.name}")
                self.counters_layout.addWidget(label)
                self.counters[channel.name] = label
            if not wanted:
                hint = QLabel("choose at least one channel", self.counters_host)
                hint.setObjectName("counter_none")
                self.counters_layout.addWidget(hint)
                self.counters[""] = hint
            self.counters_layout.addStretch(1)
        self._update_counters()

    def _text_changed(self) -> None:
        self._update_counters()
        self.content_changed.emit()

    def _update_counters(self) -> None:
        text = self.text.toPlainText()
        for channel in self.channel_model.checked_channels():
            label = self.counters.get(channel.name)
            if label is None:
                continue
            shown, over = counter_text(channel, text)
            label.setText(shown + (": too long" if over else ""))
            label.setProperty("over", over)
            label.setStyleSheet(_OVER_STYLE if over else _OK_STYLE)
            label.setAccessibleName(shown + (", over the limit" if over else ""))
            label.setToolTip(
                f"{channel.name} allows {channel.limit.maximum} {channel.limit.unit}"
                if channel.limit.maximum
                else f"{channel.name} has no length limit"
            )
