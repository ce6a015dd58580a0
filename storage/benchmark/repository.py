"""Benchmarking cases: numbering, the case and its list, history, attachments and statistics counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.benchmark.values import (
    Attachment,
    AttachmentFile,
    Case,
    CaseChange,
    CaseEvent,
    CaseInCharge,
    CaseListItem,
    CaseMeasure,
    CaseQuery,
    CaseState,
    CountRow,
    NamedRef,
    NewAttachment,
    NewCase,
    NewEvent,
    Officer,
)
from storage.benchmark.models import BenchmarkAttachment, BenchmarkCase, BenchmarkCaseSerial, BenchmarkEvent
from storage.benchmark.rows import (
    ATTACHMENT_COLUMNS,
    MEASURED,
    attachment_of,
    case_of,
    columns_of,
    list_item_of,
    new_case_columns,
    ref,
)
from storage.columns import columns, record_of
from storage.paging import TOTAL, paged
from storage.reference.models import Department
from storage.search_keys import name_key
from storage.staff.models import RoleGrant, Staff


class BenchmarkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- numbering ------------------------------------------------------------------------------------

    async def take_next_serial(self, year: int, quarter: int) -> int:
        """The next serial of the quarter. The UPDATE takes the row lock that serialises concurrent
        registrations; the first registration of a quarter creates the row, and if two race to create it
        the loser's savepoint rolls back and it increments the winner's row instead."""
        for _ in range(2):
            result = await self._session.execute(
                update(BenchmarkCaseSerial)
                .where(BenchmarkCaseSerial.year == year, BenchmarkCaseSerial.quarter == quarter)
                .values(last_serial=BenchmarkCaseSerial.last_serial + 1)
                .returning(BenchmarkCaseSerial.last_serial)
            )
            serial = result.scalar_one_or_none()
            if serial is not None:
                return int(serial)
            try:
                async with self._session.begin_nested():
                    await self._session.execute(
                        insert(BenchmarkCaseSerial).values(year=year, quarter=quarter, last_serial=1)
                    )
                return 1
            except IntegrityError:  # the primary key: another registration created the row first
                continue
        raise RuntimeError(f"could not number a case in {year}-{quarter}")

    # -- cases ----------------------------------------------------------------------------------------

    async def add_case(self, new: NewCase) -> int:
        case = BenchmarkCase(**new_case_columns(new))
        self._session.add(case)
        await self._session.flush()
        return case.id

    async def get_case(self, case_id: int) -> Case | None:
        officer, registrar, reviewer, requester, decider = (aliased(Staff) for _ in range(5))
        row = (
            await self._session.execute(
                select(
                    BenchmarkCase,
                    Department.name.label("department"),
                    officer.name.label("officer"),
                    registrar.name.label("registrar"),
                    reviewer.name.label("reviewer"),
                    requester.name.label("requester"),
                    decider.name.label("decider"),
                )
                .join(Department, Department.id == BenchmarkCase.department_id)
                .join(registrar, registrar.id == BenchmarkCase.registered_by_id)
                .outerjoin(officer, officer.id == BenchmarkCase.officer_id)
                .outerjoin(reviewer, reviewer.id == BenchmarkCase.reviewed_by_id)
                .outerjoin(requester, requester.id == BenchmarkCase.approval_requested_by_id)
                .outerjoin(decider, decider.id == BenchmarkCase.decided_by_id)
                .where(BenchmarkCase.id == case_id)
            )
        ).first()
        if row is None:
            return None
        return case_of(row, await self.list_attachments(case_id))

    async def find_case_id_by_number(self, case_no: str) -> int | None:
        return await self._session.scalar(select(BenchmarkCase.id).where(BenchmarkCase.case_no == case_no))

    async def change_case(
        self,
        case_id: int,
        change: CaseChange,
        *,
        from_states: Sequence[CaseState],
        expected_version: int | None = None,
        expected_round: int | None = None,
    ) -> bool:
        """Write ``change`` only if the case is still in one of ``from_states`` (and at the version or
        approval round the caller saw). The condition is part of the UPDATE, so of two concurrent changes
        exactly one succeeds, whatever the engine; False means this one lost or the case moved on."""
        states = [state.value for state in from_states]
        conditions: list[ColumnElement[bool]] = [BenchmarkCase.id == case_id, BenchmarkCase.state.in_(states)]
        if expected_version is not None:
            conditions.append(BenchmarkCase.version == expected_version)
        if expected_round is not None:
            conditions.append(BenchmarkCase.approval_round == expected_round)
        result = await self._session.execute(
            update(BenchmarkCase)
            .where(and_(*conditions))
            .values(**columns_of(change), updated_at=change.at, version=BenchmarkCase.version + 1)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def list_cases_in_charge_of(self, officer_id: int, states: Sequence[CaseState]) -> list[CaseInCharge]:
        """The cases ``officer_id`` is named on that are in one of ``states``, in the report's order."""
        rows = (
            await self._session.execute(
                select(
                    BenchmarkCase.id,
                    BenchmarkCase.case_no,
                    BenchmarkCase.title,
                    BenchmarkCase.department_id,
                    Department.name.label("department"),
                    BenchmarkCase.state,
                    BenchmarkCase.version,
                )
                .join(Department, Department.id == BenchmarkCase.department_id)
                .where(BenchmarkCase.officer_id == officer_id, BenchmarkCase.state.in_([s.value for s in states]))
                .order_by(BenchmarkCase.year, BenchmarkCase.quarter, BenchmarkCase.serial)
            )
        ).all()
        return [record_of(CaseInCharge, row, state=CaseState(row.state)) for row in rows]

    def _filtered(self, query: CaseQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.year is not None:
            conditions.append(BenchmarkCase.year == query.year)
        if query.quarter is not None:
            conditions.append(BenchmarkCase.quarter == query.quarter)
        if query.department_id is not None:
            conditions.append(BenchmarkCase.department_id == query.department_id)
        if query.adoption is not None:
            conditions.append(BenchmarkCase.adoption == query.adoption.value)
        if query.state is not None:
            conditions.append(BenchmarkCase.state == query.state.value)
        if query.states is not None:
            conditions.append(BenchmarkCase.state.in_([state.value for state in query.states]))
        if query.case_no_prefix:
            conditions.append(
                (BenchmarkCase.case_no == query.case_no_prefix)
                | BenchmarkCase.case_no.startswith(f"{query.case_no_prefix}-", autoescape=True)
            )
        if query.not_requested_by is not None:
            conditions.append(
                BenchmarkCase.approval_requested_by_id.is_(None)
                | (BenchmarkCase.approval_requested_by_id != query.not_requested_by)
            )
        title_key = name_key(query.title_part) if query.title_part else None
        if title_key:
            conditions.append(BenchmarkCase.title_key.contains(title_key, autoescape=True))
        return conditions

    async def list_cases(self, query: CaseQuery, *, offset: int, limit: int) -> tuple[list[CaseListItem], int]:
        """A page of the list in the report's order (year, quarter, serial ascending: 2016-1-1 first), with
        the total in the same scan (window count)."""
        attachments = (
            select(func.count())
            .where(BenchmarkAttachment.case_id == BenchmarkCase.id)
            .correlate(BenchmarkCase)
            .scalar_subquery()
        )
        officer, requester = aliased(Staff), aliased(Staff)
        statement: Select[Any] = (
            select(
                BenchmarkCase,
                Department.name.label("department"),
                officer.name.label("officer"),
                requester.name.label("requester"),
                attachments.label("attachments"),
                TOTAL,
            )
            .join(Department, Department.id == BenchmarkCase.department_id)
            .outerjoin(officer, officer.id == BenchmarkCase.officer_id)
            .outerjoin(requester, requester.id == BenchmarkCase.approval_requested_by_id)
            .where(*self._filtered(query))
            .order_by(BenchmarkCase.year, BenchmarkCase.quarter, BenchmarkCase.serial)
        )
        rows, total = await paged(self._session, statement, self._counted(query), offset=offset, limit=limit)
        return [list_item_of(row) for row in rows], total

    async def count_cases(self, query: CaseQuery) -> int:
        count = await self._session.scalar(self._counted(query))
        return int(count or 0)

    def _counted(self, query: CaseQuery) -> Select[int]:
        return select(func.count()).select_from(BenchmarkCase).where(*self._filtered(query))

    async def list_years(self, department_id: int | None = None) -> list[int]:
        """Years that have cases (of one department, if given), newest first."""
        statement = select(BenchmarkCase.year).distinct().order_by(BenchmarkCase.year.desc())
        if department_id is not None:
            statement = statement.where(BenchmarkCase.department_id == department_id)
        return list(await self._session.scalars(statement))

    # -- history --------------------------------------------------------------------------------------

    async def add_event(
        self,
        case_id: int,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        state_from: str | None,
        state_to: str | None,
        note: str | None = None,
        changes: dict[str, object] | None = None,
    ) -> None:
        event = NewEvent(
            case_id=case_id,
            at=at,
            actor_id=actor_id,
            action=action,
            state_from=state_from,
            state_to=state_to,
            note=note,
            changes=changes,
        )
        self._session.add(BenchmarkEvent(**columns(event)))
        await self._session.flush()

    async def list_events(self, case_id: int) -> list[CaseEvent]:
        rows = await self._session.execute(
            select(BenchmarkEvent, Staff.name)
            .outerjoin(Staff, Staff.id == BenchmarkEvent.actor_id)
            .where(BenchmarkEvent.case_id == case_id)
            .order_by(BenchmarkEvent.at, BenchmarkEvent.id)
        )
        return [
            CaseEvent(
                id=event.id,
                at=event.at,
                actor=ref(event.actor_id, name),
                action=event.action,
                state_from=event.state_from,
                state_to=event.state_to,
                note=event.note,
                changes=dict(event.changes) if event.changes else None,
            )
            for event, name in rows
        ]

    # -- attachments ----------------------------------------------------------------------------------

    async def add_attachment(self, new: NewAttachment) -> Attachment:
        attachment = BenchmarkAttachment(**columns(new))
        self._session.add(attachment)
        await self._session.flush()
        return attachment_of(attachment)

    async def list_attachments(self, case_id: int) -> list[Attachment]:
        rows = await self._session.execute(
            select(*ATTACHMENT_COLUMNS).where(BenchmarkAttachment.case_id == case_id).order_by(BenchmarkAttachment.id)
        )
        return [attachment_of(row) for row in rows]

    async def list_staged_attachments(self, staff_id: int, ids: Sequence[int]) -> list[Attachment]:
        rows = await self._session.execute(
            select(*ATTACHMENT_COLUMNS).where(
                BenchmarkAttachment.id.in_(ids),
                BenchmarkAttachment.case_id.is_(None),
                BenchmarkAttachment.uploaded_by_id == staff_id,
            )
        )
        return [attachment_of(row) for row in rows]

    async def attach_staged(self, case_id: int, ids: Sequence[int]) -> None:
        await self._session.execute(
            update(BenchmarkAttachment)
            .where(BenchmarkAttachment.id.in_(ids), BenchmarkAttachment.case_id.is_(None))
            .values(case_id=case_id)
        )

    async def forget_staged_attachments(self, before: datetime) -> int:
        """Files sent during registrations that were never finished."""
        result = await self._session.execute(
            delete(BenchmarkAttachment).where(
                BenchmarkAttachment.case_id.is_(None), BenchmarkAttachment.uploaded_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def get_attachment_file(self, attachment_id: int) -> AttachmentFile | None:
        row = (
            await self._session.execute(
                select(*ATTACHMENT_COLUMNS, BenchmarkAttachment.content, BenchmarkAttachment.telegram_file_id).where(
                    BenchmarkAttachment.id == attachment_id
                )
            )
        ).first()
        if row is None:
            return None
        return AttachmentFile(
            info=attachment_of(row), content=bytes(row.content), telegram_file_id=row.telegram_file_id
        )

    # -- people ---------------------------------------------------------------------------------------

    async def list_departments(self) -> list[NamedRef]:
        rows = await self._session.execute(select(Department.id, Department.name).order_by(Department.name))
        return [NamedRef(id=department_id, name=name) for department_id, name in rows]

    async def get_department(self, department_id: int) -> NamedRef | None:
        name = await self._session.scalar(select(Department.name).where(Department.id == department_id))
        return NamedRef(id=department_id, name=name) if name is not None else None

    async def list_staff_with_permission(self, permission: str, department_id: int | None = None) -> list[Officer]:
        """Active staff holding ``permission`` (in one department, if given), by name."""
        statement = (
            select(Staff.id, Staff.name, Staff.department_id, Staff.telegram_user_id)
            .join(RoleGrant, RoleGrant.staff_id == Staff.id)
            .where(RoleGrant.permission == permission, Staff.active.is_(True))
            .order_by(Staff.name, Staff.id)
        )
        if department_id is not None:
            statement = statement.where(Staff.department_id == department_id)
        rows = await self._session.execute(statement)
        return [
            Officer(id=row.id, name=row.name, department_id=row.department_id, bound=row.telegram_user_id is not None)
            for row in rows
        ]

    # -- statistics -----------------------------------------------------------------------------------

    async def count_by(
        self,
        measure: CaseMeasure,
        *,
        states: Sequence[CaseState],
        year: int | None = None,
        department_id: int | None = None,
    ) -> list[CountRow]:
        """Cases per year, department and value of ``measure``, counting only cases in ``states``: a
        submitted review or report, never a draft; of one department, if given."""
        value = MEASURED[measure].label("value")
        statement = (
            select(BenchmarkCase.year, Department.name.label("department"), value, func.count().label("cases"))
            .join(Department, Department.id == BenchmarkCase.department_id)
            .where(BenchmarkCase.state.in_([state.value for state in states]))
            .group_by(BenchmarkCase.year, Department.name, MEASURED[measure])
        )
        if year is not None:
            statement = statement.where(BenchmarkCase.year == year)
        if department_id is not None:
            statement = statement.where(BenchmarkCase.department_id == department_id)
        rows = await self._session.execute(statement)
        return [
            CountRow(year=int(row.year), department=row.department, value=row.value, count=int(row.cases))
            for row in rows
        ]
