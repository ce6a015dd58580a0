"""How far behind the two outboxes are, for the operator's monitoring (bot/admin/metrics.py reads it at every
scrape). Each figure is one aggregate statement that an index narrows to the rows still waiting, so a scrape
every few seconds costs the database next to nothing; only the tally of SMS states reads every message, and
that from an index on the state (SQLite reads it without the table: some 70 ms per million messages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.db import Reader
from storage.notifications.models import Notification
from storage.sms.models import SmsMessage
from storage.sms.repository import WAITING


class OutboxRepository:
    def __init__(self, session: Reader) -> None:
        self._session = session  # a unit of work's session, or a read unit's connection

    async def notification_backlog(self) -> tuple[int, datetime | None]:
        """Notifications neither sent nor given up on, and when the oldest of them was queued."""
        row = (
            await self._session.execute(
                select(func.count(), func.min(Notification.created_at)).where(
                    Notification.sent_at.is_(None), Notification.abandoned_at.is_(None)
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def sms_backlog(self, now: datetime) -> tuple[int, datetime | None]:
        """Text messages due by ``now`` that the UMS has not accepted yet, and the earliest time one was due."""
        row = (
            await self._session.execute(
                select(func.count(), func.min(SmsMessage.due_at)).where(
                    SmsMessage.state.in_(WAITING), SmsMessage.due_at <= now
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def count_sms_by_state(self) -> dict[str, int]:
        rows = await self._session.execute(select(SmsMessage.state, func.count()).group_by(SmsMessage.state))
        return {state: int(count) for state, count in rows}
