"""Unit of work: one transaction per piece of work; leaving without ``commit()`` rolls back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.audit.repository import AuditRepository
from storage.benchmark.bulk import DemoBenchmarkRows
from storage.benchmark.repository import BenchmarkRepository
from storage.bot_state.repository import BotStateRepository
from storage.community.imports import CommunityImportRepository
from storage.community.repository import CommunityRepository, GrantProjectRepository
from storage.community.statistics import CommunityStatisticsRepository
from storage.db import WRITE_OPTION, no_snapshot_options
from storage.housing.bulk import BulkRepository
from storage.housing.complaints import ComplaintRepository
from storage.housing.imports import LedgerImportRepository
from storage.housing.ledger import LedgerRepository
from storage.housing.photos import PhotoRepository
from storage.housing.repository import HousingRepository
from storage.housing.sheets import LedgerSheetRepository
from storage.housing.statistics import HousingStatisticsRepository
from storage.notifications.repository import NotificationRepository
from storage.outboxes import OutboxRepository
from storage.reference.repository import ReferenceRepository
from storage.retention import RetentionRepository
from storage.sms.lists import SmsListRepository
from storage.sms.reports import SmsReportRepository
from storage.sms.repository import SmsRepository
from storage.staff.access import AdminRepository
from storage.staff.administration import StaffAdminRepository
from storage.staff.grants import GrantRepository
from storage.staff.repository import StaffRepository
from storage.staff.revision import RevisionReader


class UnitOfWork:
    staff: StaffRepository
    housing: HousingRepository
    housing_statistics: HousingStatisticsRepository
    ledger_sheets: LedgerSheetRepository
    ledger: LedgerRepository
    ledger_import: LedgerImportRepository
    complaints: ComplaintRepository
    photos: PhotoRepository
    audit: AuditRepository
    bot_state: BotStateRepository
    community: CommunityRepository
    grant_projects: GrantProjectRepository
    community_statistics: CommunityStatisticsRepository
    community_import: CommunityImportRepository
    bulk: BulkRepository
    benchmark: BenchmarkRepository
    notifications: NotificationRepository
    outboxes: OutboxRepository
    demo_benchmark: DemoBenchmarkRows
    grants: GrantRepository
    admin: AdminRepository
    staff_admin: StaffAdminRepository
    reference: ReferenceRepository
    sms: SmsRepository
    sms_lists: SmsListRepository
    sms_reports: SmsReportRepository
    retention: RetentionRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        options: dict[str, Any] | None = None,
        committed: Callable[[], None] | None = None,
    ) -> None:
        """``options``: the execution options its connection starts with (``UnitOfWorkFactory`` says which)."""
        self._session_factory = session_factory
        self._options = options
        self._committed = committed
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("a unit of work is entered once")
        session = self._session_factory()
        self._session = session
        if self._options:
            try:
                await session.connection(execution_options=self._options)
            except BaseException:  # cancelled while taking the write lock, say: __aexit__ will not run
                self._session = None
                await _ended(session)
                raise
        self.staff = StaffRepository(session)
        self.housing = HousingRepository(session)
        self.housing_statistics = HousingStatisticsRepository(session)
        self.ledger_sheets = LedgerSheetRepository(session)
        self.ledger = LedgerRepository(session)
        self.ledger_import = LedgerImportRepository(session)
        self.complaints = ComplaintRepository(session)
        self.photos = PhotoRepository(session)
        self.audit = AuditRepository(session)
        self.bot_state = BotStateRepository(session)
        self.community = CommunityRepository(session)
        self.grant_projects = GrantProjectRepository(session)
        self.community_statistics = CommunityStatisticsRepository(session)
        self.community_import = CommunityImportRepository(session)
        self.bulk = BulkRepository(session)
        self.benchmark = BenchmarkRepository(session)
        self.notifications = NotificationRepository(session)
        self.outboxes = OutboxRepository(session)
        self.demo_benchmark = DemoBenchmarkRows(session)
        self.grants = GrantRepository(session)
        self.admin = AdminRepository(session)
        self.staff_admin = StaffAdminRepository(session)
        self.reference = ReferenceRepository(session)
        self.sms = SmsRepository(session)
        self.sms_lists = SmsListRepository(session)
        self.sms_reports = SmsReportRepository(session)
        self.retention = RetentionRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            await _ended(session)

    async def commit(self) -> None:
        if self._session is None:
            raise RuntimeError("commit outside the unit of work")
        await self._session.commit()
        if self._committed is not None:
            self._committed()


async def _ended(session: AsyncSession) -> None:
    """Roll back what was not committed and give the connection back, even when the task is cancelled meanwhile
    (a background sender stopped, the process shutting down): a cancellation landing in the pool's own reset
    left the connection half returned and logged as a failed reset. The cancellation goes on afterwards."""
    ending = asyncio.ensure_future(_end(session))
    try:
        await asyncio.shield(ending)
    except asyncio.CancelledError:
        await ending
        raise


async def _end(session: AsyncSession) -> None:
    try:
        await session.rollback()
    finally:
        await session.close()


class UnitOfWorkFactory:
    """What services are given: makes a fresh unit of work per piece of work."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        bind = session_factory.kw.get("bind")
        self._revision = RevisionReader.for_url(bind.url) if bind is not None else None
        self._no_snapshot = no_snapshot_options(bind) if bind is not None else None

    def __call__(self, *, write: bool = False, snapshot: bool = True) -> UnitOfWork:
        """``write``: the unit will write (on SQLite it takes the write lock at once). ``snapshot=False``: a read
        whose statements need not see the database at one moment (one statement, or lists that each stand on
        their own), run outside a transaction, which spares its BEGIN and ROLLBACK."""
        if write and not snapshot:
            raise ValueError("a unit of work that writes runs in a transaction")
        # A change committed here may have moved the staff counter: it is read again, without waiting for the
        # database's notification (storage.staff.revision).
        committed = self._revision.changed if self._revision is not None else None
        options = {WRITE_OPTION: True} if write else None if snapshot else self._no_snapshot
        return UnitOfWork(self._session_factory, options=options, committed=committed)

    async def staff_revision(self) -> int | None:
        """The counter every change to staff, grants, scopes and departments moves (migration 0020), read the
        cheapest way the engine allows (``storage.staff.revision``); None when there is no counter row."""
        if self._revision is not None:
            revision = await self._revision.read()
            if revision is not None:
                return revision
        async with self() as uow:
            return await uow.staff.staff_revision()

    async def close(self) -> None:
        """Let go of the side connection the counter is read on (the engine's own pool is the engine's)."""
        if self._revision is not None:
            await self._revision.close()
