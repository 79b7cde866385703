"""Finding the "next update" promise a statement's text makes (domain.promises): it must
recognise the usual ways of saying it, read time zones right, and stay quiet when unsure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.domain.promises import detect_promise

NOW = datetime(2026, 11, 23, 13, 20, tzinfo=UTC)
CET = timezone(timedelta(hours=1))


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected", "zone"),
    [
        ("Next update by 15:00 UTC.", at(15), "UTC"),
        ("We will post the next update at 15:30 UTC", at(15, 30), "UTC"),
        ("Next update: 14:30 GMT", at(14, 30), "UTC"),
        ("next update at 15:00Z", at(15), "UTC"),
        ("Next update no later than 16:45 UTC.", at(16, 45), "UTC"),
        ("Next update by 3pm UTC", at(15), "UTC"),
        ("next update by 3:30 p.m. UTC", at(15, 30), "UTC"),
        ("Next update by 16:00 +01:00.", at(15), "UTC+01:00"),
        ("Next update by 09:00 UTC+1", at(8, day=24), "UTC+01:00"),
        ("Next UPDATE BY 15.00 utc", at(15), "UTC"),
        ("We will share an update within 2 hours.", at(15, 20), "UTC"),
        ("An update will follow within 30 minutes", at(13, 50), "UTC"),
        ("We will share an update within the next hour.", at(14, 20), "UTC"),
        ("We will update you in two hours", at(15, 20), "UTC"),
    ],
)
def test_promises_people_write_are_found(text: str, expected: datetime, zone: str) -> None:
    found = detect_promise(text, NOW)
    assert found is not None, text
    assert found.at == expected and found.zone == zone and found.zone_given
    assert found.phrase.lower().startswith("update")


def test_a_time_that_has_passed_today_means_tomorrow() -> None:
    found = detect_promise("Next update by 12:00 UTC.", NOW)
    assert found is not None and found.at == at(12, day=24)


def test_a_time_without_zone_is_read_in_the_given_zone_and_says_so() -> None:
    found = detect_promise("Next update by 15:00.", NOW, CET)
    assert found is not None and found.at == at(14) and not found.zone_given
    assert found.zone == "UTC+01:00" and "zone assumed" in found.describe()
    assert detect_promise("Next update by 15:00.", NOW).at == at(15)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "We are investigating.",
        "Fix expected by 15:00 UTC.",  # not a promise of an update
        "The outage began at 12:00 UTC; next update soon.",  # the time is not the update's
        "Status update at 3 on the page",  # a bare number is not a time
        "Next update by 25:00 UTC",
        "Next update by 15:75 UTC",
        "Next update by 13pm UTC",
        "Next update by 15:00 UTC+15",  # no such offset
        "Next update by 15:00-16:00 UTC",  # a range is not one time
        "Update by 15:00 UTC. Another update by 17:00 UTC.",  # two times: ambiguous
        "We will update you within 900 hours",  # not a believable promise
    ],
)
def test_nothing_is_offered_when_unsure(text: str) -> None:
    assert detect_promise(text, NOW) is None


def test_the_same_time_said_twice_is_one_promise() -> None:
    text = "Next update by 15:00 UTC. Again: next update at 15:00 UTC."
    found = detect_promise(text, NOW)
    assert found is not None and found.at == at(15)


def test_a_promise_across_a_line_break_is_not_joined() -> None:
    assert detect_promise("Next update\nby 15:00 UTC", NOW) is None


def test_relative_promises_anchor_on_now_to_the_second() -> None:
    now = NOW.replace(second=42, microsecond=5)
    found = detect_promise("an update within 45 minutes", now)
    assert found is not None and found.at == now.replace(microsecond=0) + timedelta(minutes=45)
