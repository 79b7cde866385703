"""Regenerate the application icon set from ``resources/icons/app/warroom.svg``.

Writes, next to the SVG: ``warroom-<size>.png`` for the sizes desktops use, ``warroom.ico``
(Windows) and ``warroom.icns`` (macOS). The PNGs are rendered with Qt's QSvgRenderer; the ICO
and ICNS containers are written here (both simply wrap PNG images), so no imaging library
beyond Qt is needed and the output does not depend on which Qt image plugins are installed.

Run from anywhere: ``python packaging/render_icons.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = REPO_ROOT / "resources" / "icons" / "app"
SOURCE = ICON_DIR / "warroom.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 64, 128, 256)  # ICO entries stop at 256 px
# ICNS element types holding PNG data, by pixel size (the @2x types reuse a larger image).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),  # 16x16@2x
    (b"ic12", 64),  # 32x32@2x
    (b"ic13", 256),  # 128x128@2x
    (b"ic14", 512),  # 256x256@2x
)


def png_name(size: int) -> str:
    """Return the file name of one PNG size."""
    return f"warroom-{size}.png"


def render_pngs(svg: Path, sizes: Sequence[int]) -> dict[int, bytes]:
    """Render ``svg`` to square PNG images, one per size, with Qt's SVG renderer."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not a valid SVG for Qt")
    images: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"png"))
        if not writer.write(image):
            raise SystemExit(f"error: cannot encode the {size} px PNG: {writer.errorString()}")
        buffer.close()
        images[size] = bytes(data.data())
    del app
    return images


def ico_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """Return a Windows ICO file whose entries are PNG images (supported since Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, payload = b"", b""
    for size in sizes:
        if not 0 < size <= 256:
            raise ValueError(f"ICO entries are 1..256 px, not {size}")
        data = pngs[size]
        side = 0 if size == 256 else size  # 0 means 256 in the ICO directory
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + directory + payload


def icns_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """Return a macOS ICNS file whose elements are PNG images (supported since 10.7)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in ICNS_TYPES
        if size in pngs
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icon_set(svg: Path, out: Path) -> list[Path]:
    """Render every PNG size, the ICO and the ICNS into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(svg, PNG_SIZES)
    written: list[Path] = []
    for size, data in pngs.items():
        path = out / png_name(size)
        path.write_bytes(data)
        written.append(path)
    for name, data in (
        ("warroom.ico", ico_bytes({s: pngs[s] for s in ICO_SIZES})),
        ("warroom.icns", icns_bytes(pngs)),
    ):
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the icon set; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SOURCE, help="the SVG source")
    parser.add_argument("--out", type=Path, default=ICON_DIR, help="where to write the set")
    args = parser.parse_args(argv)
    for path in write_icon_set(args.svg, args.out):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
