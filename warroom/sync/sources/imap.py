"""Listening to a mailbox over IMAP (``imapclient``): IMAPS or STARTTLS, new mail by UID.

Nothing on the server changes unless the source says ``--mark-seen``: the folder is opened
read-only, and bodies are read with ``BODY.PEEK`` (which leaves ``\\Seen`` alone). Only the
message's first text part is downloaded, and at most 64 KiB of it: an attachment is never
downloaded, only counted from the message structure.

Cursor ``mailbox``: ``{"uidvalidity": V, "last_uid": N}``. When the server's UIDVALIDITY
changes (the folder was rebuilt), UIDs mean something else: the mailbox is read again from
the start and the store deduplicates by ``Message-ID``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import email.policy
import quopri
import ssl
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from warroom.domain.clock import Clock, as_utc, utc_now
from warroom.domain.inbound_text import TEXT_MAX_BYTES, clean_body, clean_field
from warroom.domain.inbox import Author, Heard, Source
from warroom.sync.http import timeouts
from warroom.sync.outcomes import PermanentError, TransientError
from warroom.sync.redact import one_line, scrub
from warroom.sync.sources import Batch, SourceAuthError

BATCH = 200
SECURITY_CHOICES = ("ssl", "starttls")


class ImapListener:
    """Reads new messages of one IMAP folder."""

    def __init__(self, source: Source, secret: str, *, clock: Clock = utc_now) -> None:
        settings = dict(source.settings)
        self._source = source
        self._settings = settings
        self._host = str(settings.get("host") or "")
        self._security = str(settings.get("security") or "ssl")
        self._port = int(settings.get("port") or (993 if self._security == "ssl" else 143))
        self._user = str(settings.get("user") or "")
        self._mailbox = str(settings.get("mailbox") or "INBOX")
        self._mark_seen = bool(settings.get("mark_seen"))
        if not self._host or not self._user:
            raise PermanentError(f"source {source.name!r} needs --host and --user")
        if self._security not in SECURITY_CHOICES:
            raise PermanentError(f"source {source.name!r}: --security must be ssl or starttls")
        if not secret:
            raise PermanentError(f"source {source.name!r} has no password in the keychain")
        self._secret = secret
        self._clock = clock
        self._client: Any = None
        self._uids: dict[str, int] = {}

    @property
    def _where(self) -> str:
        return f"IMAP {self._host}:{self._port}"

    def _fail(self, what: str, error: BaseException) -> str:
        text = str(error) or type(error).__name__
        return f"{self._where}: {what} ({one_line(scrub(text, [self._secret]), 200)})"

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        from imapclient import IMAPClient
        from imapclient.exceptions import IMAPClientError, LoginError

        ca_bundle = self._settings.get("ca_bundle")
        context = ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
        connect, read = timeouts(self._settings)
        client = None
        try:
            from imapclient import SocketTimeout

            timeout = SocketTimeout(connect=connect, read=read)
            client = IMAPClient(
                self._host,
                port=self._port,
                ssl=self._security == "ssl",
                ssl_context=context,
                timeout=timeout,
            )
            if self._security == "starttls":
                client.starttls(context)
            client.login(self._user, self._secret)
        except LoginError as error:
            _quietly_logout(client)
            raise SourceAuthError(
                self._fail("the login was refused", error)
                + f"; run 'warroom source add {self._source.name} ...' again with the password"
            ) from None
        except ssl.SSLCertVerificationError as error:
            _quietly_logout(client)
            raise TransientError(
                self._fail("the certificate was not trusted", error)
                + "; check the server or the source's --ca-bundle",
                unreachable=True,
            ) from None
        except (TimeoutError, OSError, IMAPClientError) as error:
            _quietly_logout(client)
            raise TransientError(self._fail("unreachable", error), unreachable=True) from None
        self._client = client
        return client

    def check(self) -> str:
        """Log in and open the folder read-only."""
        client = self._connect()
        try:
            info = client.select_folder(self._mailbox, readonly=True)
        except Exception as error:
            self.close()
            raise TransientError(self._fail(f"cannot open {self._mailbox!r}", error)) from None
        count = info.get(b"EXISTS", 0)
        how = "IMAPS" if self._security == "ssl" else "STARTTLS"
        return (
            f"{self._where} ({how}), logged in as {self._user}: {count} messages in {self._mailbox}"
        )

    def fetch(self, cursors: Mapping[str, Any]) -> Batch:
        """Read up to BATCH messages after the stored UID."""
        batch = Batch(cursors=dict(cursors))
        client = self._connect()
        try:
            info = client.select_folder(self._mailbox, readonly=not self._mark_seen)
            validity = int(info.get(b"UIDVALIDITY", 0))
            found = cursors.get("mailbox")
            stored: Mapping[str, Any] = found if isinstance(found, dict) else {}
            last = int(stored.get("last_uid", 0)) if stored.get("uidvalidity") == validity else 0
            uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
            chosen = uids[:BATCH]
            batch.more = len(uids) > BATCH
            if chosen:
                fetched = client.fetch(
                    chosen, ["BODYSTRUCTURE", "BODY.PEEK[HEADER]", "INTERNALDATE"]
                )
                for uid in chosen:
                    self._read(client, uid, fetched.get(uid) or {}, validity, batch)
            batch.cursors["mailbox"] = {
                "uidvalidity": validity,
                "last_uid": chosen[-1] if chosen else last,
            }
        except (SourceAuthError, TransientError):
            raise
        except Exception as error:
            self.close()
            raise TransientError(self._fail("reading failed", error)) from None
        return batch

    def _read(
        self, client: Any, uid: int, data: Mapping[bytes, Any], validity: int, batch: Batch
    ) -> None:
        header_bytes = data.get(b"BODY[HEADER]")
        structure = data.get(b"BODYSTRUCTURE")
        if not isinstance(header_bytes, bytes) or structure is None:
            batch.skip(f"message UID {uid}: no headers or structure")
            return
        headers = BytesHeaderParser(policy=email.policy.default).parsebytes(header_bytes)
        parts: list[tuple[str, Any]] = []
        attachments = _walk(structure, "", parts)
        chosen = _pick_text(parts)
        text = ""
        cut = False
        if chosen is not None:
            number, part = chosen
            key = f"BODY[{number}]<0>".encode()
            answer = client.fetch([uid], [f"BODY.PEEK[{number}]<0.{TEXT_MAX_BYTES}>"])
            raw = (answer.get(uid) or {}).get(key) or b""
            text, cut = _decode(raw, part)
        sender = _sender(headers)
        message_id = clean_field(headers.get("Message-ID"), 300)
        subject = clean_field(headers.get("Subject"))
        if not text and not subject:
            batch.skip(f"message UID {uid}: no text")
            return
        references = " ".join(
            part for part in (clean_field(headers.get("References"), 2000), message_id) if part
        )
        self._uids[message_id or f"uid:{validity}:{uid}"] = uid
        batch.items.append(
            Heard(
                remote_id=message_id or f"uid:{validity}:{uid}",
                text=text,
                posted_at=_date(headers.get("Date")) or _internal(data) or self._clock(),
                author=Author(handle=sender[1], name=sender[0], address=sender[1]),
                subject=subject,
                language=clean_field(headers.get("Content-Language"), 16),
                thread={"message_id": message_id, "references": references, "subject": subject},
                truncated=cut,
                attachments=attachments,
            )
        )

    def acknowledge(self, remote_ids: Sequence[str]) -> None:
        """With ``--mark-seen``: flag the stored messages as seen (nothing else, ever)."""
        if not self._mark_seen or self._client is None:
            return
        uids = [self._uids[r] for r in remote_ids if r in self._uids]
        if uids:
            from imapclient import SEEN

            try:
                self._client.add_flags(uids, [SEEN])
            except Exception as error:
                raise TransientError(self._fail("marking as seen failed", error)) from None

    def close(self) -> None:
        """Log out."""
        client, self._client = self._client, None
        _quietly_logout(client)


def _quietly_logout(client: Any) -> None:
    if client is None:
        return
    try:
        client.logout()
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()


def _text(value: Any) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")


def _params(value: Any) -> dict[str, str]:
    if not isinstance(value, tuple):
        return {}
    items = list(value)
    return {_text(k).lower(): _text(v) for k, v in zip(items[::2], items[1::2], strict=False)}


def _walk(structure: Any, prefix: str, out: list[tuple[str, Any]]) -> int:
    """Collect (part number, part) of the leaf parts; return how many are attachments."""
    if isinstance(structure[0], list):  # multipart: ([parts], subtype, ...)
        count = 0
        for index, part in enumerate(structure[0], start=1):
            count += _walk(part, f"{prefix}.{index}" if prefix else str(index), out)
        return count
    number = prefix or "1"
    maintype = _text(structure[0]).lower()
    disposition_at = 9 if maintype == "text" else 8
    disposition = structure[disposition_at] if len(structure) > disposition_at else None
    kind = _text(disposition[0]).lower() if isinstance(disposition, tuple) and disposition else ""
    if maintype == "text" and kind != "attachment":
        out.append((number, structure))
        return 0
    return 1 if maintype not in ("multipart",) else 0


def _pick_text(parts: list[tuple[str, Any]]) -> tuple[str, Any] | None:
    for wanted in ("plain", "html"):
        for number, part in parts:
            if _text(part[1]).lower() == wanted:
                return number, part
    return None


def _decode(raw: bytes, part: Any) -> tuple[str, bool]:
    encoding = _text(part[5]).lower() if len(part) > 5 else ""
    charset = _params(part[2]).get("charset", "utf-8") or "utf-8"
    data = raw
    if encoding == "base64":
        compact = b"".join(raw.split())
        compact = compact[: len(compact) - len(compact) % 4]
        try:
            data = base64.b64decode(compact)
        except (binascii.Error, ValueError):
            data = b""
    elif encoding == "quoted-printable":
        data = quopri.decodestring(raw)
    try:
        text = data.decode(charset, "replace")
    except LookupError:
        text = data.decode("utf-8", "replace")
    size = part[6] if len(part) > 6 and isinstance(part[6], int) else 0
    body, cut = clean_body(text, is_html=_text(part[1]).lower() == "html")
    return body, cut or size > TEXT_MAX_BYTES


def _sender(headers: Any) -> tuple[str, str]:
    pairs = getaddresses([str(headers.get("From") or "")])
    for name, address in pairs:
        if "@" in address:
            return clean_field(name), clean_field(address.lower())
    return "", ""


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return as_utc(parsedate_to_datetime(str(value)))
    except (TypeError, ValueError, IndexError):
        return None


def _internal(data: Mapping[bytes, Any]) -> datetime | None:
    value = data.get(b"INTERNALDATE")
    return as_utc(value) if isinstance(value, datetime) else None
