"""The reference lists admins keep (관리자 기능): 직위, 지원기준, departments and administrative dongs.

One repository for the four tables, driven by a small table of what each list has: its columns, whether
admins order it, and which records use an entry (so an entry still in use is not deleted from under them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.values import ReferenceDraft, ReferenceEntry
from storage.benchmark.models import BenchmarkCase
from storage.housing.models import Complex, Representative
from storage.reference.models import AdminDong, Department, Position, SupportCriterion
from storage.staff.models import RoleGrant, RoleGrantDong, Staff


@dataclass(frozen=True)
class _List:
    model: Any
    fields: tuple[str, ...]  # editable columns besides sort_order, named as ReferenceDraft's fields
    unique: tuple[str, ...]
    ordered: bool
    # what uses an entry -> a count of those records, correlated with the entry's id column
    usage: Mapping[str, tuple[Any, InstrumentedAttribute[Any]]]


_LISTS: dict[str, _List] = {
    "position": _List(
        Position, ("name",), ("name",), True, {"representatives": (Representative, Representative.position_id)}
    ),
    "support_criterion": _List(
        SupportCriterion, ("name", "description", "max_amount", "enforcement"), ("name",), True, {}
    ),
    "department": _List(
        Department,
        ("name",),
        ("name",),
        False,
        {
            "staff": (Staff, Staff.department_id),
            "cases": (BenchmarkCase, BenchmarkCase.department_id),
            "grants": (RoleGrant, RoleGrant.department_id),
        },
    ),
    "admin_dong": _List(
        AdminDong,
        ("name", "short_name"),
        ("name", "short_name"),
        True,
        {"complexes": (Complex, Complex.admin_dong_id), "grants": (RoleGrantDong, RoleGrantDong.admin_dong_id)},
    ),
}


def is_ordered(kind: str) -> bool:
    return _LISTS[kind].ordered


def _columns(kind: str, draft: ReferenceDraft) -> dict[str, object]:
    """The draft's values of the columns this list has."""
    return {name: getattr(draft, name) for name in _LISTS[kind].fields}


class ReferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _select(self, kind: str) -> Select[Any]:
        spec = _LISTS[kind]
        model = spec.model
        columns: list[Any] = [model.id, *(getattr(model, name) for name in spec.fields)]
        if spec.ordered:
            columns.append(model.sort_order)
        # Correlated counts: the whole list with its usage in one query.
        for user, key in spec.usage.values():
            columns.append(select(func.count()).select_from(user).where(key == model.id).scalar_subquery())
        statement = select(*columns)
        order = [model.sort_order, model.id] if spec.ordered else [model.name, model.id]
        return statement.order_by(*order)

    def _record(self, kind: str, row: Any) -> ReferenceEntry:
        spec = _LISTS[kind]
        values = list(row)
        entry_id = int(values.pop(0))
        named = {name: values.pop(0) for name in spec.fields}
        sort_order = int(values.pop(0)) if spec.ordered else None
        usage = {what: int(values.pop(0) or 0) for what in spec.usage}
        return ReferenceEntry(kind=kind, id=entry_id, sort_order=sort_order, usage=usage, **named)

    async def list_entries(self, kind: str) -> list[ReferenceEntry]:
        """The list in its order (admins' order, or by name for departments), each with its usage."""
        rows = await self._session.execute(self._select(kind))
        return [self._record(kind, row) for row in rows]

    async def get_entry(self, kind: str, entry_id: int, *, lock: bool = False) -> ReferenceEntry | None:
        """One entry with its usage. ``lock`` holds the row until the transaction ends (PostgreSQL): a
        record that starts using it meanwhile must wait (its foreign key check needs the row), so a count
        of zero stays true until the delete commits. SQLite's write units are serialised anyway."""
        model = _LISTS[kind].model
        statement = self._select(kind).where(model.id == entry_id)
        if lock:
            locked = await self._session.scalar(select(model.id).where(model.id == entry_id).with_for_update())
            if locked is None:
                return None
        row = (await self._session.execute(statement)).first()
        return self._record(kind, row) if row is not None else None

    async def find_clash(self, kind: str, column: str, value: str, *, except_id: int | None = None) -> int | None:
        """The id of another entry whose ``column`` equals ``value``, letter case aside (ASCII)."""
        model = _LISTS[kind].model
        condition: ColumnElement[bool] = func.lower(getattr(model, column)) == value.lower()
        if except_id is not None:
            condition = condition & (model.id != except_id)
        found = await self._session.scalar(select(model.id).where(condition).limit(1))
        return int(found) if found is not None else None

    async def next_sort_order(self, kind: str) -> int:
        model = _LISTS[kind].model
        return int(await self._session.scalar(select(func.coalesce(func.max(model.sort_order), 0))) or 0) + 1

    async def add_entry(self, kind: str, draft: ReferenceDraft, *, sort_order: int | None = None) -> int | None:
        """The new entry's id (at ``sort_order`` in an ordered list); None when a unique column clashed
        (another admin added it a moment ago)."""
        model = _LISTS[kind].model
        values = _columns(kind, draft)
        if sort_order is not None:
            values["sort_order"] = sort_order
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(insert(model).values(**values).returning(model.id))
                return int(result.scalar_one())
        except IntegrityError:
            return None

    async def update_entry(self, kind: str, entry_id: int, draft: ReferenceDraft) -> bool:
        """False when a unique column clashed; the caller has checked that the entry exists."""
        model = _LISTS[kind].model
        try:
            async with self._session.begin_nested():
                statement = update(model).where(model.id == entry_id).values(**_columns(kind, draft))
                await self._session.execute(statement)
        except IntegrityError:
            return False
        return True

    async def set_sort_orders(self, kind: str, orders: Mapping[int, int]) -> None:
        model = _LISTS[kind].model
        for entry_id, order in orders.items():
            await self._session.execute(update(model).where(model.id == entry_id).values(sort_order=order))

    async def delete_entry(self, kind: str, entry_id: int) -> bool:
        """False when a record still refers to the entry (its foreign key refused the delete)."""
        model = _LISTS[kind].model
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(delete(model).where(model.id == entry_id))
        except IntegrityError:
            return False
        return bool(getattr(result, "rowcount", 0) == 1)
