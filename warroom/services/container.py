"""The composition root of the services: one object holding each use-case service.

Each service is built, and its module imported, the first time it is used: a command such
as ``warroom incident list`` then pays neither for the delivery connectors nor for the
exporters, which keeps its cold start within budget. The attributes are the public API
(``services.incidents``, ``services.delivery``...), whatever the construction order.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from warroom.domain.clock import Clock, utc_now
from warroom.services.context import ServiceContext
from warroom.services.playbooks import PlaybookCatalog
from warroom.storage.database import Database
from warroom.storage.secrets import SecretStore

if TYPE_CHECKING:
    from warroom.services.archive import ArchiveService
    from warroom.services.backups import BackupService
    from warroom.services.changes import ChangeFeedService
    from warroom.services.channel_setup import ChannelSetupService
    from warroom.services.channels import ChannelService
    from warroom.services.checklist import ChecklistService
    from warroom.services.delivery import DeliveryService
    from warroom.services.export import ExportService
    from warroom.services.holds import HoldService
    from warroom.services.inbox import InboxService
    from warroom.services.inbox_pull import InboxPullService
    from warroom.services.inbox_replies import InboxReplyService
    from warroom.services.incident_verify import IncidentVerifier
    from warroom.services.incidents import IncidentService
    from warroom.services.lifecycle import LifecycleService
    from warroom.services.people import PeopleService
    from warroom.services.publication import PublicationService
    from warroom.services.restore import RestoreService
    from warroom.services.review import ReviewService
    from warroom.services.search import SearchService
    from warroom.services.sources import SourceService
    from warroom.services.statements import StatementService
    from warroom.services.timeline import TimelineService
    from warroom.services.timeline_listing import TimelineListing
    from warroom.services.views import ViewService


class Services:
    """Every use case the CLI and the window can call, built around one database."""

    def __init__(self, context: ServiceContext, playbooks: PlaybookCatalog) -> None:
        self._context = context
        self.db: Database = context.db
        self.playbooks = playbooks
        self.secrets: SecretStore = context.secrets

    @cached_property
    def incidents(self) -> IncidentService:
        """Open, list and close incidents."""
        from warroom.services.incidents import IncidentService

        return IncidentService(self._context, self.playbooks)

    @cached_property
    def lifecycle(self) -> LifecycleService:
        """Change an open incident's status, severity, cadence, hold window and times."""
        from warroom.services.lifecycle import LifecycleService

        return LifecycleService(self._context)

    @cached_property
    def publication(self) -> PublicationService:
        """Record statements posted by hand."""
        from warroom.services.publication import PublicationService

        return PublicationService(self._context)

    @cached_property
    def holds(self) -> HoldService:
        """Confirm or withdraw statements held for waiting too long in the outbox."""
        from warroom.services.holds import HoldService

        return HoldService(self._context)

    @cached_property
    def timeline(self) -> TimelineService:
        """Append to, read and verify timelines."""
        from warroom.services.timeline import TimelineService

        return TimelineService(self._context)

    @cached_property
    def timeline_listing(self) -> TimelineListing:
        """Stream an incident's timeline as the lines ``log list`` prints."""
        from warroom.services.timeline_listing import TimelineListing

        return TimelineListing(self._context)

    @cached_property
    def search(self) -> SearchService:
        """Search entries and statements across incidents."""
        from warroom.services.search import SearchService

        return SearchService(self._context)

    @cached_property
    def statements(self) -> StatementService:
        """Draft, review, approve and release statements."""
        from warroom.services.statements import StatementService

        return StatementService(self._context, self.playbooks)

    @cached_property
    def checklist(self) -> ChecklistService:
        """Work playbook checklists."""
        from warroom.services.checklist import ChecklistService

        return ChecklistService(self._context)

    @cached_property
    def channels(self) -> ChannelService:
        """Read channels and the outbox."""
        from warroom.services.channels import ChannelService

        return ChannelService(self._context)

    @cached_property
    def channel_setup(self) -> ChannelSetupService:
        """Configure and test channels (secrets in the keychain)."""
        from warroom.services.channel_setup import ChannelSetupService

        return ChannelSetupService(self._context, self.secrets)

    @cached_property
    def delivery(self) -> DeliveryService:
        """Deliver the outbox, and let people decide on rows (this thread's instance)."""
        return self.new_delivery()

    def new_delivery(self) -> DeliveryService:
        """Return a DeliveryService of its own for a worker thread: it keeps one connection
        per channel and is not thread-safe (see its docstring); same database and secrets."""
        from warroom.services.delivery import DeliveryService

        return DeliveryService(self._context, self.secrets)

    @cached_property
    def export(self) -> ExportService:
        """Export and verify incident logs."""
        from warroom.services.export import ExportService

        return ExportService(self._context)

    @cached_property
    def archive(self) -> ArchiveService:
        """Seal incidents into signed, verifiable archives."""
        from warroom.services.archive import ArchiveService

        return ArchiveService(self._context)

    @cached_property
    def verification(self) -> IncidentVerifier:
        """Verify live incidents, in full or from their checkpoint."""
        from warroom.services.incident_verify import IncidentVerifier

        return IncidentVerifier(self._context)

    @cached_property
    def review(self) -> ReviewService:
        """Compute the post-incident review; edit lessons learned."""
        from warroom.services.review import ReviewService

        return ReviewService(self._context)

    @cached_property
    def changes(self) -> ChangeFeedService:
        """What changed since a window last looked (the change feed)."""
        from warroom.services.changes import ChangeFeedService

        return ChangeFeedService(self._context)

    @cached_property
    def views(self) -> ViewService:
        """The window's read model: an incident, or the room's permissions, in one read."""
        from warroom.services.views import ViewService

        return ViewService(self._context, self.playbooks)

    @cached_property
    def people(self) -> PeopleService:
        """People and roles of the war room."""
        from warroom.services.people import PeopleService

        return PeopleService(self._context)

    @cached_property
    def sources(self) -> SourceService:
        """Configure and test listening sources (secrets in the keychain)."""
        from warroom.services.sources import SourceService

        return SourceService(self._context, self.secrets)

    @cached_property
    def inbox(self) -> InboxService:
        """The triage inbox: list, triage, attach, tracked terms and stats."""
        from warroom.services.inbox import InboxService

        return InboxService(self._context)

    @cached_property
    def inbox_replies(self) -> InboxReplyService:
        """Answer inbox items in their threads, through approvals."""
        from warroom.services.inbox_replies import InboxReplyService

        return InboxReplyService(self._context, self.playbooks)

    @cached_property
    def inbox_pull(self) -> InboxPullService:
        """Pull the sources (this thread's instance)."""
        return self.new_inbox_pull()

    def new_inbox_pull(self) -> InboxPullService:
        """Return an InboxPullService of its own for a worker thread (it keeps per-source
        backoff and is not thread-safe: see its docstring); same database and secrets."""
        from warroom.services.inbox_pull import InboxPullService

        return InboxPullService(self._context, self.playbooks, self.secrets)

    @cached_property
    def backups(self) -> BackupService:
        """Back up the database into a folder, on request or on a schedule."""
        from warroom.services.backups import BackupService

        return BackupService(self._context)

    @cached_property
    def restore(self) -> RestoreService:
        """Verify a backup, compare it with the database, and restore it."""
        from warroom.services.restore import RestoreService

        return RestoreService(self._context, self.backups)


def build_services(
    db: Database,
    *,
    clock: Clock = utc_now,
    playbooks: PlaybookCatalog | None = None,
    secrets: SecretStore | None = None,
) -> Services:
    """Wire the services for ``db``, once per process: the one place that builds the
    playbook catalog and the keychain access every service shares. Tests pass a fixed
    ``clock``, their own playbooks, or a secret store with a test backend; the self-test a
    keychain of its own for the signing keys it makes."""
    context = ServiceContext(db=db, clock=clock, secrets=secrets or SecretStore())
    return Services(context, playbooks or PlaybookCatalog())
