"""The wave chart as a picture in the PDF's inbox section (issue 15: "the PDF shows the chart").

The chart is drawn once (:func:`warroom.export.wave_drawing.wave_image`, the window's drawing)
into an image as wide as the page's body at the printer's resolution, and handed to the
prose section's QTextDocument as an image resource that its ``<img>`` names. QtGui only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPdfWriter, QTextDocument

from warroom.domain.inbox_stats import InboxStats
from warroom.export.pdf_html import WAVE_IMAGE
from warroom.export.wave_drawing import wave_image

#: the chart's height as a share of its width (the window's chart is about 420 x 150)
ASPECT = 0.34
#: image pixels per drawing unit: at 300 dpi on A4 the chart is about 720 units wide, so
#: the window's margins and font sizes keep their proportions
SCALE = 3.0


@dataclass(frozen=True, slots=True)
class WavePicture:
    """The chart's image and the size its ``<img>`` asks for, in the document's units."""

    image: QImage
    html_width: float
    html_height: float

    def resources(self) -> dict[str, QImage]:
        """Return the image resources of the section that shows the picture."""
        return {WAVE_IMAGE: self.image}


def _units_per_pixel(writer: QPdfWriter) -> float:
    """Return how many ``<img>`` units make one device pixel in a document laid out for
    ``writer`` (Qt scales images by the device's dpi over the screen's, whatever it is)."""
    probe = QTextDocument()
    probe.documentLayout().setPaintDevice(writer)
    probe.setDocumentMargin(0)
    dot = QImage(1, 1, QImage.Format.Format_RGB32)
    dot.fill(QColor("white"))
    probe.addResource(QTextDocument.ResourceType.ImageResource, QUrl("probe"), dot)
    probe.setHtml('<img src="probe" width="1000" height="10">')
    width = probe.idealWidth()
    return 1000 / width if width > 0 else 1.0


def wave_picture(
    stats: InboxStats, writer: QPdfWriter, body_width: float, font: QFont
) -> WavePicture | None:
    """Return the chart of ``stats`` sized for the page, or None when there is no inbound."""
    if not stats.buckets:
        return None
    width = body_width / SCALE
    image = wave_image(stats, width, width * ASPECT, scale=SCALE, font=font)
    units = _units_per_pixel(writer)
    return WavePicture(image, body_width * units, body_width * ASPECT * units)
