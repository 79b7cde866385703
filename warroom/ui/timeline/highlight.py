"""Painting the entry text with the searched words marked, in the theme's own colours.

The model answers :data:`~warroom.ui.timeline.model.HIGHLIGHT_ROLE` with the character
ranges that matched (worked out only for rows being painted); cells without any are painted
by Qt as usual, so a timeline that is not searched costs nothing more. Marked words are bold
on a tint of the palette's highlight colour (a lighter band on a selected row): the same
code reads on the light platform look and on the dark wall theme, and bold keeps the marks
visible to someone who cannot tell the tint apart.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from warroom.ui.timeline.model import HIGHLIGHT_ROLE

#: How strongly the highlight colour tints a marked word (0-255).
TINT_ALPHA = 96
SELECTED_TINT_ALPHA = 72


def mark_format(palette: QPalette, *, selected: bool, font: QFont) -> QTextCharFormat:
    """Return how a matched word looks: bold, on a tint of the theme's highlight colour."""
    marked = QTextCharFormat()
    bold = QFont(font)
    bold.setBold(True)
    marked.setFont(bold)
    if selected:  # the row is already the highlight colour: a band of its text colour
        tint = QColor(palette.color(QPalette.ColorRole.HighlightedText))
        tint.setAlpha(SELECTED_TINT_ALPHA)
    else:
        tint = QColor(palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(TINT_ALPHA)
    marked.setBackground(tint)
    return marked


def visible_spans(spans: tuple[tuple[int, int], ...], shown: int) -> list[tuple[int, int]]:
    """Return the spans that fall within the first ``shown`` characters, cut to them."""
    return [(start, min(end, shown)) for start, end in spans if start < shown]


class HighlightDelegate(QStyledItemDelegate):
    """Paint a text cell with its matched words marked (other cells: Qt's own painting)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        spans = index.data(HIGHLIGHT_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        text = item.text
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, widget)
        item.text = ""
        # Background, selection and focus as Qt paints them; the text is ours.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)

        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        area.adjust(margin, 0, -margin, 0)
        font = item.font
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        palette = item.palette
        marked = mark_format(palette, selected=selected, font=font)
        # Elide as if every word were bold, so the marked words never push past the cell.
        elided = QFontMetricsF(marked.font()).elidedText(
            text, Qt.TextElideMode.ElideRight, area.width()
        )
        shown = len(elided) - 1 if elided != text else len(text)

        layout = QTextLayout(elided, font)
        no_wrap = QTextOption()
        no_wrap.setWrapMode(QTextOption.WrapMode.NoWrap)
        layout.setTextOption(no_wrap)
        ranges = []
        for start, end in visible_spans(tuple(spans), shown):
            mark = QTextLayout.FormatRange()
            mark.start, mark.length, mark.format = start, end - start, marked
            ranges.append(mark)
        layout.setFormats(ranges)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(area.width())
        layout.endLayout()

        group = QPalette.ColorGroup.Active
        if not item.state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        if not item.state & QStyle.StateFlag.State_Enabled:
            group = QPalette.ColorGroup.Disabled
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setClipRect(area)
        painter.setPen(palette.color(group, role))
        top = area.top() + (area.height() - line.height()) / 2
        layout.draw(painter, QPointF(area.left(), top))
        painter.restore()
