"""The ``source`` and ``inbox`` commands as scripts use them: JSON, exit codes, one-line errors."""

from __future__ import annotations

from typing import Any

from tests.integration.inbound.fake_listening import FakeListening
from tests.integration.sync.conftest import MASTODON_TOKEN


def _ok(result: Any) -> Any:
    assert result.code == 0, result.err
    return result.json() if result.out.lstrip().startswith(("{", "[")) else result.out


def test_sources_and_the_inbox_from_the_command_line(
    run_cli: Any, listening: FakeListening
) -> None:
    added = _ok(
        run_cli(
            "source",
            "add",
            "masto",
            "--kind",
            "mastodon",
            "--url",
            listening.url,
            "--query",
            "ExampleShop",
            "--json",
            stdin=MASTODON_TOKEN + "\n",
        )
    )
    assert added["settings"]["queries"] == ["ExampleShop"]
    assert added["secret"] == "stored in the keychain"
    tested = run_cli("source", "test", "masto")
    assert tested.code == 0 and "authenticated as @warroom" in tested.out
    listening.mention("Refund now!\x1b[31m or I call my lawyer", followers=20_000)
    listening.mention("Nice work")

    pulled = _ok(run_cli("inbox", "pull", "--once", "--json"))
    assert pulled["added"] == 2

    listed = _ok(run_cli("inbox", "list", "--unassigned", "--state", "new", "--json"))
    assert len(listed) == 2
    angry = next(i for i in listed if i["text"].startswith("Refund"))
    assert "\x1b" not in angry["text"]
    assert angry["priority"] is None and angry["suggested_priority"] == 1
    human = _ok(run_cli("inbox", "list"))
    assert "P1?" in human and "\x1b" not in human
    shown = _ok(run_cli("inbox", "show", str(angry["id"])))
    assert "suggested P1" in shown and "risk words: " in shown and "lawyer" in shown

    triaged = _ok(
        run_cli(
            "inbox",
            "triage",
            str(angry["id"]),
            "--priority",
            "2",
            "--state",
            "needs-reply",
            "--assign",
            "bob",
            "--tag",
            "billing",
            "--json",
        )
    )
    assert (triaged["priority"], triaged["state"], triaged["tags"]) == (
        2,
        "needs-reply",
        ["billing"],
    )

    incident = _ok(
        run_cli(
            "incident",
            "open",
            "Refund storm",
            "--severity",
            "2",
            "--playbook",
            "social-media-firestorm",
            "--json",
        )
    )["id"]
    _ok(run_cli("inbox", "attach", str(angry["id"]), str(incident)))
    log = _ok(run_cli("log", "list", str(incident), "--kind", "inbound", "--json"))
    assert log[-1]["data"]["item"] == angry["id"] and angry["url"] in log[-1]["text"]
    bulk = _ok(run_cli("inbox", "attach", str(incident), "--all-matching", "nice", "--json"))
    assert [i["text"] for i in bulk] == ["Nice work"]
    tracked = _ok(run_cli("inbox", "track", str(incident), "#refundgate", "--json"))
    assert tracked["terms"] == ["#refundgate"]

    _ok(
        run_cli(
            "channel",
            "add",
            "mastodon",
            "--kind",
            "mastodon",
            "--url",
            listening.url,
            stdin=MASTODON_TOKEN,
        )
    )
    reply = _ok(
        run_cli(
            "inbox",
            "reply",
            str(angry["id"]),
            "--text",
            "Sorry, on it.",
            "--channel",
            "mastodon",
            "--json",
        )
    )
    assert reply["state"] == "in_review" and reply["text"].startswith("@carol@example.social ")

    stats = _ok(run_cli("inbox", "stats", "--incident", str(incident), "--bucket", "5m", "--json"))
    assert stats["total"] == 2 and stats["waiting"] == 2 and stats["bucket"] == "5m"
    assert "spike_rule" in stats and len(stats["first_response"]) == 4
    assert "Time to first response" in _ok(run_cli("inbox", "stats"))

    listed_sources = _ok(run_cli("source", "list", "--json"))
    assert listed_sources[0]["items"] == 2 and MASTODON_TOKEN not in str(listed_sources)
    _ok(run_cli("source", "remove", "masto"))
    assert _ok(run_cli("source", "list", "--json")) == []
    assert len(_ok(run_cli("inbox", "list", "--json"))) == 2  # the items stay


def test_a_source_can_reuse_a_channels_server_and_token(
    run_cli: Any, listening: FakeListening
) -> None:
    _ok(
        run_cli(
            "channel",
            "add",
            "mastodon",
            "--kind",
            "mastodon",
            "--url",
            listening.url,
            stdin=MASTODON_TOKEN,
        )
    )
    added = _ok(
        run_cli(
            "source",
            "add",
            "mentions",
            "--kind",
            "mastodon",
            "--from-channel",
            "mastodon",
            "--json",
        )
    )
    assert added["settings"]["url"] == listening.url
    assert added["settings"]["reply_channel"] == "mastodon"
    assert added["secret"] == "from channel mastodon"
    listening.mention("hello")
    assert _ok(run_cli("inbox", "pull", "--json"))["added"] == 1


def test_bad_input_is_one_line_and_the_right_exit_code(run_cli: Any) -> None:
    missing = run_cli("inbox", "triage", "999", "--state", "handled")
    assert missing.code == 1 and missing.err.strip() == "error: no inbox item 999"
    usage = run_cli("inbox", "stats", "--bucket", "2m")
    assert usage.code == 2 and usage.err.startswith("error:")
    bad_url = run_cli("source", "add", "f", "--kind", "feed", "--url", "ftp://x", stdin="")
    assert bad_url.code == 1 and "--url must be an http(s) address" in bad_url.err
    no_source = run_cli("source", "test", "ghost")
    assert no_source.code == 1 and "no source 'ghost'" in no_source.err
    half = run_cli("inbox", "attach", "1")
    assert half.code == 1 and "give ITEM and INCIDENT" in half.err
    for result in (missing, usage, bad_url, no_source, half):
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_sync_watch_also_pulls_due_sources(
    run_cli: Any, listening: FakeListening, cli_env: dict[str, str]
) -> None:
    import signal
    import subprocess
    import sys
    import time

    _ok(
        run_cli(
            "source",
            "add",
            "masto",
            "--kind",
            "mastodon",
            "--url",
            listening.url,
            stdin=MASTODON_TOKEN,
        )
    )
    listening.mention("heard while publishing")
    worker = subprocess.Popen(
        [sys.executable, "-m", "warroom", "sync", "--watch", "--interval", "0.2", "--json"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not listening.queries_for("/api/v1/notifications"):
            assert time.monotonic() < deadline, "sync --watch never pulled"
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    import json

    report = json.loads(out)
    assert report["pulls"][0]["added"] == 1
    assert len(listening.queries_for("/api/v1/notifications")) == 1  # not again before 60 s
    assert [i["text"] for i in _ok(run_cli("inbox", "list", "--json"))] == [
        "heard while publishing"
    ]
