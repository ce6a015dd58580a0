"""The outbox's sending side (no staff member acts here): claim due messages, submit them through the
gateway, record the answers; settle delivery reports; give up waiting for reports; alert about messages
that should have gone out and did not.

Crash safety: the claim commits first (the rows leave the due set for a lease), the gateway is called with
no transaction open, and the answers are recorded afterwards. Killed in between, the rows come due again
when the lease ends and are submitted again under the same idempotency keys, which the UMS applies once.

Transient failures (timeouts, server errors, the UMS down) are retried with growing pauses (5 s doubling up
to LONGEST_RETRY) and logged with the messages they concern: an outage delays messages but loses none, and
the overdue alert tells the sender. Retries stop RETRY_WINDOW after a message was due, well before the UMS
may forget its idempotency key (KEY_RETENTION): a later resubmission could send it a second time. Such a
message becomes "unknown" (the UMS may have taken it with the answer lost); a late report still settles it.

Reports: one transaction remembers a report's id and applies it, so a crash in between loses nothing; a
report naming a message not yet recorded as accepted is kept and applied when the accept is recorded.
Polling keeps its cursor in the database beside the reports it applied, and drains full pages at once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import Clock
from core.notifications.service import OutboxSignal, enqueue, retry_delay
from core.permissions import Permission
from core.sms.gateway import GatewayUnavailable, OutgoingSms, SmsGateway
from core.sms.values import Acceptance, DeliveryReport, Message, Retry
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# A message waits at most this long between tries (a notification, an hour): an outage ends, texts go out.
LONGEST_RETRY = timedelta(minutes=10)
OVERDUE_KIND = "sms_overdue"
# How long the UMS must keep an idempotency key (docs/ums.md): a resubmission later than this could be sent
# again, so every retry happens well within it.
KEY_RETENTION = timedelta(days=7)
# Retries stop this long after a message was due: an outage over a long weekend is waited out, and the last
# retry (at most LONGEST_RETRY and a lease later) is days inside KEY_RETENTION.
RETRY_WINDOW = timedelta(days=3)
GAVE_UP = "ums_no_answer"  # the reason shown for a message whose retries stopped
# Report ids are remembered so a repeated report is applied once, and a report naming a message not known
# yet is kept as long. After a week a repeat could only settle a message already settled (a report moves
# only submitted or unknown messages), and the accept of a kept report's message will not come any more.
REPORT_MEMORY = timedelta(days=7)
# A UMS that keeps answering full pages is polled at most this many times per round, so a misbehaving
# cursor cannot hold the dispatcher in one round forever.
MAX_PAGES_PER_POLL = 100


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

    async def claim(self, limit: int | None = None) -> list[Message]:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            claimed = await uow.sms.claim_due_messages(
                now, now + self.settings.lease, limit or self.settings.batch_size
            )
            await uow.commit()
        return claimed

    async def submit(self, claimed: Sequence[Message]) -> int:
        """Submit claimed messages and record the answers; returns how many were accepted."""
        if not claimed:
            return 0
        outgoing = [
            OutgoingSms(m.idempotency_key, m.phone, m.body, m.message_type, m.sender_number, m.subject) for m in claimed
        ]
        try:
            results = {r.idempotency_key: r for r in await self.gateway.submit(outgoing)}
        except (GatewayUnavailable, TimeoutError) as error:
            reason = str(error) or type(error).__name__
            log.warning("UMS submit failed, retried later: %s; %s", reason, _described(claimed))
            await self._postpone_all(claimed, reason)
            return 0
        now = self._clock.now()
        accepted: list[Acceptance] = []
        postponed: list[Retry] = []
        refused: list[tuple[Message, str]] = []
        for message in claimed:
            result = results.get(message.idempotency_key)
            if result is None:
                postponed.append(Retry(message.id, "no answer for this message", _next_try(now, message)))
            elif result.accepted:
                accepted.append(Acceptance(message.id, message.idempotency_key, result.ums_message_id))
            elif result.permanent:
                refused.append((message, result.error or "refused"))
            else:
                postponed.append(Retry(message.id, result.error or "transient error", _next_try(now, message)))
        async with self._uow(write=True) as uow:
            await uow.sms.mark_submitted(accepted, now)
            # Reports the UMS sent before we knew its name for a message settle it now, in the same commit.
            await uow.sms_reports.apply_kept_reports(accepted, now)
            await uow.sms.postpone_messages(postponed)
            for message, reason in refused:
                await uow.sms.fail_message(message.id, reason, now)
            if refused and not self.gateway.configured:
                # A batch made where a UMS was configured but dispatched by a process without one was not sent:
                # the batch says so, whoever views it.
                await uow.sms.mark_not_via_ums({message.batch_id for message, _ in refused})
            await uow.commit()
        if refused:
            log.warning("UMS refused for good: %s; %s", refused[0][1], _described([message for message, _ in refused]))
        return len(accepted)

    async def _postpone_all(self, claimed: Sequence[Message], error: str) -> None:
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            await uow.sms.postpone_messages([Retry(m.id, error, _next_try(now, m)) for m in claimed])
            await uow.commit()

    async def dispatch_once(self, limit: int | None = None) -> int:
        """One claim and submit; returns how many messages were claimed (0: nothing due)."""
        claimed = await self.claim(limit)
        await self.submit(claimed)
        return len(claimed)

    async def housekeeping(self) -> None:
        """Stop waiting for reports that did not come, and retrying messages past RETRY_WINDOW; alert about
        overdue messages (once per batch); forget old report ids."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            await uow.sms.expire_unreported(now - self.settings.report_timeout, now)
            given_up = await uow.sms.give_up_retrying(now - RETRY_WINDOW, GAVE_UP, now)
            await uow.sms_reports.forget_reports_before(now - REPORT_MEMORY)
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
        if given_up:
            log.warning("UMS retries stopped: %s", _described(given_up))
        if alerted and self._signal is not None:
            self._signal.fire()

    async def poll_reports(self) -> int:
        """Fetch reports after the stored cursor and apply them, page after page while pages come full;
        each page's reports and the cursor past them commit together. Returns how many applied."""
        source = self.gateway.source
        async with self._uow() as uow:
            cursor = await uow.sms_reports.report_cursor(source)
        applied = 0
        for _ in range(MAX_PAGES_PER_POLL):
            try:
                page = await self.gateway.fetch_reports(cursor)
            except GatewayUnavailable as error:
                log.warning("UMS report poll failed, polled again later: %s; after cursor %r", error, cursor)
                raise
            now = self._clock.now()
            async with self._uow(write=True) as uow:
                applied += await _apply(uow, page.reports, now)
                if page.cursor is not None and page.cursor != cursor:
                    await uow.sms_reports.save_report_cursor(source, page.cursor, now)
                await uow.commit()
            if not page.full or page.cursor is None or page.cursor == cursor:
                break
            cursor = page.cursor
        return applied

    async def receive_reports(self, signature: str, reports: Sequence[DeliveryReport]) -> int | None:
        """Apply pushed reports, remembering the signed request in the same transaction: None when the very
        same request was received before (a replay), else how many reports applied. A failure rolls both
        back, so the identical retry is applied rather than refused as a replay."""
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            if not await uow.sms_reports.remember_report("request:" + signature[:56], now):
                return None
            applied = await _apply(uow, reports, now)
            await uow.commit()
        return applied


