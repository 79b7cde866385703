"""Outbound statements and the approval workflow that guards them.

States: draft -> in review -> approved -> (scheduled ->) released. An approval is bound to
the exact content it approved (the hash of every channel's variant), so any edit voids it
without anyone having to remember to. The author of the current text never approves it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from warroom.domain.channels import Channel, ChannelKind, check_fits
from warroom.domain.content import approved_content_hash, legacy_content_hash
from warroom.domain.errors import ConflictError, RuleViolation, ValidationError
from warroom.domain.names import same_name
from warroom.domain.terminal_text import reject_nul
from warroom.domain.variants import Variant, resolve

STATEMENT_TEXT_MAX = 100_000
SUBJECT_MAX = 200
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class StatementState(StrEnum):
    """Where a statement is in its life."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    #: approved and released at a set time: its outbox rows wait until then
    SCHEDULED = "scheduled"
    RELEASED = "released"


@dataclass(frozen=True, slots=True)
class Approval:
    """One person's signed approval of one exact content (``content_hash``).

    ``review_round`` is the statement's round when it was given: a rejection starts a new
    round, so the approvals of earlier rounds no longer count even for unchanged text.
    ``signature`` (hex Ed25519) is by the key with fingerprint ``key``; empty for approvals
    given before signing existed.
    """

    statement_id: int
    approver: str
    approved_at: datetime
    content_hash: str
    revision: int
    review_round: int = 0
    signature: str = ""
    key: str = ""


@dataclass(frozen=True, slots=True)
class Revision:
    """The content of a statement as one person left it (``channels``: () before 0007).

    ``edited_variants`` are the channels that had their own subject and text in it.
    """

    statement_id: int
    revision: int
    subject: str
    text: str
    author: str
    created_at: datetime
    content_hash: str
    channels: tuple[str, ...] = ()
    edited_variants: tuple[Variant, ...] = ()

    @property
    def variants(self) -> tuple[Variant, ...]:
        """Return what each channel received in this revision (() before channels existed)."""
        return resolve(self.channels, self.subject, self.text, self.edited_variants)


@dataclass(frozen=True, slots=True)
class Statement:
    """An outbound statement for one or more channels.

    ``author`` wrote it first; ``revision_author`` wrote the current text. ``version`` rises on
    every change and backs the optimistic check that keeps concurrent edits from being lost.
    """

    id: int
    incident_id: int
    channels: tuple[Channel, ...]
    subject: str
    text: str
    state: StatementState
    revision: int
    author: str
    revision_author: str
    created_at: datetime
    updated_at: datetime
    version: int
    next_update_by: datetime | None = None
    template_key: str | None = None
    approvals: tuple[Approval, ...] = ()
    rejection_reason: str = ""
    released_at: datetime | None = None
    released_by: str | None = None
    review_round: int = 0
    #: the channels whose subject and text are their own (the others follow the main text)
    edited_variants: tuple[Variant, ...] = ()
    #: when a scheduled release goes out, and who scheduled it
    scheduled_for: datetime | None = None
    scheduled_by: str | None = None

    @property
    def variants(self) -> tuple[Variant, ...]:
        """Return what each target channel receives, in channel order."""
        return resolve(self.channel_names, self.subject, self.text, self.edited_variants)

    def variant(self, channel_name: str) -> Variant | None:
        """Return the variant of the target channel called ``channel_name``, if any."""
        return next((v for v in self.variants if v.channel == channel_name), None)

    @property
    def content_hash(self) -> str:
        """Return the hash of what would be published: every channel's subject and text."""
        return approved_content_hash(v.content for v in self.variants)

    @property
    def valid_approvals(self) -> tuple[Approval, ...]:
        """Return the approvals that count: this content, this round (edits and rejections
        void the others)."""
        current = self.content_hash
        return tuple(
            a
            for a in self.approvals
            if a.content_hash == current and a.review_round == self.review_round
        )

    @property
    def channel_names(self) -> tuple[str, ...]:
        """Return the names of the target channels."""
        return tuple(channel.name for channel in self.channels)


