"""The post-incident review carries the inbox figures: the service, ``warroom review``."""

from __future__ import annotations

from typing import Any

from tests.integration.export.test_export_wave_chart import MAIL, MASTO, seed_wave


def test_the_review_service_reads_the_figures_with_the_review(services: Any, clock: Any) -> None:
    incident = services.incidents.open("Checkout outage", 2, "dana")
    assert services.review.review(incident.id).inbox.total == 0
    seed_wave(services, clock, incident.id)
    review = services.review.review(incident.id)
    assert review.inbox == services.inbox.stats(incident_id=incident.id)
    assert review.inbox.total == sum(MASTO) + sum(MAIL) and len(review.inbox.spikes) == 1


def test_review_command_prints_and_returns_the_figures(
    run_cli: Any, services: Any, clock: Any
) -> None:
    incident = services.incidents.open("Checkout outage", 2, "dana")
    quiet = services.incidents.open("Quiet", 3, "dana")
    seed_wave(services, clock, incident.id)
    stats = services.inbox.stats(incident_id=incident.id)

    result = run_cli("review", str(incident.id))
    assert result.code == 0, result.err
    out = result.out
    assert "Inbound and response times:" in out
    line = next(line for line in out.splitlines() if line.startswith("Inbound items "))
    assert line.split()[2:] == f"{stats.total} from mail, masto in 11 bucket(s) of 15m".split()
    assert f"60% ({stats.negative} of {stats.scored} scored)" in out
    assert "Spike" in out and "(baseline 2.8)" in out
    assert "First response, priority 1" in out and "90th percentile" in out
    assert f"{stats.waiting} waiting; the oldest for" in out
    assert out.index("Inbound and response times:") < out.index("Lessons learned:")

    result = run_cli("review", str(incident.id), "--json")
    assert result.code == 0, result.err
    document = result.json()
    assert isinstance(document, dict)
    assert {"computed_at", "began_at", "promises", "cadence", "lessons_learned"} <= set(document)
    inbox = document["inbox"]
    assert inbox["total"] == stats.total and inbox["sources"] == ["mail", "masto"]
    assert [b["start"] for b in inbox["buckets"] if b["spike"]] == ["2026-11-23T11:00:00.000000Z"]
    assert inbox["negative_share"] == stats.negative_share
    assert inbox["waiting"] == stats.waiting and inbox["oldest_wait_seconds"] > 0
    answered = {r["priority"]: r for r in inbox["response"] if r["answered"]}
    expected = {r.priority: r for r in stats.response if r.answered}
    assert set(answered) == set(expected)
    for priority, figures in answered.items():
        assert figures["median_seconds"] == expected[priority].median.total_seconds()
        assert figures["p90_seconds"] == expected[priority].p90.total_seconds()

    result = run_cli("review", str(quiet.id))
    assert result.code == 0, result.err
    assert "Inbound items" in result.out and "none attached to this incident" in result.out
    assert run_cli("review", str(quiet.id), "--json").json()["inbox"]["total"] == 0  # type: ignore[index]
