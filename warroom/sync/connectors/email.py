"""Email through smtplib: STARTTLS or SSL (certificates verified), AUTH, proper MIME.

Every row's message carries a stable ``Message-ID`` made from its idempotency key, so
receivers and archives can tell a resend from a new message. SMTP itself cannot
deduplicate: if the connection breaks once the message data was handed over, the row is
*uncertain* and waits for a person.
"""

from __future__ import annotations

import base64
import contextlib
import email.policy
import hmac
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync.connectors.email_message import (
    DEFAULT_SUBJECT,
    Recipients,
    address_of,
    build_message,
    channel_recipients,
    message_id,
    parse_addresses,
)
from warroom.sync.http import DEFAULT_CONNECT_TIMEOUT, timeouts
from warroom.sync.outcomes import (
    DeliveryResult,
    PermanentError,
    TransientError,
    UncertainError,
)
from warroom.sync.redact import one_line, scrub

SECURITY_CHOICES = ("starttls", "ssl", "none")
_MAX_CHALLENGES = 5


class _SMTPMixin:
    """Tells whether the DATA command has started (after it, a failure is 'uncertain'), and
    logs in with UTF-8 credentials.

    smtplib encodes AUTH responses as ASCII, so a password such as "pässwörd" raises
    UnicodeEncodeError before anything is sent. RFC 4616 (PLAIN) and RFC 6531 use UTF-8;
    LOGIN and CRAM-MD5 servers take the same bytes in practice.
    """

    data_started = False
    user: str
    password: str

    def data(self, msg: Any) -> Any:
        self.data_started = True
        return super().data(msg)  # type: ignore[misc]

    def auth(
        self, mechanism: str, authobject: Any, *, initial_response_ok: bool = True
    ) -> tuple[int, bytes]:
        """smtplib's ``auth`` with the responses encoded as UTF-8 instead of ASCII."""
        smtp: Any = self
        if getattr(authobject, "__func__", None) is smtplib.SMTP.auth_cram_md5:
            authobject = self._cram_md5_utf8
        mechanism = mechanism.upper()
        initial = authobject() if initial_response_ok else None
        if initial is not None:
            encoded = base64.b64encode(initial.encode("utf-8")).decode("ascii")
            code, reply = smtp.docmd("AUTH", f"{mechanism} {encoded}")
            smtp._auth_challenge_count = 1
        else:
            code, reply = smtp.docmd("AUTH", mechanism)
            smtp._auth_challenge_count = 0
        while code == 334:
            smtp._auth_challenge_count += 1
            challenge = base64.decodebytes(reply)
            answer = authobject(challenge)
            code, reply = smtp.docmd(base64.b64encode(answer.encode("utf-8")).decode("ascii"))
            if smtp._auth_challenge_count > _MAX_CHALLENGES:
                raise smtplib.SMTPException("the server's AUTH exchange does not end")
        if code in (235, 503):
            return code, reply
        raise smtplib.SMTPAuthenticationError(code, reply)

    def _cram_md5_utf8(self, challenge: bytes | None = None) -> str | None:
        """CRAM-MD5 over the UTF-8 bytes of the password."""
        if challenge is None:
            return None
        digest = hmac.HMAC(self.password.encode("utf-8"), challenge, "md5").hexdigest()
        return f"{self.user} {digest}"


class _SMTP(_SMTPMixin, smtplib.SMTP):
    pass


class _SMTPSSL(_SMTPMixin, smtplib.SMTP_SSL):
    pass


