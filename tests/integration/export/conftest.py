"""A demo incident with hostile user text, shared by the export tests."""

from __future__ import annotations

from typing import Any

import pytest

#: Text a hostile or careless person might type: markup, Markdown links, formulas, scripts.
HOSTILE = (
    "<script>alert(1)</script> <b>x</b> [click](http://evil.example) "
    "![img](http://evil.example/x.png)"
)
UNICODE = "Café crème, naïve Zoë; 東京の障害 中文测试 한국어; 🚨🔥; مرحبا שלום"
FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd"]
#: Entry text is stripped, so leading tab and CR reach the CSV through author names.
FORMULA_AUTHORS = ['=HYPERLINK("http://x")', "\tTAB", "\rCR"]


@pytest.fixture
def demo(services: Any, clock: Any) -> Any:
    """Load the demo incident (ending now) and add hostile, Unicode and formula entries."""
    from warroom.domain.timeline import EntryKind
    from warroom.services.demo import load_demo

    incident = load_demo(services.db, now=clock.now)
    services.timeline.add(incident.id, HOSTILE, "Eve <i>Mallory</i>", EntryKind.INBOUND)
    services.timeline.add(incident.id, UNICODE, "Zoë Ærø")
    for text in FORMULAS:
        services.timeline.add(incident.id, f"{text} entry", FORMULA_AUTHORS[0])
    for author in FORMULA_AUTHORS[1:]:
        services.timeline.add(incident.id, "control character author", author)
    return services.incidents.get(incident.id)
