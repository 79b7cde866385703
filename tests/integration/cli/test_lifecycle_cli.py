"""The incident's life and its clocks from the command line, run as a subprocess: the exact
commands and flags of the issue, JSON output, one-line refusals (exit 1) and bad usage
(exit 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

RunCli = Any


def ok(result: Any) -> Any:
    assert result.code == 0, result.err
    return result


def refused(result: Any, code: int, *needles: str) -> None:
    lines = result.err.strip().splitlines()
    assert result.code == code, result.err
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for needle in needles:
        assert needle in lines[0], lines[0]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ")


@pytest.fixture
def breach(run_cli: RunCli) -> str:
    aware = datetime.now(UTC) - timedelta(hours=10)
    ok(
        run_cli(
            "incident", "open", "Leak", "--severity", "3", "--playbook", "data-breach",
            "--aware", iso(aware), "--began", iso(aware - timedelta(hours=1)),
        )
    )  # fmt: skip
    return "1"


def test_header_changes_and_the_clocks(run_cli: RunCli, breach: str) -> None:
    shown = ok(run_cli("incident", "status", breach, "identified", "--note", "bad bucket ACL"))
    assert shown.out.strip() == "incident 1 is identified"
    data = ok(run_cli("incident", "severity", breach, "1", "--reason", "data confirmed", "--json"))
    assert data.json()["severity"] == 1 and data.json()["approvals_required"] == 2
    assert data.json()["update_cadence_seconds"] == 1800
    cadence = ok(run_cli("incident", "cadence", breach, "off"))
    assert "no cadence" in cadence.out
    assert (
        ok(run_cli("incident", "cadence", breach, "45", "--json")).json()["cadence_minutes"] == 45
    )
    assert "120 min" in ok(run_cli("incident", "hold", breach, "120")).out
    clocks = ok(run_cli("clocks", breach, "--json")).json()
    assert set(clocks["clocks"]) == {"age", "cadence", "promise", "regulator"}
    assert clocks["status"] == "identified" and clocks["cadence_seconds"] == 45 * 60
    assert clocks["clocks"]["cadence"]["state"] == "ok" and clocks["clocks"]["cadence"]["turns_at"]
    assert clocks["clocks"]["promise"]["state"] == "off"
    regulator = clocks["clocks"]["regulator"]
    assert regulator["state"] == "ok" and regulator["label"].startswith("GDPR")
    human = ok(run_cli("clocks", breach)).out
    assert "since last public update" in human and "regulator deadline" in human
    assert "nothing public yet" in human
    show = ok(run_cli("incident", "show", breach)).out
    assert "SEV1, identified" in show and "every 45 min" in show
    assert ok(run_cli("verify", breach)).out.startswith("intact:")
    refused(run_cli("incident", "severity", breach, "2"), 2, "--reason")
    refused(run_cli("incident", "status", breach, "fixed"), 2, "invalid choice")
    refused(run_cli("incident", "cadence", breach, "soon"), 1, "cadence must be")
    refused(run_cli("incident", "status", breach, "identified"), 1, "nothing changed")


def test_times_move_the_regulator_deadline_and_its_step(run_cli: RunCli, breach: str) -> None:
    aware = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=20)
    refused(
        run_cli("incident", "times", breach, "--aware", iso(aware), "--reason", "first mail"),
        1,
        "aware before the incident began",
    )
    began = iso(aware - timedelta(hours=1))
    moved = ok(
        run_cli(
            "incident", "times", breach, "--began", began, "--aware", iso(aware),
            "--reason", "first mail",
        )
    )  # fmt: skip
    deadline = aware + timedelta(hours=72)
    assert f"regulator deadline {deadline:%Y-%m-%d %H:%M}Z" in moved.out
    items = ok(run_cli("checklist", "list", breach, "--json")).json()
    (step,) = [i for i in items if i["stops_regulator_clock"]]
    assert step["due_at"] == deadline.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    listing = ok(run_cli("checklist", "list", breach)).out
    assert f"due {deadline:%Y-%m-%d %H:%M}Z" in listing  # not today: with its date
    refused(run_cli("incident", "times", breach, "--reason", "nothing"), 1, "--began, --aware")
    future = iso(datetime.now(UTC) + timedelta(days=1))
    refused(run_cli("incident", "times", breach, "--aware", future, "--reason", "x"), 1, "future")


def test_checklist_done_at_undo_add_assign(run_cli: RunCli, breach: str) -> None:
    items = ok(run_cli("checklist", "list", breach, "--json")).json()
    step = next(i for i in items if i["stops_regulator_clock"])
    told = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    done = ok(run_cli("checklist", "done", breach, str(step["id"]), "--at", iso(told)))
    assert f"regulator notified at {told:%Y-%m-%d %H:%M}Z" in done.out
    assert ok(run_cli("clocks", breach, "--json")).json()["clocks"]["regulator"]["state"] == (
        "stopped"
    )
    refused(run_cli("checklist", "undo", breach, str(step["id"])), 2, "--reason")
    undone = ok(run_cli("checklist", "undo", breach, str(step["id"]), "--reason", "wrong DPA"))
    assert "regulator clock runs again" in undone.out
    assert ok(run_cli("clocks", breach, "--json")).json()["clocks"]["regulator"]["state"] == "ok"
    refused(run_cli("checklist", "undo", breach, str(step["id"]), "--reason", "x"), 1, "not done")
    added = ok(run_cli("checklist", "add", breach, "Call the insurer", "--phase", "first-hour"))
    item = added.out.strip()
    assigned = ok(run_cli("checklist", "assign", breach, item, "Priya Nair", "--json")).json()
    assert assigned["assignee"] == "Priya Nair" and assigned["phase"] == "first-hour"
    refused(run_cli("checklist", "add", breach, "x", "--phase", "later"), 1, "unknown phase")


def test_log_add_at_keeps_the_order_of_record(run_cli: RunCli, breach: str) -> None:
    earlier = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=40)
    ok(run_cli("log", "add", breach, "Deploy 4711 went out", "--at", iso(earlier)))
    ok(run_cli("log", "add", breach, "Recorded right away"))
    entries = ok(run_cli("log", "list", breach, "--json")).json()
    assert [e["text"] for e in entries[-2:]] == ["Deploy 4711 went out", "Recorded right away"]
    assert entries[-2]["data"]["occurred_at"] == earlier.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    listing = ok(run_cli("log", "list", breach, "--last", "2")).out
    assert f"[happened {earlier:%Y-%m-%d %H:%M}Z]" in listing
    refused(run_cli("log", "add", breach, "x", "--at", "yesterday"), 2, "is not a time")


def _released(run_cli: RunCli, incident: str, text: str) -> str:
    draft = ok(run_cli("draft", "new", incident, "--channel", "mastodon", "--text", text))
    sid = draft.out.strip()
    ok(run_cli("draft", "submit", sid))
    ok(run_cli("draft", "approve", sid, "--as", "bob"))
    ok(run_cli("draft", "release", sid))
    return sid


def test_a_post_by_hand_makes_a_released_statement_public(run_cli: RunCli) -> None:
    ok(run_cli("incident", "open", "Outage", "--severity", "3"))
    sid = _released(run_cli, "1", "We are investigating.")
    before = ok(run_cli("clocks", "1", "--json")).json()
    assert before["last_public"] is None  # released, but only queued
    shown = ok(run_cli("draft", "show", sid)).out
    assert "mastodon     queued" in shown
    posted = ok(
        run_cli(
            "draft", "posted", sid, "--channel", "mastodon",
            "--url", "https://social.example/@acme/9", "--json",
        )
    ).json()  # fmt: skip
    assert posted["state"] == "sent" and posted["posted_by"] == "alice"
    assert posted["url"] == "https://social.example/@acme/9"
    after = ok(run_cli("clocks", "1", "--json")).json()
    assert after["last_public"]["statement"] == int(sid) and after["last_public"]["by_hand"]
    refused(run_cli("draft", "posted", sid, "--channel", "mastodon"), 1, "already out")
    refused(run_cli("draft", "posted", sid, "--channel", "email"), 1, "was not released on")
    refused(
        run_cli("draft", "posted", sid, "--channel", "bluesky", "--url", "javascript:x"),
        1,
        "https://",
    )


def test_the_cli_offers_a_promise_typed_into_the_text(run_cli: RunCli) -> None:
    ok(run_cli("incident", "open", "Outage", "--severity", "3"))
    made = ok(
        run_cli("draft", "new", "1", "--channel", "mastodon", "--text", "Next update by 23:30 UTC.")
    )
    assert made.err.startswith("warning: the text promises an update")
    assert "--next-update-by" in made.err and "23:30 UTC" in made.err
    quiet = ok(
        run_cli(
            "draft", "new", "1", "--channel", "mastodon", "--text", "Next update by 23:30 UTC.",
            "--next-update-by", iso(datetime.now(UTC) + timedelta(hours=1)),
        )
    )  # fmt: skip
    assert quiet.err == ""


def test_an_email_statement_needs_a_subject(run_cli: RunCli) -> None:
    ok(run_cli("incident", "open", "Outage", "--severity", "3"))
    sid = ok(run_cli("draft", "new", "1", "--channel", "email", "--text", "Hello")).out.strip()
    refused(run_cli("draft", "submit", sid), 1, "no subject")
    ok(run_cli("draft", "edit", sid, "--subject", "Checkout problems"))
    ok(run_cli("draft", "submit", sid))


def test_close_refuses_with_open_work_and_anyway_works(run_cli: RunCli, breach: str) -> None:
    refused(
        run_cli("incident", "close", breach),
        1,
        "still has open work",
        "checklist item(s) not done",
        "--anyway REASON",
    )
    assert ok(run_cli("incident", "show", breach, "--json")).json()["state"] == "open"
    closed = ok(run_cli("incident", "close", breach, "--anyway", "drill finished", "--json"))
    data = closed.json()
    assert data["state"] == "closed" and len(data["open_at_close"]) >= 10
    clocks = ok(run_cli("clocks", breach, "--json")).json()["clocks"]
    assert {name: clock["state"] for name, clock in clocks.items()} == {
        "age": "stopped",
        "cadence": "stopped",
        "promise": "off",
        "regulator": "stopped",
    }
    refused(run_cli("incident", "close", breach, "--anyway", "again"), 1, "closed and read-only")


def test_sync_confirm_and_withdraw_refuse_rows_that_are_schedule_reached(run_cli: RunCli) -> None:
    ok(run_cli("incident", "open", "Outage", "--severity", "3"))
    _released(run_cli, "1", "We are investigating.")
    refused(run_cli("sync", "--confirm", "1"), 1, "only a held row")
    refused(run_cli("sync", "--withdraw", "1"), 1, "only a held row")
    refused(run_cli("sync", "--confirm", "99"), 1, "no outbox row 99")
    refused(run_cli("sync", "--confirm", "1", "--withdraw", "1"), 2, "not allowed with")
