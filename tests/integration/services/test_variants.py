"""Per-channel variants through the services, on a real SQLite file and PostgreSQL: one text
per channel, one approval over all of them, any variant's edit voids it, each checked against
its own channel, carried by its own outbox row, and covered by the chain."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from warroom.domain.content import ChannelContent, approved_content_hash, content_hash_of
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.statements import StatementState
from warroom.domain.variants import VariantEdit

Services = Any

pytestmark = pytest.mark.both_databases

LONG_EMAIL = "Dear customer, " + "here is everything we know so far. " * 30


def _approved(services: Services, statement_id: int) -> Any:
    services.statements.submit(statement_id, "dana")
    return services.statements.approve(statement_id, "priya")


def test_a_draft_is_one_text_everywhere_until_a_variant_is_edited(services: Services) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    draft = services.statements.draft(
        incident.id, ["mastodon", "email"], "We are investigating.", "dana", subject="Outage"
    )
    assert [(v.channel, v.subject, v.text, v.edited) for v in draft.variants] == [
        ("mastodon", "Outage", "We are investigating.", False),
        ("email", "Outage", "We are investigating.", False),
    ]
    # Nothing changed for a statement without variants: the hash is the one of before.
    assert draft.content_hash == content_hash_of(
        ["mastodon", "email"], "Outage", "We are investigating."
    )
    edited = services.statements.set_variant(
        draft.id, "dana", "EMAIL", subject="Checkout outage", text=LONG_EMAIL
    )
    assert edited.revision == 2 and edited.edited_variants[0].channel == "email"
    email = edited.variant("email")
    assert email is not None and email.edited and email.text == LONG_EMAIL.strip()
    assert email.subject == "Checkout outage"
    # The main text still drives the channels that follow it.
    main = services.statements.edit(draft.id, "dana", text="Update: fix in progress.")
    assert main.variant("mastodon").text == "Update: fix in progress."  # type: ignore[union-attr]
    assert main.variant("email").text == LONG_EMAIL.strip()  # type: ignore[union-attr]
    assert main.content_hash == approved_content_hash(
        [
            ChannelContent("mastodon", "Outage", "Update: fix in progress."),
            ChannelContent("email", "Checkout outage", LONG_EMAIL.strip()),
        ]
    )
    reset = services.statements.set_variant(draft.id, "dana", "email", reset=True)
    assert reset.edited_variants == () and reset.revision == 4
    revisions = services.statements.revisions(draft.id)
    assert [r.edited_variants != () for r in revisions] == [False, True, True, False]
    assert revisions[1].variants[1].text == LONG_EMAIL.strip()
    assert services.export.verify_incident(incident.id).ok


def test_each_variant_is_checked_against_its_own_channel(services: Services) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    draft = services.statements.draft(incident.id, ["mastodon", "email"], "Short.", "dana")
    # The long text is fine for email, so the email variant may have it...
    services.statements.set_variant(draft.id, "dana", "email", text="x" * 800)
    # ...but not the Mastodon one, nor the main text Mastodon follows.
    with pytest.raises(ValidationError, match="800 characters but channel 'mastodon'"):
        services.statements.set_variant(draft.id, "dana", "mastodon", text="x" * 800)
    with pytest.raises(ValidationError, match="channel 'mastodon'"):
        services.statements.edit(draft.id, "dana", text="y" * 800)
    with pytest.raises(ValidationError, match="sends no subject line"):
        services.statements.set_variant(draft.id, "dana", "mastodon", subject="CW", text="Hi")
    with pytest.raises(ValidationError, match="not a target of this statement"):
        services.statements.set_variant(draft.id, "dana", "bluesky", text="Hi")
    with pytest.raises(ValidationError, match="variant's text is empty"):
        services.statements.set_variant(draft.id, "dana", "email", text="   ")
    kept = services.statements.get(draft.id)
    assert kept.revision == 2 and kept.variant("email").text == "x" * 800  # type: ignore[union-attr]
    # A long main text is refused only where it is used: with both channels edited it is not.
    services.statements.set_variant(draft.id, "dana", "mastodon", text="Short post.")
    both = services.statements.edit(draft.id, "dana", text="y" * 800)
    assert both.text == "y" * 800


def test_one_approval_covers_every_variant_and_any_edit_voids_it(services: Services) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    draft = services.statements.draft(
        incident.id,
        ["mastodon", "email"],
        "We are investigating.",
        "dana",
        variants={"email": VariantEdit(subject="Outage", text=LONG_EMAIL)},
    )
    approved = _approved(services, draft.id)
    assert approved.state is StatementState.APPROVED
    (approval,) = approved.approvals
    assert approval.content_hash == approved.content_hash
    # Editing one variant only (the Mastodon post) voids the approval of the whole.
    edited = services.statements.set_variant(draft.id, "dana", "mastodon", text="Looking into it.")
    assert edited.state is StatementState.IN_REVIEW and edited.valid_approvals == ()
    with pytest.raises(RuleViolation, match="needs 1 approval"):
        services.statements.release(draft.id, "lee")
    entry = services.timeline.entries(incident.id)[-1]
    assert (
        "mastodon variant" in entry.text and "1 earlier approval(s) no longer apply" in entry.text
    )
    again = services.statements.approve(draft.id, "priya")
    released = services.statements.release(again.id, "lee")
    rows = {r.channel_name: r for r in services.channels.outbox(statement_id=draft.id)}
    assert (rows["mastodon"].subject, rows["mastodon"].text) == ("", "Looking into it.")
    assert (rows["email"].subject, rows["email"].text) == ("Outage", LONG_EMAIL.strip())
    assert {r.content_hash for r in rows.values()} == {released.content_hash}
    assert services.export.verify_incident(incident.id).ok


def test_verify_names_the_variant_changed_in_the_database(services: Services) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    draft = services.statements.draft(incident.id, ["mastodon", "email"], "Short.", "dana")
    services.statements.set_variant(draft.id, "dana", "email", text=LONG_EMAIL)
    assert services.export.verify_incident(incident.id).ok
    with services.db.transaction() as session:  # not history: an ordinary column
        session.execute(
            text(
                "UPDATE statement_channels SET variant_text = 'We never said that.' "
                "WHERE statement_id = :id AND variant_text IS NOT NULL"
            ),
            {"id": draft.id},
        )
    check = services.export.verify_incident(incident.id)
    assert not check.ok
    assert "variant 'email': its subject or text does not match" in check.problem
    # The revision history is insert-only: its variant texts cannot be rewritten.
    with pytest.raises(DBAPIError, match="insert-only"), services.db.transaction() as session:
        session.execute(text("UPDATE statement_revision_variants SET text = 'x'"))


def test_removing_a_channel_drops_its_variant(services: Services) -> None:
    incident = services.incidents.open("Checkout down", 3, "lee")
    draft = services.statements.draft(incident.id, ["mastodon", "email"], "Short.", "dana")
    services.statements.set_variant(draft.id, "dana", "email", text=LONG_EMAIL)
    fewer = services.statements.edit(draft.id, "dana", channel_names=["mastodon"])
    assert fewer.edited_variants == () and fewer.channel_names == ("mastodon",)
    more = services.statements.edit(draft.id, "dana", channel_names=["mastodon", "email"])
    assert more.variant("email").text == "Short."  # type: ignore[union-attr]
    assert services.export.verify_incident(incident.id).ok
