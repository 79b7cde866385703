"""The PDF shows the inbox wave as a picture (issue 15); an incident without inbound has none."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from warroom.domain.inbox import Author, Heard, InboxState, SourceKind, Suggestion
from warroom.export.formats import ExportFormat

#: items per quarter hour from masto and mail: calm, then a spike in the ninth bucket
MASTO = [2, 3, 2, 1, 3, 2, 2, 3, 14, 6, 3]
MAIL = [1, 0, 1, 1, 0, 1, 1, 0, 4, 2, 1]


def seed_wave(services: Any, clock: Any, incident_id: int) -> None:
    """Attach a wave of items from two sources to ``incident_id``, a third of them answered."""
    from warroom.storage import inbox_repo, source_repo

    services.sources.configure("masto", SourceKind.MASTODON, {"url": "https://m.example"}, "t")
    services.sources.configure("mail", SourceKind.IMAP, {"host": "h", "user": "u"}, "t")
    t0 = clock.now
    with services.db.transaction() as session:
        for name, counts in (("masto", MASTO), ("mail", MAIL)):
            heard = [
                (
                    Heard(
                        remote_id=f"{bucket}-{n}",
                        text=f"checkout broken {bucket} {n}",
                        posted_at=t0 + timedelta(minutes=15 * bucket + n),
                        author=Author("someone"),
                    ),
                    Suggestion(1 + n % 3, sentiment=-0.7 if (bucket + n) % 3 else 0.5),
                )
                for bucket, count in enumerate(counts)
                for n in range(count)
            ]
            source = source_repo.by_name(session, name)
            items = inbox_repo.add_heard(session, source, heard, t0)
            for n, item in enumerate(items):
                inbox_repo.attach(session, item.id, incident_id, automatic=False)
                if n % 3 == 0:
                    inbox_repo.update(
                        session,
                        item.id,
                        state=InboxState.REPLIED,
                        responded_at=item.posted_at + timedelta(minutes=5 + n),
                    )
    clock.advance(hours=3)


def image_pages(path: Path) -> list[int]:
    """Return the numbers (from 1) of the PDF's pages that draw an image XObject."""
    from pypdf import PdfReader

    found = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources else None
        if objects is None:
            continue
        kinds = [objects.get_object()[name].get_object().get("/Subtype") for name in objects]
        if "/Image" in kinds:
            found.append(number)
    return found


def page_text(path: Path, number: int) -> str:
    """Return the text of page ``number`` (from 1) without white space."""
    from pypdf import PdfReader

    return "".join(PdfReader(path).pages[number - 1].extract_text().split())


def test_the_pdf_shows_the_wave_on_the_inbox_page(
    services: Any, clock: Any, tmp_path: Path, qapp: Any
) -> None:
    incident = services.incidents.open("Checkout outage", 2, "dana")
    seed_wave(services, clock, incident.id)
    assert services.inbox.stats(incident_id=incident.id).spikes
    path = tmp_path / "log.pdf"
    services.export.export(incident.id, path, ExportFormat.PDF, "auditor")
    pages = image_pages(path)
    assert len(pages) == 1
    text = page_text(path, pages[0])
    assert "Inboundandresponsetimes" in text and "spike:abucketwithatleast5items" in text


def test_no_inbound_no_picture_and_one_line_saying_so(
    services: Any, tmp_path: Path, qapp: Any
) -> None:
    incident = services.incidents.open("Quiet", 3, "dana")
    path = tmp_path / "log.pdf"
    services.export.export(incident.id, path, ExportFormat.PDF, "auditor")
    assert image_pages(path) == []
    from pypdf import PdfReader

    text = "".join("".join(p.extract_text().split()) for p in PdfReader(path).pages)
    assert "Inbounditemsnoneattachedtothisincident" in text
