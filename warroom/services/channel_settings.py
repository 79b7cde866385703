"""Which settings each channel kind takes, and checking them before anything is stored.

Settings hold no secret (those go to the keychain); a URL carrying a credential is refused.
Every refusal is one line naming the option to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from warroom.domain.channels import ChannelKind, WebhookFormat, url_secret_problem
from warroom.domain.errors import ValidationError
from warroom.domain.names import check_name
from warroom.domain.variants import validate_language

SECURITY_CHOICES = ("starttls", "ssl", "none")
#: Settings each kind accepts (besides the common ca_bundle and timeouts).
KIND_SETTINGS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.EMAIL: (
        "host",
        "port",
        "security",
        "user",
        "from",
        "to",
        "bcc",
        "reply_to",
        "groups",
    ),
    ChannelKind.MASTODON: ("url",),
    ChannelKind.BLUESKY: ("url", "handle"),
    ChannelKind.WEBHOOK: ("url", "format"),
    ChannelKind.MATRIX: ("url", "room"),
    ChannelKind.STATUSPAGE: ("url", "page", "component"),
    ChannelKind.STATUSDIR: ("path", "title"),
}
COMMON_SETTINGS = ("ca_bundle", "connect_timeout", "read_timeout", "language")
#: Settings of each kind that may be left out (``clear`` removes them).
OPTIONAL_SETTINGS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.EMAIL: ("user", "to", "bcc", "reply_to", "groups"),
    ChannelKind.STATUSPAGE: ("component",),
    ChannelKind.STATUSDIR: ("title",),
}
#: Settings a connector derives and keeps (not given by people, kept while still valid).
DERIVED_SETTINGS = ("room_id",)
#: Where a hosted Statuspage's API lives when no --url is given.
STATUSPAGE_API = "https://api.statuspage.io"
_REMOTE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_GROUP_NAME = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
TITLE_MAX = 120


def optional_settings(kind: ChannelKind) -> tuple[str, ...]:
    """Return the settings a channel of ``kind`` may go without (``clear`` removes them)."""
    return OPTIONAL_SETTINGS.get(kind, ()) + COMMON_SETTINGS


def merged_groups(existing: Any, given: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return the recipient groups after ``given`` (NAME -> addresses; none removes NAME)."""
    groups = {str(k): list(v) for k, v in dict(existing or {}).items()}
    for name, addresses in given.items():
        if addresses:
            groups[str(name)] = list(addresses)
        else:
            groups.pop(str(name), None)
    return groups


def _url(kind: ChannelKind, settings: Mapping[str, Any]) -> str | None:
    url = str(settings.get("url") or "").strip().rstrip("/")
    if not url:
        if kind is ChannelKind.STATUSPAGE:
            return STATUSPAGE_API
        if kind is ChannelKind.BLUESKY:
            return None
        raise ValidationError(f"a {kind.value} channel needs --url")
    carried = url_secret_problem(url)
    if carried:
        raise ValidationError(
            f"--url holds a credential ({carried}); give the address without it and "
            "pass the secret on stdin (it is kept in the keychain, never in the database)"
        )
    if not url.startswith(("https://", "http://")) or len(url) < 10:
        raise ValidationError(f"--url must be an http(s) address, not {url!r}")
    if kind is ChannelKind.STATUSPAGE and url.endswith("/v1"):
        url = url[: -len("/v1")]  # the API base; paths add /v1/pages/...
    return url


