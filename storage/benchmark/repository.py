"""Benchmarking cases: numbering, the case and its list, history, attachments and statistics counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.benchmark.records import (
    AttachmentFileRecord,
    AttachmentRecord,
    CaseListRecord,
    CaseQuery,
    CaseRecord,
    CountRow,
    EventRecord,
    NamedRef,
    OfficerRecord,
)
from storage.benchmark.models import BenchmarkAttachment, BenchmarkCase, BenchmarkCaseSerial, BenchmarkEvent
from storage.reference.models import Department
from storage.staff.models import RoleGrant, Staff

_ATTACHMENT_COLUMNS = (
    BenchmarkAttachment.id,
    BenchmarkAttachment.case_id,
    BenchmarkAttachment.kind,
    BenchmarkAttachment.file_name,
    BenchmarkAttachment.mime_type,
    BenchmarkAttachment.size,
    BenchmarkAttachment.uploaded_by_id,
    BenchmarkAttachment.uploaded_at,
)


def _attachment(row: Any) -> AttachmentRecord:
    return AttachmentRecord(*row[: len(_ATTACHMENT_COLUMNS)])


def _ref(ref_id: int | None, name: str | None) -> NamedRef | None:
    return NamedRef(ref_id, name) if ref_id is not None and name is not None else None


def _list_row(row: Any) -> CaseListRecord:
    case: BenchmarkCase = row.BenchmarkCase
    return CaseListRecord(
        id=case.id,
        case_no=case.case_no,
        year=case.year,
        quarter=case.quarter,
        serial=case.serial,
        department=row.department,
        officer=row.officer,
        title=case.title,
        attachment_count=int(row.attachments),
        adoption=case.adoption,
        state=case.state,
        registered_at=case.registered_at,
        approval_requested_at=case.approval_requested_at,
        approval_requested_by=row.requester,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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

    async def add_case(self, **values: Any) -> int:
        case = BenchmarkCase(**values)
        self._session.add(case)
        await self._session.flush()
        return case.id

    async def get_case(self, case_id: int) -> CaseRecord | None:
        officer, registrar, reviewer, requester, decider = (aliased(Staff) for _ in range(5))
        row = (
            await self._session.execute(
                select(
                    BenchmarkCase,
                    Department.name,
                    officer.name,
                    registrar.name,
                    reviewer.name,
                    requester.name,
                    decider.name,
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
        case, department, officer_name, registrar_name, reviewer_name, requester_name, decider_name = row
        attachments = await self.list_attachments(case_id)
        return CaseRecord(
            id=case.id,
            case_no=case.case_no,
            year=case.year,
            quarter=case.quarter,
            serial=case.serial,
            title=case.title,
            summary=case.summary,
            source=case.source,
            department=NamedRef(case.department_id, department),
            officer=_ref(case.officer_id, officer_name),
            registered_by=NamedRef(case.registered_by_id, registrar_name),
            registered_at=case.registered_at,
            state=case.state,
            adoption=case.adoption,
            review_opinion=case.review_opinion,
            reviewed_at=case.reviewed_at,
            reviewed_by=_ref(case.reviewed_by_id, reviewer_name),
            progress_result=case.progress_result,
            progress_note=case.progress_note,
            approval_round=case.approval_round,
            approval_requested_at=case.approval_requested_at,
            approval_requested_by=_ref(case.approval_requested_by_id, requester_name),
            decided_at=case.decided_at,
            decided_by=_ref(case.decided_by_id, decider_name),
            return_reason=case.return_reason,
            draft=dict(case.draft) if case.draft else None,
            version=case.version,
            updated_at=case.updated_at,
            attachments=tuple(attachments),
        )

    async def find_case_id_by_number(self, case_no: str) -> int | None:
        return await self._session.scalar(select(BenchmarkCase.id).where(BenchmarkCase.case_no == case_no))

    async def change_case(
        self,
        case_id: int,
        *,
        from_states: Sequence[str],
        values: dict[str, Any],
        expected_version: int | None = None,
        expected_round: int | None = None,
    ) -> bool:
        """Apply ``values`` only if the case is still in one of ``from_states`` (and at the version or
        approval round the caller saw). The condition is part of the UPDATE, so of two concurrent changes
        exactly one succeeds, whatever the engine; False means this one lost or the case moved on."""
        conditions: list[ColumnElement[bool]] = [BenchmarkCase.id == case_id, BenchmarkCase.state.in_(from_states)]
        if expected_version is not None:
            conditions.append(BenchmarkCase.version == expected_version)
        if expected_round is not None:
            conditions.append(BenchmarkCase.approval_round == expected_round)
        result = await self._session.execute(
            update(BenchmarkCase).where(and_(*conditions)).values(**values, version=BenchmarkCase.version + 1)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def _filtered(self, query: CaseQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.year is not None:
            conditions.append(BenchmarkCase.year == query.year)
        if query.quarter is not None:
            conditions.append(BenchmarkCase.quarter == query.quarter)
        if query.department_id is not None:
            conditions.append(BenchmarkCase.department_id == query.department_id)
        if query.adoption is not None:
            conditions.append(BenchmarkCase.adoption == query.adoption)
        if query.state is not None:
            conditions.append(BenchmarkCase.state == query.state)
        if query.states is not None:
            conditions.append(BenchmarkCase.state.in_(query.states))
        if query.case_no_prefix:
            prefix = _escape_like(query.case_no_prefix)
            conditions.append(
                (BenchmarkCase.case_no == query.case_no_prefix) | BenchmarkCase.case_no.like(f"{prefix}-%", escape="\\")
            )
        if query.not_requested_by is not None:
            conditions.append(
                BenchmarkCase.approval_requested_by_id.is_(None)
                | (BenchmarkCase.approval_requested_by_id != query.not_requested_by)
            )
        if query.title_key:
            conditions.append(BenchmarkCase.title_key.like(f"%{_escape_like(query.title_key)}%", escape="\\"))
        return conditions

    async def list_cases(self, query: CaseQuery, *, offset: int, limit: int) -> tuple[list[CaseListRecord], int]:
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
                func.count().over().label("total"),
            )
            .join(Department, Department.id == BenchmarkCase.department_id)
            .outerjoin(officer, officer.id == BenchmarkCase.officer_id)
            .outerjoin(requester, requester.id == BenchmarkCase.approval_requested_by_id)
            .where(*self._filtered(query))
            .order_by(BenchmarkCase.year, BenchmarkCase.quarter, BenchmarkCase.serial)
            .offset(offset)
            .limit(limit)
        )
        rows = (await self._session.execute(statement)).all()
        if not rows and offset:
            total = await self.count_cases(query)
            return [], total
        total = int(rows[0].total) if rows else 0
        return [_list_row(row) for row in rows], total

    async def count_cases(self, query: CaseQuery) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(BenchmarkCase).where(*self._filtered(query))
        )
        return int(count or 0)

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
        self._session.add(
            BenchmarkEvent(
                case_id=case_id,
                at=at,
                actor_id=actor_id,
                action=action,
                state_from=state_from,
                state_to=state_to,
                note=note,
                changes=changes,
            )
        )
        await self._session.flush()

    async def list_events(self, case_id: int) -> list[EventRecord]:
        rows = await self._session.execute(
            select(BenchmarkEvent, Staff.name)
            .outerjoin(Staff, Staff.id == BenchmarkEvent.actor_id)
            .where(BenchmarkEvent.case_id == case_id)
            .order_by(BenchmarkEvent.at, BenchmarkEvent.id)
        )
        return [
            EventRecord(
                id=event.id,
                at=event.at,
                actor=_ref(event.actor_id, name),
                action=event.action,
                state_from=event.state_from,
                state_to=event.state_to,
                note=event.note,
                changes=dict(event.changes) if event.changes else None,
            )
            for event, name in rows
        ]

    # -- attachments ----------------------------------------------------------------------------------

    async def add_attachment(self, **values: Any) -> AttachmentRecord:
        attachment = BenchmarkAttachment(**values)
        self._session.add(attachment)
        await self._session.flush()
        return AttachmentRecord(*(getattr(attachment, column.key) for column in _ATTACHMENT_COLUMNS))

    async def list_attachments(self, case_id: int) -> list[AttachmentRecord]:
        rows = await self._session.execute(
            select(*_ATTACHMENT_COLUMNS).where(BenchmarkAttachment.case_id == case_id).order_by(BenchmarkAttachment.id)
        )
        return [_attachment(row) for row in rows]

    async def list_staged_attachments(self, staff_id: int, ids: Sequence[int]) -> list[AttachmentRecord]:
        rows = await self._session.execute(
            select(*_ATTACHMENT_COLUMNS).where(
                BenchmarkAttachment.id.in_(ids),
                BenchmarkAttachment.case_id.is_(None),
                BenchmarkAttachment.uploaded_by_id == staff_id,
            )
        )
        return [_attachment(row) for row in rows]

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

    async def get_attachment_file(self, attachment_id: int) -> AttachmentFileRecord | None:
        row = (
            await self._session.execute(
                select(*_ATTACHMENT_COLUMNS, BenchmarkAttachment.content, BenchmarkAttachment.telegram_file_id).where(
                    BenchmarkAttachment.id == attachment_id
                )
            )
        ).first()
        if row is None:
            return None
        return AttachmentFileRecord(
            info=_attachment(row), content=bytes(cast(bytes, row[-2])), telegram_file_id=row[-1]
        )

    # -- people ---------------------------------------------------------------------------------------

    async def list_departments(self) -> list[NamedRef]:
        rows = await self._session.execute(select(Department.id, Department.name).order_by(Department.name))
        return [NamedRef(department_id, name) for department_id, name in rows]

    async def get_department(self, department_id: int) -> NamedRef | None:
        name = await self._session.scalar(select(Department.name).where(Department.id == department_id))
        return NamedRef(department_id, name) if name is not None else None

    async def list_staff_with_permission(
        self, permission: str, department_id: int | None = None
    ) -> list[OfficerRecord]:
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
        return [OfficerRecord(sid, name, dept, telegram is not None) for sid, name, dept, telegram in rows]

    # -- statistics -----------------------------------------------------------------------------------

    async def count_by(
        self, column: str, *, states: Sequence[str], year: int | None = None, department_id: int | None = None
    ) -> list[CountRow]:
        """Cases per year, department and value of ``column`` (adoption or progress_result), counting only
        cases in ``states``: a submitted review or report, never a draft; of one department, if given."""
        value = getattr(BenchmarkCase, column)
        statement = (
            select(BenchmarkCase.year, Department.name, value, func.count())
            .join(Department, Department.id == BenchmarkCase.department_id)
            .where(BenchmarkCase.state.in_(states))
            .group_by(BenchmarkCase.year, Department.name, value)
        )
        if year is not None:
            statement = statement.where(BenchmarkCase.year == year)
        if department_id is not None:
            statement = statement.where(BenchmarkCase.department_id == department_id)
        rows = await self._session.execute(statement)
        return [CountRow(int(y), department, v, int(count)) for y, department, v, count in rows]
