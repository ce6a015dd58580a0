"""The ledger's writes: each record of a complex added, changed and removed under its optimistic lock.

A change names the version it was made on, and the version is part of the UPDATE's (or DELETE's) WHERE:
two members saving the same record at once cannot both succeed, whatever the engine, because the second
statement finds the row at a newer version (PostgreSQL re-reads the row once the first transaction
commits) and changes nothing. The caller is told, and reads the record as it now stands."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.housing.values import FormerManager, LedgerRecord, LedgerWrite
from storage.base import Base
from storage.columns import columns
from storage.housing.models import (
    Complex,
    ManagementOffice,
    ManagerHistory,
    Representative,
    ResidentGroup,
    SupportProject,
)
from storage.reference.models import AdminDong, Position, SupportCriterion
from storage.search_keys import name_key
from storage.staff.models import Staff

MODELS: dict[str, type[Any]] = {
    "complex": Complex,
    "office": ManagementOffice,
    "representative": Representative,
    "group": ResidentGroup,
    "project": SupportProject,
}
_BANDS = tuple(f"households_area_{n}" for n in range(1, 6))
# The ledger's fields of each record, as the columns hold them (the complex's dong and bands, and a
# representative's position, are mapped in ``_read`` and ``_columns``).
LEDGER_COLUMNS: dict[str, tuple[str, ...]] = {
    "complex": (
        "name",
        "kind",
        "management_type",
        "address",
        "building_count",
        "household_count",
        "floors_min",
        "floors_max",
        "approved_on",
        "kapt_code",
        "remarks",
    ),
    "office": (
        "phone",
        "fax",
        "manager_name",
        "manager_birth_date",
        "manager_mobile",
        "manager_license_no",
        "manager_license_grade",
        "manager_assigned_on",
    ),
    "representative": ("name", "gender", "birth_date", "building_unit", "phone", "term_start", "term_end"),
    "group": (
        "kind",
        "name",
        "leader_position",
        "leader_name",
        "leader_phone",
        "leader_email",
        "member_count",
        "formed_on",
        "members",
    ),
    "project": ("kind", "name", "period_start", "period_end", "amount", "returned_amount"),
}


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, complex_id: int) -> dict[str, list[LedgerRecord]] | None:
        """Every record of the complex's ledger by record name; None when there is no such complex."""
        found: dict[str, list[LedgerRecord]] = {}
        for record in MODELS:
            found[record] = await self._records(record, complex_id)
        return found if found["complex"] else None

    async def get(self, record: str, complex_id: int, record_id: int) -> LedgerRecord | None:
        rows = await self._records(record, complex_id, record_id)
        return rows[0] if rows else None

    async def _records(self, record: str, complex_id: int, record_id: int | None = None) -> list[LedgerRecord]:
        model = MODELS[record]
        statement = select(model, Staff.name.label("editor")).outerjoin(Staff, Staff.id == model.updated_by)
        if record == "complex":
            statement = statement.add_columns(AdminDong.name.label("dong")).join(
                AdminDong, AdminDong.id == Complex.admin_dong_id
            )
            statement = statement.where(Complex.id == complex_id)
        else:
            statement = statement.where(model.complex_id == complex_id)
        if record == "representative":
            statement = statement.add_columns(Position.name.label("position")).join(
                Position, Position.id == Representative.position_id
            )
            statement = statement.order_by(Position.sort_order, Representative.id)
        elif record == "project":
            statement = statement.order_by(SupportProject.period_start.desc(), SupportProject.id)
        else:
            statement = statement.order_by(model.id)
        if record_id is not None:
            statement = statement.where(model.id == record_id)
        rows = (await self._session.execute(statement)).all()
        return [_read(record, complex_id, row) for row in rows]

    async def add(self, complex_id: int, write: LedgerWrite) -> int:
        model = MODELS[write.record]
        values = await self._columns(write) | {"complex_id": complex_id, "version": 1}
        if model is Representative:
            values["admin_dong_id"] = select(Complex.admin_dong_id).where(Complex.id == complex_id).scalar_subquery()
        new_id = await self._session.scalar(insert(model).values(**values).returning(model.id))
        assert new_id is not None
        return int(new_id)

    async def change(self, complex_id: int, record_id: int, version: int, write: LedgerWrite) -> bool:
        """Write ``write`` over the record if it still stands at ``version``; False (nothing written) when
        another change came first or the record is gone."""
        model = MODELS[write.record]
        statement = (
            update(model)
            .where(model.id == record_id, model.version == version, _of_complex(write.record, complex_id))
            .values(**await self._columns(write), version=version + 1)
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def remove(self, record: str, complex_id: int, record_id: int, version: int) -> bool:
        model = MODELS[record]
        statement = (
            delete(model)
            .where(model.id == record_id, model.version == version, _of_complex(record, complex_id))
            .execution_options(synchronize_session=False)
        )
        result = await self._session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def keep_former_manager(self, complex_id: int, former: FormerManager) -> int:
        new_id = await self._session.scalar(
            insert(ManagerHistory).values(complex_id=complex_id, **columns(former)).returning(ManagerHistory.id)
        )
        assert new_id is not None
        return int(new_id)

    async def former_managers(self, complex_id: int) -> list[FormerManager]:
        rows = await self._session.scalars(
            select(ManagerHistory)
            .where(ManagerHistory.complex_id == complex_id)
            .order_by(ManagerHistory.replaced_on.desc(), ManagerHistory.id.desc())
        )
        return [
            FormerManager(
                name=r.name,
                birth_date=r.birth_date,
                mobile=r.mobile,
                license_no=r.license_no,
                license_grade=r.license_grade,
                assigned_on=r.assigned_on,
                replaced_on=r.replaced_on,
                replaced_by=r.replaced_by,
            )
            for r in rows
        ]

    async def kapt_code_taken(self, code: str, complex_id: int) -> bool:
        """Another complex already has this K-apt code (the column is unique)."""
        other = await self._session.scalar(
            select(Complex.id).where(Complex.kapt_code == code, Complex.id != complex_id)
        )
        return other is not None

    async def position_id(self, name: str) -> int | None:
        return await self._session.scalar(select(Position.id).where(Position.name == name))

    async def dong_id(self, name: str) -> int | None:
        return await self._session.scalar(select(AdminDong.id).where(AdminDong.name == name))

    async def criterion_limit(self, name: str) -> tuple[int | None, str] | None:
        """The 지원기준 named ``name``: its maximum (천원) and whether exceeding it is refused or warned."""
        row = (
            await self._session.execute(
                select(SupportCriterion.max_amount, SupportCriterion.enforcement).where(SupportCriterion.name == name)
            )
        ).first()
        return (row.max_amount, row.enforcement) if row else None

    async def _columns(self, write: LedgerWrite) -> dict[str, object]:
        values = dict(write.values)
        out: dict[str, object] = {k: v for k, v in values.items() if k in LEDGER_COLUMNS[write.record]}
        if write.record == "complex":
            if "name" in values:
                out["name_key"] = name_key(str(values["name"]))
            if "households_by_area" in values:
                bands = values["households_by_area"]
                assert isinstance(bands, tuple | list)
                out |= dict(zip(_BANDS, bands, strict=True))
            if "admin_dong" in values:
                dong = await self.dong_id(str(values["admin_dong"]))
                assert dong is not None, "the service checks the dong first"
                out["admin_dong_id"] = dong
        if write.record == "representative" and "position" in values:
            position = await self.position_id(str(values["position"]))
            assert position is not None, "the service checks the position first"
            out["position_id"] = position
        return out | {"updated_at": write.at, "updated_by": write.by}


def _of_complex(record: str, complex_id: int) -> Any:
    model = MODELS[record]
    return model.id == complex_id if record == "complex" else model.complex_id == complex_id


def _read(record: str, complex_id: int, row: Any) -> LedgerRecord:
    item: Base = row[0]
    values: dict[str, object] = {name: getattr(item, name) for name in LEDGER_COLUMNS[record]}
    if record == "complex":
        values["admin_dong"] = row.dong
        values["households_by_area"] = tuple(getattr(item, band) for band in _BANDS)
    if record == "representative":
        values["position"] = row.position
    return LedgerRecord(
        record=record,
        id=int(getattr(item, "id")),  # noqa: B009
        complex_id=complex_id,
        version=int(getattr(item, "version")),  # noqa: B009
        values=values,
        updated_by=row.editor,
        updated_at=getattr(item, "updated_at"),  # noqa: B009
    )
