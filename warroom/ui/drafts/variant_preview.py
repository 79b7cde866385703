"""Each variant rendered as it will appear on its channel, as rich text (no Qt here).

Simple, faithful renderings for the release preview, by channel kind name (kinds another
version adds render by name too): a social post card (Mastodon, Bluesky), an email with its
headers, a chat message (webhook formats, Matrix), a status-page update (Statuspage, the
static status folder). All text is escaped: nothing a person typed becomes markup. The HTML
uses only what QTextDocument renders (tables, bgcolor, font styles).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

from warroom.domain.channels import Channel, fit
from warroom.domain.variants import Variant, language_of

SOCIAL = frozenset({"mastodon", "bluesky"})
CHAT = frozenset({"webhook", "matrix"})
STATUS = frozenset({"statuspage", "statusdir"})
CHAT_NAMES = {
    "slack": "Slack",
    "teams": "Microsoft Teams",
    "discord": "Discord",
    "generic": "JSON webhook",
}


def _body(text: str) -> str:
    """Escape ``text`` and keep its line breaks (paragraphs stay paragraphs)."""
    return escape(text).replace("\n", "<br/>")


def _card(inner: str, background: str = "#ffffff") -> str:
    return (
        f'<table width="100%" cellpadding="10" cellspacing="0" border="1" '
        f'style="border-color:#c8c8c8" bgcolor="{background}"><tr><td>{inner}</td></tr></table>'
    )


def _host(settings: Mapping[str, Any]) -> str:
    url = str(settings.get("url") or "")
    return urlsplit(url).hostname or ""


def kind_label(channel: Channel, kind: str | None = None) -> str:
    """Return what a person calls the channel's kind, e.g. 'Slack (webhook)'."""
    kind = kind or channel.kind.value
    form = str(channel.settings.get("format") or "")
    if kind == "webhook" and form:
        return f"{CHAT_NAMES.get(form, form)} (webhook)"
    return kind


def social_card(channel: Channel, variant: Variant, when: datetime) -> str:
    """A post as a follower sees it: the account, the text, the time."""
    settings = channel.settings
    handle = str(settings.get("handle") or "")
    account = f"@{handle}" if handle else (_host(settings) or channel.name)
    measured = fit(channel, variant.text)
    inner = (
        f"<p><b>{escape(channel.name)}</b> <span style='color:#666666'>{escape(account)}"
        f"</span></p><p style='font-size:12pt'>{_body(variant.text)}</p>"
        f"<p style='color:#666666'>{when.astimezone():%H:%M} · {escape(measured.counter)}</p>"
    )
    return _card(inner)


def email_message(channel: Channel, variant: Variant, when: datetime) -> str:
    """An email as received: From, To (or Bcc), Subject and Date, then the body."""
    settings = channel.settings
    sender = str(settings.get("from") or "(sender not set)")
    to = settings.get("to") or []
    recipients = ", ".join(map(str, to)) if isinstance(to, list | tuple) else str(to)
    bcc = settings.get("bcc") or []
    rows = [("From", sender), ("To", recipients or "(recipients not set)")]
    if bcc:
        rows.append(("Bcc", ", ".join(map(str, bcc))))
    reply_to = settings.get("reply_to")
    if reply_to:
        rows.append(("Reply-To", str(reply_to)))
    rows += [
        ("Subject", variant.subject or "(no subject)"),
        ("Date", f"{when:%a, %d %b %Y %H:%M} UTC"),
    ]
    headers = "".join(
        f"<tr><td width='18%' style='color:#555555'><b>{name}:</b></td>"
        f"<td>{escape(value)}</td></tr>"
        for name, value in rows
    )
    return (
        f"<table width='100%' cellpadding='3' cellspacing='0' bgcolor='#f3f3f3'>{headers}</table>"
        f"<hr/><p style='font-family:serif'>{_body(variant.text)}</p>"
    )


def chat_message(channel: Channel, variant: Variant, when: datetime, kind: str = "") -> str:
    """A message in a chat room or channel: the poster, the time, the (plain) text."""
    where = kind_label(channel, kind)
    room = str(channel.settings.get("room") or _host(channel.settings) or channel.name)
    subject = f"<p><b>{escape(variant.subject)}</b></p>" if variant.subject else ""
    inner = (
        f"<p><b>War Room</b> <span style='color:#666666'>{when.astimezone():%H:%M} · "
        f"{escape(where)} · {escape(room)}</span></p>{subject}<p>{_body(variant.text)}</p>"
    )
    return _card(inner, "#f7f7fb")


def status_update(
    channel: Channel, variant: Variant, when: datetime, incident_title: str, status: str
) -> str:
    """An update on a status page: the incident, its status, the time, the update."""
    title = variant.subject or incident_title or "Incident"
    page = str(channel.settings.get("title") or _host(channel.settings) or channel.name)
    inner = (
        f"<p style='color:#666666'>{escape(page)}</p>"
        f"<h3>{escape(title)}</h3>"
        f"<p><b>{escape(status.capitalize())}</b> — {_body(variant.text)}</p>"
        f"<p style='color:#666666'>Posted {when:%b %d, %Y - %H:%M} UTC</p>"
    )
    return _card(inner, "#fbfbf3")


def preview_html(
    channel: Channel,
    variant: Variant,
    when: datetime,
    *,
    incident_title: str = "",
    status: str = "investigating",
) -> str:
    """Return ``variant`` rendered as ``channel`` will show it (by kind name)."""
    return render_kind(
        channel.kind.value, channel, variant, when, incident_title=incident_title, status=status
    )


def render_kind(
    kind: str,
    channel: Channel,
    variant: Variant,
    when: datetime,
    *,
    incident_title: str = "",
    status: str = "investigating",
) -> str:
    """Return ``variant`` rendered as a channel of ``kind`` (a kind name) shows it."""
    language = language_of(channel.settings)
    note = (
        f"<p style='color:#555555'>{'Its own text' if variant.edited else 'The main text'}"
        f"{f' · language {escape(language)}' if language else ''}</p>"
    )
    if kind in SOCIAL:
        return note + social_card(channel, variant, when)
    if kind == "email":
        return note + email_message(channel, variant, when)
    if kind in CHAT:
        return note + chat_message(channel, variant, when, kind)
    if kind in STATUS:
        return note + status_update(channel, variant, when, incident_title, status)
    subject = f"<p><b>{escape(variant.subject)}</b></p>" if variant.subject else ""
    return note + _card(subject + f"<p>{_body(variant.text)}</p>")
