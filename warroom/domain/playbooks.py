"""Crisis playbooks: phased checklists and holding-statement templates.

Playbooks are human-edited TOML files; a mistake in one must be reported with the file, the
field and the problem, never as a traceback. Parsing lives here (pure, no file access); the
services layer finds and reads the files.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from warroom.domain.checklist import Phase
from warroom.domain.errors import ValidationError

_KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
#: A playbook is tables of items and templates holding lists of text: a few levels at most.
MAX_NESTING = 8
_TOP_FIELDS = {
    "key",
    "name",
    "description",
    "regulator_deadline_hours",
    "regulator_deadline_label",
    "items",
    "templates",
    "risk_words",
    "reply_approvals",
    "reply_templates",
}
_ITEM_FIELDS = {"phase", "text", "owner", "due_minutes", "stops_regulator_clock"}
_TEMPLATE_FIELDS = {"key", "name", "channels", "subject", "text", "signed_off_by", "review_by"}
_REPLY_TEMPLATE_FIELDS = {"key", "name", "text", "signed_off_by", "review_by"}


@dataclass(frozen=True, slots=True)
class PlaybookItem:
    """A checklist step as the playbook describes it."""

    phase: Phase
    text: str
    owner_role: str
    due_offset: timedelta | None
    #: Ticking this item records when the regulator was notified, which stops its clock.
    stops_regulator_clock: bool = False


@dataclass(frozen=True, slots=True)
class StatementTemplate:
    """A pre-written holding statement with ``{placeholders}``.

    ``signed_off_by``/``review_by`` record a pre-approval (e.g. by legal); past ``review_by``
    the sign-off is stale and must not be relied on.
    """

    key: str
    name: str
    channels: tuple[str, ...]
    subject: str
    text: str
    signed_off_by: str | None = None
    review_by: date | None = None

    def is_stale(self, today: date) -> bool:
        """Tell whether the pre-approval is past its review date."""
        return self.review_by is not None and today > self.review_by


@dataclass(frozen=True, slots=True)
class Playbook:
    """A crisis type's plan: checklist items, templates and an optional regulator deadline."""

    key: str
    name: str
    description: str
    items: tuple[PlaybookItem, ...]
    templates: tuple[StatementTemplate, ...]
    regulator_deadline: timedelta | None = None
    regulator_deadline_label: str = ""
    source: str = ""
    #: Words that make an inbound item more urgent (empty: the built-in list applies).
    risk_words: tuple[str, ...] = ()
    #: Approvals an in-thread reply needs (None: the incident's own rule).
    reply_approvals: int | None = None
    #: Replies pre-approved word for word (placeholders aside) while their sign-off is fresh.
    reply_templates: tuple[StatementTemplate, ...] = ()

    def template(self, key: str) -> StatementTemplate:
        """Return the template called ``key`` or refuse with the available keys."""
        for template in self.templates:
            if template.key == key:
                return template
        known = ", ".join(t.key for t in self.templates) or "none"
        raise ValidationError(f"playbook {self.key!r} has no template {key!r} (has: {known})")


