"""Find the "next update" promise a statement's text makes, to offer it as the tracked one.

Conservative on purpose: a promise is only recognised when the sentence speaks of an
*update* and then gives a time ("Next update by 15:00 UTC.", "We will post an update within
2 hours."). "Fix expected by 15:00" is not a promise of an update, and two different times
in one text are ambiguous: no promise is offered then. A clock time without a zone is read
in the zone the caller gives (the workstation's), and the result says so; "UTC", "GMT",
"Z" and offsets such as "UTC+2" or "+01:00" are read as written. A time of day that has
already passed today is taken as the same time tomorrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
}
_ZONE = r"(?P<zone>(?:utc|gmt)?\s?[+-]\d{1,2}(?::?\d{2})?|utc|gmt|z)"
_CLOCK = (
    r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?"
    rf"(?:\s*{_ZONE})?(?![\w:])"
)
#: "update" (or "updates"), then within the same sentence a word that introduces a time
_LEAD = r"\bupdates?\b[^.!?\n]{0,60}?"
_AT_TIME = re.compile(
    _LEAD + r"(?:\bby|\bat|\bbefore|\bno later than|:)\s*(?:around\s+|approximately\s+)?" + _CLOCK,
    re.IGNORECASE,
)
_WITHIN = re.compile(
    _LEAD
    + r"\b(?:within|in)\s+(?:the\s+next\s+)?(?P<count>\d{1,3}|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s+(?P<unit>hours?|hrs?|minutes?|mins?)\b",
    re.IGNORECASE,
)
_WITHIN_THE_HOUR = re.compile(_LEAD + r"\bwithin\s+the\s+(?:next\s+)?hour\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DetectedPromise:
    """A promise found in a text: when (UTC), the words that said so, and its zone."""

    at: datetime
    phrase: str
    #: the zone the time was read in, e.g. 'UTC', 'UTC+02:00', or the caller's zone name
    zone: str
    #: False when the text gave no zone and the caller's zone was assumed
    zone_given: bool = True

    def describe(self) -> str:
        """Say it for people: '15:00 UTC (in the text: "next update by 15:00 UTC")'."""
        assumed = "" if self.zone_given else ", zone assumed"
        return f'{self.at:%Y-%m-%d %H:%M} UTC (from "{self.phrase}"{assumed})'


def _offset(zone: str) -> tzinfo | None:
    text = zone.strip().lower().replace(" ", "")
    if text in ("utc", "gmt", "z"):
        return UTC
    text = text.removeprefix("utc").removeprefix("gmt")
    match = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", text)
    if match is None:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match.group(1) == "-" else delta)


def _zone_name(zone: tzinfo, moment: datetime) -> str:
    if zone is UTC:
        return "UTC"
    offset = zone.utcoffset(moment)
    if isinstance(zone, timezone) and offset is not None:
        total = int(offset.total_seconds() // 60)
        sign = "+" if total >= 0 else "-"
        return f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
    return moment.astimezone(zone).tzname() or "local time"


def _clock_time(match: re.Match[str], now: datetime, local: tzinfo) -> DetectedPromise | None:
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match.group("minute") is None:
        return None  # "update at 3": a bare number is not a time
    if hour > 23 or minute > 59:
        return None
    zone_text = match.group("zone")
    zone = _offset(zone_text) if zone_text else local
    if zone is None:
        return None
    today = now.astimezone(zone)
    moment = today.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment <= today:
        moment += timedelta(days=1)
    return DetectedPromise(
        moment.astimezone(UTC),
        " ".join(match.group(0).split()),
        _zone_name(zone, moment),
        zone_given=bool(zone_text),
    )


def _within(match: re.Match[str], now: datetime) -> DetectedPromise | None:
    if match.re is _WITHIN_THE_HOUR:
        delta = timedelta(hours=1)
    else:
        count_text = match.group("count").lower()
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
        unit = match.group("unit").lower()
        delta = timedelta(hours=count) if unit.startswith("h") else timedelta(minutes=count)
        if not timedelta(minutes=1) <= delta <= timedelta(days=2):
            return None
    at = (now + delta).astimezone(UTC).replace(microsecond=0)
    return DetectedPromise(at, " ".join(match.group(0).split()), "UTC")


def detect_promise(text: str, now: datetime, local: tzinfo = UTC) -> DetectedPromise | None:
    """Return the one update promise ``text`` makes (None: none, or more than one time).

    ``now`` anchors relative promises ("within 2 hours") and the day of a clock time;
    ``local`` is the zone of a clock time written without one.
    """
    found: list[DetectedPromise] = []
    for match in _AT_TIME.finditer(text):
        promise = _clock_time(match, now, local)
        if promise is not None:
            found.append(promise)
    for pattern in (_WITHIN, _WITHIN_THE_HOUR):
        for match in pattern.finditer(text):
            promise = _within(match, now)
            if promise is not None:
                found.append(promise)
    if len({p.at for p in found}) != 1:
        return None
    return found[0]
