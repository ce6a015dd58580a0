"""The complaints ledger (민원): its rows, read with the names a reader needs, and changed only over the
version a member read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.housing.values import (
    OPEN_COMPLAINT_STATES,
    ComplaintChange,
    ComplaintListItem,
    ComplaintRecord,
    NewComplaint,
)
from storage.columns import columns, record_of
from storage.housing.models import Complaint, Complex
from storage.paging import TOTAL, paged
from storage.reference.models import AdminDong
from storage.staff.models import Staff

OPEN_STATES = [state.value for state in OPEN_COMPLAINT_STATES]
_ASSIGNEE = aliased(Staff, name="assignee")
_CREATOR = aliased(Staff, name="creator")
_UPDATER = aliased(Staff, name="updater")
_LIST_COLUMNS = (
    Complaint.id,
    Complaint.complex_id,
    Complex.name.label("complex_name"),
    Complex.admin_dong_id,
    AdminDong.name.label("admin_dong"),
    Complaint.received_on,
    Complaint.channel,
    Complaint.content,
    Complaint.assignee_id,
    _ASSIGNEE.name.label("assignee_name"),
    Complaint.state,
)


class ComplaintRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_complaint(self, complaint: NewComplaint) -> int:
        complaint_id = await self._session.scalar(
            insert(Complaint).values(**columns(complaint), version=1).returning(Complaint.id)
        )
        assert complaint_id is not None
        return int(complaint_id)

    async def get_complaint(self, complaint_id: int) -> ComplaintRecord | None:
        row = (
            await self._session.execute(
                select(
                    Complaint,
                    Complex.name.label("complex_name"),
                    Complex.admin_dong_id,
                    AdminDong.name.label("admin_dong"),
                    _ASSIGNEE.name.label("assignee_name"),
                    _CREATOR.name.label("created_by_name"),
                    _UPDATER.name.label("updated_by_name"),
                )
                .join(Complex, Complex.id == Complaint.complex_id)
                .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
                .join(_ASSIGNEE, _ASSIGNEE.id == Complaint.assignee_id)
                .outerjoin(_CREATOR, _CREATOR.id == Complaint.created_by_id)
                .outerjoin(_UPDATER, _UPDATER.id == Complaint.updated_by_id)
                .where(Complaint.id == complaint_id)
            )
        ).first()
        if row is None:
            return None
        return record_of(
            ComplaintRecord,
            row.Complaint,
            complex_name=row.complex_name,
            admin_dong_id=row.admin_dong_id,
            admin_dong=row.admin_dong,
            assignee_name=row.assignee_name,
            created_by_name=row.created_by_name,
            updated_by_name=row.updated_by_name,
        )

    async def change_complaint(self, complaint_id: int, change: ComplaintChange, *, expected_version: int) -> bool:
        """Write ``change`` if the complaint is still at ``expected_version`` (checked in the UPDATE itself, so
        two saves racing each other cannot both pass); False when someone changed it since."""
        result = await self._session.execute(
            update(Complaint)
            .where(Complaint.id == complaint_id, Complaint.version == expected_version)
            .values(**columns(change), version=Complaint.version + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def hand_over_open_complaints(
        self, complaint_ids: list[int], *, from_assignee: int, to_assignee: int, at: datetime, by: int | None
    ) -> int:
        """Reassign those of ``complaint_ids`` still open and with ``from_assignee``, each to a new version:
        how many moved (fewer means some were closed or reassigned meanwhile)."""
        result = await self._session.execute(
            update(Complaint)
            .where(
                Complaint.id.in_(complaint_ids),
                Complaint.assignee_id == from_assignee,
                Complaint.state.in_(OPEN_STATES),
            )
            .values(assignee_id=to_assignee, version=Complaint.version + 1, updated_at=at, updated_by_id=by)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def count_open(self, complex_id: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(Complaint.complex_id == complex_id, Complaint.state.in_(OPEN_STATES))
        )
        return int(count or 0)

    async def list_complaints(
        self,
        *,
        admin_dong_ids: frozenset[int] | None,
        assignee_id: int | None = None,
        complex_id: int | None = None,
        open_only: bool = True,
        received_before: date | None = None,
        offset: int,
        limit: int,
    ) -> tuple[list[ComplaintListItem], int]:
        """A page of complaints, oldest received first, and how many match in all. ``admin_dong_ids`` is the
        reader's scope (None: every dong); ``received_before`` keeps those received before that day."""
        conditions: list[ColumnElement[bool]] = []
        if admin_dong_ids is not None:
            conditions.append(Complex.admin_dong_id.in_(sorted(admin_dong_ids)))
        if assignee_id is not None:
            conditions.append(Complaint.assignee_id == assignee_id)
        if complex_id is not None:
            conditions.append(Complaint.complex_id == complex_id)
        if open_only:
            conditions.append(Complaint.state.in_(OPEN_STATES))
        if received_before is not None:
            conditions.append(Complaint.received_on < received_before)
        condition = and_(True, *conditions)
        listed = self._listed(TOTAL).where(condition).order_by(Complaint.received_on, Complaint.id)
        counted = select(func.count()).select_from(Complaint).join(Complex, Complex.id == Complaint.complex_id)
        rows, total = await paged(self._session, listed, counted.where(condition), offset=offset, limit=limit)
        return [record_of(ComplaintListItem, row) for row in rows], total

    async def list_open_received_before(
        self, before: date, admin_dong_ids: frozenset[int] | None = None
    ) -> list[ComplaintListItem]:
        """Every open complaint received before ``before`` (in ``admin_dong_ids``; None: every dong), by the
        complex's dong, then oldest first: what a daily reminder tells each dong's housing staff about."""
        conditions: list[ColumnElement[bool]] = [Complaint.state.in_(OPEN_STATES), Complaint.received_on < before]
        if admin_dong_ids is not None:
            conditions.append(Complex.admin_dong_id.in_(sorted(admin_dong_ids)))
        rows = (
            await self._session.execute(
                self._listed()
                .where(*conditions)
                .order_by(AdminDong.sort_order, AdminDong.id, Complaint.received_on, Complaint.id)
            )
        ).all()
        return [record_of(ComplaintListItem, row) for row in rows]

    @staticmethod
    def _listed(*extra: object):  # type: ignore[no-untyped-def]
        return (
            select(*_LIST_COLUMNS, *extra)  # type: ignore[call-overload]
            .join(Complex, Complex.id == Complaint.complex_id)
            .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
            .join(_ASSIGNEE, _ASSIGNEE.id == Complaint.assignee_id)
        )