class EmailConnector:
    """Sends statements to a fixed list of recipients through one SMTP server."""

    idempotent = False

    def __init__(self, channel: Channel, secret: str, *, clock: Clock = utc_now) -> None:
        settings = dict(channel.settings)
        self._settings = settings
        self._host = str(settings.get("host") or "")
        self._security = str(settings.get("security") or "starttls")
        default_port = 465 if self._security == "ssl" else 587
        self._port = int(settings.get("port") or default_port)
        self._user = str(settings.get("user") or "")
        self._sender = str(settings.get("from") or "")
        self._recipients = channel_recipients(settings)
        self._reply_to = str(settings.get("reply_to") or "")
        problems = []
        if not self._host:
            problems.append("--host")
        if not self._sender:
            problems.append("--from")
        if not self._recipients.envelope():
            problems.append("--to, --bcc or --group")
        if problems:
            raise PermanentError(f"channel {channel.name!r} needs {', '.join(problems)}")
        if self._security not in SECURITY_CHOICES:
            raise PermanentError(f"channel {channel.name!r} has unknown --security")
        self._secret = secret
        self._clock = clock
        self._smtp: _SMTP | _SMTPSSL | None = None

    def _context(self) -> ssl.SSLContext:
        ca_bundle = self._settings.get("ca_bundle")
        return ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)

    def _fail(self, what: str, error: BaseException) -> str:
        text = f"{type(error).__name__}: {error}" if not str(error) else str(error)
        if isinstance(error, smtplib.SMTPResponseException):
            smtp_error = error.smtp_error
            reply = (
                smtp_error.decode("utf-8", "replace")
                if isinstance(smtp_error, bytes)
                else str(smtp_error)
            )
            text = f"{error.smtp_code} {reply}"
        secrets = [self._secret]
        return f"{what}: {one_line(scrub(text, secrets), 200)}"

    def _connect(self) -> _SMTP | _SMTPSSL:
        """Open, secure and authenticate a connection; map failures to outcomes."""
        connect_timeout, read_timeout = timeouts(self._settings)
        timeout = max(connect_timeout, read_timeout) or DEFAULT_CONNECT_TIMEOUT
        where = f"SMTP {self._host}:{self._port}"
        smtp: _SMTP | _SMTPSSL | None = None
        try:
            if self._security == "ssl":
                smtp = _SMTPSSL(self._host, self._port, timeout=timeout, context=self._context())
            else:
                smtp = _SMTP(self._host, self._port, timeout=timeout)
            smtp.ehlo()
            if self._security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise PermanentError(f"{where}: the server does not offer STARTTLS")
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if self._user:
                smtp.login(self._user, self._secret)
        except smtplib.SMTPAuthenticationError as error:
            _quietly_close(smtp)
            raise PermanentError(
                self._fail(f"{where} rejected the login", error)
                + " (run 'warroom channel add' again with the right password)"
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            _quietly_close(smtp)
            raise PermanentError(self._fail(f"{where} cannot log in", error)) from None
        except ssl.SSLCertVerificationError as error:
            _quietly_close(smtp)
            raise TransientError(
                self._fail(f"{where}: the certificate was not trusted", error)
                + " (check the server or the channel's --ca-bundle)",
                unreachable=True,
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            _quietly_close(smtp)
            raise TransientError(
                self._fail(f"{where} unreachable", error), unreachable=True
            ) from None
        except Exception as error:  # e.g. a login the library cannot encode: nothing was sent
            _quietly_close(smtp)
            raise PermanentError(self._fail(f"{where}: cannot log in", error)) from None
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def check(self) -> str:
        """Connect, EHLO, secure and AUTH; then say goodbye."""
        smtp = self._connect()
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
        how = {"starttls": "STARTTLS", "ssl": "SSL", "none": "no TLS"}[self._security]
        login = f", logged in as {self._user}" if self._user else ""
        return f"SMTP {self._host}:{self._port} answered ({how}{login})"

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Send the message once; reconnect once if a kept connection went stale.

        Everything that fails before the DATA command (login, an address the server cannot
        take, an encoding problem) is a failure with its reason: nothing left the machine.
        Only a connection lost once the message was being handed over is 'uncertain'. An
        answer to an inbox item goes to its sender only, never to the channel's list.
        """
        chosen = (
            Recipients((str(row.thread["to"]),), ()) if row.thread.get("to") else self._recipients
        )
        message = build_message(
            row, sender=self._sender, recipients=chosen, at=self._clock(), reply_to=self._reply_to
        )
        sender = address_of(self._sender)
        recipients = chosen.envelope()
        international = not all(a.isascii() for a in [sender, *recipients])
        content = serialise(message, international=international)
        options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
        for attempt in (1, 2):
            reused = self._smtp is not None
            smtp = self._smtp or self._connect()
            self._smtp = smtp
            smtp.data_started = False
            try:
                if international and not smtp.has_extn("smtputf8"):
                    raise PermanentError(
                        f"SMTP {self._host}:{self._port} does not accept international "
                        "(non-ASCII) addresses (no SMTPUTF8)"
                    )
                refused = smtp.sendmail(sender, recipients, content, options)
            except smtplib.SMTPRecipientsRefused as error:
                self._reset()
                raise PermanentError(
                    self._fail("every recipient was refused", _first_refusal(error))
                ) from None
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                self._reset()
                if 400 <= error.smtp_code < 500:
                    raise TransientError(
                        self._fail("the server deferred the message", error)
                    ) from None
                raise PermanentError(self._fail("the server refused the message", error)) from None
            except (TimeoutError, smtplib.SMTPException, OSError) as error:
                started = smtp.data_started
                self._drop()
                if started:
                    raise UncertainError(
                        self._fail(
                            "the connection broke while the message was being "
                            "handed over; it may or may not have been sent",
                            error,
                        )
                    ) from None
                if reused and attempt == 1:
                    continue  # the kept connection had gone stale: one fresh try
                raise TransientError(self._fail("sending failed", error)) from None
            except PermanentError:
                raise
            except Exception as error:  # a library surprise: where it happened decides
                started = smtp.data_started
                self._drop()
                if started:
                    raise UncertainError(
                        self._fail("sending broke off during the message data", error)
                    ) from None
                raise PermanentError(self._fail("the message could not be sent", error)) from None
            detail = f"refused for {', '.join(refused)}" if refused else ""
            return DeliveryResult(remote_id=str(message["Message-ID"]), detail=detail)
        raise TransientError("sending failed twice")  # pragma: no cover - loop returns

    def _reset(self) -> None:
        """After a refused transaction, RSET so the connection can be reused."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        _quietly_close(self._smtp)
        self._smtp = None

    def close(self) -> None:
        """QUIT and close the kept connection."""
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()


def serialise(message: EmailMessage, *, international: bool = False) -> bytes:
    """Return the exact bytes to send: CRLF line ends, no mbox ``>From`` mangling.

    smtplib's ``send_message`` flattens with a generator that escapes every body line
    starting with "From " (a rule for mbox files, not for SMTP); the SMTP policy does not.
    """
    policy = email.policy.SMTPUTF8 if international else email.policy.SMTP
    return message.as_bytes(policy=policy)


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


def _first_refusal(error: smtplib.SMTPRecipientsRefused) -> BaseException:
    for code, reply in error.recipients.values():
        return smtplib.SMTPResponseException(code, reply)
    return error


__all__ = [
    "DEFAULT_SUBJECT",
    "EmailConnector",
    "build_message",
    "message_id",
    "parse_addresses",
]