def validate_settings(kind: ChannelKind, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return cleaned settings for ``kind`` or refuse them with what to fix."""
    cleaned: dict[str, Any] = {}
    if "url" in KIND_SETTINGS[kind]:
        url = _url(kind, settings)
        if url:
            cleaned["url"] = url
    if kind is ChannelKind.BLUESKY:
        handle = str(settings.get("handle") or "").strip().lstrip("@")
        if not handle:
            raise ValidationError("a bluesky channel needs --handle")
        cleaned["handle"] = handle
    if kind is ChannelKind.EMAIL:
        cleaned.update(_email_settings(settings))
    if kind is ChannelKind.WEBHOOK:
        cleaned["format"] = WebhookFormat.parse(str(settings.get("format") or "generic")).value
    if kind is ChannelKind.MATRIX:
        cleaned.update(_matrix_settings(settings))
    if kind is ChannelKind.STATUSPAGE:
        cleaned.update(_statuspage_settings(settings))
    if kind is ChannelKind.STATUSDIR:
        cleaned.update(_statusdir_settings(settings))
    language = settings.get("language")
    if language:
        cleaned["language"] = validate_language(str(language))
    cleaned.update(connection_settings(settings))
    return cleaned


def connection_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return the checked settings of how a server is reached, shared by channels and
    listening sources: a CA bundle (an existing file, kept as its full path) and the connect
    and read timeouts (0 to 600 seconds)."""
    cleaned: dict[str, Any] = {}
    ca_bundle = settings.get("ca_bundle")
    if ca_bundle:
        path = Path(str(ca_bundle)).expanduser()
        if not path.is_file():
            raise ValidationError(f"--ca-bundle {ca_bundle}: no such file")
        cleaned["ca_bundle"] = str(path.resolve())
    for key in ("connect_timeout", "read_timeout"):
        if settings.get(key) is not None:
            value = float(settings[key])
            if not 0 < value <= 600:
                raise ValidationError(f"--{key.replace('_', '-')} must be 0 to 600 seconds")
            cleaned[key] = value
    return cleaned


def _printable(value: str, option: str, limit: int) -> str:
    if not value or len(value) > limit or not value.isprintable():
        raise ValidationError(f"{option} needs 1 to {limit} printable characters")
    return value


def _matrix_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    room = str(settings.get("room") or "").strip()
    if not room:
        raise ValidationError("a matrix channel needs --room (a room id !... or alias #...:server)")
    _printable(room, "--room", 255)
    if any(char.isspace() for char in room) or room[0] not in "!#":
        raise ValidationError(
            f"--room must be a room id (!...) or an alias (#name:server), not {room!r}"
        )
    if room.startswith("#") and ":" not in room:
        raise ValidationError(f"--room {room!r}: an alias names its server (#name:server)")
    result: dict[str, Any] = {"room": room}
    room_id = str(settings.get("room_id") or "")
    if room.startswith("!"):
        result["room_id"] = room
    elif room_id.startswith("!"):
        result["room_id"] = room_id  # resolved earlier, for this alias
    return result


def _statuspage_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    page = str(settings.get("page") or "").strip()
    if not _REMOTE_ID.match(page):
        raise ValidationError("a statuspage channel needs --page with the page id")
    result: dict[str, Any] = {"page": page}
    component = str(settings.get("component") or "").strip()
    if component:
        if not _REMOTE_ID.match(component):
            raise ValidationError(f"--component {component!r} is not a component id")
        result["component"] = component
    return result


def _statusdir_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    raw = str(settings.get("path") or "").strip()
    if not raw:
        raise ValidationError("a statusdir channel needs --path (the folder to publish into)")
    folder = Path(raw).expanduser()
    if not folder.is_dir():
        raise ValidationError(f"--path {raw}: no such folder")
    result: dict[str, Any] = {"path": str(folder.resolve())}
    title = str(settings.get("title") or "").strip()
    if title:
        result["title"] = _printable(title, "--title", TITLE_MAX)
    return result


def _addresses(values: Any, option: str) -> list[str]:
    listed = [values] if isinstance(values, str) else _flat(values or [])
    for address in listed:
        if "@" not in address or any(char.isspace() or char in ",;" for char in address):
            raise ValidationError(f"{option} {address!r} is not an email address")
    return listed


def _email_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    host = str(settings.get("host") or "").strip()
    if not host:
        raise ValidationError("an email channel needs --host")
    security = str(settings.get("security") or "starttls")
    if security not in SECURITY_CHOICES:
        raise ValidationError(f"--security must be one of {', '.join(SECURITY_CHOICES)}")
    port = int(settings.get("port") or (465 if security == "ssl" else 587))
    if not 0 < port < 65536:
        raise ValidationError("--port must be 1 to 65535")
    sender = str(settings.get("from") or "").strip()
    if "@" not in sender:
        raise ValidationError("an email channel needs --from with an address")
    result: dict[str, Any] = {"host": host, "port": port, "security": security, "from": sender}
    to = _addresses(settings.get("to"), "--to")
    bcc = _addresses(settings.get("bcc"), "--bcc")
    groups: dict[str, list[str]] = {}
    for name, members in dict(settings.get("groups") or {}).items():
        if not _GROUP_NAME.match(str(name)):
            raise ValidationError(f"--group {name!r}: a group name is letters, digits, . _ -")
        check_name(str(name), "a group name")
        groups[str(name)] = _addresses(members, f"--group {name}")
    if not (to or bcc or any(groups.values())):
        raise ValidationError(
            "an email channel needs recipients: --bcc (hidden, the default), --group "
            "NAME=ADDRESS,... or --to (visible addressees)"
        )
    if to:
        result["to"] = to
    if bcc:
        result["bcc"] = bcc
    if groups:
        result["groups"] = groups
    user = str(settings.get("user") or "").strip()
    if user:
        result["user"] = user
    reply_to = str(settings.get("reply_to") or "").strip()
    if reply_to:
        result["reply_to"] = _addresses(reply_to, "--reply-to")[0]
    return result


def _flat(values: Sequence[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in str(value).split(",") if part.strip())
    return out