class _Reader:
    """Reads fields out of parsed TOML, naming file and field in every complaint."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> ValidationError:
        return ValidationError(f"{self.source}: {where}: {problem}")

    def text(
        self, table: Mapping[str, Any], name: str, where: str, *, required: bool = True
    ) -> str:
        value = table.get(name)
        if value is None:
            if required:
                raise self.fail(f"{where}{name}", "is missing")
            return ""
        if not isinstance(value, str):
            raise self.fail(f"{where}{name}", f"must be text, not {type(value).__name__}")
        if required and not value.strip():
            raise self.fail(f"{where}{name}", "is empty")
        return value.strip()

    def minutes(self, table: Mapping[str, Any], name: str, where: str) -> timedelta | None:
        value = table.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{where}{name}", "must be a whole number of minutes, 0 or more")
        return timedelta(minutes=value)

    def flag(self, table: Mapping[str, Any], name: str, where: str) -> bool:
        """Read an optional boolean; a quoted "true" is refused rather than guessed at."""
        value = table.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}{name}", f"must be true or false, not {type(value).__name__}")
        return value

    def known_fields(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        """Refuse misspelt or unknown fields: a typo must not silently drop a setting."""
        for name in table:
            if name not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.fail(f"{where}{name}", f"unknown field (expected one of: {expected})")

    def tables(self, data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(name, f"must be a list of tables ([[{name}]])")
        return value


def parse_playbook(text: str, source: str) -> Playbook:
    """Parse a playbook from TOML ``text``; ``source`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{source}: not valid TOML: {error}") from None
    except RecursionError:
        raise ValidationError(f"{source}: nested too deeply to be a playbook") from None
    if _depth(data) > MAX_NESTING:
        raise ValidationError(
            f"{source}: nested more than {MAX_NESTING} levels deep; a playbook is flat"
        )
    read = _Reader(source)
    read.known_fields(data, _TOP_FIELDS, "")
    key = read.text(data, "key", "")
    if not set(key) <= _KEY_CHARS:
        raise read.fail("key", "use lowercase letters, digits and '-' only")
    hours = data.get("regulator_deadline_hours")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0):
        raise read.fail("regulator_deadline_hours", "must be a positive whole number of hours")
    items = []
    for index, table in enumerate(read.tables(data, "items")):
        where = f"items[{index}]."
        read.known_fields(table, _ITEM_FIELDS, where)
        phase_name = read.text(table, "phase", where)
        try:
            phase = Phase.parse(phase_name)
        except ValidationError as error:
            raise read.fail(f"{where}phase", str(error)) from None
        items.append(
            PlaybookItem(
                phase=phase,
                text=read.text(table, "text", where),
                owner_role=read.text(table, "owner", where),
                due_offset=read.minutes(table, "due_minutes", where),
                stops_regulator_clock=read.flag(table, "stops_regulator_clock", where),
            )
        )
    if not items:
        raise read.fail("items", "a playbook needs at least one checklist item")
    _check_regulator_stop(read, items, has_deadline=hours is not None)
    templates = [_parse_template(read, t, i) for i, t in enumerate(read.tables(data, "templates"))]
    keys = [t.key for t in templates]
    if len(keys) != len(set(keys)):
        raise read.fail("templates", "two templates share a key")
    replies = [
        _parse_template(read, t, i, "reply_templates", _REPLY_TEMPLATE_FIELDS)
        for i, t in enumerate(read.tables(data, "reply_templates"))
    ]
    if len({t.key for t in replies}) != len(replies):
        raise read.fail("reply_templates", "two reply templates share a key")
    return Playbook(
        key=key,
        name=read.text(data, "name", ""),
        description=read.text(data, "description", "", required=False),
        items=tuple(items),
        templates=tuple(templates),
        regulator_deadline=timedelta(hours=hours) if hours else None,
        regulator_deadline_label=read.text(data, "regulator_deadline_label", "", required=False),
        source=source,
        risk_words=_risk_words(read, data),
        reply_approvals=_reply_approvals(read, data),
        reply_templates=tuple(replies),
    )


def _risk_words(read: _Reader, data: Mapping[str, Any]) -> tuple[str, ...]:
    words = data.get("risk_words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise read.fail("risk_words", "must be a list of words or phrases")
    return tuple(dict.fromkeys(w.strip() for w in words))


def _reply_approvals(read: _Reader, data: Mapping[str, Any]) -> int | None:
    value = data.get("reply_approvals")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise read.fail("reply_approvals", "must be a whole number of approvals, 1 to 5")
    return value


def _depth(value: Any, limit: int = MAX_NESTING + 1) -> int:
    """Return how deeply ``value`` nests lists and tables (stops counting past ``limit``)."""
    if limit <= 0 or not isinstance(value, (dict, list)):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


def _check_regulator_stop(read: _Reader, items: list[PlaybookItem], *, has_deadline: bool) -> None:
    """Allow one clock-stopping item, and only when there is a regulator clock to stop.

    Two such items would make "when was the regulator notified" ambiguous; one without a
    deadline would be a setting that silently does nothing.
    """
    flagged = [index for index, item in enumerate(items) if item.stops_regulator_clock]
    if not flagged:
        return
    field = f"items[{flagged[0]}].stops_regulator_clock"
    if not has_deadline:
        raise read.fail(
            field, "needs regulator_deadline_hours: there is no regulator clock to stop"
        )
    if len(flagged) > 1:
        raise read.fail(
            f"items[{flagged[1]}].stops_regulator_clock",
            f"only one item may stop the regulator clock ({field} already does)",
        )


def _parse_template(
    read: _Reader,
    table: Mapping[str, Any],
    index: int,
    section: str = "templates",
    fields: set[str] = _TEMPLATE_FIELDS,
) -> StatementTemplate:
    where = f"{section}[{index}]."
    read.known_fields(table, fields, where)
    channels = table.get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise read.fail(f"{where}channels", "must be a list of channel names")
    review_by = table.get("review_by")
    if isinstance(review_by, datetime):
        review_by = review_by.date()
    if review_by is not None and not isinstance(review_by, date):
        raise read.fail(f"{where}review_by", "must be a date such as 2027-01-31")
    return StatementTemplate(
        key=read.text(table, "key", where),
        name=read.text(table, "name", where),
        channels=tuple(channels),
        subject=read.text(table, "subject", where, required=False),
        text=read.text(table, "text", where),
        signed_off_by=read.text(table, "signed_off_by", where, required=False) or None,
        review_by=review_by,
    )