async def _apply(uow: UnitOfWork, reports: Sequence[DeliveryReport], now: datetime) -> int:
    """Apply reports not seen before; keep those naming no message we know (yet). Returns how many applied."""
    applied = 0
    for report in reports:
        if not await uow.sms_reports.remember_report(report.report_id, now):
            continue
        if await uow.sms_reports.apply_report(report, now):
            applied += 1
        elif not await uow.sms_reports.names_known_message(report):
            await uow.sms_reports.keep_unmatched(report, now)
    return applied


def _next_try(now: datetime, message: Message) -> datetime:
    # ``attempts`` already counts the try that just failed: the first failure waits FIRST_RETRY.
    return now + retry_delay(message.attempts - 1, LONGEST_RETRY)


def _described(messages: Sequence[Message]) -> str:
    """Which messages a log line is about: batches, message ids (the first ten) and attempts."""
    batches = ", ".join(str(b) for b in sorted({m.batch_id for m in messages}))
    ids = [m.id for m in messages]
    shown = ", ".join(str(i) for i in ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    attempts = sorted({m.attempts for m in messages})
    tries = str(attempts[0]) if len(attempts) == 1 else f"{attempts[0]}-{attempts[-1]}"
    return f"batch {batches}; message {shown}; attempt {tries}"
