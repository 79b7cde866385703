"""The Windows version resource of ``warroom.exe``, generated from ``warroom.__version__``.

``packaging/warroom.spec`` writes it to a file in PyInstaller's work folder on Windows, so
Explorer's Properties > Details shows the product name and version.
"""

from __future__ import annotations

import re
from pathlib import Path

PRODUCT = "War Room"
DESCRIPTION = "War Room: crisis war room"


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """Return the four numbers Windows wants, e.g. ``"0.1.0"`` -> ``(0, 1, 0, 0)``."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:4]]
    padded = [*numbers, 0, 0, 0, 0][:4]
    return padded[0], padded[1], padded[2], padded[3]


def version_info_text(version: str, exe_name: str = "warroom.exe") -> str:
    """Return a PyInstaller version file (the ``VSVersionInfo(...)`` text format)."""
    numbers = version_numbers(version)
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
        StringStruct('CompanyName', {PRODUCT!r}),
        StringStruct('FileDescription', {DESCRIPTION!r}),
        StringStruct('FileVersion', {version!r}),
        StringStruct('InternalName', {exe_name.removesuffix(".exe")!r}),
        StringStruct('OriginalFilename', {exe_name!r}),
        StringStruct('ProductName', {PRODUCT!r}),
        StringStruct('ProductVersion', {version!r})
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def write_version_file(folder: Path, version: str, exe_name: str = "warroom.exe") -> Path:
    """Write the version file for ``exe_name`` into ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exe_name.removesuffix('.exe')}-version.txt"
    path.write_text(version_info_text(version, exe_name), encoding="utf-8")
    return path
