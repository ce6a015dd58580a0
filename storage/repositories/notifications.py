"""The staff notification outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Staff
from storage.models_benchmark import Notification
from storage.records_benchmark import NotificationRecord


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_notification(
        self, *, recipient_id: int, kind: str, case_id: int | None, payload: dict[str, object], now: datetime
    ) -> None:
        self._session.add(
            Notification(
                recipient_id=recipient_id,
                kind=kind,
                case_id=case_id,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
                attempts=0,
            )
        )
        await self._session.flush()

    async def list_due_notifications(self, now: datetime, limit: int) -> list[NotificationRecord]:
        rows = await self._session.execute(
            select(Notification, Staff.telegram_user_id, Staff.language, Staff.active)
            .join(Staff, Staff.id == Notification.recipient_id)
            .where(
                Notification.sent_at.is_(None),
                Notification.abandoned_at.is_(None),
                Notification.next_attempt_at <= now,
            )
            .order_by(Notification.id)
            .limit(limit)
        )
        return [
            NotificationRecord(
                id=n.id,
                recipient_id=n.recipient_id,
                telegram_user_id=telegram_user_id,
                language=language,
                recipient_active=active,
                kind=n.kind,
                case_id=n.case_id,
                payload=dict(n.payload),
                attempts=n.attempts,
                created_at=n.created_at,
            )
            for n, telegram_user_id, language, active in rows
        ]

    async def count_undelivered_notifications(self) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.sent_at.is_(None), Notification.abandoned_at.is_(None))
        )
        return int(count or 0)

    async def mark_notification_sent(self, notification_id: int, now: datetime, message_id: int | None) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(sent_at=now, telegram_message_id=message_id, attempts=Notification.attempts + 1)
        )

    async def postpone_notification(self, notification_id: int, error: str, next_attempt_at: datetime) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(last_error=error[:300], next_attempt_at=next_attempt_at, attempts=Notification.attempts + 1)
        )

    async def abandon_notification(self, notification_id: int, error: str, now: datetime) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(last_error=error[:300], abandoned_at=now, attempts=Notification.attempts + 1)
        )
