"""민원 관리 (section 1-바): the complaints the office kept in a hand-written ledger beside the 응답소 system.

A complaint is about one complex: when and how it came in (접수일, 접수경로), who complained and how to reach
them (personal data), what it is about, and who handles it. It moves received → in progress → closed, and is
closed with a result. Everything follows the complex's dong: reading needs ``housing.read`` covering it, every
change ``housing.write`` covering it, and the assignee must be an active member who holds ``housing.write``
there too. Complainant and contact are masked (홍*동, 010-****-5678) for a reader without ``pii.view``
covering the dong; each unmasked view is audited, as the complex card's is.

Every change names the version the member read, checked in the UPDATE itself: a member who saves over a
change made meanwhile is refused with who made it and the complaint as it is now (``ChangedMeanwhile``), and
may apply their change again on top. Every change is audited as ``housing.complaint.<add|edit>`` with old and
new values, state changes included. The assignee hears of a complaint put in their hands (on registration and
on reassignment) through the notice outbox, unless they did it themselves."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from core.clock import Clock
from core.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from core.housing.records import audit_change, audit_personal_view, covered_complex
from core.housing.values import (
    COMPLAINT_CHANNELS,
    OPEN_COMPLAINT_STATES,
    Assignee,
    ComplaintAction,
    ComplaintChange,
    ComplaintDraft,
    ComplaintEdit,
    ComplaintListItem,
    ComplaintRecord,
    ComplaintState,
    ComplaintView,
    NewComplaint,
)
from core.masking import mask_name, mask_phone, normalize_phone
from core.notifications.service import OutboxSignal, enqueue
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.safe_text import check_text
from core.text_input import clean_text, typed_date
from core.values import Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

PAGE_SIZE = 8
OVERDUE_DAYS = 14  # open longer than this: the overdue list, and the daily reminder
NAME_LIMIT = 50
CONTENT_LIMIT = 1500  # with the result and the rest, a complaint still fits one message (4,096)
RESULT_LIMIT = 1500
EARLIEST = date(1990, 1, 1)  # the ledger's oldest pages; an earlier date is a typing slip
NOTICE_EXCERPT = 200
ASSIGNED_NOTICE = "complaint_assigned"
EDITABLE_FIELDS = ("received_on", "channel", "complainant", "contact", "content")
OPTIONAL_FIELDS = frozenset({"complainant", "contact"})

_LINE_BREAKS = re.compile(r"\n{3,}")


class ChangedMeanwhile(StaleRecord):
    """Someone changed the complaint since the member read it: who (``by``), and the complaint as it is now."""

    code = "complaint_changed"

    def __init__(self, current: ComplaintView) -> None:
        super().__init__(f"complaint {current.id} is at version {current.version}", by=current.updated_by_name or "")
        self.current = current


# -- what a member types, read by one rule everywhere -------------------------------------------------------


def read_date(text: str, today: date) -> date:
    """A day in any of the office's ways of writing one (``typed_date``); not after ``today`` (the office's)
    and not before 1990."""
    value = typed_date(text)
    if value is None:
        raise InvalidInput("invalid_complaint_date", text)
    return _check_received_on(value, today)


def _check_received_on(value: date, today: date) -> date:
    if value > today:
        raise InvalidInput("complaint_date_future", str(value), today=today.strftime("%Y.%m.%d"))
    if value < EARLIEST:
        raise InvalidInput("invalid_complaint_date", str(value))
    return value


def read_complainant(text: str) -> str:
    check_text("complainant", text)
    return clean_text(text, "complainant", NAME_LIMIT)


def read_contact(text: str) -> str:
    """A Korean phone number, as the office writes it (010-1234-5678)."""
    check_text("contact", text)
    try:
        return normalize_phone(text)
    except InvalidInput:
        raise InvalidInput("invalid_complaint_contact", text) from None


def read_content(text: str) -> str:
    return _clean_block(text, "complaint_content", CONTENT_LIMIT)


def read_result(text: str) -> str:
    return _clean_block(text, "complaint_result", RESULT_LIMIT)


def read_channel(code: str) -> str:
    if code not in COMPLAINT_CHANNELS:
        raise InvalidInput("invalid_complaint_channel", code)
    return code


def _clean_block(text: str, field: str, limit: int) -> str:
    """Several lines: each line's runs of spaces folded, runs of blank lines kept to one."""
    check_text(field, text)
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    cleaned = _LINE_BREAKS.sub("\n\n", "\n".join(lines)).strip()
    if not cleaned or len(cleaned) > limit:
        raise InvalidInput(f"invalid_{field}", text, limit=limit, length=len(cleaned))
    return cleaned


