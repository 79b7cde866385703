"""The statement editor: channels, the main subject and text, each channel's variant in its
own tab, live per-channel counters, and the promise.

A promise typed into the main text ("next update by 15:00 UTC") is detected
(domain.promises) and offered as the tracked promise; the promise field shows its time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.channels import Channel, fit
from warroom.domain.clock import Clock, utc_now
from warroom.domain.promises import DetectedPromise, detect_promise
from warroom.ui.drafts.content import EditorContent
from warroom.ui.drafts.model import ChannelChoiceModel
from warroom.ui.drafts.variant_state import over_limit, variant_tabs
from warroom.ui.drafts.variant_tabs import VariantTabs

_OVER_STYLE = "color:#ffffff; background:#b00020; border-radius:3px; padding:1px 6px"
_OK_STYLE = "color:#1a1a1a; background:#e8e8e8; border-radius:3px; padding:1px 6px"


def counter_text(channel: Channel, text: str) -> tuple[str, bool]:
    """Return the counter label for ``channel`` and whether ``text`` does not fit it (the
    domain's one measure, as the release preview, the service and the connectors use)."""
    measured = fit(channel, text)
    return measured.counter, not measured.fits


def _local_zone() -> tzinfo:
    """Return the workstation's zone: a time written without one is read in it."""
    return datetime.now().astimezone().tzinfo or UTC


def _half_an_hour_from_now() -> QDateTime:
    """Return a suggested promise: the next whole five minutes, half an hour from now."""
    moment = QDateTime.currentDateTime().addSecs(30 * 60)
    minutes = moment.time().minute()
    return moment.addSecs(((5 - minutes % 5) % 5) * 60 - moment.time().second())


class StatementEditor(QWidget):
    """Edit one statement. ``content_changed`` fires on every keystroke or choice."""

    content_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, now: Clock = utc_now) -> None:
        super().__init__(parent)
        self._clock = now
        self.detected: DetectedPromise | None = None
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
        main_page = QWidget(self)
        self.subject = QLineEdit(main_page)
        self.subject.setObjectName("draftSubject")
        self.subject.setAccessibleName("Subject (email)")
        self.subject.setPlaceholderText("Subject line for email channels")
        self.text = QPlainTextEdit(main_page)
        self.text.setObjectName("draftEditor")
        self.text.setAccessibleName("Statement text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Write the statement here")
        # Three lines at least, not the scroll area's taller default: small screens need
        # the height for the checklist (the editor grows with the pane).
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.counters_host = QWidget(self)
        self.counters_layout = QHBoxLayout(self.counters_host)
        self.counters_layout.setContentsMargins(0, 0, 0, 0)
        self.counters: dict[str, QLabel] = {}
        self.promise_check = QCheckBox("&Promise next update by", self)
        self.promise_check.setObjectName("draftPromiseCheck")
        self.promise_edit = QDateTimeEdit(self)
        self.promise_edit.setObjectName("draftNextUpdate")
        self.promise_edit.setAccessibleName("Next update by (local time, zone shown)")
        # The zone is part of the promise: "15:00" alone would be read differently in
        # another room.
        self.promise_edit.setDisplayFormat("yyyy-MM-dd HH:mm t")
        self.promise_edit.setCalendarPopup(True)
        self.promise_edit.setEnabled(False)
        self._loaded_promise: datetime | None = None
        self._counter_names: tuple[str, ...] = ()

        self.promise_hint = QLabel(self)
        self.promise_hint.setObjectName("draftPromiseDetected")
        self.promise_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.promise_hint.hide()
        self.promise_use = QPushButton("&Use it", self)
        self.promise_use.setObjectName("draftPromiseUse")
        self.promise_use.setToolTip("Track the promise the text makes")
        self.promise_use.setAutoDefault(False)
        self.promise_use.clicked.connect(self.use_detected_promise)
        self.promise_use.hide()
        promise_row = QHBoxLayout()
        promise_row.addWidget(self.promise_check)
        promise_row.addWidget(self.promise_edit)
        promise_row.addWidget(self.promise_hint)
        promise_row.addWidget(self.promise_use)
        promise_row.addStretch(1)
        main_form = QFormLayout()
        main_form.setContentsMargins(4, 4, 4, 4)
        main_form.addRow("S&ubject:", self.subject)
        main_form.addRow("&Text:", self.text)
        QVBoxLayout(main_page).addLayout(main_form)
        self.variants = VariantTabs(main_page, self)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("C&hannels:", self.channel_list)
        form.addRow(self.variants)
        form.addRow("Length:", self.counters_host)
        form.addRow("Promise:", promise_row)

        self.channel_model.choice_changed.connect(self._channels_changed)
        self.channel_model.modelReset.connect(self._channels_changed)
        self.subject.textChanged.connect(self._text_changed)
        self.text.textChanged.connect(self._text_changed)
        self.variants.changed.connect(self._variant_changed)
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
            self.variants.sync(self.channel_model.checked_channels(), content.subject, content.text)
            self.variants.load(content.own, content.subject, content.text)
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
            own=self.variants.own(),
        )

    def set_read_only(self, read_only: bool) -> None:
        """Lock the editor (a released statement, a closed incident)."""
        self.text.setReadOnly(read_only)
        self.subject.setReadOnly(read_only)
        self.channel_list.setEnabled(not read_only)
        self.promise_check.setEnabled(not read_only)
        self.promise_edit.setEnabled(not read_only and self.promise_check.isChecked())
        self.variants.set_read_only(read_only)
        self._update_counters()

    def over_limit(self) -> list[str]:
        """Return the names of checked channels whose text (own or main) exceeds its limit."""
        return over_limit(self.content(), self.channel_model.checked_channels())

    def _promise_toggled(self, checked: bool) -> None:
        self.promise_edit.setEnabled(checked and not self.text.isReadOnly())
        self._offer_promise()
        self.content_changed.emit()

    def _channels_changed(self) -> None:
        checked = self.channel_model.checked_channels()
        self.subject.setEnabled(any(c.has_subject for c in checked))
        self.variants.sync(checked, self.subject.text(), self.text.toPlainText())
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
        self.variants.follow(self.subject.text(), self.text.toPlainText())
        self._update_counters()
        self._offer_promise()
        self.content_changed.emit()

    def _variant_changed(self) -> None:
        # "Use the main text" shows the main text again; typing keeps the page's own.
        self.variants.follow(self.subject.text(), self.text.toPlainText())
        self._update_counters()
        self.content_changed.emit()

    def _offer_promise(self) -> None:
        """Offer the promise the text makes when it is not the one tracked."""
        found = detect_promise(self.text.toPlainText(), self._clock(), _local_zone())
        tracked = self.content().next_update_by
        same = (
            tracked is not None
            and found is not None
            and abs(found.at - tracked) < timedelta(minutes=1)
        )
        self.detected = None if same or self.text.isReadOnly() else found
        shown = self.detected is not None
        if self.detected is not None:
            local = self.detected.at.astimezone()
            assumed = "" if self.detected.zone_given else ", zone assumed"
            self.promise_hint.setText(
                f"The text promises an update by {local:%H:%M %Z} "
                f"({self.detected.at:%H:%M} UTC{assumed})"
            )
        self.promise_hint.setVisible(shown)
        self.promise_use.setVisible(shown)

    def use_detected_promise(self) -> None:
        """Track the promise the text makes."""
        found = self.detected
        if found is None:
            return
        self.promise_check.setChecked(True)
        self.promise_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(found.at.timestamp())))
        self._offer_promise()

    def _update_counters(self) -> None:
        checked = self.channel_model.checked_channels()
        tabs = variant_tabs(self.content(), checked)
        self.variants.show_tabs(tabs)
        by_channel = {tab.channel: tab for tab in tabs}
        for channel in checked:
            label = self.counters.get(channel.name)
            tab = by_channel.get(channel.name)
            if label is None or tab is None:
                continue
            shown, over = tab.counter.removesuffix(": too long"), tab.over
            if tab.edited:
                shown += " (own text)"
            label.setText(shown + (": too long" if over else ""))
            label.setProperty("over", over)
            label.setStyleSheet(_OVER_STYLE if over else _OK_STYLE)
            label.setAccessibleName(shown + (", over the limit" if over else ""))
            label.setToolTip(
                f"{channel.name} allows {channel.limit.maximum} {channel.limit.unit}"
                if channel.limit.maximum
                else f"{channel.name} has no length limit"
            )