def content_hash(subject: str, text: str) -> str:
    """Return the pre-0007 hash of subject and text (old revisions and /1 exports)."""
    return legacy_content_hash(subject, text)


def placeholders_in(text: str) -> list[str]:
    """Return the ``{placeholder}`` names still present in ``text``, in order, once each."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` placeholders that have a value; leave the others for a person."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _clean(subject: str, text: str, what: str) -> tuple[str, str]:
    cleaned_text = reject_nul(text, f"{what} text").strip()
    cleaned_subject = " ".join(reject_nul(subject, f"{what} subject").split())
    if not cleaned_text:
        raise ValidationError(f"{what} text is empty")
    if len(cleaned_text) > STATEMENT_TEXT_MAX:
        raise ValidationError(
            f"{what} text is {len(cleaned_text)} characters; at most {STATEMENT_TEXT_MAX}"
        )
    if len(cleaned_subject) > SUBJECT_MAX:
        raise ValidationError(f"{what} subject is over {SUBJECT_MAX} characters")
    return cleaned_subject, cleaned_text


def validate_content(
    subject: str, text: str, channels: Sequence[Channel], edited: Sequence[Variant] = ()
) -> tuple[str, str]:
    """Return cleaned subject and text, or refuse empty, oversize or channel-less content.

    Each channel is measured against its own variant: the main text where it follows it,
    its edited text (``edited``) where it has its own.
    """
    cleaned_subject, cleaned_text = _clean(subject, text, "the statement")
    if not channels:
        raise ValidationError("a statement needs at least one channel")
    own = {v.channel: v for v in edited}
    for channel in channels:
        variant = own.get(channel.name)
        if variant is None:
            check_fits(channel, cleaned_text)
        else:
            clean_variant(channel, variant.subject, variant.text)
    return cleaned_subject, cleaned_text


def clean_variant(channel: Channel, subject: str, text: str) -> Variant:
    """Return ``channel``'s own variant cleaned, or refuse it (empty, oversize, too long for
    the channel, or a subject on a channel that sends none)."""
    cleaned_subject, cleaned_text = _clean(subject, text, f"the {channel.name} variant's")
    if cleaned_subject and not channel.has_subject:
        raise ValidationError(
            f"channel {channel.name!r} ({channel.kind.value}) sends no subject line; "
            "give its variant a text only"
        )
    check_fits(channel, cleaned_text)
    return Variant(channel.name, cleaned_subject, cleaned_text, edited=True)


def ensure_editable(statement: Statement) -> None:
    """Refuse edits to a released statement: what went out is history (a scheduled one may
    still be edited: the edit cancels its schedule)."""
    if statement.state is StatementState.RELEASED:
        raise RuleViolation(f"statement {statement.id} is released and can no longer be edited")


def ensure_submittable(statement: Statement) -> None:
    """Only a draft goes to review, and only with every placeholder filled."""
    if statement.state is not StatementState.DRAFT:
        raise RuleViolation(
            f"statement {statement.id} is {statement.state.value.replace('_', ' ')}; "
            "only a draft can be submitted"
        )
    missing = placeholders_in(
        "\n".join([statement.subject, statement.text])
        + "".join(f"\n{v.subject}\n{v.text}" for v in statement.edited_variants)
    )
    if missing:
        names = ", ".join("{" + name + "}" for name in missing)
        raise RuleViolation(f"statement {statement.id} still has placeholders to fill: {names}")
    # An email needs a subject: its own variant's, or the main one it follows.
    emails = [
        c.name
        for c in statement.channels
        if c.kind is ChannelKind.EMAIL
        and not ((found := statement.variant(c.name)) and found.subject.strip())
    ]
    if emails:
        raise RuleViolation(
            f"statement {statement.id} goes out by email ({', '.join(emails)}) and has no "
            "subject; add one first"
        )


def approval_refusal(
    statement: Statement, approver: str, seen_revision: int | None = None
) -> str | None:
    """Return why ``approver`` may not approve ``statement`` now, or None if they may.

    Names are compared as names (case and Unicode twins are one person). ``seen_revision``
    is the revision the approver read: a statement changed since then is not approved.
    """
    if seen_revision is not None and seen_revision != statement.revision:
        return (
            f"statement {statement.id} changed since you read it (you read revision "
            f"{seen_revision}; it is now at revision {statement.revision}); read it again"
        )
    if statement.state is not StatementState.IN_REVIEW:
        state = statement.state.value.replace("_", " ")
        return f"statement {statement.id} is {state}; only a statement in review can be approved"
    if same_name(approver, statement.author) or same_name(approver, statement.revision_author):
        return "you wrote this: another approver must approve"
    if any(same_name(a.approver, approver) for a in statement.valid_approvals):
        return f"{approver} has already approved this text"
    return None


def ensure_can_approve(
    statement: Statement, approver: str, seen_revision: int | None = None
) -> None:
    """Raise the refusal from :func:`approval_refusal`, if any."""
    reason = approval_refusal(statement, approver, seen_revision)
    if reason:
        raise RuleViolation(reason)


def ensure_can_reject(statement: Statement, reason: str) -> str:
    """A rejection needs a statement in review (approved, or scheduled) and a stated reason."""
    if statement.state not in (
        StatementState.IN_REVIEW,
        StatementState.APPROVED,
        StatementState.SCHEDULED,
    ):
        state = statement.state.value.replace("_", " ")
        raise RuleViolation(f"statement {statement.id} is {state}; there is nothing to reject")
    cleaned = reject_nul(reason, "the reason").strip()
    if not cleaned:
        raise ValidationError("a rejection needs a reason")
    return cleaned


def release_refusal(statement: Statement, approvals_required: int) -> str | None:
    """Return why ``statement`` may not be released now, or None if it may."""
    if statement.state is StatementState.RELEASED:
        return f"statement {statement.id} is already released"
    if statement.state is StatementState.SCHEDULED and statement.scheduled_for is not None:
        return (
            f"statement {statement.id} is already scheduled for release at "
            f"{statement.scheduled_for:%Y-%m-%d %H:%M}Z"
        )
    have = len(statement.valid_approvals)
    if statement.state is not StatementState.APPROVED or have < approvals_required:
        return (
            f"statement {statement.id} needs {approvals_required} approval(s) of its current "
            f"text before release; it has {have}"
        )
    return None


def ensure_can_release(statement: Statement, approvals_required: int) -> None:
    """Raise the refusal from :func:`release_refusal`, if any."""
    reason = release_refusal(statement, approvals_required)
    if reason:
        raise RuleViolation(reason)


def state_after_approval(statement: Statement, approvals_required: int) -> StatementState:
    """Return the state once an approval is added: approved when enough approvals are in."""
    count = len(statement.valid_approvals) + 1
    return StatementState.APPROVED if count >= approvals_required else StatementState.IN_REVIEW


def state_after_edit(statement: Statement) -> StatementState:
    """An edit of a statement in review, approved or scheduled sends it back to review."""
    if statement.state in (
        StatementState.IN_REVIEW,
        StatementState.APPROVED,
        StatementState.SCHEDULED,
    ):
        return StatementState.IN_REVIEW
    return StatementState.DRAFT


CONFLICT_EXCERPT_CHARS = 300


class DraftConflict(ConflictError):
    """A save based on an outdated copy was refused; ``current`` is the version now stored."""

    def __init__(self, current: Statement) -> None:
        super().__init__(conflict_message(current))
        self.current = current


def conflict_message(current: Statement) -> str:
    """Say, on one line, who saved in between and what their version says."""
    text = " ".join(current.text.split())
    if len(text) > CONFLICT_EXCERPT_CHARS:
        text = text[: CONFLICT_EXCERPT_CHARS - 1] + "\u2026"
    return (
        f"statement {current.id} was changed by {current.revision_author} since you opened it; "
        f"your edit was not saved. Their version (revision {current.revision}) reads: "
        f'"{text}". Reload it and apply your change again'
    )
