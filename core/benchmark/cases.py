"""벤치마킹 등록 및 조회: registering cases, reading them, the lists, edits and attachments."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from core.benchmark.access import case_for, view_of
from core.benchmark.attachments import MAX_ATTACHMENTS_PER_CASE, CheckedFile, check_attachment
from core.benchmark.common import (
    LONG_TEXT_LIMIT,
    SOURCE_LIMIT,
    TITLE_LIMIT,
    clean_block,
    clean_line,
    notify,
    record,
)
from core.benchmark.numbering import case_number, number_prefix, quarter_of
from core.benchmark.values import (
    Assignment,
    Attachment,
    AttachmentFile,
    Case,
    CaseAction,
    CaseDraft,
    CaseEdit,
    CaseEvent,
    CaseFilter,
    CaseListItem,
    CaseQuery,
    CaseState,
    Correction,
    FileAttached,
    NamedRef,
    NewCase,
    Officer,
    Registered,
)
from core.benchmark.workflow import is_coordinator, listed_department, may_view, require_coordinates, require_role
from core.clock import Clock
from core.errors import InvalidInput, NotFound, NotYourCase, StaleRecord
from core.notifications.service import OutboxSignal
from core.permissions import Permission, require
from core.text_input import clean_query
from core.values import Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

PAGE_SIZE = 8
# A registration left unfinished keeps its files this long, then they are cleared.
STAGED_FILES_KEPT = timedelta(days=2)


class CaseRegistry:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal

    # -- choices for the registration dialogue ---------------------------------------------------------

    async def executing_departments(self, actor: StaffMember) -> list[NamedRef]:
        """Departments with at least one active member who may review cases (for a coordinator scoped to
        a department, only that one)."""
        require(actor, Permission.BENCHMARK_COORDINATE)
        async with self._uow() as uow:
            executors = await _executors(uow)
            departments = await uow.benchmark.list_departments()
        staffed = {e.department_id for e in executors}
        return [d for d in departments if d.id in staffed and is_coordinator(actor, d.id)]

    async def officers(self, actor: StaffMember, department_id: int) -> list[Officer]:
        require(actor, Permission.BENCHMARK_COORDINATE)
        require_coordinates(actor, department_id)
        async with self._uow() as uow:
            return await _executors(uow, department_id)

    async def _check_assignment(
        self, uow: UnitOfWork, department_id: int, officer_id: int | None
    ) -> tuple[NamedRef, Officer | None]:
        """The department and, if one is named, its officer; refused if either is not there."""
        department = await uow.benchmark.get_department(department_id)
        if department is None:
            raise NotFound(f"department {department_id}")
        if officer_id is None:
            return department, None
        officers = await _executors(uow, department_id)
        officer = next((o for o in officers if o.id == officer_id), None)
        if officer is None:
            raise InvalidInput("officer_not_in_department")
        return department, officer

    # -- registration ---------------------------------------------------------------------------------

    async def stage_attachment(
        self,
        actor: StaffMember,
        file_name: str | None,
        content: bytes,
        *,
        photo: bool = False,
        telegram_file_id: str | None = None,
    ) -> Attachment:
        """Keep a file sent while a registration is in progress; ``register`` attaches it to the case."""
        require(actor, Permission.BENCHMARK_COORDINATE)
        checked = check_attachment(file_name, content, photo=photo)
        async with self._uow(write=True) as uow:
            await uow.benchmark.forget_staged_attachments(self._clock.now() - STAGED_FILES_KEPT)
            stored = await self._store_file(uow, actor, None, checked, content, telegram_file_id)
            await uow.commit()
        return stored

    async def _store_file(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        case_id: int | None,
        checked: CheckedFile,
        content: bytes,
        telegram_file_id: str | None,
    ) -> Attachment:
        return await uow.benchmark.add_attachment(
            checked.stored(
                content,
                case_id=case_id,
                telegram_file_id=telegram_file_id,
                uploaded_by_id=actor.id,
                uploaded_at=self._clock.now(),
            )
        )

    async def register(self, actor: StaffMember, draft: CaseDraft) -> Registered:
        """벤치마킹 등록. The number comes from the registration date in the office's zone; the officer
        is notified in the same transaction."""
        require_role(actor, CaseAction.REGISTER)
        title = clean_line(draft.title, limit=TITLE_LIMIT, minimum=2)
        summary = clean_block(draft.summary, limit=LONG_TEXT_LIMIT) if draft.summary else None
        source = clean_line(draft.source, limit=SOURCE_LIMIT) if draft.source else None
        if len(set(draft.attachment_ids)) > MAX_ATTACHMENTS_PER_CASE:
            raise InvalidInput("too_many_attachments", limit=MAX_ATTACHMENTS_PER_CASE)
        require_coordinates(actor, draft.department_id)
        now = self._clock.now()
        today = self._clock.local(now).date()
        async with self._uow(write=True) as uow:
            _, officer = await self._check_assignment(uow, draft.department_id, draft.officer_id)
            staged = await uow.benchmark.list_staged_attachments(actor.id, draft.attachment_ids)
            if len(staged) != len(set(draft.attachment_ids)):
                raise InvalidInput("attachment_missing")
            year, quarter = today.year, quarter_of(today)
            serial = await uow.benchmark.take_next_serial(year, quarter)
            case_id = await uow.benchmark.add_case(
                NewCase(
                    case_no=case_number(year, quarter, serial),
                    year=year,
                    quarter=quarter,
                    serial=serial,
                    title=title,
                    summary=summary,
                    source=source,
                    department_id=draft.department_id,
                    officer_id=draft.officer_id,
                    registered_by_id=actor.id,
                    registered_at=now,
                )
            )
            await uow.benchmark.attach_staged(case_id, [a.id for a in staged])
            await record(
                uow, self._clock, actor, case_id, CaseAction.REGISTER, state_from=None, state_to=CaseState.REGISTERED
            )
            case = await uow.benchmark.get_case(case_id)
            assert case is not None
            notified = bool(officer and officer.bound and officer.id != actor.id)
            if notified and officer is not None:
                await notify(uow, self._clock, actor, case, "case_assigned", [officer.id])
            await uow.commit()
        if notified:
            self._signal.fire()
        return Registered(case=view_of(actor, case), officer_notice_queued=notified)

    # -- reading --------------------------------------------------------------------------------------

    async def get(self, actor: StaffMember, case_id: int) -> Case:
        async with self._uow() as uow:
            return view_of(actor, await case_for(uow, self._clock, actor, case_id))

    async def open_for(self, actor: StaffMember, case_id: int, action: CaseAction, version: int) -> Case:
        """The case as a dialogue starts ``action`` on it from a card showing ``version``: refused with the
        workflow's reason if the action is not open to the actor now, or if the case changed since."""
        async with self._uow() as uow:
            case = await case_for(uow, self._clock, actor, case_id, action)
        if case.version != version:
            raise StaleRecord(f"case {case_id} changed since version {version}")
        return view_of(actor, case)

    async def find_by_number(self, actor: StaffMember, case_no: str) -> Case:
        require_role(actor)
        async with self._uow() as uow:
            case_id = await uow.benchmark.find_case_id_by_number(case_no.strip())
            if case_id is None:
                raise NotFound(f"case {case_no}")
            return view_of(actor, await case_for(uow, self._clock, actor, case_id))

    def _query(self, actor: StaffMember, filters: CaseFilter) -> CaseQuery:
        """The list's filters, within what the actor may see: an unscoped coordinator every department, a
        scoped one its department, an executor the department it executes for. A department asked for
        explicitly must be one the actor may see."""
        department_id = filters.department_id
        if department_id is not None:
            if not may_view(actor, department_id):
                raise NotYourCase(f"{actor.saeol_id} may not list department {department_id}")
        else:
            department_id = listed_department(actor)
        prefix = title_part = None
        if filters.text:
            text = clean_query(filters.text)
            prefix = number_prefix(text)
            title_part = None if prefix else text
        return CaseQuery(
            year=filters.year,
            quarter=filters.quarter,
            department_id=department_id,
            adoption=filters.adoption,
            state=filters.state,
            case_no_prefix=prefix,
            title_part=title_part,
        )

    async def list_cases(self, actor: StaffMember, filters: CaseFilter, page: int = 0) -> Page[CaseListItem]:
        """검토결과 목록: coordinators see every case, a department its own; in the report's order (2016-1-1
        first), paged."""
        require_role(actor)
        query = self._query(actor, filters)
        page = max(page, 0)
        async with self._uow() as uow:
            rows, total = await uow.benchmark.list_cases(query, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        return Page(items=tuple(rows), number=page, size=PAGE_SIZE, total=total)

    async def years(self, actor: StaffMember) -> list[int]:
        """The years to filter by: of every case for an unscoped coordinator, else of the actor's department."""
        require_role(actor)
        async with self._uow() as uow:
            return await uow.benchmark.list_years(listed_department(actor))

    async def history(self, actor: StaffMember, case_id: int) -> list[CaseEvent]:
        async with self._uow() as uow:
            await case_for(uow, self._clock, actor, case_id)
            return await uow.benchmark.list_events(case_id)

    # -- changes --------------------------------------------------------------------------------------

    async def edit(self, actor: StaffMember, case_id: int, version: int, edit: CaseEdit) -> Case:
        """The coordinator corrects a case or reassigns it. Old and new values go into the history; the
        version the coordinator read must still be current."""
        title = clean_line(edit.title, limit=TITLE_LIMIT, minimum=2) if edit.title is not None else None
        summary = clean_block(edit.summary, limit=LONG_TEXT_LIMIT) if edit.summary is not None else None
        source = clean_line(edit.source, limit=SOURCE_LIMIT) if edit.source is not None else None
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, CaseAction.EDIT)
            department, officer, assignment = case.department, None, None
            if edit.department_id is not None or edit.officer_id is not None:
                # A new department comes with its officer (or none); an officer alone stays in the department.
                department_id = edit.department_id if edit.department_id is not None else case.department.id
                assignment = Assignment(department_id=department_id, officer_id=edit.officer_id)
                require_coordinates(actor, department_id)
                department, officer = await self._check_assignment(uow, department_id, edit.officer_id)
            before = {
                "title": case.title,
                "summary": case.summary,
                "source": case.source,
                "department_id": case.department.id,
                "officer_id": case.officer.id if case.officer else None,
            }
            after: dict[str, object] = {
                field: value
                for field, value in (("title", title), ("summary", summary), ("source", source))
                if value is not None
            }
            if assignment is not None:
                after |= {"department_id": assignment.department_id, "officer_id": assignment.officer_id}
            changed = {k: v for k, v in after.items() if before[k] != v}
            if not changed:
                return view_of(actor, case)
            # History shows names, as staff read them, rather than ids.
            changes: dict[str, object] = {k: [before[k], v] for k, v in changed.items() if not k.endswith("_id")}
            if "department_id" in changed:
                changes["department"] = [case.department.name, department.name]
            if "officer_id" in changed:
                changes["officer"] = [case.officer.name if case.officer else None, officer.name if officer else None]
            correction = Correction(
                at=self._clock.now(), title=title, summary=summary, source=source, assignment=assignment
            )
            if not await uow.benchmark.change_case(
                case_id, correction, from_states=[case.state], expected_version=version
            ):
                raise StaleRecord(f"case {case_id} changed since version {version}")
            await record(
                uow,
                self._clock,
                actor,
                case_id,
                CaseAction.EDIT,
                state_from=case.state,
                state_to=case.state,
                changes=changes,
            )
            updated = await uow.benchmark.get_case(case_id)
            assert updated is not None
            reassigned = "officer_id" in changed and officer is not None and officer.bound
            if reassigned and officer is not None:
                await notify(uow, self._clock, actor, updated, "case_assigned", [officer.id])
            await uow.commit()
        if reassigned:
            self._signal.fire()
        return view_of(actor, updated)

    async def add_attachment(
        self,
        actor: StaffMember,
        case_id: int,
        version: int,
        file_name: str | None,
        content: bytes,
        *,
        photo: bool = False,
        telegram_file_id: str | None = None,
    ) -> Attachment:
        checked = check_attachment(file_name, content, photo=photo)
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, CaseAction.ATTACH)
            state = case.state
            if len(case.attachments) >= MAX_ATTACHMENTS_PER_CASE:
                raise InvalidInput("too_many_attachments", limit=MAX_ATTACHMENTS_PER_CASE)
            # Raising the version makes a concurrent change by someone else fail instead of racing this one.
            if not await uow.benchmark.change_case(
                case_id, FileAttached(at=self._clock.now()), from_states=[state], expected_version=version
            ):
                raise StaleRecord(f"case {case_id} changed since version {version}")
            stored = await self._store_file(uow, actor, case_id, checked, content, telegram_file_id)
            await record(
                uow,
                self._clock,
                actor,
                case_id,
                CaseAction.ATTACH,
                state_from=state,
                state_to=state,
                note=checked.file_name,
            )
            await uow.commit()
        return stored

    async def attachment(self, actor: StaffMember, attachment_id: int) -> AttachmentFile:
        async with self._uow() as uow:
            found = await uow.benchmark.get_attachment_file(attachment_id)
            if found is None:
                raise NotFound(f"attachment {attachment_id}")
            if found.info.case_id is None:
                if found.info.uploaded_by_id != actor.id:
                    raise NotFound(f"attachment {attachment_id}")
            else:
                await case_for(uow, self._clock, actor, found.info.case_id)
        return found


async def _executors(uow: UnitOfWork, department_id: int | None = None) -> list[Officer]:
    """Active staff who execute cases, each with the department they execute for (a scoped grant's, else
    their own); only those executing for ``department_id``, if given."""
    executors = await uow.benchmark.list_staff_with_permission(Permission.BENCHMARK_EXECUTE.value)
    scoped = await uow.grants.department_scopes(Permission.BENCHMARK_EXECUTE.value)
    placed = [replace(e, department_id=scoped.get(e.id, e.department_id)) for e in executors]
    return [e for e in placed if department_id is None or e.department_id == department_id]
