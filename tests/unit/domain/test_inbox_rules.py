"""Inbox domain rules: cleaning outside text, suggesting priorities, matching, stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.errors import ValidationError
from warroom.domain.inbound_text import (
    TEXT_MAX_BYTES,
    cap_bytes,
    clean_body,
    clean_field,
    html_to_text,
    neutralise,
)
from warroom.domain.inbox import Author, InboxFilter, ReplyLink, SourceKind, validate_source_name
from warroom.domain.inbox_stats import (
    SPIKE_RULE,
    VolumeCount,
    bucket_seconds,
    compute_stats,
    percentile,
)
from warroom.domain.playbooks import parse_playbook
from warroom.domain.triage import reply_subject, reply_text, risk_words_in, suggest, term_matches


def test_html_becomes_text_and_is_never_rendered() -> None:
    markup = (
        "<p>Hello <b>there</b> &amp; <i>you</i></p><script>steal()</script><p>Second<br>line</p>"
    )
    assert html_to_text(markup) == "Hello there & you\n\nSecond\nline"


def test_control_and_bidi_characters_are_neutralised() -> None:
    assert neutralise("a\x1b]0;pwned\x07b\u202ec\r\nd\te") == "a\ufffd]0;pwned\ufffdb\ufffdc\nd\te"
    assert clean_field("line\nbreak\x00") == "line break\ufffd"
    assert neutralise("family \U0001f468\u200d\U0001f469") == "family \U0001f468\u200d\U0001f469"


def test_text_is_capped_at_64_kib_on_a_character_boundary() -> None:
    text, cut = cap_bytes("é" * 40_000)
    assert cut and len(text.encode()) <= TEXT_MAX_BYTES
    body, cut = clean_body("<p>" + "x" * 1_000_000 + "</p>", is_html=True)
    assert cut and len(body.encode()) <= TEXT_MAX_BYTES


def test_priority_suggestion_rule() -> None:
    quiet = Author("a", followers=10)
    assert suggest(text="hello", author=quiet, risk_words=(), sentiment=None).priority == 4
    reach = suggest(text="hi", author=Author("b", followers=12_000), risk_words=(), sentiment=0.1)
    assert reach.priority == 2 and "reach: 12,000 followers" in reach.reasons
    one = suggest(
        text="Refund please", author=quiet, risk_words=["refund", "lawsuit"], sentiment=None
    )
    assert one.priority == 2 and one.risk_words == ("refund",)
    two = suggest(
        text="refund or lawsuit", author=quiet, risk_words=["refund", "lawsuit"], sentiment=None
    )
    assert two.priority == 1
    angry = suggest(text="awful", author=quiet, risk_words=(), sentiment=-0.8)
    assert angry.priority == 3 and "negative sentiment -0.80 (VADER, English)" in angry.reasons
    very_angry_reach = suggest(
        text="x", author=Author("c", followers=5_000), risk_words=(), sentiment=-0.9
    )
    assert very_angry_reach.priority == 2  # sentiment alone never makes it P1


def test_terms_match_whole_words_any_case_and_hashtags() -> None:
    assert term_matches("refund", "I want a REFUND.")
    assert not term_matches("refund", "refunded already")
    assert term_matches("#shopdown", "again #ShopDown today")
    assert not term_matches("data", "database")
    assert term_matches("credit card", "my Credit  Card".replace("  ", " "))
    assert risk_words_in("Data leak and DATA loss", ["data", "leak", "fire"]) == ("data", "leak")


def test_replies_mention_the_author_and_email_subjects_get_one_re() -> None:
    author = Author("carol@example.social")
    assert reply_text(SourceKind.MASTODON, "On it", author) == "@carol@example.social On it"
    assert reply_text(SourceKind.MASTODON, "@Carol@example.social hi", author).count("@") == 2
    assert reply_text(SourceKind.BLUESKY, "On it", Author("dave")) == "On it"
    assert reply_subject("Parcel") == "Re: Parcel"
    assert reply_subject("RE: Parcel") == "RE: Parcel"
    assert reply_subject("") == "Re: your message"


def test_reply_quorum() -> None:
    link = ReplyLink(1, 2, approvals_required=1, preapproved_hash="abc")
    assert link.required("abc", 2) == 0
    assert link.required("other", 2) == 1
    assert ReplyLink(1, 2).required("x", 2) == 2


def test_names_and_filters_are_checked() -> None:
    assert validate_source_name("support-mail") == "support-mail"
    with pytest.raises(ValidationError):
        validate_source_name("bad name")
    with pytest.raises(ValidationError, match="not both"):
        InboxFilter(incident_id=1, unassigned=True)


def _at(minutes: int) -> int:
    return int(datetime(2026, 11, 23, 9, tzinfo=UTC).timestamp() // 300) + minutes // 5


def test_spikes_follow_the_documented_rule() -> None:
    counts = [VolumeCount(_at(5 * i), "masto", 2) for i in range(6)]
    counts += [
        VolumeCount(_at(30), "masto", 3, negative=2, scored=3),
        VolumeCount(_at(30), "mail", 2),  # 5 = 2.5x the baseline of 2: a spike
        VolumeCount(_at(35), "masto", 4),  # 4 < 5 items: never a spike
    ]
    stats = compute_stats(
        incident_id=None,
        bucket="5m",
        now=datetime(2026, 11, 23, 10, tzinfo=UTC),
        counts=counts,
        responses=[(1, 60), (1, 180), (1, 120), (2, 600)],
        waiting=3,
        oldest_waiting_since=datetime(2026, 11, 23, 9, 15, tzinfo=UTC),
    )
    assert [b.spike for b in stats.buckets] == [False] * 6 + [True, False]
    assert stats.buckets[0].baseline is None
    spike = stats.buckets[6]
    assert spike.total == 5 and spike.by_source == {"mail": 2, "masto": 3}
    assert spike.baseline == 2 and spike.negative_share == 2 / 3
    assert stats.total == 21 and stats.sources == ("mail", "masto")
    p1 = stats.response[0]
    assert (p1.answered, p1.median, p1.p90) == (3, timedelta(minutes=2), timedelta(minutes=3))
    assert stats.response[2].answered == 0 and stats.response[2].median is None
    assert stats.oldest_wait == timedelta(minutes=45)
    assert stats.rule == SPIKE_RULE
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == 9.0
    with pytest.raises(ValidationError):
        bucket_seconds("2m")


def test_playbooks_define_risk_words_reply_quorum_and_reply_templates() -> None:
    text = """
key = "x"
name = "X"
risk_words = ["refund", "lawsuit"]
reply_approvals = 1
[[items]]
phase = "ongoing"
text = "t"
owner = "lead"
[[reply_templates]]
key = "ack"
name = "Ack"
text = "Thanks {name}"
signed_off_by = "Legal"
"""
    playbook = parse_playbook(text, "x.toml")
    assert playbook.risk_words == ("refund", "lawsuit")
    assert playbook.reply_approvals == 1
    assert playbook.reply_templates[0].key == "ack"
    with pytest.raises(ValidationError, match="reply_approvals"):
        parse_playbook(text.replace("reply_approvals = 1", "reply_approvals = 0"), "x.toml")
    with pytest.raises(ValidationError, match="risk_words"):
        parse_playbook(text.replace('["refund", "lawsuit"]', '"refund"'), "x.toml")
