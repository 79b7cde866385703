"""What changed, said precisely enough that each view refreshes only when it must.

Every write use case records, in its own transaction, which *areas* of which incident it
changed (room-wide areas such as channels and people have no incident). A window reads
these records as a :class:`Changes` and asks :meth:`Changes.touches` for each of its panes,
in the manner of Anki's ``OpChanges``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    """A part of the data that a view shows and a write can change."""

    TIMELINE = "timeline"
    STATEMENTS = "statements"
    CHECKLIST = "checklist"
    CHANNELS = "channels"
    OUTBOX = "outbox"
    PEOPLE = "people"
    INCIDENT = "incident"
    INBOX = "inbox"  # heard items and their sources (room-wide unless attached)


#: Areas that belong to the whole room, not to one incident (recorded without an incident).
ROOM_WIDE = frozenset({Area.CHANNELS, Area.PEOPLE, Area.INBOX})


@dataclass(frozen=True, slots=True)
class Changes:
    """The (incident, area) pairs changed since the last look.

    ``everything`` says the reader cannot know what changed (its first look, or the records
    it missed were pruned): every view must refresh. An incident of None is room-wide.
    """

    pairs: frozenset[tuple[int | None, Area]] = frozenset()
    everything: bool = False

    @classmethod
    def of(cls, *pairs: tuple[int | None, Area]) -> Changes:
        """Return the changes made of ``pairs``."""
        return cls(frozenset(pairs))

    @classmethod
    def all(cls) -> Changes:
        """Return 'anything may have changed'."""
        return cls(frozenset(), everything=True)

    @property
    def areas(self) -> frozenset[Area]:
        """Return the areas changed (every area if ``everything``)."""
        if self.everything:
            return frozenset(Area)
        return frozenset(area for _incident, area in self.pairs)

    @property
    def incident_ids(self) -> frozenset[int]:
        """Return the incidents with a change of their own (room-wide changes aside)."""
        return frozenset(incident for incident, _area in self.pairs if incident is not None)

    def __bool__(self) -> bool:
        return self.everything or bool(self.pairs)

    def touches(self, areas: Iterable[Area], incident_id: int | None = None) -> bool:
        """Tell whether any of ``areas`` changed for ``incident_id`` (None: any incident).

        A room-wide change (no incident) touches every incident.
        """
        if self.everything:
            return True
        wanted = frozenset(areas)
        return any(
            area in wanted and (incident_id is None or incident in (None, incident_id))
            for incident, area in self.pairs
        )

    def merged(self, other: Changes) -> Changes:
        """Return the changes of both."""
        return Changes(self.pairs | other.pairs, self.everything or other.everything)
