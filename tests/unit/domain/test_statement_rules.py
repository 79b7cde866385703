"""The approval workflow's rules, without Qt or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.incidents import Incident, IncidentState, Severity, default_approvals_required
from warroom.domain.statements import (
    Approval,
    Statement,
    StatementState,
    approval_refusal,
    content_hash,
    ensure_can_release,
    ensure_submittable,
    fill_placeholders,
    placeholders_in,
    release_refusal,
    state_after_approval,
    state_after_edit,
    validate_content,
)
from warroom.domain.variants import Variant

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MASTODON = Channel(1, "mastodon", ChannelKind.MASTODON)
BLUESKY = Channel(2, "bluesky", ChannelKind.BLUESKY)
EMAIL = Channel(3, "email", ChannelKind.EMAIL)


def statement(**changes: object) -> Statement:
    base = Statement(
        id=7,
        incident_id=1,
        channels=(MASTODON,),
        subject="",
        text="We are on it.",
        state=StatementState.IN_REVIEW,
        revision=1,
        author="alice",
        revision_author="alice",
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def approved_by(s: Statement, *names: str) -> Statement:
    return replace(
        s, approvals=tuple(Approval(s.id, name, NOW, s.content_hash, s.revision) for name in names)
    )


def test_author_cannot_approve_own_statement() -> None:
    assert approval_refusal(statement(), "alice") == "you wrote this: another approver must approve"


def test_editor_of_current_text_cannot_approve_either() -> None:
    edited = statement(revision_author="bob", revision=2)
    assert approval_refusal(edited, "bob") is not None
    assert approval_refusal(edited, "carol") is None


def test_same_person_cannot_approve_twice() -> None:
    s = approved_by(statement(), "bob")
    assert "already approved" in (approval_refusal(s, "bob") or "")


def test_only_statements_in_review_can_be_approved() -> None:
    assert "only a statement in review" in (
        approval_refusal(statement(state=StatementState.DRAFT), "bob") or ""
    )


def test_edit_voids_earlier_approvals() -> None:
    s = approved_by(statement(), "bob", "carol")
    assert len(s.valid_approvals) == 2
    edited = replace(s, text="We are on it. Update at 10:00.")
    assert edited.valid_approvals == ()
    assert state_after_edit(replace(s, state=StatementState.APPROVED)) is StatementState.IN_REVIEW
    assert state_after_edit(statement(state=StatementState.DRAFT)) is StatementState.DRAFT


@pytest.mark.parametrize(("severity", "needed"), [(1, 2), (2, 2), (3, 1), (4, 1)])
def test_approvals_needed_by_severity(severity: int, needed: int) -> None:
    assert default_approvals_required(Severity(severity)) == needed


def test_override_of_approvals_per_incident() -> None:
    incident = Incident(
        1,
        "t",
        Severity.SEV1,
        IncidentState.OPEN,
        None,
        NOW,
        NOW,
        NOW,
        None,
        "a",
        approvals_override=3,
    )
    assert incident.approvals_required == 3


def test_second_approval_makes_sev1_statement_approved() -> None:
    s = approved_by(statement(), "bob")
    assert state_after_approval(statement(), 2) is StatementState.IN_REVIEW
    assert state_after_approval(s, 2) is StatementState.APPROVED


def test_release_needs_enough_valid_approvals() -> None:
    s = approved_by(statement(state=StatementState.APPROVED), "bob")
    assert "needs 2 approval(s)" in (release_refusal(s, 2) or "")
    assert release_refusal(s, 1) is None
    with pytest.raises(RuleViolation):
        ensure_can_release(statement(state=StatementState.DRAFT), 1)
    with pytest.raises(RuleViolation, match="already released"):
        ensure_can_release(statement(state=StatementState.RELEASED), 1)


def test_release_refused_when_approved_text_was_changed_behind_the_state() -> None:
    s = approved_by(statement(state=StatementState.APPROVED), "bob")
    tampered = replace(s, text="Something else entirely")
    assert release_refusal(tampered, 1) is not None


def test_submission_refuses_unfilled_placeholders() -> None:
    draft = statement(
        state=StatementState.DRAFT, text="Problems with {product}. Next: {next_update}"
    )
    with pytest.raises(RuleViolation, match=r"\{product\}, \{next_update\}"):
        ensure_submittable(draft)


def test_placeholders_filled_only_where_known() -> None:
    text = "Problems with {product}; next update {next_update}."
    assert placeholders_in(text) == ["product", "next_update"]
    assert fill_placeholders(text, {"product": "Checkout"}) == (
        "Problems with Checkout; next update {next_update}."
    )


def test_content_validation() -> None:
    with pytest.raises(ValidationError, match="empty"):
        validate_content("", "   ", [MASTODON])
    with pytest.raises(ValidationError, match="at least one channel"):
        validate_content("", "text", [])
    with pytest.raises(ValidationError, match="501 characters but channel 'mastodon'"):
        validate_content("", "x" * 501, [MASTODON])
    assert validate_content(" Subj ", " text ", [EMAIL]) == ("Subj", "text")
    validate_content("", "x" * 50_000, [EMAIL])  # email has no limit


def test_bluesky_counts_graphemes_not_code_points() -> None:
    accented = "e\u0301"  # one grapheme, two code points, three bytes
    validate_content("", accented * 300, [BLUESKY])
    with pytest.raises(ValidationError, match="301 graphemes"):
        validate_content("", accented * 301, [BLUESKY])


def test_bluesky_byte_limit_applies_even_within_graphemes() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 18 bytes
    with pytest.raises(ValidationError, match="3000-byte"):
        validate_content("", family * 200, [BLUESKY])


def test_content_hash_covers_subject_and_text() -> None:
    assert content_hash("a", "b") != content_hash("", "ab")
    assert content_hash("a", "b") == content_hash("a", "b")


def test_an_email_needs_a_subject_of_its_own_or_the_main_one() -> None:
    draft = statement(state=StatementState.DRAFT, channels=(MASTODON, EMAIL))
    with pytest.raises(RuleViolation, match=r"by email \(email\) and has no subject"):
        ensure_submittable(draft)
    ensure_submittable(replace(draft, subject="Checkout"))  # the main subject, followed
    own = Variant("email", "Checkout errors", "Payments fail in Europe.", edited=True)
    ensure_submittable(replace(draft, edited_variants=(own,)))  # the email's own subject
