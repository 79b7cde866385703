"""The composition root of the services: one object holding each use-case service."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.clock import Clock, utc_now
from warroom.services.channel_setup import ChannelSetupService
from warroom.services.channels import ChannelService
from warroom.services.checklist import ChecklistService
from warroom.services.context import ServiceContext
from warroom.services.delivery import DeliveryService
from warroom.services.export import ExportService
from warroom.services.incidents import IncidentService
from warroom.services.people import PeopleService
from warroom.services.playbooks import PlaybookCatalog
from warroom.services.review import ReviewService
from warroom.services.statements import StatementService
from warroom.services.timeline import TimelineService
from warroom.storage.database import Database


@dataclass(frozen=True)
class Services:
    """Every use case the CLI and the window can call, built around one database."""

    db: Database
    playbooks: PlaybookCatalog
    incidents: IncidentService
    timeline: TimelineService
    statements: StatementService
    checklist: ChecklistService
    channels: ChannelService
    channel_setup: ChannelSetupService
    delivery: DeliveryService
    export: ExportService
    review: ReviewService
    people: PeopleService


def build_services(
    db: Database, *, clock: Clock = utc_now, playbooks: PlaybookCatalog | None = None
) -> Services:
    """Wire the services for ``db``; tests pass a fixed ``clock`` and their own playbooks."""
    context = ServiceContext(db=db, clock=clock)
    catalog = playbooks or PlaybookCatalog()
    return Services(
        db=db,
        playbooks=catalog,
        incidents=IncidentService(context, catalog),
        timeline=TimelineService(context),
        statements=StatementService(context, catalog),
        checklist=ChecklistService(context),
        channels=ChannelService(context),
        channel_setup=ChannelSetupService(context),
        delivery=DeliveryService(context),
        export=ExportService(context),
        review=ReviewService(context),
        people=PeopleService(context),
    )
