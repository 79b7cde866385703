"""The export formats, page sizes and the progress callback type."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from warroom.domain.errors import ValidationError

#: ``progress(done, total)``: called from whatever thread runs the export, every few hundred
#: entries; it may raise :class:`ExportCancelled` to stop the export (nothing is left behind).
Progress = Callable[[int, int], None]


class ExportCancelled(Exception):
    """Raised by a progress callback to stop an export; the incomplete file is removed."""

    def __init__(self) -> None:
        super().__init__("the export was cancelled; nothing was written")


def no_progress(done: int, total: int) -> None:
    """Ignore progress reports."""


class ExportFormat(StrEnum):
    """The formats an incident log can be exported to."""

    PDF = "pdf"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "md"

    @classmethod
    def parse(cls, value: str) -> ExportFormat:
        """Return the format named ``value`` ('markdown' is accepted for 'md')."""
        text = value.strip().lower().lstrip(".")
        if text == "markdown":
            text = "md"
        try:
            return cls(text)
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise ValidationError(f"unknown export format {value!r}; use one of {names}") from None

    @classmethod
    def from_path(cls, path: Path) -> ExportFormat:
        """Guess the format from a file name's suffix, or say that --format is needed."""
        suffix = path.suffix.lower().lstrip(".")
        try:
            return cls.parse(suffix)
        except ValidationError:
            raise ValidationError(
                f"cannot tell the format from {path.name!r}; give --format pdf|json|csv|md"
            ) from None


class PageSize(StrEnum):
    """Paper sizes for the PDF."""

    A4 = "a4"
    LETTER = "letter"

    @classmethod
    def parse(cls, value: str) -> PageSize:
        """Return the page size named ``value``."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValidationError(f"unknown page size {value!r}; use a4 or letter") from None
