"""Answering an inbox item in its own thread, through the incident's approval rules.

``reply`` drafts a statement for the item's reply channel and submits it for review in one
transaction. The statement is bound to the item, so the outbox delivers it in-thread
(Mastodon ``in_reply_to_id``, Bluesky ``reply`` refs, email ``In-Reply-To``/``References``
to the sender only) and the item becomes "replied" once the delivery is confirmed. A
playbook may ask fewer approvals for replies (``reply_approvals``) and pre-approve reply
templates: a reply that is a fresh template's text, word for word once its placeholders
are filled, needs no approval until someone edits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from warroom.domain.changes import Area
from warroom.domain.channels import Channel
from warroom.domain.errors import NotFoundError, RuleViolation, ValidationError
from warroom.domain.inbox import InboxItem, ReplyLink, SourceKind
from warroom.domain.people import Action
from warroom.domain.playbooks import Playbook, StatementTemplate
from warroom.domain.statements import (
    Statement,
    StatementState,
    fill_placeholders,
    placeholders_in,
)
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.domain.triage import reply_subject, reply_text
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.services.playbooks import PlaybookCatalog
from warroom.services.statements import create_draft
from warroom.storage import (
    changes,
    channel_repo,
    inbox_repo,
    incident_repo,
    reply_repo,
    source_repo,
    statement_repo,
)
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append


class InboxReplyService:
    """Drafts in-thread answers to inbox items."""

    def __init__(self, context: ServiceContext, playbooks: PlaybookCatalog) -> None:
        self._ctx = context
        self._playbooks = playbooks

    def templates(self, item_id: int) -> list[StatementTemplate]:
        """Return the reply templates of the playbook of the item's incident."""
        item = self._item(item_id)
        playbook = self._playbook(item.incident_id)
        return list(playbook.reply_templates) if playbook else []

    def reply(
        self,
        item_id: int,
        actor: str,
        *,
        text: str = "",
        template_key: str | None = None,
        values: Mapping[str, str] | None = None,
        channel_name: str | None = None,
    ) -> Statement:
        """Draft and submit an answer to ``item_id`` on its reply channel."""
        item = self._item(item_id)
        if item.incident_id is None:
            raise RuleViolation(
                f"inbox item {item_id} is attached to no incident; attach it first "
                f"('warroom inbox attach {item_id} INCIDENT'): replies go through its approvals"
            )
        if item.source_kind.reply_channel_kind is None:
            raise RuleViolation(f"items from a {item.source_kind.value} source cannot be answered")
        playbook = self._playbook(item.incident_id)
        template = _template(playbook, template_key) if template_key else None
        today = self._ctx.clock().date()
        body, preapproved = _body(item, text, template, dict(values or {}), today)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.DRAFT)
            incident_repo.get(session, item.incident_id, for_update=True).ensure_open()
            item = inbox_repo.get(session, item_id, for_update=True)
            channel = _reply_channel(session, item, channel_name)
            now = self._ctx.clock()
            statement = create_draft(
                session,
                incident_id=item.incident_id or 0,
                channel_names=[channel.name],
                subject=reply_subject(item.subject) if item.source_kind is SourceKind.IMAP else "",
                text=reply_text(item.source_kind, body, item.author),
                actor=actor,
                at=now,
                template_key=template.key if template else None,
            )
            link = ReplyLink(
                statement_id=statement.id,
                item_id=item.id,
                approvals_required=playbook.reply_approvals if playbook else None,
                template_key=template.key if template else None,
                preapproved_hash=statement.content_hash if preapproved else "",
            )
            reply_repo.add(session, link)
            state = StatementState.APPROVED if preapproved else StatementState.IN_REVIEW
            statement = statement_repo.set_state(session, statement.id, state, now)
            what = (
                f"pre-approved by template {template.key!r} (signed off by "
                f"{template.signed_off_by}); ready to release"
                if preapproved and template
                else "submitted for review"
            )
            append(
                session,
                incident_id=statement.incident_id,
                kind=EntryKind.STATEMENT,
                text=f"Statement #{statement.id} answers inbound item #{item.id} in its thread "
                f"on {channel.name}; {what}",
                author=actor,
                at=now,
                data={
                    "event": TimelineEvent.STATEMENT_REPLY,
                    "statement": statement.id,
                    "item": item.id,
                    "channel": channel.name,
                    "url": item.url,
                    "content_hash": statement.content_hash,
                    "approvals_required": link.required(statement.content_hash, 0)
                    if preapproved or link.approvals_required is not None
                    else None,
                    "template": link.template_key,
                    "preapproved": preapproved,
                },
            )
            changes.record(
                session, statement.incident_id, Area.STATEMENTS, Area.TIMELINE, Area.INBOX
            )
            return statement

    def _item(self, item_id: int) -> InboxItem:
        with self._ctx.db.reading() as session:
            return inbox_repo.get(session, item_id)

    def _playbook(self, incident_id: int | None) -> Playbook | None:
        if incident_id is None:
            return None
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
        return self._playbooks.get(incident.playbook_key) if incident.playbook_key else None


def _template(playbook: Playbook | None, key: str) -> StatementTemplate:
    for template in playbook.reply_templates if playbook else ():
        if template.key == key:
            return template
    known = ", ".join(t.key for t in playbook.reply_templates) if playbook else ""
    raise ValidationError(
        f"the incident's playbook has no reply template {key!r} (has: {known or 'none'})"
    )


def _body(
    item: InboxItem,
    text: str,
    template: StatementTemplate | None,
    values: dict[str, str],
    today: date,
) -> tuple[str, bool]:
    """Return the answer's text and whether a fresh, signed-off template pre-approves it."""
    if template is None:
        if not text.strip():
            raise ValidationError("the reply text is empty (give --text or --template)")
        return text, False
    if text.strip():
        raise ValidationError("give --text or --template, not both")
    values.setdefault("name", item.author.name or item.author.handle)
    filled = fill_placeholders(template.text, values)
    missing = placeholders_in(filled)
    if missing:
        names = ", ".join("{" + name + "}" for name in missing)
        raise ValidationError(f"reply template {template.key!r} needs values for {names}")
    fresh = bool(template.signed_off_by) and not template.is_stale(today)
    return filled, fresh


def _reply_channel(session: Session, item: InboxItem, name: str | None) -> Channel:
    """Return the channel that answers in the item's thread."""
    wanted = item.source_kind.reply_channel_kind
    if name is None and item.source_id is not None:
        try:
            source = source_repo.by_id(session, item.source_id)
        except NotFoundError:
            source = None
        if source is not None:
            name = source.settings.get("reply_channel") or None
    if name is None:
        candidates = [
            c for c in channel_repo.list_all(session) if c.kind.value == wanted and c.configured
        ]
        if len(candidates) != 1:
            raise ValidationError(
                f"cannot tell which {wanted} channel answers source {item.source_name!r}; "
                "name it with --channel (or the source's --reply-channel)"
            )
        return candidates[0]
    channel = channel_repo.by_name(session, str(name))
    if channel.kind.value != wanted:
        raise ValidationError(
            f"channel {channel.name!r} is a {channel.kind.value} channel; this item is "
            f"answered through a {wanted} channel"
        )
    return channel
