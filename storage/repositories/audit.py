"""The audit log: who saw unmasked personal data or changed what, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


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
