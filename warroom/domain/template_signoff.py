"""Whether a template's sign-off still holds: one wording for the CLI, the drafts pane and the
release preview.

A template signed off for use until a review date is pre-approved wording; once that date has
passed, the sign-off is stale: the text may no longer be what legal or comms would approve, so
people are told wherever the template (or a draft made from it) is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from warroom.domain.playbooks import StatementTemplate


def stale_signoff(template: StatementTemplate, today: date) -> str | None:
    """Say that the template's sign-off is stale (None while it holds, or without one)."""
    if not template.signed_off_by or not template.is_stale(today):
        return None
    review = f"{template.review_by:%Y-%m-%d}" if template.review_by else "an earlier date"
    return (
        f"template {template.key!r} was signed off by {template.signed_off_by} until {review}; "
        "that sign-off is stale: have the wording reviewed again"
    )


def stale_signoff_of(
    template_key: str | None, templates: Iterable[StatementTemplate], today: date
) -> str | None:
    """Say that the template a statement was made from has a stale sign-off (None if not)."""
    if not template_key:
        return None
    template = next((t for t in templates if t.key == template_key), None)
    return stale_signoff(template, today) if template is not None else None
