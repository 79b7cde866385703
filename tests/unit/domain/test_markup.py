"""The statement Markdown subset: what becomes markup, and everything else escaped."""

from __future__ import annotations

from warroom.domain.channels import Channel, ChannelKind, fit
from warroom.domain.markup import to_html, to_plain, to_slack, to_teams


def test_the_subset_renders_and_everything_else_is_escaped() -> None:
    text = (
        'Hello **all** & *you* <img src=x onerror="a()">\n'
        "Line two [docs](https://example.com/a?b=1&c=2)\n\n"
        "- one\n* two"
    )
    assert to_html(text) == (
        "<p>Hello <strong>all</strong> &amp; <em>you</em> "
        "&lt;img src=x onerror=&quot;a()&quot;&gt;<br>\n"
        'Line two <a href="https://example.com/a?b=1&amp;c=2">docs</a></p>\n'
        "<ul><li>one</li><li>two</li></ul>"
    )


def test_only_web_and_mail_links_become_links() -> None:
    assert to_html("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"
    assert to_html("[x](data:text/html,hi)") == "<p>[x](data:text/html,hi)</p>"
    assert to_html("[mail us](mailto:help@example.com)") == (
        '<p><a href="mailto:help@example.com">mail us</a></p>'
    )
    assert to_html('[x](https://a.example/"onmouseover=1)') == (
        '<p><a href="https://a.example/&quot;onmouseover=1">x</a></p>'
    )


def test_stray_asterisks_stay_text() -> None:
    assert to_html("2*3*4 = 24 and a * b") == "<p>2*3*4 = 24 and a * b</p>"
    assert to_html("**unclosed bold") == "<p>**unclosed bold</p>"


def test_slack_teams_and_plain_renderings() -> None:
    text = "**Bold** *it* <!here> & [s](https://s.example/?a=1|2)\n\n- item"
    assert to_slack(text) == (
        "*Bold* _it_ &lt;!here&gt; &amp; <https://s.example/?a=1%7C2|s>\n\n• item"
    )
    assert to_teams(text) == "**Bold** _it_ <!here> & [s](https://s.example/?a=1|2)\n\n- item"
    assert to_plain(text) == "Bold it <!here> & s (https://s.example/?a=1|2)\n\n- item"


def test_matrix_counts_the_bytes_of_the_text_and_its_html() -> None:
    matrix = Channel(1, "matrix", ChannelKind.MATRIX)
    assert fit(matrix, "x" * 25_000).fits
    assert not fit(matrix, "x" * 25_001).fits
    angles = fit(matrix, "<" * 20_000)  # 20,000 bytes of text, 80,000 of HTML escapes
    assert angles.length == 20_000 and angles.over_bytes and not angles.fits
    statuspage = Channel(2, "page", ChannelKind.STATUSPAGE)
    assert fit(statuspage, "x" * 25_000).fits and not fit(statuspage, "x" * 25_001).fits
    assert fit(Channel(3, "site", ChannelKind.STATUSDIR), "x" * 100_000).fits


def test_which_channels_show_a_subject() -> None:
    def channel(kind: ChannelKind, **settings: str) -> Channel:
        return Channel(1, "c", kind, settings)

    assert channel(ChannelKind.EMAIL).has_subject
    assert channel(ChannelKind.STATUSPAGE).has_subject
    assert channel(ChannelKind.STATUSDIR).has_subject
    assert channel(ChannelKind.WEBHOOK).has_subject  # generic: the subject field
    assert channel(ChannelKind.WEBHOOK, format="teams").has_subject  # the card's title
    assert not channel(ChannelKind.WEBHOOK, format="slack").has_subject
    assert not channel(ChannelKind.WEBHOOK, format="discord").has_subject
    assert not channel(ChannelKind.MATRIX).has_subject
    assert not channel(ChannelKind.MASTODON).has_subject
