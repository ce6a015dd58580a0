"""Saved recipient lists (저장된 수신자 목록): a staff member's named snapshot of people to text again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.sms.values import Recipient, SavedList, SmsCandidate
from storage.housing.models import Complex
from storage.sms.models import SmsSavedList, SmsSavedListEntry


def _record(row: SmsSavedList) -> SavedList:
    return SavedList(
        id=row.id, owner_id=row.owner_id, name=row.name, created_at=row.created_at, entry_count=row.entry_count
    )


class SmsListRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_saved_lists_of(self, owner_id: int) -> list[SavedList]:
        rows = await self._session.scalars(
            select(SmsSavedList).where(SmsSavedList.owner_id == owner_id).order_by(SmsSavedList.name)
        )
        return [_record(row) for row in rows]

    async def hand_over_saved_list(self, list_id: int, *, from_owner: int, to_owner: int, name: str) -> bool:
        """Give ``from_owner``'s list to ``to_owner`` under ``name``; False when it is no longer theirs."""
        result = await self._session.execute(
            update(SmsSavedList)
            .where(SmsSavedList.id == list_id, SmsSavedList.owner_id == from_owner)
            .values(owner_id=to_owner, name=name)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def count_saved_lists_of(self, owner_id: int) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(SmsSavedList).where(SmsSavedList.owner_id == owner_id)
        )
        return int(count or 0)

    async def get_saved_list(self, list_id: int) -> SavedList | None:
        row = await self._session.get(SmsSavedList, list_id)
        return _record(row) if row is not None else None

    async def add_saved_list(
        self, *, owner_id: int, name: str, now: datetime, entries: Sequence[Recipient]
    ) -> int | None:
        """The new list's id, or None when the owner already has a list of that name. A recipient's position
        is not kept: a list is sent to by name and number."""
        saved = SmsSavedList(owner_id=owner_id, name=name, created_at=now, entry_count=len(entries))
        try:
            async with self._session.begin_nested():
                self._session.add(saved)
                await self._session.flush()
        except IntegrityError:
            return None
        rows = [
            {
                "list_id": saved.id,
                "name": e.name,
                "phone": e.phone,
                "complex_id": e.complex_id,
                "complex_name": e.complex_name,
            }
            for e in entries
        ]
        for start in range(0, len(rows), 1000):
            await self._session.execute(insert(SmsSavedListEntry), rows[start : start + 1000])
        return saved.id

    async def delete_saved_list(self, list_id: int) -> bool:
        await self._session.execute(delete(SmsSavedListEntry).where(SmsSavedListEntry.list_id == list_id))
        result = await self._session.execute(delete(SmsSavedList).where(SmsSavedList.id == list_id))
        return bool(getattr(result, "rowcount", 0) == 1)

    async def list_saved_candidates(
        self, list_id: int, admin_dong_ids: Iterable[int] | None = None
    ) -> list[SmsCandidate]:
        """The people of a saved list in the order they were saved, for the recipient rules to check again;
        with ``admin_dong_ids``, only those whose complex lies in these dongs now, and those typed in by hand
        (no complex)."""
        statement = (
            select(
                SmsSavedListEntry.name,
                SmsSavedListEntry.phone,
                SmsSavedListEntry.complex_id,
                SmsSavedListEntry.complex_name,
            )
            .where(SmsSavedListEntry.list_id == list_id)
            .order_by(SmsSavedListEntry.id)
        )
        if admin_dong_ids is not None:
            # The complex's dong as the registry has it today: a complex moved to another dong, or deleted,
            # since the list was saved is judged by where it is now.
            statement = statement.outerjoin(Complex, Complex.id == SmsSavedListEntry.complex_id).where(
                or_(SmsSavedListEntry.complex_id.is_(None), Complex.admin_dong_id.in_(list(admin_dong_ids)))
            )
        rows = await self._session.execute(statement)
        return [
            SmsCandidate(name=r.name, phone=r.phone, complex_id=r.complex_id, complex_name=r.complex_name) for r in rows
        ]
