"""Unit of work: one transaction per piece of work; leaving without ``commit()`` rolls back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Literal, overload

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

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
                await _ended(_end(session))
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
            await _ended(_end(session))

    async def commit(self) -> None:
        if self._session is None:
            raise RuntimeError("commit outside the unit of work")
        await self._session.commit()
        if self._committed is not None:
            self._committed()


class ReadUnit:
    """A read whose statements each stand on their own (``UnitOfWorkFactory(snapshot=False)``): the housing
    and outbox repositories on a Core connection outside a transaction. The ORM session's work around every
    statement (its transaction, result and identity bookkeeping) was a third of the complex search's time and
    more after a pause (benchmarks/README.md, issue 17); these reads select columns into values and need none
    of it."""

    housing: HousingRepository
    outboxes: OutboxRepository

    def __init__(self, engine: AsyncEngine) -> None:
        """``engine``: one whose connections start with the no-snapshot options (``UnitOfWorkFactory``)."""
        self._engine = engine
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> ReadUnit:
        if self._connection is not None:
            raise RuntimeError("a read unit is entered once")
        # A connection is checked out in one step: cancelled meanwhile, there is none to give back.
        connection = await self._engine.connect().start()
        self._connection = connection
        self.housing = HousingRepository(connection)
        self.outboxes = OutboxRepository(connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if exc_type is None:
            # Reads that all ran leave no transaction open on either engine (no BEGIN on SQLite, AUTOCOMMIT on
            # PostgreSQL), so the connection goes back without a trip, and nothing can be cancelled halfway: it is
            # awaited here rather than in a task of its own, which cost the loop a turn (0.05-0.1 ms a read).
            await connection.close()
        else:  # a failed statement on SQLite's thread may have left a transaction to roll back
            await _ended(connection.close())


async def _ended(ending_work: Coroutine[Any, Any, None]) -> None:
    """Roll back what was not committed and give the connection back, even when the task is cancelled meanwhile
    (a background sender stopped, the process shutting down): a cancellation landing in the pool's own reset
    left the connection half returned and logged as a failed reset. The cancellation goes on afterwards."""
    ending = asyncio.ensure_future(ending_work)
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
        bind: AsyncEngine | None = session_factory.kw.get("bind")
        self._revision = RevisionReader.for_url(bind.url) if bind is not None else None
        # The same pool, its connections started with the options once rather than set per read.
        self._reads = bind.execution_options(**no_snapshot_options(bind)) if bind is not None else None

    @overload
    def __call__(self, *, write: bool = False, snapshot: Literal[True] = True) -> UnitOfWork: ...
    @overload
    def __call__(self, *, write: Literal[False] = False, snapshot: Literal[False]) -> ReadUnit: ...
    @overload
    def __call__(self, *, write: bool = False, snapshot: bool) -> UnitOfWork | ReadUnit: ...

    def __call__(self, *, write: bool = False, snapshot: bool = True) -> UnitOfWork | ReadUnit:
        """``write``: the unit will write (on SQLite it takes the write lock at once). ``snapshot=False``: a read
        whose statements need not see the database at one moment (one statement, or lists that each stand on
        their own), run outside a transaction, which spares its BEGIN and ROLLBACK: a ``ReadUnit``, whose
        repository reads on a Core connection."""
        if write and not snapshot:
            raise ValueError("a unit of work that writes runs in a transaction")
        if not snapshot:
            if self._reads is None:
                raise RuntimeError("a read without a snapshot needs the session factory bound to an engine")
            return ReadUnit(self._reads)
        # A change committed here may have moved the staff counter: it is read again, without waiting for the
        # database's notification (storage.staff.revision).
        committed = self._revision.changed if self._revision is not None else None
        return UnitOfWork(self._session_factory, options={WRITE_OPTION: True} if write else None, committed=committed)

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
