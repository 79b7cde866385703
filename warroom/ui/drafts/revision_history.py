"""A statement's revision history: a list of revisions and the diff of the chosen one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QListView, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from warroom.domain.statements import Revision
from warroom.ui.drafts.revision_diff import revision_diff_html

REVISION_ROLE = Qt.ItemDataRole.UserRole + 1
ModelIndex = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


def _local(moment: Any) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


class RevisionListModel(QAbstractListModel):
    """One row per revision, newest first (the one people usually want to compare)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Revision] = []

    def set_revisions(self, revisions: Sequence[Revision]) -> None:
        """Show ``revisions`` (given oldest first, as the service returns them)."""
        self.beginResetModel()
        self._rows = sorted(revisions, key=lambda r: r.revision, reverse=True)
        self.endResetModel()

    def previous(self, revision: Revision) -> Revision | None:
        """Return the revision before ``revision``, if any."""
        older = [r for r in self._rows if r.revision < revision.revision]
        return max(older, key=lambda r: r.revision) if older else None

    def rowCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        revision = self._rows[index.row()]
        if role == REVISION_ROLE:
            return revision
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"r{revision.revision}  {_local(revision.created_at)}  {revision.author}"
        if role == Qt.ItemDataRole.ToolTipRole:
            when = f"{revision.created_at:%Y-%m-%d %H:%M} UTC"
            return f"Revision {revision.revision} by {revision.author}, {when}"
        return None


class RevisionHistoryView(QWidget):
    """Pick a revision on the left; read what it changed on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RevisionListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("revisionList")
        self.list.setAccessibleName("Revisions")
        self.list.setModel(self.model)
        self.diff = QTextBrowser(self)
        self.diff.setObjectName("revisionDiff")
        self.diff.setAccessibleName("Changes in the chosen revision")
        self.diff.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.diff)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.list.selectionModel().currentChanged.connect(self._show_current)

    def set_revisions(self, revisions: Sequence[Revision]) -> None:
        """Show a statement's revisions and the diff of the newest."""
        self.model.set_revisions(revisions)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self.diff.clear()

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        revision = current.data(REVISION_ROLE) if current.isValid() else None
        if not isinstance(revision, Revision):
            self.diff.clear()
            return
        before = self.model.previous(revision)
        if before is None:
            heading = f"Revision {revision.revision} by {revision.author} (first text)"
            html = revision_diff_html(
                revision.subject, revision.text, revision.subject, revision.text, heading
            )
        else:
            heading = (
                f"Revision {revision.revision} by {revision.author}: "
                f"changes since revision {before.revision}"
            )
            html = revision_diff_html(
                before.subject, before.text, revision.subject, revision.text, heading
            )
        self.diff.setHtml(html)
