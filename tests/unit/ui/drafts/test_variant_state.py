"""The drafts pane's variants, countdowns and previews as data, without Qt."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.clocks import RegulatorDeadline
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident, IncidentState, Severity
from warroom.domain.statements import Approval, Statement, StatementState
from warroom.domain.variants import Variant, VariantEdit
from warroom.ui.drafts.content import EditorContent, content_of, same_content, variant_edits
from warroom.ui.drafts.state import DraftsState
from warroom.ui.drafts.variant_preview import preview_html, render_kind
from warroom.ui.drafts.variant_state import EDITED, SAME, over_limit, variant_tabs

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MASTODON = Channel(1, "mastodon", ChannelKind.MASTODON, {"url": "https://social.example"})
EMAIL = Channel(
    2, "email", ChannelKind.EMAIL, {"from": "news@shop.example", "to": ["all@shop.example"]}
)
BLUESKY = Channel(3, "bluesky", ChannelKind.BLUESKY, {"handle": "shop.example", "language": "fr"})
INCIDENT = Incident(
    1, "Outage", Severity.SEV3, IncidentState.OPEN, None, NOW, NOW, NOW, None, "alice"
)
OWN_EMAIL = Variant("email", "Checkout", "Dear customer,\n\nall is well.", edited=True)


def _content(**changes: object) -> EditorContent:
    base = EditorContent(("mastodon", "email"), "Outage", "We are on it.", None, (OWN_EMAIL,))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_variant_model_needs_no_qt() -> None:
    code = (
        "import sys, warroom.ui.drafts.variant_state, warroom.ui.drafts.variant_preview; "
        "sys.exit('PySide6' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[4]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_tabs_say_which_channel_has_its_own_text_and_count_it() -> None:
    tabs = variant_tabs(_content(), [MASTODON, EMAIL, BLUESKY])
    assert [t.channel for t in tabs] == ["", "mastodon", "email"]  # bluesky is not chosen
    main, mastodon, email = tabs
    assert main.title == "Main text" and main.counter == "followed by 1 of 2 channel(s)"
    assert (mastodon.marker, mastodon.counter) == (SAME, "mastodon: 13 / 500 characters")
    assert (email.marker, email.title, email.edited) == (EDITED, "email ✎", True)
    assert email.subject_used and not mastodon.subject_used
    too_long = _content(text="x" * 501)
    tabs = variant_tabs(too_long, [MASTODON, EMAIL])
    assert tabs[0].over and tabs[0].problem == "too long for mastodon"
    assert tabs[1].title == "mastodon ⚠" and tabs[1].counter.endswith(": too long")
    assert over_limit(too_long, [MASTODON, EMAIL]) == ["mastodon"]
    # A channel's own short text makes the long main text fine for it.
    own_post = (OWN_EMAIL, Variant("mastodon", "", "Short.", edited=True))
    assert over_limit(replace(too_long, own=own_post), [MASTODON, EMAIL]) == []
    french = variant_tabs(_content(channel_names=("bluesky",)), [BLUESKY])
    assert french[1].title == "bluesky [fr]"


def _statement(**changes: object) -> Statement:
    base = Statement(
        id=7,
        incident_id=1,
        channels=(MASTODON, EMAIL),
        subject="Outage",
        text="We are on it.",
        state=StatementState.DRAFT,
        revision=1,
        author="alice",
        revision_author="alice",
        created_at=NOW,
        updated_at=NOW,
        version=1,
        edited_variants=(OWN_EMAIL,),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_unsaved_variants_and_what_a_save_sends() -> None:
    saved = _statement()
    content = content_of(saved)
    assert content.own == (OWN_EMAIL,) and same_content(content, content_of(saved))
    changed = replace(content, own=(replace(OWN_EMAIL, text="Other."),))
    assert not same_content(changed, content)
    assert variant_edits(changed, saved) == {
        "email": VariantEdit(subject="Checkout", text="Other.")
    }
    # Back to the main text: the save resets the channel's variant.
    assert variant_edits(replace(content, own=()), saved) == {"email": None}
    # A channel no longer chosen is neither set nor reset (the save drops it).
    assert variant_edits(replace(content, channel_names=("mastodon",)), saved) == {}
    placeholders = replace(content, own=(replace(OWN_EMAIL, text="Hi {name}"),))
    assert placeholders.placeholders == ["name"]


def _state(statement: Statement) -> DraftsState:
    state = DraftsState("bob")
    state.set_incident(INCIDENT, EditorContent())
    view = IncidentView.build(
        incident=INCIDENT,
        read_at=NOW,
        actor="bob",
        statements=(statement,),
        deliveries=(),
        channels=(MASTODON, EMAIL),
        checklist=(),
        regulator=RegulatorDeadline(None, ""),
        people=(),
    )
    state.view_arrived(view, EditorContent(), 0)
    state.choose(statement, EditorContent())
    return state


def test_the_pane_counts_down_to_a_scheduled_release_and_an_expiring_approval() -> None:
    at = NOW + timedelta(hours=1, minutes=5)
    scheduled = _statement(state=StatementState.SCHEDULED, scheduled_for=at, scheduled_by="lee")
    state = _state(scheduled)
    assert state.counting_down()
    content = content_of(scheduled)
    assert "(in 1 h 05 min). Editing or rejecting it cancels the release." in state.reasons(content)
    later = state.reasons(content, NOW + timedelta(hours=1, minutes=4, seconds=50))
    assert "(in 10 s)" in later
    due = state.reasons(content, at)
    assert "(due: waiting for the sync worker)" in due
    assert "scheduled by lee for" in state.heading()
    approval = Approval(7, "priya", NOW - timedelta(hours=20), "", 1)
    approved = _statement(state=StatementState.APPROVED)
    approved = replace(approved, approvals=(replace(approval, content_hash=approved.content_hash),))
    state = _state(approved)
    assert "Approval expires at" in state.reasons(content_of(approved))
    assert "(in 4 h 00 min)" in state.reasons(content_of(approved))
    expired = state.reasons(content_of(approved), NOW + timedelta(hours=5))
    assert "Approval expires" not in expired
    draft = _state(_statement())
    assert not draft.counting_down()


def test_previews_render_each_kind_with_its_text_escaped() -> None:
    hostile = Variant("email", "<b>Subject</b>", "<script>alert(1)</script>\nline 2", True)
    email = preview_html(EMAIL, hostile, NOW)
    assert "From:" in email and "news@shop.example" in email and "all@shop.example" in email
    assert "&lt;b&gt;Subject&lt;/b&gt;" in email and "<script>" not in email
    assert "&lt;script&gt;" in email and "<br/>line 2" in email
    post = preview_html(BLUESKY, Variant("bluesky", "", "Back up."), NOW)
    assert "@shop.example" in post and "bluesky: 8 / 300 graphemes" in post
    assert "language fr" in post and "The main text" in post
    slack = Channel(
        4, "ops", ChannelKind.WEBHOOK, {"url": "https://hooks.example/x", "format": "slack"}
    )
    chat = preview_html(slack, Variant("ops", "Update", "Fixed."), NOW)
    assert "Slack (webhook)" in chat and "War Room" in chat and "hooks.example" in chat
    # Kinds added on another branch render by name: a status page shows an update.
    status = Channel(5, "status", ChannelKind.WEBHOOK, {"title": "Shop status"})
    update = render_kind(
        "statusdir", status, Variant("status", "", "Monitoring."), NOW, incident_title="Outage"
    )
    assert "<h3>Outage</h3>" in update and "Investigating" in update and "Shop status" in update
    matrix = render_kind("matrix", status, Variant("status", "", "Fixed."), NOW)
    assert "War Room" in matrix and "matrix" in matrix
