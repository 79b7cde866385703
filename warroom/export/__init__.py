"""Export formats of the incident log: PDF for people, JSON/CSV/Markdown for machines.

Every writer works from a :class:`warroom.domain.incident_log.IncidentLog` snapshot and knows
nothing of the database: its entries arrive one at a time (a stream), so no writer holds the
timeline. Only :mod:`warroom.export.pdf` uses Qt, and imports it lazily.
"""

from warroom.export.formats import ExportCancelled, ExportFormat, PageSize, Progress

__all__ = ["ExportCancelled", "ExportFormat", "PageSize", "Progress"]
