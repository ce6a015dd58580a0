"""The audit log: who signed in, saw unmasked personal data or changed what, and when.

Entries are only ever added. Admins read them newest first, filtered by staff member, action and time,
a page at a time or in batches for an export (keyset: each batch starts below the last one's entry)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.values import AuditQuery, AuditRecord, AuditStaff
from storage.audit.models import AuditEntry
from storage.benchmark.models import BenchmarkCase
from storage.housing.models import Complex
from storage.reference.models import AdminDong, Department, Position
from storage.staff.models import Staff

_ACTOR = aliased(Staff, name="actor")
_MANY = 2_000  # entries per executemany
_TARGET = aliased(Staff, name="target_staff")


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.staff_id is not None:
        conditions.append(
            or_(
                AuditEntry.actor_staff_id == query.staff_id,
                and_(AuditEntry.target_type == "staff", AuditEntry.target_id == query.staff_id),
            )
        )
    if query.action is not None:
        conditions.append(AuditEntry.action == query.action)
    if query.since is not None:
        conditions.append(AuditEntry.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.at < query.until)
    if query.up_to_id is not None:
        conditions.append(AuditEntry.id <= query.up_to_id)
    if query.target is not None:
        target_type, target_id = query.target
        conditions.append(and_(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id))
    if query.action_prefix is not None:
        conditions.append(AuditEntry.action.startswith(query.action_prefix, autoescape=True))
    return conditions


def _entries(query: AuditQuery) -> Select[*tuple[Any, ...]]:
    statement: Select[*tuple[Any, ...]] = (
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor_staff_id,
            _ACTOR.name,
            _ACTOR.saeol_id,
            AuditEntry.action,
            AuditEntry.target_type,
            AuditEntry.target_id,
            func.coalesce(_TARGET.name, Complex.name, BenchmarkCase.case_no),
            AuditEntry.details,
        )
        .outerjoin(_ACTOR, _ACTOR.id == AuditEntry.actor_staff_id)
        .outerjoin(_TARGET, and_(AuditEntry.target_type == "staff", _TARGET.id == AuditEntry.target_id))
        .outerjoin(Complex, and_(AuditEntry.target_type == "complex", Complex.id == AuditEntry.target_id))
        .outerjoin(
            BenchmarkCase, and_(AuditEntry.target_type == "benchmark_case", BenchmarkCase.id == AuditEntry.target_id)
        )
        .where(*_conditions(query))
        # Newest first; the id breaks ties between entries of the same instant.
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return statement


def _record(row: Any) -> AuditRecord:
    entry_id, at, actor_id, actor_name, actor_saeol_id, action, target_type, target_id, target_name, details = row
    return AuditRecord(
        id=entry_id,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        actor_saeol_id=actor_saeol_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_name=target_name,
        details=details if isinstance(details, Mapping) else {},
    )


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self,
        *,
        at: datetime,
        actor_staff_id: int | None,
        action: str,
        target_type: str | None = None,
        target_id: int | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        self._session.add(
            AuditEntry(
                at=at,
                actor_staff_id=actor_staff_id,
                action=action,
                target_type=target_type,
                target_id=target_id,
                details=details,
            )
        )
        await self._session.flush()

    async def record_many(self, entries: list[dict[str, Any]]) -> None:
        """Many entries in one statement (an import's changes): each with ``record``'s keyword arguments."""
        for start in range(0, len(entries), _MANY):
            await self._session.execute(insert(AuditEntry), entries[start : start + _MANY])

    async def count_entries(self, query: AuditQuery) -> int:
        statement = select(func.count()).select_from(AuditEntry).where(*_conditions(query))
        return int(await self._session.scalar(statement) or 0)

    async def newest_id(self) -> int:
        return int(await self._session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)

    async def list_entries(self, query: AuditQuery, *, offset: int, limit: int) -> list[AuditRecord]:
        """A page of entries, newest first."""
        rows = await self._session.execute(_entries(query).offset(offset).limit(limit))
        return [_record(row) for row in rows]

    async def list_entries_below(
        self, query: AuditQuery, after: tuple[datetime, int] | None, *, limit: int
    ) -> list[AuditRecord]:
        """The next batch, newest first, of entries older than ``after`` (the last batch's last entry's
        time and id): unlike an offset, a batch costs the same however deep into the log it is."""
        statement = _entries(query)
        if after is not None:
            at, entry_id = after
            statement = statement.where(or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < entry_id)))
        rows = await self._session.execute(statement.limit(limit))
        return [_record(row) for row in rows]

    async def list_actions(self) -> list[str]:
        """Every action the log holds, for the filter's choices. A DISTINCT would read the whole log on every
        page view; walking the (action, at) index from one action to the next costs one probe per action
        (a "loose index scan", written as a recursive query both engines understand)."""
        later = aliased(AuditEntry)
        walk = select(func.min(AuditEntry.action).label("action")).cte("actions", recursive=True)
        following = select(later.action).where(later.action > walk.c.action).order_by(later.action).limit(1)
        walk = walk.union_all(select(following.scalar_subquery()).where(walk.c.action.is_not(None)))
        rows = await self._session.scalars(select(walk.c.action).where(walk.c.action.is_not(None)))
        return sorted(rows)

    async def list_staff(self) -> list[AuditStaff]:
        """Every staff member, by name, for the filter's choices. Not only those the log names: finding
        those would read the whole log on every page view, and a district's staff list is short."""
        rows = await self._session.execute(
            select(Staff.id, Staff.name, Staff.saeol_id, Department.name.label("department"))
            .join(Department, Department.id == Staff.department_id)
            .order_by(Staff.name, Staff.saeol_id)
        )
        return [AuditStaff(**row._mapping) for row in rows]

    async def reference_names(self) -> dict[str, dict[int, str]]:
        """Department, dong and position names by id, so details that name them by id read as names (these
        lists are short: a district's departments and dongs)."""
        names: dict[str, dict[int, str]] = {}
        for kind, model in (("department", Department), ("admin_dong", AdminDong), ("position", Position)):
            rows = await self._session.execute(select(model.id, model.name))
            names[kind] = {int(entry_id): str(name) for entry_id, name in rows}
        return names
