"""Signed approvals and keys from the command line (solo mode, SQLite)."""

from __future__ import annotations

from typing import Any

from warroom.storage.secrets import NO_KEYCHAIN


def _in_review(run_cli: Any) -> str:
    assert run_cli("incident", "open", "Outage", "--severity", "3").code == 0
    draft = run_cli(
        "draft",
        "new",
        "1",
        "--channel",
        "email",
        "--text",
        "We are on it.",
        "--subject",
        "Checkout",
    )
    assert draft.code == 0, draft.err
    assert run_cli("draft", "submit", draft.out.strip()).code == 0
    return str(draft.out.strip())


def test_approve_signs_the_revision_read_and_person_key_shows_the_fingerprint(
    run_cli: Any,
) -> None:
    draft = _in_review(run_cli)
    edited = run_cli("draft", "edit", draft, "--text", "We are on it. Next update 10:00.")
    assert edited.code == 0, edited.err
    stale = run_cli("--as", "priya", "draft", "approve", draft, "--revision", "1")
    assert stale.code == 1 and stale.err.strip().splitlines() == [
        f"error: statement {draft} changed since you read it (you read revision 1; it is now "
        "at revision 2); read it again"
    ]
    twin = run_cli("--as", "ALICE", "draft", "approve", draft)  # alice wrote it
    assert twin.code == 1 and "you wrote this" in twin.err
    approved = run_cli("--as", "priya", "draft", "approve", draft, "--revision", "2", "--json")
    assert approved.code == 0, approved.err
    key = run_cli("person", "key", "priya", "--json")
    assert key.code == 0, key.err
    fingerprint = key.json()["fingerprint"]  # type: ignore[index]
    assert run_cli("person", "key", "priya").out.strip() == f"priya: {fingerprint}"
    log = run_cli("log", "list", "1", "--json").json()
    events = [e["data"].get("event") for e in log]  # type: ignore[union-attr]
    assert events[-2:] == ["key.registered", "statement.approved"]
    assert log[-1]["data"]["key"] == fingerprint  # type: ignore[index]
    nobody = run_cli("person", "key", "zoe")
    assert nobody.code == 1 and nobody.err.strip() == "error: zoe has no signing key yet"
    mine = run_cli("person", "key")  # alice's own: made now, logged on the open incident
    assert mine.code == 0 and mine.out.startswith("alice: ")
    assert run_cli("verify", "1").code == 0


def test_without_a_keychain_approving_is_one_clear_line(run_cli: Any) -> None:
    draft = _in_review(run_cli)
    result = run_cli(
        "--as",
        "priya",
        "draft",
        "approve",
        draft,
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    )
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.strip().splitlines() == [f"error: {NO_KEYCHAIN}"]
    shown = run_cli("draft", "show", draft, "--json").json()
    assert shown["approvals"] == [] and shown["state"] == "in_review"  # type: ignore[index]
