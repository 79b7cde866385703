"""The channel and sync commands as scripts use them, and no secret left anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.integration.sync.conftest import (
    BLUESKY_PASSWORD,
    MASTODON_TOKEN,
    SMTP_PASSWORD,
    WEBHOOK_SECRET,
)


def _release(run_cli: Any, incident: str, *channels: str, text: str) -> str:
    args = ["draft", "new", incident, "--text", text]
    for channel in channels:
        args += ["--channel", channel]
    draft = run_cli(*args).out.strip()
    assert run_cli("draft", "submit", draft).code == 0
    assert run_cli("--as", "bob", "draft", "approve", draft).code == 0
    assert run_cli("draft", "release", draft).code == 0
    return draft


def test_channels_sync_and_people_decisions_from_the_command_line(
    run_cli: Any, social: Any, db_path: Path, isolated_environment: Path
) -> None:
    outputs: list[str] = []

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> Any:
        result = run_cli(*args, stdin=stdin, env=env)
        outputs.extend([result.out, result.err])
        return result

    added = run(
        "channel",
        "add",
        "mastodon",
        "--kind",
        "mastodon",
        "--url",
        social.url,
        stdin=MASTODON_TOKEN + "\n",
    )
    assert added.code == 0, added.err
    assert "secret stored in the keychain" in added.out
    assert (
        run(
            "channel",
            "add",
            "bluesky",
            "--kind",
            "bluesky",
            "--url",
            social.url,
            "--handle",
            social.handle,
            stdin=BLUESKY_PASSWORD,
        ).code
        == 0
    )
    assert (
        run(
            "channel",
            "add",
            "webhook",
            "--kind",
            "webhook",
            "--url",
            social.url + "/hooks/missing",
            stdin=WEBHOOK_SECRET,
        ).code
        == 0
    )
    email = run(
        "channel",
        "add",
        "email",
        "--kind",
        "email",
        "--host",
        "127.0.0.1",
        "--port",
        "2525",
        "--security",
        "starttls",
        "--user",
        "warroom",
        "--from",
        "crisis@example.com",
        "--to",
        "a@example.org",
        "--to",
        "b@example.org",
        "--json",
        stdin=SMTP_PASSWORD,
    )
    assert email.code == 0, email.err
    assert email.json()["settings"]["to"] == ["a@example.org", "b@example.org"]

    tested = run("channel", "test", "mastodon")
    assert tested.code == 0 and "authenticated as @warroom" in tested.out
    assert run("channel", "test", "bluesky").code == 0
    listing = run("channel", "list", "--json").json()
    by_name = {c["name"]: c for c in listing}
    assert by_name["mastodon"]["online"] is True and by_name["email"]["online"] is None

    incident = run("incident", "open", "Checkout outage", "--severity", "3").out.strip()
    _release(
        run,
        incident,
        "mastodon",
        "bluesky",
        "webhook",
        text="We are investigating checkout errors. https://status.example.com",
    )
    once = run("sync", "--once", "--json")
    assert once.code == 0, once.err
    report = once.json()
    assert len(report["sent"]) == 2 and len(report["failed"]) == 1
    assert len(social.texts()) == 2

    status = run("sync", "--status", "--json").json()
    (failed,) = status["attention"]
    assert failed["channel"] == "webhook" and "HTTP 404" in failed["last_error"]
    human = run("sync", "--status")
    assert f"row {failed['id']}" in human.out and "needs a person" in human.out

    marked = run("sync", "--mark-sent", str(failed["id"]), "--url", "https://status.example.com")
    assert marked.code == 0 and "marked as sent" in marked.out
    again = run("sync", "--resend", str(failed["id"]))
    assert again.code == 1
    assert again.err.startswith("error: outbox row") and again.err.count("\n") == 1
    assert run("sync", "--resend", "9999").code == 1
    assert run("sync").code == 2  # one mode is required

    rejected = run(
        "channel",
        "add",
        "mastodon",
        "--kind",
        "mastodon",
        "--url",
        social.url,
        stdin="a-wrong-token-123",
    )
    assert rejected.code == 0
    failing = run("channel", "test", "mastodon")
    assert failing.code == 1
    assert failing.err.startswith("error: channel mastodon: Mastodon login: HTTP 401")
    assert failing.err.count("\n") == 1 and "a-wrong-token-123" not in failing.err
    assert run("channel", "list").out.count("offline") == 1

    # Nothing secret in the database, its WAL, the logs, any export, or anything printed.
    exports = isolated_environment / "exports"
    exports.mkdir()
    for fmt in ("json", "csv", "md", "pdf"):
        made = run("export", incident, "--format", fmt, "-o", str(exports / f"log.{fmt}"))
        assert made.code == 0, made.err
    files = [db_path, Path(str(db_path) + "-wal"), *isolated_environment.rglob("*.log*")]
    files += [exports / f"log.{fmt}" for fmt in ("json", "csv", "md")]
    blobs = {str(f): f.read_bytes() for f in files if f.exists()}
    # PDF streams are compressed: grep the text a reader would extract instead.
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(exports / "log.pdf").pages)
    blobs["log.pdf (text)"] = pdf_text.encode()
    assert all(name in blobs for name in (str(exports / "log.csv"), "log.pdf (text)"))
    assert b"status.example.com" in blobs[str(exports / "log.md")]  # the exports hold the log
    assert str(db_path) in blobs and any("logs" in name for name in blobs)
    assert any(social.handle.encode() in blob for blob in blobs.values())  # the grep works
    for secret in (
        MASTODON_TOKEN,
        BLUESKY_PASSWORD,
        SMTP_PASSWORD,
        WEBHOOK_SECRET,
        "a-wrong-token-123",
        social.access_jwt,
    ):
        for name, blob in blobs.items():
            assert secret.encode() not in blob, f"{secret} found in {name}"
        assert all(secret not in text for text in outputs)


def test_without_a_keychain_the_secret_is_refused_in_one_clear_line(run_cli: Any) -> None:
    for backend in ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"):
        result = run_cli(
            "channel",
            "add",
            "hook",
            "--kind",
            "webhook",
            "--url",
            "https://hooks.example.com/x",
            stdin="s3cret",
            env={"PYTHON_KEYRING_BACKEND": backend},
        )
        assert result.code == 1
        assert result.err.startswith("error: no keychain is available on this machine")
        assert "PYTHON_KEYRING_BACKEND" in result.err and result.err.count("\n") == 1
        assert "Traceback" not in result.err
    listing = run_cli("channel", "list", "--json").json()
    assert "hook" not in {c["name"] for c in listing}  # nothing half-configured


def test_bad_channel_options_are_refused(run_cli: Any) -> None:
    wrong = run_cli(
        "channel", "add", "m", "--kind", "mastodon", "--url", "ftp://x.example", stdin="t"
    )
    assert wrong.code == 1 and "--url must be an http(s) address" in wrong.err
    missing = run_cli(
        "channel", "add", "e", "--kind", "email", "--host", "smtp.example.com", stdin=""
    )
    assert missing.code == 1 and "--from" in missing.err
    extra = run_cli(
        "channel",
        "add",
        "w",
        "--kind",
        "webhook",
        "--url",
        "https://x.example/h",
        "--handle",
        "me",
        stdin="",
    )
    assert extra.code == 1 and "does not take --handle" in extra.err
    assert run_cli("channel", "add", "w", "--kind", "fax").code == 2
    unconfigured = run_cli("channel", "test", "email")
    assert unconfigured.code == 1 and "not configured yet" in unconfigured.err
