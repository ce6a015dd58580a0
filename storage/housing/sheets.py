"""The housing ledger read sheet by sheet for the office's workbooks: each record with the names that make a
row stand on its own (its complex's name and dong, a position's name, an assignee's Saeol ID), streamed in
the district's order so a ledger of 200,000 representatives never sits in memory whole."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.housing.ledger import LEDGER_COLUMNS
from storage.housing.models import (
    Complaint,
    Complex,
    ManagementOffice,
    Representative,
    ResidentGroup,
    SupportProject,
)
from storage.reference.models import AdminDong, Position, SupportCriterion
from storage.staff.models import Staff

STREAMED_ROWS = 2_000  # rows fetched from the database at a time

_COMPLEX_COLUMNS = (
    Complex.name,
    AdminDong.name.label("admin_dong"),
    Complex.kind,
    Complex.management_type,
    Complex.address,
    Complex.building_count,
    Complex.household_count,
    Complex.floors_min,
    Complex.floors_max,
    Complex.approved_on,
    Complex.households_area_1.label("area_1"),
    Complex.households_area_2.label("area_2"),
    Complex.households_area_3.label("area_3"),
    Complex.households_area_4.label("area_4"),
    Complex.households_area_5.label("area_5"),
    Complex.kapt_code,
    Complex.remarks,
)
_KEY = (Complex.name.label("complex"), AdminDong.name.label("admin_dong"))


def _of_complexes(statement: Select[Any], admin_dong_ids: frozenset[int] | None) -> Select[Any]:
    """Joined to the complex and its dong, in the district's order of dongs and names."""
    conditions: list[ColumnElement[bool]] = []
    if admin_dong_ids is not None:
        conditions.append(Complex.admin_dong_id.in_(sorted(admin_dong_ids)))
    return (
        statement.join(AdminDong, AdminDong.id == Complex.admin_dong_id)
        .where(*conditions)
        .order_by(AdminDong.sort_order, Complex.name, Complex.id)
    )


class LedgerSheetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lists(self) -> dict[str, list[str]]:
        """The lists a sheet's coded columns pick from that the database holds: dongs, 직위, 지원기준."""
        dongs = await self._session.scalars(select(AdminDong.name).order_by(AdminDong.sort_order, AdminDong.id))
        positions = await self._session.scalars(select(Position.name).order_by(Position.sort_order, Position.id))
        criteria = await self._session.scalars(
            select(SupportCriterion.name).order_by(SupportCriterion.sort_order, SupportCriterion.id)
        )
        return {"dong": list(dongs), "position": list(positions), "criterion": list(criteria)}

    def rows(self, sheet: str, admin_dong_ids: frozenset[int] | None) -> AsyncIterator[dict[str, Any]]:
        """Every row of ``sheet`` (``core.housing.sheets.SHEETS``) in the dongs (None: all), as column key ->
        value, with ``admin_dong_id`` for the reader's masking rule."""
        statement = _of_complexes(_STATEMENTS[sheet](), admin_dong_ids).order_by(*_WITHIN_COMPLEX[sheet])
        return self._stream(statement)

    async def _stream(self, statement: Select[Any]) -> AsyncIterator[dict[str, Any]]:
        result = await self._session.stream(statement.execution_options(yield_per=STREAMED_ROWS))
        async for row in result.mappings():
            yield dict(row)


def _complexes() -> Select[Any]:
    columns: list[Any] = [*_COMPLEX_COLUMNS, Complex.admin_dong_id]
    return select(*columns).select_from(Complex)


def _offices() -> Select[Any]:
    return select(*_KEY, Complex.admin_dong_id, *_columns(ManagementOffice, LEDGER_COLUMNS["office"])).join(
        Complex, Complex.id == ManagementOffice.complex_id
    )


def _representatives() -> Select[Any]:
    return (
        select(
            *_KEY,
            Complex.admin_dong_id,
            Position.name.label("position"),
            *_columns(Representative, LEDGER_COLUMNS["representative"]),
        )
        .join(Complex, Complex.id == Representative.complex_id)
        .join(Position, Position.id == Representative.position_id)
    )


def _groups() -> Select[Any]:
    return select(*_KEY, Complex.admin_dong_id, *_columns(ResidentGroup, LEDGER_COLUMNS["group"])).join(
        Complex, Complex.id == ResidentGroup.complex_id
    )


def _projects() -> Select[Any]:
    return select(*_KEY, Complex.admin_dong_id, *_columns(SupportProject, LEDGER_COLUMNS["project"])).join(
        Complex, Complex.id == SupportProject.complex_id
    )


def _complaints() -> Select[Any]:
    return (
        select(*_KEY, Complex.admin_dong_id, *_columns(Complaint, _COMPLAINT), Staff.saeol_id.label("assignee"))
        .join(Complex, Complex.id == Complaint.complex_id)
        .join(Staff, Staff.id == Complaint.assignee_id)
    )


def _columns(model: Any, names: Sequence[str]) -> list[Any]:
    return [getattr(model, name) for name in names]


_COMPLAINT = ("received_on", "channel", "complainant", "contact", "content", "state", "result", "closed_on")
_STATEMENTS = {
    "complex": _complexes,
    "office": _offices,
    "representative": _representatives,
    "group": _groups,
    "project": _projects,
    "complaint": _complaints,
}
# After the complex: a council by its positions' order, the rest as they were entered (complaints by date).
_WITHIN_COMPLEX: dict[str, tuple[Any, ...]] = {
    "complex": (),
    "office": (),
    "representative": (Position.sort_order, Representative.id),
    "group": (ResidentGroup.id,),
    "project": (SupportProject.period_start, SupportProject.id),
    "complaint": (Complaint.received_on, Complaint.id),
}
