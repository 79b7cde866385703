"""The editor's variant tabs: the main text, then one tab per chosen channel.

A channel's tab shows what that channel will receive. Until someone types in it, it follows
the main text (marked "same as main text"); typing there gives the channel its own text
("edited"), and "Use the main text" goes back. Each tab has the channel's counter. What the
tabs say comes from :mod:`warroom.ui.drafts.variant_state` (no Qt).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.channels import Channel
from warroom.domain.variants import Variant
from warroom.ui.drafts.variant_state import VariantTab

OVER_STYLE = "color:#ffffff; background:#b00020; border-radius:3px; padding:1px 6px"
OK_STYLE = "color:#1a1a1a; background:#e8e8e8; border-radius:3px; padding:1px 6px"


class VariantPage(QWidget):
    """One channel's variant: its subject (where it sends one), text, counter and marker."""

    changed = Signal()

    def __init__(self, channel: Channel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.channel = channel
        self.edited = False
        name = channel.name
        self.setObjectName(f"variantPage_{name}")
        self.marker = QLabel(self)
        self.marker.setObjectName(f"variantMarker_{name}")
        self.counter = QLabel(self)
        self.counter.setObjectName(f"variantCounter_{name}")
        self.subject = QLineEdit(self)
        self.subject.setObjectName(f"variantSubject_{name}")
        self.subject.setAccessibleName(f"Subject for {name}")
        self.subject.setEnabled(channel.has_subject)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName(f"variantEditor_{name}")
        self.text.setAccessibleName(f"Text for {name}")
        self.text.setTabChangesFocus(True)
        self.reset_button = QPushButton("Use the &main text", self)
        self.reset_button.setObjectName(f"variantReset_{name}")
        self.reset_button.setToolTip(f"{name} follows the main text again")
        top = QHBoxLayout()
        top.addWidget(self.marker, 1)
        top.addWidget(self.counter)
        top.addWidget(self.reset_button)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Subject:", self.subject)
        form.addRow("Text:", self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(form, 1)
        self.subject.textEdited.connect(self._typed)
        self.text.textChanged.connect(self._text_changed)
        self.reset_button.clicked.connect(self.use_main_text)
        self._loading = False

    def load(self, own: Variant | None, main_subject: str, main_text: str) -> None:
        """Show the channel's own variant, or the main text it follows."""
        self.edited = own is not None
        if own is not None:
            self._show(own.subject, own.text)
        else:
            self._show(self._main_subject(main_subject), main_text)

    def follow(self, main_subject: str, main_text: str) -> None:
        """The main text changed: a tab that follows it shows the new text."""
        if not self.edited:
            self._show(self._main_subject(main_subject), main_text)

    def own(self) -> Variant | None:
        """Return the channel's own variant (None: it follows the main text)."""
        if not self.edited:
            return None
        subject = self.subject.text() if self.subject.isEnabled() else ""
        return Variant(self.channel.name, subject, self.text.toPlainText(), edited=True)

    def use_main_text(self) -> None:
        """Go back to the main text (the person's own text for this channel is dropped)."""
        self.edited = False
        self.changed.emit()

    def show_tab(self, tab: VariantTab) -> None:
        """Show the counter and the marker the state model computed."""
        self.marker.setText(tab.marker + (f" ({tab.problem})" if tab.problem else ""))
        self.counter.setText(tab.counter)
        self.counter.setProperty("over", tab.over)
        self.counter.setStyleSheet(OVER_STYLE if tab.over else OK_STYLE)
        self.counter.setAccessibleName(tab.counter + (", over the limit" if tab.over else ""))
        self.reset_button.setEnabled(tab.edited and not self.text.isReadOnly())

    def set_read_only(self, read_only: bool) -> None:
        """Lock the page (a released statement, a closed incident)."""
        self.text.setReadOnly(read_only)
        self.subject.setReadOnly(read_only)
        self.reset_button.setEnabled(self.edited and not read_only)

    def _main_subject(self, main_subject: str) -> str:
        return main_subject if self.channel.has_subject else ""

    def _show(self, subject: str, text: str) -> None:
        self._loading = True
        try:
            if self.subject.text() != subject:
                self.subject.setText(subject)
            if self.text.toPlainText() != text:
                self.text.setPlainText(text)
        finally:
            self._loading = False

    def _typed(self) -> None:
        self.edited = True
        self.changed.emit()

    def _text_changed(self) -> None:
        if not self._loading:
            self._typed()


class VariantTabs(QTabWidget):
    """The main text's page, then one :class:`VariantPage` per chosen channel."""

    changed = Signal()

    def __init__(self, main_page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftVariants")
        self.setAccessibleName("Text per channel")
        self.setDocumentMode(True)
        self.addTab(main_page, "Main text")
        self.pages: dict[str, VariantPage] = {}

    def sync(self, channels: Sequence[Channel], main_subject: str, main_text: str) -> None:
        """Have one page per chosen channel, in order; pages of kept channels keep their text."""
        wanted = [c.name for c in channels]
        for name in list(self.pages):
            if name not in wanted:
                gone = self.pages.pop(name)
                self.removeTab(self.indexOf(gone))
                gone.deleteLater()
        for position, channel in enumerate(channels, start=1):
            kept = self.pages.get(channel.name)
            if kept is None:
                page = VariantPage(channel, self)
                page.load(None, main_subject, main_text)
                page.changed.connect(self.changed)
                self.pages[channel.name] = page
                self.insertTab(position, page, channel.name)
            elif self.indexOf(kept) != position:
                self.removeTab(self.indexOf(kept))
                self.insertTab(position, kept, channel.name)

    def load(self, own: Sequence[Variant], main_subject: str, main_text: str) -> None:
        """Show the saved (or kept) variants: the pages of other channels follow the main text."""
        by_channel = {v.channel: v for v in own}
        for name, page in self.pages.items():
            page.load(by_channel.get(name), main_subject, main_text)

    def follow(self, main_subject: str, main_text: str) -> None:
        """The main text changed: update the pages that follow it."""
        for page in self.pages.values():
            page.follow(main_subject, main_text)

    def own(self) -> tuple[Variant, ...]:
        """Return the chosen channels' own variants."""
        return tuple(v for page in self.pages.values() if (v := page.own()) is not None)

    def show_tabs(self, tabs: Sequence[VariantTab]) -> None:
        """Title every tab and show each page's counter and marker."""
        for tab in tabs:
            if not tab.channel:
                self.setTabText(0, tab.title)
                self.setTabToolTip(0, tab.problem or tab.counter)
                continue
            page = self.pages.get(tab.channel)
            if page is None:
                continue
            index = self.indexOf(page)
            self.setTabText(index, tab.title)
            self.setTabToolTip(index, f"{tab.channel}: {tab.marker}; {tab.counter}")
            page.show_tab(tab)

    def set_read_only(self, read_only: bool) -> None:
        """Lock every channel's page."""
        for page in self.pages.values():
            page.set_read_only(read_only)
