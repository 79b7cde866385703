"""Which views a change touches: per incident, per area, room-wide, or everything."""

from __future__ import annotations

from warroom.domain.changes import Area, Changes


def test_a_change_touches_its_area_of_its_incident_only() -> None:
    changes = Changes.of((1, Area.TIMELINE), (2, Area.CHECKLIST))
    assert changes.touches([Area.TIMELINE], 1)
    assert not changes.touches([Area.TIMELINE], 2)
    assert not changes.touches([Area.CHECKLIST], 1)  # not the union of areas and incidents
    assert changes.touches([Area.CHECKLIST, Area.STATEMENTS], 2)
    assert changes.touches([Area.TIMELINE])  # any incident
    assert not changes.touches([Area.PEOPLE])
    assert changes.areas == {Area.TIMELINE, Area.CHECKLIST}
    assert changes.incident_ids == {1, 2}


def test_a_room_wide_change_touches_every_incident() -> None:
    changes = Changes.of((None, Area.PEOPLE))
    assert changes.touches([Area.PEOPLE], 7)
    assert changes.touches([Area.PEOPLE])
    assert not changes.touches([Area.STATEMENTS], 7)
    assert changes.incident_ids == frozenset()


def test_everything_touches_everything_and_nothing_is_false() -> None:
    assert Changes.all().touches([Area.OUTBOX], 3)
    assert Changes.all().areas == frozenset(Area)
    assert not Changes()
    assert Changes.of((1, Area.TIMELINE))
    merged = Changes.of((1, Area.TIMELINE)).merged(Changes.of((None, Area.CHANNELS)))
    assert merged.touches([Area.CHANNELS], 5) and merged.touches([Area.TIMELINE], 1)
    assert Changes().merged(Changes.all()).everything
