"""Playbook files: every bundled one is valid; mistakes name file, field and problem."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from warroom.domain.checklist import Phase
from warroom.domain.errors import ValidationError
from warroom.domain.playbooks import parse_playbook

BUNDLED = sorted((Path(__file__).parents[3] / "resources" / "playbooks").glob("*.toml"))

MINIMAL = """
key = "mini"
name = "Mini"
[[items]]
phase = "first-hour"
text = "Do it"
owner = "lead"
due_minutes = 30
"""


def test_the_four_required_playbooks_are_bundled() -> None:
    keys = {parse_playbook(p.read_text(), str(p)).key for p in BUNDLED}
    assert {"service-outage", "data-breach", "product-recall", "social-media-firestorm"} <= keys


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_playbooks_cover_every_phase_and_have_templates(path: Path) -> None:
    playbook = parse_playbook(path.read_text(), str(path))
    assert {item.phase for item in playbook.items} == set(Phase)
    assert playbook.templates
    assert playbook.key == path.stem


def test_data_breach_has_the_72_hour_regulator_deadline() -> None:
    path = next(p for p in BUNDLED if p.stem == "data-breach")
    assert parse_playbook(path.read_text(), str(path)).regulator_deadline == timedelta(hours=72)


def test_minimal_playbook_parses() -> None:
    playbook = parse_playbook(MINIMAL, "mini.toml")
    assert playbook.items[0].due_offset == timedelta(minutes=30)
    assert playbook.items[0].phase is Phase.FIRST_HOUR


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key = [", "mini.toml: not valid TOML"),
        (MINIMAL.replace('key = "mini"', ""), "mini.toml: key: is missing"),
        (MINIMAL.replace('"first-hour"', '"someday"'), "mini.toml: items[0].phase: unknown phase"),
        (MINIMAL.replace("due_minutes = 30", "due_minutes = -5"), "items[0].due_minutes: must be"),
        (MINIMAL.replace('owner = "lead"', "owner = 3"), "items[0].owner: must be text, not int"),
        (MINIMAL.replace('key = "mini"', 'key = "Mini Book"'), "key: use lowercase"),
        ('key = "x"\nname = "X"\n', "items: a playbook needs at least one checklist item"),
        ("regulator_deadline_hours = 0\n" + MINIMAL, "regulator_deadline_hours: must be a pos"),
        (MINIMAL + "due_minuts = 5\n", "items[0].due_minuts: unknown field"),
        (MINIMAL + '[[templates]]\nkey = "t"\nname = "T"\n', "templates[0].text: is missing"),
        (
            MINIMAL + '[[templates]]\nkey="t"\nname="T"\ntext="x"\nreview_by="soon"\n',
            "templates[0].review_by: must be a date",
        ),
    ],
)
def test_malformed_playbooks_name_file_field_and_problem(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_playbook(text, "mini.toml")


DEADLINE = "regulator_deadline_hours = 72\n"
STOP = "stops_regulator_clock = true\n"


def test_data_breach_notification_item_stops_the_regulator_clock() -> None:
    path = next(p for p in BUNDLED if p.stem == "data-breach")
    flagged = [
        i for i in parse_playbook(path.read_text(), str(path)).items if i.stops_regulator_clock
    ]
    assert [i.text for i in flagged] == [
        "Notify the supervisory authority (Art. 33), in phases if facts are incomplete"
    ]


def test_an_item_may_stop_the_regulator_clock() -> None:
    playbook = parse_playbook(DEADLINE + MINIMAL + STOP, "mini.toml")
    assert playbook.items[0].stops_regulator_clock
    assert not parse_playbook(MINIMAL, "mini.toml").items[0].stops_regulator_clock


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            DEADLINE + MINIMAL + 'stops_regulator_clock = "yes"\n',
            "mini.toml: items[0].stops_regulator_clock: must be true or false, not str",
        ),
        (
            DEADLINE + MINIMAL + "stops_regulator_clock = 1\n",
            "mini.toml: items[0].stops_regulator_clock: must be true or false, not int",
        ),
        (
            DEADLINE + MINIMAL + STOP + MINIMAL[MINIMAL.index("[[items]]") :] + STOP,
            "mini.toml: items[1].stops_regulator_clock: only one item may stop the regulator "
            "clock (items[0].stops_regulator_clock already does)",
        ),
        (
            MINIMAL + STOP,
            "mini.toml: items[0].stops_regulator_clock: needs regulator_deadline_hours",
        ),
    ],
    ids=["text", "number", "two-items", "no-deadline"],
)
def test_bad_regulator_clock_stops_name_file_field_and_problem(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_playbook(text, "mini.toml")
    assert message in str(caught.value)


def test_template_sign_off_goes_stale_after_review_date() -> None:
    text = MINIMAL + '[[templates]]\nkey="t"\nname="T"\ntext="x"\nreview_by=2027-01-31\n'
    template = parse_playbook(text, "mini.toml").templates[0]
    assert not template.is_stale(date(2027, 1, 31))
    assert template.is_stale(date(2027, 2, 1))
