"""문자전송: compose, preview, send or schedule, list, cancel and read results. Every use case checks
``sms.send`` and every send and cancel is audited. A grant scoped to dongs bounds whom a batch reaches
(core/sms/selection.py) and which dongs and complexes a sender is offered to choose from.

Visibility: a staff member sees the batches they sent; an admin sees every batch."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import datetime

from core.clock import Clock
from core.errors import InvalidInput, NotFound
from core.housing.lookup import find_complexes
from core.housing.values import ComplexSummary
from core.notifications.service import OutboxSignal
from core.permissions import Permission, can, require
from core.sms.export import SmsExportLabels, results_workbook
from core.sms.recipients import phone_as_shown
from core.sms.schedule import at_night, check_schedule
from core.sms.selection import (
    as_shown_to,
    describe,
    record_phone_view,
    request_digest,
    resolve_selection,
    sees_phones,
    sending_dongs,
)
from core.sms.text import clean_subject, default_subject, measure, measure_batch, personalise
from core.sms.values import (
    Batch,
    BatchSummary,
    BatchView,
    MessageState,
    MessageType,
    MessageView,
    NewBatch,
    NewMessage,
    RecipientLine,
    RecipientList,
    RecipientSelection,
    SmsPreview,
)
from core.sms.views import batch_summary, batch_view
from core.values import AdminDong, Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

PAGE_SIZE = 10  # the chat's pages
MAX_PAGE_SIZE = 100  # the admin endpoint's, at most


def _page_bounds(page: int, size: int) -> tuple[int, int]:
    """A requested page and size within reason: never before the first page, 1 to MAX_PAGE_SIZE a page."""
    return max(page, 0), min(max(size, 1), MAX_PAGE_SIZE)


PREVIEW_RECIPIENTS = 20
REQUEST_KEY = re.compile(r"[\x21-\x7e]{1,80}")  # printable ASCII, as HTTP's Idempotency-Key header carries


def check_request_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not REQUEST_KEY.fullmatch(key):
        raise InvalidInput("sms_request_key", limit=80)
    return key


class SmsService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, sender_number: str, ums_configured: bool) -> None:
        self._uow = uow
        self._clock = clock
        # Fired when a batch is written, so a dispatcher in this process submits it at once.
        self.signal = OutboxSignal()
        self.sender_number = sender_number
        self.ums_configured = ums_configured

    # -- compose ------------------------------------------------------------------------------------

    async def resolve(self, actor: StaffMember, selection: RecipientSelection) -> RecipientList:
        """Who a selection reaches, before any text is written: counts, invalid numbers, duplicates."""
        require(actor, Permission.SMS_SEND)
        return await self._resolve_shown(actor, selection, via="sms_resolve")

    async def _resolve_shown(self, actor: StaffMember, selection: RecipientSelection, *, via: str) -> RecipientList:
        """Resolve for showing: invalid numbers masked, or (for those who may see them) their view audited."""
        sees = sees_phones(actor)
        async with self._uow(write=sees) as uow:
            found = await resolve_selection(uow, actor, selection)
            if sees and found.invalid:
                await record_phone_view(
                    uow,
                    self._clock,
                    actor,
                    via=via,
                    target_type="sms_selection",
                    target_id=None,
                    count=len(found.invalid),
                )
                await uow.commit()
        return as_shown_to(actor, found)

    async def recipient_page(
        self, actor: StaffMember, selection: RecipientSelection, page: int = 0, size: int = PAGE_SIZE
    ) -> Page[RecipientLine]:
        """받는 사람 보기: a page of the people a selection reaches, in the order they will be sent to. Phones
        are masked unless the reader may see them; an unmasked page is written to the audit log."""
        require(actor, Permission.SMS_SEND)
        page, size = _page_bounds(page, size)
        sees = sees_phones(actor)
        async with self._uow(write=sees) as uow:
            found = await resolve_selection(uow, actor, selection)
            shown = found.recipients[page * size : (page + 1) * size]
            if sees and shown:
                await record_phone_view(
                    uow,
                    self._clock,
                    actor,
                    via="sms_preview_recipients",
                    target_type="sms_selection",
                    target_id=None,
                    count=len(shown),
                )
                await uow.commit()
        kind = None if selection.kind == "saved" else selection.kind
        items = tuple(
            RecipientLine(
                name=r.name,
                kind=kind,
                position=r.position,
                complex_name=r.complex_name,
                phone=phone_as_shown(r.phone, unmasked=sees),
            )
            for r in shown
        )
        return Page(items, page, size, len(found.recipients))

    async def dongs(self, actor: StaffMember) -> list[AdminDong]:
        """The dongs a sender may choose (``sending_dongs``), with their complex counts."""
        require(actor, Permission.SMS_SEND)
        async with self._uow() as uow:
            return await uow.housing.list_admin_dongs_with_counts(sending_dongs(actor))

    async def find_complexes(self, actor: StaffMember, text: str, page: int = 0) -> Page[ComplexSummary]:
        """Complexes by part of their name, in the dongs the sender reaches (``sending_dongs``)."""
        require(actor, Permission.SMS_SEND)
        return await find_complexes(self._uow, text, page, sending_dongs(actor))

    async def positions(self, actor: StaffMember) -> tuple[str, ...]:
        """The representatives' positions (직위) a sender may narrow to, in the admins' order."""
        require(actor, Permission.SMS_SEND)
        async with self._uow() as uow:
            return tuple(await uow.sms.list_position_names())

    async def preview(
        self,
        actor: StaffMember,
        selection: RecipientSelection,
        text: str,
        scheduled_at: datetime | None = None,
        *,
        subject: str | None = None,
    ) -> SmsPreview:
        """What a send would do, writing nothing. ``subject`` is an LMS's 제목; an SMS has none, so a subject
        given for a text that turns out SMS is checked and then dropped."""
        require(actor, Permission.SMS_SEND)
        instant = check_schedule(self._clock, scheduled_at)
        measure(text)  # a bad text is refused before anyone is looked up, in preview and send alike
        given = clean_subject(subject) if subject is not None else None
        found = await self._resolve_shown(actor, selection, via="sms_preview")
        size = measure_batch(text, found.recipients)
        first = found.recipients[0] if found.recipients else None
        fallback = default_subject(text) if size.message_type is MessageType.LMS else None
        return SmsPreview(
            recipient_count=len(found.recipients),
            recipients=found.recipients[:PREVIEW_RECIPIENTS],
            invalid=found.invalid,
            without_phone=found.without_phone,
            duplicates_merged=found.duplicates_merged,
            size=size,
            sender_number=self.sender_number,
            sample=personalise(text, first) if first is not None else None,
            scheduled_at=instant,
            night_warning=at_night(self._clock, instant),
            ums_configured=self.ums_configured,
            outside_scope=found.outside_scope,
            subject=(given or fallback) if fallback is not None else None,
            default_subject=fallback,
        )

    async def send(
        self,
        actor: StaffMember,
        selection: RecipientSelection,
        text: str,
        scheduled_at: datetime | None = None,
        *,
        request_key: str | None = None,
        subject: str | None = None,
    ) -> BatchView:
        """Write the batch and one outbox row per recipient in one transaction; the dispatcher sends them.
        An LMS goes with ``subject``, or without one with its default (core.sms.text.default_subject).

        With a ``request_key`` the same request made again (a retry after a lost answer, a second tap)
        returns the batch the first one made, marked ``replayed``; the key with a different request is
        refused."""
        require(actor, Permission.SMS_SEND)
        instant = check_schedule(self._clock, scheduled_at)
        measure(text)  # a bad text is refused before anyone is looked up, in preview and send alike
        given = clean_subject(subject) if subject is not None else None
        key = check_request_key(request_key)
        digest = request_digest(selection, text, instant, given) if key is not None else None
        # People are found and numbers checked before the write transaction: on SQLite checking 10,000
        # numbers inside it held the database's one write lock for half a second.
        async with self._uow() as uow:
            if key is not None and (earlier := await uow.sms.find_batch_by_request_key(actor.id, key)):
                return await self._replay(uow, actor, earlier, digest)
            found = await resolve_selection(uow, actor, selection)
        if not found.recipients:
            raise InvalidInput("sms_no_recipients")
        size = measure_batch(text, found.recipients)
        lms = size.message_type is MessageType.LMS
        kept_subject = (given or default_subject(text)) if lms else None
        messages = tuple(
            NewMessage(r.name, r.phone, r.complex_name, personalise(text, r), secrets.token_hex(16))
            for r in found.recipients
        )
        description: dict[str, object] = {
            **describe(selection),
            "invalid": len(found.invalid),
            "without_phone": found.without_phone,
            "duplicates_merged": found.duplicates_merged,
            "outside_scope": found.outside_scope,
        }
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            batch_id = await uow.sms.add_batch(
                NewBatch(
                    created_by_id=actor.id,
                    created_at=now,
                    text=text,
                    message_type=size.message_type,
                    byte_length=size.byte_length,
                    subject=kept_subject,
                    sender_number=self.sender_number,
                    scheduled_at=instant,
                    description=description,
                    messages=messages,
                    request_key=key,
                    request_digest=digest,
                    via_ums=self.ums_configured,
                )
            )
            if batch_id is None:  # the same key, sent at the same moment by a retry that won the race
                earlier = await uow.sms.find_batch_by_request_key(actor.id, key or "")
                assert earlier is not None
                return await self._replay(uow, actor, earlier, digest)
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id,
                action="sms.send",
                target_type="sms_batch",
                target_id=batch_id,
                details={
                    "recipients": len(messages),
                    "message_type": size.message_type.value,
                    "scheduled_at": instant.isoformat() if instant else None,
                    **description,
                },
            )
            await uow.commit()
            view = await self._view(uow, actor, batch_id)
        self.signal.fire()
        return view

    async def _replay(self, uow: UnitOfWork, actor: StaffMember, earlier: Batch, digest: str | None) -> BatchView:
        if earlier.request_digest != digest:
            raise InvalidInput("sms_request_key_reused", batch_id=earlier.id)
        return replace(await self._view(uow, actor, earlier.id), replayed=True)

    # -- read -----------------------------------------------------------------------------------------

    def _visible_to(self, actor: StaffMember, batch: Batch) -> bool:
        return batch.created_by_id == actor.id or can(actor, Permission.ADMIN)

    async def _load(self, uow: UnitOfWork, actor: StaffMember, batch_id: int) -> Batch:
        batch = await uow.sms.get_batch(batch_id)
        if batch is None or not self._visible_to(actor, batch):
            raise NotFound(f"sms batch {batch_id}")
        return batch

    async def _view(self, uow: UnitOfWork, actor: StaffMember, batch_id: int) -> BatchView:
        batch = await self._load(uow, actor, batch_id)
        return batch_view(batch, (await uow.sms.count_states([batch_id]))[batch_id])

    async def batch(self, actor: StaffMember, batch_id: int) -> BatchView:
        require(actor, Permission.SMS_SEND)
        async with self._uow() as uow:
            return await self._view(uow, actor, batch_id)

    async def list_batches(
        self, actor: StaffMember, page: int = 0, scheduled_only: bool = False, size: int = PAGE_SIZE
    ) -> Page[BatchSummary]:
        require(actor, Permission.SMS_SEND)
        page, size = _page_bounds(page, size)
        async with self._uow() as uow:
            batches, total = await uow.sms.list_batches(
                created_by_id=None if can(actor, Permission.ADMIN) else actor.id,
                scheduled_only=scheduled_only,
                offset=page * size,
                limit=size,
            )
            counts = await uow.sms.count_states([b.id for b in batches])
        items = tuple(batch_summary(b, counts[b.id]) for b in batches)
        return Page(items, page, size, total)

    async def recipients(
        self,
        actor: StaffMember,
        batch_id: int,
        page: int = 0,
        size: int = PAGE_SIZE,
        state: MessageState | None = None,
    ) -> Page[MessageView]:
        """전송결과 상세: a page of the batch's recipients, all or only those in ``state`` (the failed, say)."""
        require(actor, Permission.SMS_SEND)
        page, size = _page_bounds(page, size)
        sees = sees_phones(actor)
        async with self._uow(write=sees) as uow:
            await self._load(uow, actor, batch_id)
            rows, total = await uow.sms.list_messages(
                batch_id, offset=page * size, limit=size, state=state.value if state else None
            )
            if sees and rows:
                await record_phone_view(
                    uow,
                    self._clock,
                    actor,
                    via="sms_results",
                    target_type="sms_batch",
                    target_id=batch_id,
                    count=len(rows),
                )
                await uow.commit()
        items = tuple(
            MessageView(
                id=m.id,
                name=m.name,
                phone=phone_as_shown(m.phone, unmasked=sees),
                complex_name=m.complex_name,
                state=MessageState(m.state),
                state_changed_at=m.state_changed_at,
                attempts=m.attempts,
                failure_reason=m.failure_reason,
                due_at=m.due_at,
            )
            for m in rows
        )
        return Page(items, page, size, total)

    # -- change ---------------------------------------------------------------------------------------

    async def cancel(self, actor: StaffMember, batch_id: int) -> BatchView:
        """Cancel a reservation (문자예약) none of whose messages went out; refused with the reason otherwise.
        A message to send now is not a reservation: it is handed to the UMS within seconds."""
        require(actor, Permission.SMS_SEND)
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            batch = await self._load(uow, actor, batch_id)
            if batch.cancelled_at is not None:
                raise InvalidInput("sms_already_cancelled")
            if batch.scheduled_at is None:
                raise InvalidInput("sms_not_scheduled")
            cancelled = await uow.sms.cancel_batch(batch_id, actor.id, now)
            if cancelled is None:
                raise InvalidInput("sms_already_sent")
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id,
                action="sms.cancel",
                target_type="sms_batch",
                target_id=batch_id,
                details={
                    "messages": cancelled,
                    "scheduled_at": batch.scheduled_at.isoformat() if batch.scheduled_at else None,
                },
            )
            await uow.commit()
            return await self._view(uow, actor, batch_id)

    async def export_results(self, actor: StaffMember, batch_id: int, labels: SmsExportLabels) -> bytes:
        """전송결과 상세: every recipient with state and failure reason, as an Excel workbook."""
        require(actor, Permission.SMS_SEND)
        sees = sees_phones(actor)
        async with self._uow(write=sees) as uow:
            batch = await self._load(uow, actor, batch_id)
            rows, _ = await uow.sms.list_messages(batch_id, offset=0, limit=None)
            if sees and rows:
                await record_phone_view(
                    uow,
                    self._clock,
                    actor,
                    via="sms_export",
                    target_type="sms_batch",
                    target_id=batch_id,
                    count=len(rows),
                )
                await uow.commit()
        return results_workbook(batch, rows, self._clock, labels, masked=not sees, now=self._clock.now())
