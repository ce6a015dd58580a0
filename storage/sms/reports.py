"""Delivery reports from the UMS: report ids already seen, reports kept until their message is known, and the
polling cursor.

A report settles a message once: its id is remembered, so a repeat changes nothing. A report naming a
message Dongne has not recorded as accepted yet (the UMS answered, the answer was lost, the report came
first) is kept and applied in the transaction that records the accept; dropping it lost the result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.sms.values import Acceptance, DeliveryReport
from storage.sms.models import SmsMessage, SmsPendingReport, SmsReport, SmsReportCursor

# The states a report moves: a message the UMS has (or may have: queued after a lost answer), or one we
# stopped waiting for. A delivered or failed message stays as its first report left it.
SETTLEABLE = ("submitted", "unknown", "queued")


class SmsReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def remember_report(self, report_id: str, now: datetime) -> bool:
        """Record a report id; False when it was seen before (the report is then not applied again)."""
        try:
            async with self._session.begin_nested():
                self._session.add(SmsReport(report_id=report_id, received_at=now))
                await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def forget_reports_before(self, before: datetime) -> int:
        """Let go of report ids and of kept reports whose message never became known, older than ``before``."""
        result = await self._session.execute(delete(SmsReport).where(SmsReport.received_at < before))
        await self._session.execute(delete(SmsPendingReport).where(SmsPendingReport.received_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def apply_report(self, report: DeliveryReport, now: datetime) -> bool:
        """A report settles a message the UMS accepted (or one we stopped waiting for)."""
        match = _naming(report)
        if match is None:
            return False
        result = await self._session.execute(
            update(SmsMessage)
            .where(match, SmsMessage.state.in_(SETTLEABLE))
            .values(
                state="delivered" if report.delivered else "failed",
                failure_reason=None if report.delivered else (report.reason or "")[:300],
                state_changed_at=now,
                submitted_at=func.coalesce(SmsMessage.submitted_at, now),
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def names_known_message(self, report: DeliveryReport) -> bool:
        match = _naming(report)
        return match is not None and bool(await self._session.scalar(select(exists().where(match))))

    async def keep_unmatched(self, report: DeliveryReport, now: datetime) -> None:
        self._session.add(
            SmsPendingReport(
                report_id=report.report_id,
                ums_message_id=report.ums_message_id,
                idempotency_key=report.idempotency_key,
                delivered=report.delivered,
                reason=report.reason[:300] if report.reason else None,
                received_at=now,
            )
        )
        await self._session.flush()

    async def apply_kept_reports(self, accepted: Sequence[Acceptance], now: datetime) -> int:
        """Apply the kept reports that name messages just recorded as accepted; the first report kept wins.
        Returns how many settled a message."""
        ids = [a.ums_message_id for a in accepted if a.ums_message_id]
        keys = [a.idempotency_key for a in accepted]
        if not accepted:
            return 0
        kept = list(
            await self._session.scalars(
                select(SmsPendingReport)
                .where(or_(SmsPendingReport.ums_message_id.in_(ids), SmsPendingReport.idempotency_key.in_(keys)))
                .order_by(SmsPendingReport.id)
            )
        )
        applied = 0
        for row in kept:
            report = DeliveryReport(
                report_id=row.report_id,
                ums_message_id=row.ums_message_id,
                idempotency_key=row.idempotency_key,
                delivered=row.delivered,
                reason=row.reason,
            )
            applied += await self.apply_report(report, now)
        if kept:
            await self._session.execute(delete(SmsPendingReport).where(SmsPendingReport.id.in_([r.id for r in kept])))
        return applied

    async def count_kept_reports(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(SmsPendingReport)) or 0)

    # -- polling --------------------------------------------------------------------------------------

    async def report_cursor(self, source: str) -> str | None:
        return await self._session.scalar(select(SmsReportCursor.cursor).where(SmsReportCursor.source == source))

    async def save_report_cursor(self, source: str, cursor: str, now: datetime) -> None:
        changed = await self._session.execute(
            update(SmsReportCursor).where(SmsReportCursor.source == source).values(cursor=cursor, updated_at=now)
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            return
        try:
            async with self._session.begin_nested():
                self._session.add(SmsReportCursor(source=source, cursor=cursor, updated_at=now))
                await self._session.flush()
        except IntegrityError:  # another poller saved its first cursor meanwhile: ours is as recent
            await self._session.execute(
                update(SmsReportCursor).where(SmsReportCursor.source == source).values(cursor=cursor, updated_at=now)
            )


def _naming(report: DeliveryReport) -> ColumnElement[bool] | None:
    match = []
    if report.ums_message_id:
        match.append(SmsMessage.ums_message_id == report.ums_message_id)
    if report.idempotency_key:
        match.append(SmsMessage.idempotency_key == report.idempotency_key)
    return or_(*match) if match else None
