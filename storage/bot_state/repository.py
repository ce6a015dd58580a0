"""Rows behind the bot's persistence: conversation states and per-user data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bot_state.models import BotState


class BotStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load_kind(self, kind: str) -> list[tuple[str, str, object]]:
        rows = await self._session.execute(
            select(BotState.name, BotState.key, BotState.data).where(BotState.kind == kind)
        )
        return [(name, key, data) for name, key, data in rows]

    async def save(self, kind: str, name: str, key: str, data: object, now: datetime) -> None:
        row = await self._session.scalar(
            select(BotState).where(BotState.kind == kind, BotState.name == name, BotState.key == key)
        )
        if row is None:
            self._session.add(BotState(kind=kind, name=name, key=key, data=data, updated_at=now))
        else:
            row.data = data
            row.updated_at = now
        await self._session.flush()

    async def drop(self, kind: str, name: str, key: str) -> None:
        await self._session.execute(
            delete(BotState).where(BotState.kind == kind, BotState.name == name, BotState.key == key)
        )
