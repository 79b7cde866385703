"""Export formats of the incident log: PDF for people, JSON/CSV/Markdown for machines.

Every writer works from a :class:`warroom.domain.incident_log.IncidentLog` snapshot and knows
nothing of the database. Only :mod:`warroom.export.pdf` uses Qt, and imports it lazily.
"""

from warroom.export.formats import ExportFormat, PageSize, Progress

__all__ = ["ExportFormat", "PageSize", "Progress"]
