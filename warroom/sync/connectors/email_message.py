"""The message an email channel sends: who sees whom, and a plain and an HTML part.

Recipients are hidden from each other by default: the channel's ``bcc`` addresses and its
recipient groups travel in the envelope only (no ``Bcc:`` header is ever written), while
``to`` addresses are the visible addressees. With no visible addressee the ``To:`` header
is the RFC 5322 empty group ``undisclosed-recipients:;``. Every message says
``Auto-Submitted: auto-generated`` (RFC 3834) so that vacation responders stay quiet, and
carries a stable ``Message-ID`` made from its outbox row's idempotency key.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, getaddresses
from typing import Any

from warroom.domain.markup import to_html
from warroom.domain.outbox import Delivery

DEFAULT_SUBJECT = "Incident update"
UNDISCLOSED = "undisclosed-recipients:;"


def message_id(idempotency_key: str, sender: str) -> str:
    """Return the stable Message-ID of an outbox row."""
    domain = sender.rpartition("@")[2].strip(" >") or "warroom.invalid"
    return f"<warroom.{idempotency_key}@{domain}>"


def address_of(value: str) -> str:
    """Return the bare address of 'Name <address>' (the envelope takes only that)."""
    found = getaddresses([value])
    return found[0][1] if found and found[0][1] else value


def _listed(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


@dataclass(frozen=True)
class Recipients:
    """The visible addressees (``To:``) and the hidden ones (envelope only)."""

    visible: tuple[str, ...]
    hidden: tuple[str, ...]

    def envelope(self) -> list[str]:
        """Return every bare address once (compared without case), visible ones first."""
        seen: set[str] = set()
        out = []
        for value in (*self.visible, *self.hidden):
            bare = address_of(value)
            if bare.lower() not in seen:
                seen.add(bare.lower())
                out.append(bare)
        return out


def channel_recipients(settings: Mapping[str, Any]) -> Recipients:
    """Return an email channel's recipients: ``to`` visible; ``bcc`` and groups hidden."""
    groups = settings.get("groups") or {}
    grouped: list[str] = []
    if isinstance(groups, Mapping):
        for name in sorted(groups):
            grouped.extend(_listed(groups[name]))
    return Recipients(
        tuple(_listed(settings.get("to"))), tuple(_listed(settings.get("bcc")) + grouped)
    )


def html_document(text: str, title: str) -> str:
    """Return the HTML part: the statement's Markdown subset rendered and escaped."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{to_html(text)}\n</body></html>\n"
    )


def build_message(
    row: Delivery,
    *,
    sender: str,
    recipients: Recipients | Sequence[str],
    at: Any,
    reply_to: str = "",
) -> EmailMessage:
    """Return the MIME message for ``row``: multipart/alternative (plain text + HTML)."""
    if not isinstance(recipients, Recipients):
        recipients = Recipients(tuple(recipients), ())
    subject = row.subject or DEFAULT_SUBJECT
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients.visible) if recipients.visible else UNDISCLOSED
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(at) if at is not None else formatdate(localtime=False)
    message["Message-ID"] = message_id(row.idempotency_key, sender)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Warroom-Statement"] = str(row.statement_id)
    message["X-Warroom-Incident"] = str(row.incident_id)
    if row.thread.get("message_id"):
        # An answer to an inbox item: threaded under the customer's message.
        message["In-Reply-To"] = str(row.thread["message_id"])
        message["References"] = str(row.thread.get("references") or row.thread["message_id"])
    message.set_content(row.text)
    message.add_alternative(html_document(row.text, subject), subtype="html")
    return message


def parse_addresses(values: Iterable[str]) -> list[str]:
    """Split and check addresses given on the command line."""
    addresses = [addr for _name, addr in getaddresses(list(values)) if addr]
    return [a for a in addresses if "@" in a]
