"""What a public status page says about an incident: its status and its components' status.

War Room's incidents are open or closed today; the lifecycle statuses (investigating,
identified, monitoring, resolved) are the status page's own words and pass through, so a
richer War Room lifecycle maps without a change here.
"""

from __future__ import annotations

PAGE_STATUSES = ("investigating", "identified", "monitoring", "resolved")
#: Statuspage's component statuses, from worst to best.
COMPONENT_STATUSES = (
    "major_outage",
    "partial_outage",
    "degraded_performance",
    "under_maintenance",
    "operational",
)
#: What people read for each page status.
STATUS_LABELS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
}


def page_status(incident_status: str) -> str:
    """Return the status page's incident status for a War Room incident status.

    ``open`` is investigating and ``closed`` resolved; a lifecycle status of the page's own
    vocabulary is kept; anything unknown is shown as investigating (never as resolved).
    """
    status = incident_status.strip().lower()
    if status in PAGE_STATUSES:
        return status
    if status in ("closed", "done", "ended"):
        return "resolved"
    return "investigating"


def component_status(incident_status: str, severity: int) -> str:
    """Return the status of the affected component: operational once resolved, else by
    severity (SEV1 a major outage, SEV2 a partial outage, lower a degraded performance)."""
    if page_status(incident_status) == "resolved":
        return "operational"
    if severity == 1:
        return "major_outage"
    if severity == 2:
        return "partial_outage"
    return "degraded_performance"