# -- the ledger -----------------------------------------------------------------------------------------------


class ComplaintLedger:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal

    def today(self) -> date:
        return self._clock.today()

    def read_received_on(self, text: str) -> date:
        return read_date(text, self._clock.today())

    # -- choices -------------------------------------------------------------------------------------------

    async def assignees(self, actor: StaffMember, complex_id: int) -> list[Assignee]:
        """Who may take a complaint about the complex: active members with ``housing.write`` for its dong."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow() as uow:
            dong_id = await self._writable_dong(uow, actor, complex_id)
            return await _assignees(uow, dong_id)

    async def assignees_of(self, actor: StaffMember, complaint_id: int) -> tuple[str, list[Assignee]]:
        """Who may take over an open complaint: its assignee's name now, and the members to pick from."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow() as uow:
            record = await self._readable(uow, actor, complaint_id)
            _require_covers(actor, Permission.HOUSING_WRITE, record.admin_dong_id, f"complaint {complaint_id}")
            _require_state(record, ComplaintAction.REASSIGN)
            return record.assignee_name, await _assignees(uow, record.admin_dong_id)

    async def complex_name(self, actor: StaffMember, complex_id: int) -> str:
        """The complex a registration is about, refused unless the actor may register complaints there."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow() as uow:
            await self._writable_dong(uow, actor, complex_id)
            detail = await uow.housing.load_complex_detail(complex_id)
        assert detail is not None
        return detail.name

    # -- registration ---------------------------------------------------------------------------------------

    async def register(self, actor: StaffMember, draft: ComplaintDraft) -> ComplaintView:
        require(actor, Permission.HOUSING_WRITE)
        _check_received_on(draft.received_on, self._clock.today())
        channel = read_channel(draft.channel)
        content = read_content(draft.content)
        complainant = read_complainant(draft.complainant) if draft.complainant is not None else None
        contact = read_contact(draft.contact) if draft.contact is not None else None
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            dong_id = await self._writable_dong(uow, actor, draft.complex_id)
            assignee = await _assignee(uow, dong_id, draft.assignee_id)
            complaint_id = await uow.complaints.add_complaint(
                NewComplaint(
                    complex_id=draft.complex_id,
                    received_on=draft.received_on,
                    channel=channel,
                    complainant=complainant,
                    contact=contact,
                    content=content,
                    assignee_id=assignee.id,
                    state=ComplaintState.RECEIVED.value,
                    created_by_id=actor.id,
                    created_at=now,
                )
            )
            record = await uow.complaints.get_complaint(complaint_id)
            assert record is not None
            after = _audited(record)
            await self._audit(uow, actor, record, "add", {k: [None, v] for k, v in after.items() if v is not None})
            notified = await self._notify(uow, actor, record)
            await uow.commit()
        if notified:
            self._signal.fire()
        return replace(self._view(actor, record), notice_queued=notified)

    # -- reading --------------------------------------------------------------------------------------------

    async def get(self, actor: StaffMember, complaint_id: int) -> ComplaintView:
        """One complaint, unmasked for a reader with ``pii.view`` for its dong (audited, as the card is)."""
        require(actor, Permission.HOUSING_READ)
        # Whether the view is unmasked depends on the complaint's dong; a pii.view holder's unit of work is
        # ready to write the audit entry.
        async with self._uow(write=can(actor, Permission.PII_VIEW)) as uow:
            record = await self._readable(uow, actor, complaint_id)
            view = self._view(actor, record)
            if not view.personal_data_masked and (record.complainant or record.contact):
                await audit_personal_view(uow, self._clock, actor, record.complex_id, "complaint", record_id=record.id)
                await uow.commit()
        return view

    async def mine(self, actor: StaffMember, page: int = 0) -> Page[ComplaintListItem]:
        """Open complaints in the actor's hands, oldest first (within the dongs they may read)."""
        require(actor, Permission.HOUSING_READ)
        return await self._page(actor, page, assignee_id=actor.id)

    async def of_complex(
        self, actor: StaffMember, complex_id: int, page: int = 0, *, open_only: bool = True
    ) -> tuple[str, Page[ComplaintListItem]]:
        """A complex's name and its complaints (open ones, or all), oldest first."""
        require(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            detail = await covered_complex(uow, actor, complex_id, Permission.HOUSING_READ)
        return detail.name, await self._page(actor, page, complex_id=complex_id, open_only=open_only)

    async def overdue(self, actor: StaffMember, page: int = 0) -> Page[ComplaintListItem]:
        """Complaints open longer than ``OVERDUE_DAYS`` days (the office's calendar), in the actor's dongs."""
        require(actor, Permission.HOUSING_READ)
        return await self._page(actor, page, received_before=self.overdue_before())

    def overdue_before(self) -> date:
        """A complaint received before this day has been open longer than ``OVERDUE_DAYS`` days today."""
        return self._clock.today() - timedelta(days=OVERDUE_DAYS)

    async def count_open(self, actor: StaffMember, complex_id: int) -> int:
        """How many of the complex's complaints are open (the card reads it with the card itself)."""
        require(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            await covered_complex(uow, actor, complex_id, Permission.HOUSING_READ)
            return await uow.complaints.count_open(complex_id)

    async def _page(
        self,
        actor: StaffMember,
        page: int,
        *,
        assignee_id: int | None = None,
        complex_id: int | None = None,
        open_only: bool = True,
        received_before: date | None = None,
    ) -> Page[ComplaintListItem]:
        page = max(page, 0)
        async with self._uow() as uow:
            items, total = await uow.complaints.list_complaints(
                admin_dong_ids=dong_scope(actor, Permission.HOUSING_READ),
                assignee_id=assignee_id,
                complex_id=complex_id,
                open_only=open_only,
                received_before=received_before,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
        return Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)

    # -- changes --------------------------------------------------------------------------------------------

    async def start(self, actor: StaffMember, complaint_id: int, version: int) -> ComplaintView:
        """처리 시작: received → in progress."""
        return await self._change(
            actor, complaint_id, version, ComplaintAction.START, {"state": ComplaintState.IN_PROGRESS.value}
        )

    async def close(self, actor: StaffMember, complaint_id: int, version: int, result: str) -> ComplaintView:
        """종결: in progress → closed, with what was done (처리결과) and today's date."""
        text = read_result(result)
        today = self._clock.today()
        return await self._change(
            actor,
            complaint_id,
            version,
            ComplaintAction.CLOSE,
            {"state": ComplaintState.CLOSED.value, "result": text, "closed_on": today},
        )

    async def reassign(self, actor: StaffMember, complaint_id: int, version: int, assignee_id: int) -> ComplaintView:
        """담당자 변경: an open complaint into another writer's hands; they are told (unless it is the actor)."""
        return await self._change(actor, complaint_id, version, ComplaintAction.REASSIGN, {"assignee_id": assignee_id})

    async def edit(self, actor: StaffMember, complaint_id: int, version: int, edit: ComplaintEdit) -> ComplaintView:
        """Correct what was entered (접수일, 접수경로, 민원인, 연락처, 내용) while the complaint is open."""
        changes: dict[str, Any] = {}
        if edit.received_on is not None:
            changes["received_on"] = _check_received_on(edit.received_on, self._clock.today())
        if edit.channel is not None:
            changes["channel"] = read_channel(edit.channel)
        if edit.complainant is not None:
            changes["complainant"] = read_complainant(edit.complainant)
        if edit.contact is not None:
            changes["contact"] = read_contact(edit.contact)
        if edit.content is not None:
            changes["content"] = read_content(edit.content)
        for name in edit.clear:
            if name not in OPTIONAL_FIELDS:
                raise InvalidInput("complaint_field_required", name)
            changes[name] = None
        return await self._change(actor, complaint_id, version, ComplaintAction.EDIT, changes)

    async def _change(
        self,
        actor: StaffMember,
        complaint_id: int,
        version: int,
        action: ComplaintAction,
        wanted: dict[str, Any],
    ) -> ComplaintView:
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow(write=True) as uow:
            record = await self._readable(uow, actor, complaint_id)
            _require_covers(actor, Permission.HOUSING_WRITE, record.admin_dong_id, f"complaint {complaint_id}")
            _require_state(record, action)
            if record.version != version:
                raise ChangedMeanwhile(self._view(actor, record))
            assignee: Assignee | None = None
            if "assignee_id" in wanted:
                assignee = await _assignee(uow, record.admin_dong_id, int(wanted["assignee_id"]))
            before = _audited(record)
            now_as_read = ComplaintChange(
                received_on=record.received_on,
                channel=record.channel,
                complainant=record.complainant,
                contact=record.contact,
                content=record.content,
                assignee_id=record.assignee_id,
                state=record.state,
                result=record.result,
                closed_on=record.closed_on,
                updated_by_id=actor.id,
                updated_at=self._clock.now(),
            )
            change = replace(now_as_read, **wanted)
            after = before | _audited_change(change, assignee.name if assignee else record.assignee_name)
            changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if not changed:
                return self._view(actor, record)
            if not await uow.complaints.change_complaint(record.id, change, expected_version=version):
                # Someone saved between our read and our write: tell who, with what it is now.
                current = await uow.complaints.get_complaint(record.id)
                if current is None:
                    raise NotFound(f"complaint {complaint_id}")
                raise ChangedMeanwhile(self._view(actor, current))
            updated = await uow.complaints.get_complaint(record.id)
            assert updated is not None
            await self._audit(uow, actor, updated, "edit", changed)
            notified = "assignee" in changed and await self._notify(uow, actor, updated)
            await uow.commit()
        if notified:
            self._signal.fire()
        return replace(self._view(actor, updated), notice_queued=notified)

    # -- helpers --------------------------------------------------------------------------------------------

    async def _writable_dong(self, uow: UnitOfWork, actor: StaffMember, complex_id: int) -> int:
        return (await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)).admin_dong_id

    async def _readable(self, uow: UnitOfWork, actor: StaffMember, complaint_id: int) -> ComplaintRecord:
        record = await uow.complaints.get_complaint(complaint_id)
        if record is None:
            raise NotFound(f"complaint {complaint_id}")
        _require_covers(actor, Permission.HOUSING_READ, record.admin_dong_id, f"complaint {complaint_id}")
        return record

    def _view(self, actor: StaffMember, record: ComplaintRecord) -> ComplaintView:
        masked = not covers_dong(actor, Permission.PII_VIEW, record.admin_dong_id)
        state = ComplaintState(record.state)
        is_open = state in OPEN_COMPLAINT_STATES
        today = self._clock.today()
        end = record.closed_on if record.closed_on is not None else today
        actions: frozenset[ComplaintAction] = frozenset()
        if covers_dong(actor, Permission.HOUSING_WRITE, record.admin_dong_id):
            actions = frozenset(a for a in ComplaintAction if _allowed(state, a))
        return ComplaintView(
            id=record.id,
            complex_id=record.complex_id,
            complex_name=record.complex_name,
            admin_dong=record.admin_dong,
            received_on=record.received_on,
            channel=record.channel,
            complainant=mask_name(record.complainant) if masked else record.complainant,
            contact=mask_phone(record.contact) if masked else record.contact,
            content=record.content,
            assignee_id=record.assignee_id,
            assignee_name=record.assignee_name,
            state=state,
            result=record.result,
            closed_on=record.closed_on,
            created_by_name=record.created_by_name,
            updated_by_name=record.updated_by_name or record.created_by_name,
            version=record.version,
            days_open=max((end - record.received_on).days, 0),
            overdue=is_open and record.received_on < self.overdue_before(),
            personal_data_masked=masked,
            actions=actions,
        )

    async def _audit(
        self, uow: UnitOfWork, actor: StaffMember, record: ComplaintRecord, verb: str, changes: dict[str, list[object]]
    ) -> None:
        await audit_change(uow, self._clock, actor, f"housing.complaint.{verb}", record.complex_id, record.id, changes)

    async def _notify(self, uow: UnitOfWork, actor: StaffMember, record: ComplaintRecord) -> bool:
        """Tell the assignee the complaint is theirs now (not when they took it themselves). No personal data
        goes into the chat: the notice opens the complaint, which masks as the reader's grants say."""
        content = record.content if len(record.content) <= NOTICE_EXCERPT else record.content[:NOTICE_EXCERPT] + "…"
        queued = await enqueue(
            uow,
            self._clock,
            recipients=[record.assignee_id],
            kind=ASSIGNED_NOTICE,
            case_id=None,
            payload={
                "complaint_id": record.id,
                "complex": record.complex_name,
                "dong": record.admin_dong,
                "received_on": record.received_on.isoformat(),
                "channel": record.channel,
                "content": content,
                "actor": actor.name,
                "actor_department": actor.department,
            },
            skip=actor.id,
        )
        return queued > 0


def _allowed(state: ComplaintState, action: ComplaintAction) -> bool:
    if state is ComplaintState.CLOSED:
        return False
    if action is ComplaintAction.START:
        return state is ComplaintState.RECEIVED
    if action is ComplaintAction.CLOSE:
        return state is ComplaintState.IN_PROGRESS
    return True


def _require_state(record: ComplaintRecord, action: ComplaintAction) -> None:
    """Refuse an action the complaint's state does not allow, saying why (and who moved it on)."""
    state = ComplaintState(record.state)
    if _allowed(state, action):
        return
    by = record.updated_by_name or record.created_by_name or ""
    if state is ComplaintState.CLOSED:
        closed_on = record.closed_on.strftime("%Y.%m.%d") if record.closed_on else ""
        raise InvalidInput("complaint_closed", by=by, on=closed_on)
    if action is ComplaintAction.START:
        raise InvalidInput("complaint_already_started", by=by)
    raise InvalidInput("complaint_not_started")


def _require_covers(actor: StaffMember, permission: Permission, admin_dong_id: int, what: str) -> None:
    if not covers_dong(actor, permission, admin_dong_id):
        raise PermissionDenied(f"{actor.saeol_id} does not cover the dong of {what}", permission=permission.value)


def _audited(record: ComplaintRecord) -> dict[str, object]:
    """The fields the audit log compares, as JSON keeps them (dates as ISO text, the assignee by name)."""
    return {
        "received_on": record.received_on.isoformat(),
        "channel": record.channel,
        "complainant": record.complainant,
        "contact": record.contact,
        "content": record.content,
        "assignee": record.assignee_name,
        "state": record.state,
        "result": record.result,
        "closed_on": record.closed_on.isoformat() if record.closed_on else None,
    }


def _audited_change(change: ComplaintChange, assignee_name: str) -> dict[str, object]:
    return {
        "received_on": change.received_on.isoformat(),
        "channel": change.channel,
        "complainant": change.complainant,
        "contact": change.contact,
        "content": change.content,
        "assignee": assignee_name,
        "state": change.state,
        "result": change.result,
        "closed_on": change.closed_on.isoformat() if change.closed_on else None,
    }


async def _assignees(uow: UnitOfWork, admin_dong_id: int) -> list[Assignee]:
    members = await uow.staff.list_active_holding(Permission.HOUSING_WRITE.value)
    chosen = [m for m in members if covers_dong(m, Permission.HOUSING_WRITE, admin_dong_id)]
    return sorted(
        (Assignee(id=m.id, name=m.name, department=m.department, bound=m.telegram_user_id is not None) for m in chosen),
        key=lambda a: (a.name, a.id),
    )


async def _assignee(uow: UnitOfWork, admin_dong_id: int, assignee_id: int) -> Assignee:
    member = await uow.staff.get_staff(assignee_id)
    if member is None or not covers_dong(member, Permission.HOUSING_WRITE, admin_dong_id):
        raise InvalidInput("complaint_assignee_not_allowed")
    bound = member.telegram_user_id is not None
    return Assignee(id=member.id, name=member.name, department=member.department, bound=bound)
