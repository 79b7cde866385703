"""Pages of the PDF as they are written: where the next thing goes, and the file they go to.

The PDF is drawn in two passes over the same content: the first only lays out (to count the
pages, so each can say "page N of M"), the second draws. :class:`Flow` is the cursor of
both: the page number and the height used on it; blocks of HTML (QTextDocument) and the
timeline table (QPainter) continue one another on the same page. Only QtGui is used.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QFile, QFileDevice, QIODevice, QRectF, QSizeF, QUrl
from PySide6.QtGui import QFont, QImage, QPainter, QPdfWriter, QTextDocument


class FileSink:
    """The file the PDF goes to, and the first write error Qt met on it.

    QPdfWriter ignores write errors, so on a full disk it would leave a truncated PDF and
    report success: Qt writes through a QFile on our open file, whose error is checked at
    the end and raised as the OSError (with its errno) that the write met.
    """

    def __init__(self, path: Path) -> None:
        self._stream: BinaryIO = path.open("wb")
        self.device = QFile()
        if not self.device.open(
            self._stream.fileno(),
            QIODevice.OpenModeFlag.WriteOnly,
            QFileDevice.FileHandleFlag.DontCloseHandle,
        ):
            self._stream.close()
            raise OSError(errno.EIO, self.device.errorString())

    def finish(self) -> None:
        """Flush what Qt wrote; raise the write error if there was one."""
        self.device.flush()
        failed = self.device.error() != QFileDevice.FileError.NoError
        message = self.device.errorString()
        self.device.close()
        if failed:
            raise OSError(_errno(message), message)
        os.fsync(self._stream.fileno())

    def close(self) -> None:
        """Close the file (after :meth:`finish`, or on failure)."""
        if self.device.isOpen():
            self.device.close()
        self._stream.close()


def _errno(message: str) -> int:
    """Return the errno whose text Qt reported (Qt keeps only the text)."""
    for number in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG):
        if os.strerror(number).lower() in message.lower():
            return number
    return errno.EIO


class Flow:
    """The current page and height used on it, in the body area between the page bands.

    ``decorate(painter, number)`` draws a page's running header and footer; it is called for
    every page of the drawing pass (``painter`` set), never in the counting pass.
    """

    def __init__(
        self,
        writer: QPdfWriter,
        body: QSizeF,
        top: float,
        decorate: Callable[[QPainter, int], None],
    ) -> None:
        self.writer = writer
        self.body = body
        self.top = top
        self._decorate = decorate
        self.painter: QPainter | None = None
        self.page = 0
        self.y = 0.0

    def start(self, painter: QPainter | None) -> None:
        """Begin a pass on page 1 (``painter`` None: count only)."""
        self.painter = painter
        self.page = 0
        self.y = 0.0
        if painter is not None:
            self._decorate(painter, 0)

    @property
    def room(self) -> float:
        """Return the height left on the current page."""
        return self.body.height() - self.y

    def new_page(self) -> None:
        """Continue on a new page."""
        self.page += 1
        self.y = 0.0
        if self.painter is not None:
            self.writer.newPage()
            self._decorate(self.painter, self.page)

    def html(self, markup: str, font: QFont, images: Mapping[str, QImage] | None = None) -> None:
        """Lay out (and in the drawing pass draw) HTML from the current position on;
        ``images`` are the pictures its ``<img src=NAME>`` show."""
        height = self.body.height()
        document = QTextDocument()
        for name, image in (images or {}).items():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        document.documentLayout().setPaintDevice(self.writer)
        document.setDefaultFont(font)
        document.setDocumentMargin(0)
        document.setPageSize(self.body)
        document.setHtml(markup)
        if self.y > 0:
            # A QTextDocument paginates from its own top: what follows the timeline starts
            # on a page of its own (a spacer frame shifts the layout but Qt then skips
            # drawing the text blocks of its later pages).
            self.new_page()
        pages = max(document.pageCount(), 1)
        for number in range(pages):
            if number:
                self.new_page()
            if self.painter is not None:
                self.painter.save()
                self.painter.translate(0, self.top - number * height)
                document.drawContents(
                    self.painter, QRectF(0, number * height, self.body.width(), height)
                )
                self.painter.restore()
        self.y = document.documentLayout().documentSize().height() - (pages - 1) * height
