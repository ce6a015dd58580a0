"""The outbox's sending side (no staff member acts here): claim due messages, submit them through the
gateway, record the answers; settle delivery reports; give up waiting for reports; alert about messages
that should have gone out and did not.

Crash safety: the claim commits first (the rows leave the due set for a lease), the gateway is called with
no transaction open, and the answers are recorded afterwards. Killed in between, the rows come due again
when the lease ends and are submitted again under the same idempotency keys, which the UMS applies once.

Transient failures (timeouts, server errors, the UMS down) are retried with growing pauses, for as long as
it takes: an outage delays messages but loses none, and the overdue alert tells the sender."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import Clock
from core.notifications import OutboxSignal, enqueue, retry_delay
from core.permissions import Permission
from core.sms.gateway import DeliveryReport, GatewayUnavailable, OutgoingSms, SmsGateway
from storage.records_sms import SmsMessageRecord
from storage.uow import UnitOfWorkFactory

# A message waits at most this long between tries (a notification, an hour): an outage ends, texts go out.
LONGEST_RETRY = timedelta(minutes=10)
OVERDUE_KIND = "sms_overdue"
# Report ids are remembered so a repeated report is applied once. After a week a repeat could only settle a
# message already settled (a report moves only submitted or unknown messages), so older ids are let go.
REPORT_MEMORY = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DispatchSettings:
    batch_size: int = 100
    lease: timedelta = timedelta(seconds=60)  # longer than a submit call can take (timeout + margin)
    report_timeout: timedelta = timedelta(hours=24)
    due_grace: timedelta = timedelta(minutes=15)


class SmsDispatch:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        gateway: SmsGateway,
        settings: DispatchSettings,
        signal: OutboxSignal | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.gateway = gateway
        self.settings = settings
        self._signal = signal

    async def claim(self, limit: int | None = None) -> list[SmsMessageRecord]:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            claimed = await uow.sms.claim_due_messages(
                now, now + self.settings.lease, limit or self.settings.batch_size
            )
            await uow.commit()
        return claimed

    async def submit(self, claimed: Sequence[SmsMessageRecord]) -> int:
        """Submit claimed messages and record the answers; returns how many were accepted."""
        if not claimed:
            return 0
        outgoing = [OutgoingSms(m.idempotency_key, m.phone, m.body, m.message_type, m.sender_number) for m in claimed]
        try:
            results = {r.idempotency_key: r for r in await self.gateway.submit(outgoing)}
        except (GatewayUnavailable, TimeoutError) as error:
            await self._postpone_all(claimed, str(error) or type(error).__name__)
            return 0
        now = self._clock.now()
        accepted: list[tuple[int, str]] = []
        postponed: list[tuple[int, str, datetime]] = []
        refused: list[tuple[int, str]] = []
        for message in claimed:
            result = results.get(message.idempotency_key)
            retry_at = now + retry_delay(message.attempts, LONGEST_RETRY)
            if result is None:
                postponed.append((message.id, "no answer for this message", retry_at))
            elif result.ums_message_id is not None:
                accepted.append((message.id, result.ums_message_id))
            elif result.permanent:
                refused.append((message.id, result.error or "refused"))
            else:
                postponed.append((message.id, result.error or "transient error", retry_at))
        async with self._uow(write=True) as uow:
            await uow.sms.mark_submitted(accepted, now)
            await uow.sms.postpone_messages(postponed)
            for message_id, reason in refused:
                await uow.sms.fail_message(message_id, reason, now)
            await uow.commit()
        return len(accepted)

    async def _postpone_all(self, claimed: Sequence[SmsMessageRecord], error: str) -> None:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            await uow.sms.postpone_messages(
                [(m.id, error, now + retry_delay(m.attempts, LONGEST_RETRY)) for m in claimed]
            )
            await uow.commit()

    async def dispatch_once(self, limit: int | None = None) -> int:
        """One claim and submit; returns how many messages were claimed (0: nothing due)."""
        claimed = await self.claim(limit)
        await self.submit(claimed)
        return len(claimed)

    async def housekeeping(self) -> None:
        """Stop waiting for reports that did not come; alert about overdue messages (once per batch); forget
        old report ids."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            await uow.sms.expire_unreported(now - self.settings.report_timeout, now)
            await uow.sms.forget_reports_before(now - REPORT_MEMORY)
            overdue = await uow.sms.list_overdue_batches(now - self.settings.due_grace)
            alerted = 0
            if overdue:
                admins = [o.id for o in await uow.benchmark.list_staff_with_permission(Permission.ADMIN.value)]
                for batch in overdue:
                    if not await uow.sms.mark_batch_alerted(batch.batch_id, now):
                        continue
                    alerted += await enqueue(
                        uow,
                        self._clock,
                        recipients=[batch.created_by_id, *admins],
                        kind=OVERDUE_KIND,
                        case_id=None,
                        payload={
                            "batch_id": batch.batch_id,
                            "overdue": batch.overdue,
                            "due_at": self._clock.local(batch.due_at).strftime("%Y-%m-%d %H:%M"),
                        },
                    )
            await uow.commit()
        if alerted and self._signal is not None:
            self._signal.fire()

    async def poll_reports(self) -> int:
        return await self.apply_reports(await self.gateway.fetch_reports())

    async def apply_reports(self, reports: Sequence[DeliveryReport]) -> int:
        """Apply delivery reports; a report id seen before changes nothing. Returns how many applied."""
        if not reports:
            return 0
        now = self._clock.now()
        applied = 0
        async with self._uow(write=True) as uow:
            for report in reports:
                if not await uow.sms.remember_report(report.report_id, now):
                    continue
                applied += await uow.sms.apply_report(
                    ums_message_id=report.ums_message_id,
                    idempotency_key=report.idempotency_key,
                    delivered=report.delivered,
                    reason=report.reason,
                    now=now,
                )
            await uow.commit()
        return applied

    async def remember_request(self, signature: str) -> bool:
        """Record a signed report request; False when the very same request was received before (a replay)."""
        async with self._uow(write=True) as uow:
            fresh = await uow.sms.remember_report("request:" + signature[:56], self._clock.now())
            await uow.commit()
        return fresh
