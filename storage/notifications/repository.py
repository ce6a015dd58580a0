"""The staff notification outbox.

Claiming works as the SMS queue's does (storage/sms/repository.py): the sender takes due rows ``FOR UPDATE
SKIP LOCKED`` (PostgreSQL; on SQLite the write transaction's ``BEGIN IMMEDIATE`` already makes the read and
the update one step) and, in the same transaction, pushes their next attempt past a lease and counts the
attempt. Two senders never take the same row; a sender killed after the claim leaves rows that come due
again when the lease ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.notifications.values import Notice, NoticeCopy
from storage.notifications.models import Notification
from storage.staff.models import Staff


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_notification(
        self,
        *,
        recipient_id: int,
        kind: str,
        case_id: int | None,
        payload: dict[str, object],
        now: datetime,
        updates_id: int | None = None,
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
                updates_id=updates_id,
            )
        )
        await self._session.flush()

    async def list_notice_copies(self, case_id: int, kind: str) -> list[NoticeCopy]:
        """Every notification of ``kind`` about the case that was queued to be sent (not the updates of one),
        with the chat and message it went to, if it went."""
        rows = await self._session.execute(
            select(Notification, Staff.telegram_user_id)
            .join(Staff, Staff.id == Notification.recipient_id)
            .where(Notification.case_id == case_id, Notification.kind == kind, Notification.updates_id.is_(None))
            .order_by(Notification.id)
        )
        return [
            NoticeCopy(
                id=n.id,
                recipient_id=n.recipient_id,
                payload=dict(n.payload),
                # A private chat's id is its user's id: rows sent before chats were kept fall back to it.
                chat_id=n.telegram_chat_id if n.telegram_chat_id is not None else telegram_user_id,
                message_id=n.telegram_message_id,
                abandoned=n.abandoned_at is not None,
                taken=n.attempts > 0,
            )
            for n, telegram_user_id in rows
        ]

    async def set_notification_payload(self, notification_id: int, payload: dict[str, object]) -> None:
        await self._session.execute(
            update(Notification).where(Notification.id == notification_id).values(payload=payload)
        )

    def _due(self, now: datetime) -> ColumnElement[bool]:
        return and_(
            Notification.sent_at.is_(None),
            Notification.abandoned_at.is_(None),
            Notification.next_attempt_at <= now,
        )

    async def any_due_notification(self, now: datetime) -> bool:
        return (await self._session.scalar(select(Notification.id).where(self._due(now)).limit(1))) is not None

    async def claim_due_notifications(self, now: datetime, lease_until: datetime, limit: int) -> list[Notice]:
        """Take up to ``limit`` due notifications, oldest first: they leave the due set until ``lease_until``.
        Each record's ``attempts`` counts the tries before this one."""
        target = aliased(Notification)
        rows = (
            await self._session.execute(
                select(
                    Notification,
                    Staff.telegram_user_id,
                    Staff.language,
                    Staff.active,
                    target.telegram_chat_id,
                    target.telegram_message_id,
                    target.sent_at,
                    target.abandoned_at,
                )
                .join(Staff, Staff.id == Notification.recipient_id)
                .outerjoin(target, target.id == Notification.updates_id)
                .where(self._due(now))
                .order_by(Notification.id)
                .limit(limit)
                .with_for_update(of=Notification, skip_locked=True)
            )
        ).all()
        if not rows:
            return []
        claimed = [
            Notice(
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
                updates_id=n.updates_id,
                target_chat_id=target_chat if target_chat is not None else telegram_user_id,
                target_message_id=target_message,
                target_waiting=n.updates_id is not None and target_sent is None and target_gone is None,
            )
            for n, telegram_user_id, language, active, target_chat, target_message, target_sent, target_gone in rows
        ]
        await self._session.execute(
            update(Notification)
            .where(Notification.id.in_([n.id for n in claimed]))
            .values(next_attempt_at=lease_until, attempts=Notification.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return claimed

    async def release_notifications(self, notification_ids: list[int], now: datetime) -> None:
        """Claimed notifications handed back unsent (a sender stopping); one sent or set aside stays so."""
        await self._session.execute(
            update(Notification)
            .where(
                Notification.id.in_(notification_ids),
                Notification.sent_at.is_(None),
                Notification.abandoned_at.is_(None),
            )
            .values(next_attempt_at=now, attempts=Notification.attempts - 1)
        )

    async def count_undelivered_notifications(self) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.sent_at.is_(None), Notification.abandoned_at.is_(None))
        )
        return int(count or 0)

    async def mark_notification_sent(
        self, notification_id: int, now: datetime, message_id: int | None, chat_id: int | None = None
    ) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(sent_at=now, telegram_message_id=message_id, telegram_chat_id=chat_id)
        )

    async def postpone_notification(self, notification_id: int, error: str, next_attempt_at: datetime) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(last_error=error[:300], next_attempt_at=next_attempt_at)
        )

    async def abandon_notification(self, notification_id: int, error: str, now: datetime) -> None:
        await self._session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(last_error=error[:300], abandoned_at=now)
        )
