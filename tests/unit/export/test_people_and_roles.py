"""Who took part in an incident, and in which roles, from the record alone."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.domain.checklist import ChecklistItem, Phase
from warroom.domain.incident_log import author_counts, people_and_roles
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.statements import Approval, Statement, StatementState
from warroom.domain.timeline import ChainRecord

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_people_and_roles_come_from_what_people_did() -> None:
    incident = Incident(1, "x", Severity.SEV2, IncidentState.OPEN, None, T0, T0, T0, None, "dana")
    entries = [
        ChainRecord(1, n, "note", "t", who, T0, None, {}, "p", "h")
        for n, who in enumerate(["dana", "sam", "sam", "lee"], start=1)
    ]
    statement = Statement(
        1,
        1,
        (),
        "",
        "t",
        StatementState.RELEASED,
        2,
        "sam",
        "sam",
        T0,
        T0,
        3,
        approvals=(Approval(1, "priya", T0, "h", 2),),
        released_by="dana",
    )
    item = ChecklistItem(1, 1, Phase.FIRST_HOUR, 1, "brief support", "comms", None, None, "lee", T0)
    people = {
        p.name: p for p in people_and_roles(incident, author_counts(entries), [statement], [item])
    }
    assert list(people) == ["dana", "sam", "lee", "priya"]
    assert people["dana"].roles == ("declared the incident", "released statements")
    assert people["sam"].roles == ("drafted statements",) and people["sam"].entries == 2
    assert people["lee"].roles == ("comms (checklist)",)
    assert people["priya"].roles == ("approved statements",) and people["priya"].entries == 0
