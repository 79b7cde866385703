"""Strict reading of an export: no duplicate keys, no unknown or missing members.

Two JSON readers can disagree about ``{"severity": 1, "severity": 3}`` (first or last wins),
and a member the verifier ignores could be read by someone else as if it were checked. So
the verifier reads what it verifies and nothing else: a duplicate key anywhere, or an object
whose members differ from the schema's (``warroom.incident-log/3``, or the older ``/2``: see
SCHEMA.md), refuses the file. Only a timeline entry's ``data`` is free-form: it is hashed as
a whole.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from warroom.domain.incident_log import SCHEMA, SCHEMA_V2

ANY = "any"


_VARIANT = dict.fromkeys(["channel", "subject", "text", "edited"])

_CLOCK = {"due_at", "remaining_seconds", "alarm", "since"}
_CHECKLIST = {"phase", "position", "text", "owner_role", "due_at", "done_by", "done_at"}

#: each object's exact members in a /2 file; a nested spec is a dict (object), a list (array
#: of), or ANY
SPEC_V2: dict[str, Any] = {
    "schema": None,
    "generator": None,
    "exported_at": None,
    "exported_by": None,
    "incident": dict.fromkeys(
        [
            "id",
            "title",
            "severity",
            "severity_label",
            "state",
            "playbook",
            "began_at",
            "aware_at",
            "declared_at",
            "closed_at",
            "created_by",
            "approvals_required",
            "update_cadence_seconds",
            "lessons_learned",
        ]
    ),
    "people": [{"name": None, "roles": ANY, "entries": None}],
    "keys": [{"person": None, "fingerprint": None, "public_key": None, "registered_at": None}],
    "timeline": [
        {
            **dict.fromkeys(
                [
                    "seq",
                    "created_at",
                    "kind",
                    "author",
                    "text",
                    "corrects_seq",
                    "corrected_by",
                    "prev_hash",
                    "hash",
                ]
            ),
            "data": ANY,
        }
    ],
    "statements": [
        {
            **dict.fromkeys(
                [
                    "id",
                    "channels",
                    "state",
                    "subject",
                    "text",
                    "content_hash",
                    "revision",
                    "review_round",
                    "author",
                    "created_at",
                    "updated_at",
                    "next_update_by",
                    "template",
                    "rejection_reason",
                    "released_at",
                    "released_by",
                ]
            ),
            "channels": ANY,
            "revisions": [
                dict.fromkeys(
                    ["revision", "subject", "text", "author", "created_at", "content_hash"]
                )
                | {"channels": ANY}
            ],
            "approvals": [
                dict.fromkeys(
                    [
                        "approver",
                        "approved_at",
                        "content_hash",
                        "revision",
                        "review_round",
                        "valid",
                        "signature",
                        "key",
                    ]
                )
            ],
            "deliveries": [
                dict.fromkeys(
                    [
                        "channel",
                        "state",
                        "attempts",
                        "remote_id",
                        "remote_url",
                        "error",
                        "created_at",
                        "updated_at",
                    ]
                )
            ],
        }
    ],
    "checklist": [dict.fromkeys(_CHECKLIST)],
    "clocks": {
        "cadence": dict.fromkeys(_CLOCK),
        "promise": dict.fromkeys(_CLOCK),
        "regulator": dict.fromkeys(_CLOCK | {"label", "notified_at"}),
    },
    "review": {
        **dict.fromkeys(
            [
                "computed_at",
                "began_at",
                "aware_at",
                "declared_at",
                "closed_at",
                "detection_delay_seconds",
                "declaration_delay_seconds",
                "lessons_learned",
            ]
        ),
        "first_statement": dict.fromkeys(
            ["statement", "released_at", "after_declaration_seconds", "after_awareness_seconds"]
        ),
        "promises": [
            dict.fromkeys(
                [
                    "statement",
                    "released_at",
                    "promised_by",
                    "status",
                    "honoured_by",
                    "honoured_at",
                    "late_by_seconds",
                ]
            )
        ],
        "cadence": {
            "cadence_seconds": None,
            "adherence": None,
            "gaps": [
                dict.fromkeys(
                    [
                        "start",
                        "end",
                        "seconds",
                        "after_statement",
                        "until_statement",
                        "over_cadence",
                    ]
                )
            ],
        },
        "approvals": [
            dict.fromkeys(
                [
                    "statement",
                    "submitted_at",
                    "approved_at",
                    "turnaround_seconds",
                    "rounds",
                    "rejections",
                ]
            )
        ],
        "deliveries": [
            dict.fromkeys(
                ["channel", "total", "sent", "failed", "uncertain", "pending", "success_rate"]
            )
        ],
        "checklist": [dict.fromkeys(["phase", "total", "done", "overdue", "done_late"])],
        "overdue_items": [dict.fromkeys(_CHECKLIST)],
    },
    "footer": dict.fromkeys(
        [
            "entry_count",
            "head_hash",
            "genesis_hash",
            "chain_ok_at_export",
            "problem_at_export",
            "statement_hashes",
            "signed_by",
            "key",
            "public_key",
            "signature",
        ]
    )
    | {"statement_hashes": ANY},
}


#: the inbox figures of a ``/3`` export (not covered by the chain; members still exact)
INBOX: dict[str, Any] = dict.fromkeys(
    [
        "bucket",
        "computed_at",
        "total",
        "negative",
        "scored",
        "negative_share",
        "spike_rule",
        "waiting",
        "oldest_waiting_since",
        "oldest_wait_seconds",
    ]
) | {
    "sources": ANY,
    "buckets": [
        dict.fromkeys(["start", "total", "negative", "scored", "baseline", "spike"])
        | {"by_source": ANY}
    ],
    "response": [dict.fromkeys(["priority", "answered", "median_seconds", "p90_seconds"])],
}


def _v3(v2: dict[str, Any]) -> dict[str, Any]:
    """Return the /3 layout: /2 plus the incident's life (status, hold window), what became
    public and when, posts by hand, assignees, every clock with its state and turning time,
    and the cadence periods of the review; each statement's text per channel (its variants,
    in every revision too), a scheduled release, the approval window, and the review's
    channel languages. (A revision made before its channels were chained has ``variants``
    null, like its ``channels``.)"""
    spec = copy.deepcopy(v2)
    spec["incident"].update(
        dict.fromkeys(["status", "hold_window_seconds", "approval_window_minutes"])
    )
    statement = spec["statements"][0]
    statement["public_at"] = None
    statement["scheduled_for"] = None
    statement["variants"] = [_VARIANT | {"language": None}]
    statement["revisions"][0]["variants"] = ANY
    spec["review"]["languages"] = [{"language": None, "channels": ANY, "statements": ANY}]
    statement["deliveries"][0].update(dict.fromkeys(["posted_by", "posted_at"]))
    checklist = dict.fromkeys(_CHECKLIST | {"assignee"})
    spec["checklist"] = [checklist]
    spec["review"]["overdue_items"] = [checklist]
    clock = dict.fromkeys(_CLOCK | {"state", "turns_at"})
    spec["clocks"] = {
        "age": clock,
        "cadence": clock,
        "promise": clock,
        "regulator": clock | dict.fromkeys(["label", "notified_at"]),
    }
    spec["review"]["cadence"]["periods"] = [dict.fromkeys(["start", "severity", "cadence_seconds"])]
    return spec


#: each object's exact members in a current (/3) file: /2, the incident's life and the inbox
#: figures
SPEC: dict[str, Any] = _v3(SPEC_V2) | {"inbox": INBOX}
#: the layout of each schema the verifier reads strictly
SPECS: dict[str, dict[str, Any]] = {SCHEMA: SPEC, SCHEMA_V2: SPEC_V2}


class StrictJSONError(ValueError):
    """The document has a duplicate key or does not have exactly the schema's members."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise StrictJSONError(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def loads(data: bytes) -> Any:
    """Parse JSON, refusing duplicate keys in any object."""
    return json.loads(data, object_pairs_hook=_no_duplicates)


def check_members(value: Any, spec: Any = None, where: str = "the export") -> None:
    """Refuse ``value`` unless its objects have exactly the members ``spec`` names."""
    if spec is None:
        spec = SPEC
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise StrictJSONError(f"{where} is not an object")
        if value.keys() != spec.keys():
            unknown = sorted(set(value) - set(spec))
            if unknown:
                raise StrictJSONError(f"{where} has an unknown member {unknown[0]!r}")
            missing = sorted(set(spec) - set(value))
            raise StrictJSONError(f"{where} has no {missing[0]!r}")
        for key, inner in spec.items():
            if inner is not None and inner != ANY:
                check_members(value[key], inner, f"{where}: {key!r}" if where else key)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise StrictJSONError(f"{where} is not a list")
        item = spec[0]
        for index, element in enumerate(value, start=1):
            check_members(element, item, f"{where} item {index}")
