"""검토결과 입력, 추진사항 승인요청, 승인처리: the department's review and progress report, and the
coordinator's decision on it.

Every state change is one conditional UPDATE (``... WHERE state IN (...) AND version = ...``), so a double
tap, two approvers at once or a tap on an old message changes the case at most once, on SQLite and
PostgreSQL alike; the loser is told who decided and when.

A request goes to every coordinator who may decide it. Once it is decided (or withdrawn), every copy is
closed in the same transaction: its outbox rows are rewritten and edits queued, so each coordinator's
message loses its 승인/반려 buttons and says who decided when; a press that still reaches an old copy (or
a request of an earlier round) is told the same from the case and its history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from core.benchmark.common import (
    LONG_TEXT_LIMIT,
    REASON_LIMIT,
    clean_block,
    coordinator_ids,
    is_own_request,
    load_case,
    notify,
    record,
    view_of,
)
from core.benchmark.records import CaseQuery, CaseRecord, EventRecord
from core.benchmark.values import (
    Adoption,
    CaseAction,
    CaseListRecord,
    CaseState,
    CaseView,
    ProgressResult,
    WorkDraft,
)
from core.benchmark.workflow import EDITABLE, check, coordinated_department, executing_department, is_coordinator
from core.clock import Clock
from core.errors import AlreadyDecided, CaseLocked, DongneError, StaleRecord
from core.notifications.service import MessageRef, OutboxSignal, update_notices
from core.permissions import Permission, can, require
from core.values import Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

PAGE_SIZE = 8
REQUEST_NOTICE = "approval_requested"
# What ends an approval request, and how its notices then say so.
CLOSING = {CaseAction.APPROVE: "approved", CaseAction.RETURN: "returned", CaseAction.WITHDRAW: "withdrawn"}
REVIEW_ACTIONS = frozenset({CaseAction.REVIEW, CaseAction.SAVE_DRAFT, CaseAction.REQUEST_APPROVAL})


def refuse_own_request(actor: StaffMember, case: CaseRecord) -> None:
    """Nobody decides on a request they made themselves (a coordinator who also executes for a department
    asks another coordinator): the four-eyes rule the old approval screen kept by having two roles."""
    if is_own_request(actor, case):
        raise CaseLocked("own_request", case_no=case.case_no)


class CaseDecisions:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal

    async def _change(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        case: CaseRecord,
        action: CaseAction,
        *,
        from_states: Sequence[CaseState],
        to_state: CaseState,
        values: dict[str, object],
        version: int | None = None,
        round_: int | None = None,
        note: str | None = None,
        changes: dict[str, object] | None = None,
    ) -> CaseRecord:
        values = {**values, "state": to_state.value, "updated_at": self._clock.now()}
        changed = await uow.benchmark.change_case(
            case.id,
            from_states=[s.value for s in from_states],
            values=values,
            expected_version=version,
            expected_round=round_,
        )
        if not changed:
            raise StaleRecord(f"case {case.id} changed before {action.value}")
        await record(
            uow,
            self._clock,
            actor,
            case.id,
            action,
            state_from=case.state,
            state_to=to_state.value,
            note=note,
            changes=changes,
        )
        updated = await uow.benchmark.get_case(case.id)
        assert updated is not None
        return updated

    # -- the department -------------------------------------------------------------------------------

    async def save_draft(self, actor: StaffMember, case_id: int, version: int, draft: WorkDraft) -> CaseView:
        """임시저장: keep unsent work; statistics never count it."""
        cleaned = WorkDraft(
            adoption=draft.adoption,
            opinion=clean_block(draft.opinion, limit=LONG_TEXT_LIMIT) if draft.opinion else None,
            progress_result=draft.progress_result,
            progress_note=clean_block(draft.progress_note, limit=LONG_TEXT_LIMIT) if draft.progress_note else None,
        )
        async with self._uow(write=True) as uow:
            case = await load_case(uow, actor, case_id)
            state = CaseState(case.state)
            check(actor, state, case.department.id, has_review=case.adoption is not None, action=CaseAction.SAVE_DRAFT)
            if not await uow.benchmark.change_case(
                case_id,
                from_states=[state.value],
                values={"draft": cleaned.as_json(), "updated_at": self._clock.now()},
                expected_version=version,
            ):
                raise StaleRecord(f"case {case_id} changed since version {version}")
            updated = await uow.benchmark.get_case(case_id)
            assert updated is not None
            await uow.commit()
        return view_of(actor, updated)

    async def submit_review(
        self, actor: StaffMember, case_id: int, version: int, adoption: Adoption, opinion: str
    ) -> CaseView:
        """검토결과 입력: the adoption decision and the opinion. A revision after a return keeps the case
        returned until the department asks for approval again."""
        text = clean_block(opinion, limit=LONG_TEXT_LIMIT, minimum=2)
        async with self._uow(write=True) as uow:
            case = await load_case(uow, actor, case_id)
            state = CaseState(case.state)
            check(actor, state, case.department.id, has_review=case.adoption is not None, action=CaseAction.REVIEW)
            to_state = CaseState.RETURNED if state is CaseState.RETURNED else CaseState.REVIEWED
            before = {"adoption": case.adoption, "review_opinion": case.review_opinion}
            after = {"adoption": adoption.value, "review_opinion": text}
            changes: dict[str, object] = {k: [before[k], v] for k, v in after.items() if before[k] != v}
            draft = WorkDraft.from_json(case.draft)
            remaining = (
                WorkDraft(progress_result=draft.progress_result, progress_note=draft.progress_note) if draft else None
            )
            updated = await self._change(
                uow,
                actor,
                case,
                CaseAction.REVIEW,
                from_states=[state],
                to_state=to_state,
                values={
                    **after,
                    "reviewed_at": self._clock.now(),
                    "reviewed_by_id": actor.id,
                    "draft": remaining.as_json()
                    if remaining and (remaining.progress_result or remaining.progress_note)
                    else None,
                },
                version=version,
                note=text,
                changes=changes,
            )
            notified = await notify(
                uow, self._clock, actor, updated, "case_reviewed", [case.registered_by.id], adoption=adoption.value
            )
            await uow.commit()
        if notified:
            self._signal.fire()
        return view_of(actor, updated)

    async def request_approval(
        self, actor: StaffMember, case_id: int, version: int, result: ProgressResult, note: str
    ) -> CaseView:
        """추진사항 입력 및 승인요청: the progress report goes to every coordinator with approve buttons."""
        text = clean_block(note, limit=LONG_TEXT_LIMIT, minimum=2)
        async with self._uow(write=True) as uow:
            case = await load_case(uow, actor, case_id)
            state = CaseState(case.state)
            check(
                actor,
                state,
                case.department.id,
                has_review=case.adoption is not None,
                action=CaseAction.REQUEST_APPROVAL,
            )
            before = {"progress_result": case.progress_result, "progress_note": case.progress_note}
            after = {"progress_result": result.value, "progress_note": text}
            updated = await self._change(
                uow,
                actor,
                case,
                CaseAction.REQUEST_APPROVAL,
                from_states=[state],
                to_state=CaseState.APPROVAL_REQUESTED,
                values={
                    **after,
                    "approval_round": case.approval_round + 1,
                    "approval_requested_at": self._clock.now(),
                    "approval_requested_by_id": actor.id,
                    "decided_at": None,
                    "decided_by_id": None,
                    "return_reason": None,
                    "draft": None,
                },
                version=version,
                note=text,
                changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
            )
            notified = await notify(
                uow,
                self._clock,
                actor,
                updated,
                "approval_requested",
                await _coordinators_of(uow, case.department.id),
                adoption=updated.adoption,
                progress_result=result.value,
                progress_note=text,
            )
            await uow.commit()
        if notified:
            self._signal.fire()
        return view_of(actor, updated)

    async def withdraw(self, actor: StaffMember, case_id: int, round_: int | None = None) -> CaseView:
        """승인요청 철회: the department takes its request back to change it. ``round_``, if given, is the
        request the withdrawing button belongs to: a later request is not taken back by an older button."""
        async with self._uow(write=True) as uow:
            case = await load_case(uow, actor, case_id)
            if round_ is not None and round_ != case.approval_round:
                raise CaseLocked("approval_round_stale", case_no=case.case_no)
            state = CaseState(case.state)
            check(actor, state, case.department.id, has_review=case.adoption is not None, action=CaseAction.WITHDRAW)
            updated = await self._change(
                uow,
                actor,
                case,
                CaseAction.WITHDRAW,
                from_states=[CaseState.APPROVAL_REQUESTED],
                to_state=CaseState.REVIEWED,
                values={},
                round_=case.approval_round,
            )
            notified = await notify(
                uow, self._clock, actor, updated, "approval_withdrawn", await _coordinators_of(uow, case.department.id)
            )
            notified += await self._close_request(uow, actor, updated, case.approval_round, CaseAction.WITHDRAW)
            await uow.commit()
        if notified:
            self._signal.fire()
        return view_of(actor, updated)

    async def _close_request(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        case: CaseRecord,
        round_: int,
        action: CaseAction,
        seen_on: MessageRef | None = None,
    ) -> int:
        """Every coordinator's copy of request ``round_`` loses its buttons and says who ended it, and when."""
        closed = {"outcome": CLOSING[action], "by": actor.name, "at": self._at(self._clock.now())}

        def of_this_round(payload: Mapping[str, object]) -> bool:
            return payload.get("round") == round_

        return await update_notices(
            uow,
            self._clock,
            case_id=case.id,
            kind=REQUEST_NOTICE,
            belongs=of_this_round,
            changes={"closed": closed},
            updated_by_bot=seen_on,
        )

    def _at(self, instant: datetime) -> str:
        return self._clock.local(instant).strftime("%Y-%m-%d %H:%M")

    # -- the coordinator ------------------------------------------------------------------------------

    async def _why_not_decidable(
        self, uow: UnitOfWork, actor: StaffMember, case: CaseRecord, round_: int, action: CaseAction
    ) -> DongneError:
        """Why a decision on ``round_`` cannot be taken now: who decided it (or withdrew it) and when, or the
        workflow rule."""
        state = CaseState(case.state)
        decided_this_round = round_ == case.approval_round and case.decided_by is not None and case.decided_at
        if state in {CaseState.APPROVED, CaseState.RETURNED} and decided_this_round:
            assert case.decided_by is not None and case.decided_at is not None
            at = self._at(case.decided_at)
            return AlreadyDecided(state is CaseState.APPROVED, by=case.decided_by.name, at=at, case_no=case.case_no)
        if 0 < round_ < case.approval_round or (round_ == case.approval_round and state is CaseState.REVIEWED):
            # An earlier request, ended by a return or a withdrawal: its history says by whom and when.
            ending = _ending_of(await uow.benchmark.list_events(case.id), round_)
            if ending is not None and ending.actor is not None:
                by, at = ending.actor.name, self._at(ending.at)
                if ending.action == CaseAction.WITHDRAW:
                    return CaseLocked("approval_withdrawn", by=by, at=at, case_no=case.case_no)
                return AlreadyDecided(ending.action == CaseAction.APPROVE, by=by, at=at, case_no=case.case_no)
        if state is CaseState.APPROVED:
            at = self._at(case.decided_at) if case.decided_at else ""
            name = case.decided_by.name if case.decided_by else ""
            return AlreadyDecided(True, by=name, at=at, case_no=case.case_no)
        if round_ < case.approval_round:
            return CaseLocked("approval_round_stale", case_no=case.case_no)
        try:
            check(actor, state, case.department.id, has_review=case.adoption is not None, action=action)
        except DongneError as error:
            return error
        if round_ != case.approval_round:  # a round not yet requested: no message ever carried it
            return CaseLocked("case_not_requested")
        return StaleRecord(f"case {case.id} changed during the decision")

    async def _open_request(
        self, uow: UnitOfWork, actor: StaffMember, case_id: int, round_: int, action: CaseAction
    ) -> CaseRecord:
        """The case, if request ``round_`` is still open and the actor may decide it with ``action``."""
        case = await load_case(uow, actor, case_id)
        if case.state != CaseState.APPROVAL_REQUESTED or case.approval_round != round_:
            raise await self._why_not_decidable(uow, actor, case, round_, action)
        # A coordinator scoped to another department may still see the case (as its executor), not decide.
        check(actor, CaseState(case.state), case.department.id, has_review=case.adoption is not None, action=action)
        refuse_own_request(actor, case)
        return case

    async def _decide(
        self,
        actor: StaffMember,
        case_id: int,
        round_: int,
        action: CaseAction,
        values: dict[str, object],
        note: str | None,
        seen_on: MessageRef | None,
    ) -> CaseView:
        require(actor, Permission.BENCHMARK_COORDINATE)
        approved = action is CaseAction.APPROVE
        async with self._uow(write=True) as uow:
            case = await self._open_request(uow, actor, case_id, round_, action)
            try:
                updated = await self._change(
                    uow,
                    actor,
                    case,
                    action,
                    from_states=[CaseState.APPROVAL_REQUESTED],
                    to_state=CaseState.APPROVED if approved else CaseState.RETURNED,
                    values={**values, "decided_at": self._clock.now(), "decided_by_id": actor.id},
                    round_=round_,
                    note=note,
                )
            except StaleRecord:
                # Another approver got there first, between our read and our update.
                fresh = await uow.benchmark.get_case(case_id)
                assert fresh is not None
                raise await self._why_not_decidable(uow, actor, fresh, round_, action) from None
            recipients = [r.id for r in (case.officer, case.approval_requested_by) if r is not None]
            kind = "case_approved" if approved else "case_returned"
            notified = await notify(uow, self._clock, actor, updated, kind, recipients, reason=note)
            notified += await self._close_request(uow, actor, updated, round_, action, seen_on)
            await uow.commit()
        if notified:
            self._signal.fire()
        return view_of(actor, updated)

    async def approve(
        self, actor: StaffMember, case_id: int, round_: int, *, seen_on: MessageRef | None = None
    ) -> CaseView:
        """승인처리. ``round_`` is the request the approver saw (from the button); ``seen_on`` the message the
        button was on, which the bot turns into the decided case itself (every other copy is edited)."""
        return await self._decide(actor, case_id, round_, CaseAction.APPROVE, {}, None, seen_on)

    async def return_case(
        self, actor: StaffMember, case_id: int, round_: int, reason: str, *, seen_on: MessageRef | None = None
    ) -> CaseView:
        """반려: back to the department with the reason, which it sees and must answer by resubmitting."""
        text = clean_block(reason, limit=REASON_LIMIT, minimum=2)
        return await self._decide(actor, case_id, round_, CaseAction.RETURN, {"return_reason": text}, text, seen_on)

    async def check_decidable(self, actor: StaffMember, case_id: int, round_: int) -> CaseView:
        """Before asking an approver for a return reason: is the request still open?"""
        require(actor, Permission.BENCHMARK_COORDINATE)
        async with self._uow() as uow:
            return view_of(actor, await self._open_request(uow, actor, case_id, round_, CaseAction.RETURN))

    # -- what waits for whom --------------------------------------------------------------------------

    async def pending_approvals(self, actor: StaffMember, page: int = 0) -> Page[CaseListRecord]:
        """내 승인 대기: requests waiting for a coordinator's decision (in the department a scoped coordinator
        coordinates; not the coordinator's own requests, which another must decide), in the report's order."""
        require(actor, Permission.BENCHMARK_COORDINATE)
        page = max(page, 0)
        async with self._uow() as uow:
            rows, total = await uow.benchmark.list_cases(_awaiting(actor), offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        return Page(items=tuple(rows), number=page, size=PAGE_SIZE, total=total)

    async def waiting_count(self, actor: StaffMember) -> int:
        """For the main menu: requests waiting for a coordinator, or a department's cases that need its
        review or revision. Zero for anyone without a benchmarking role."""
        async with self._uow() as uow:
            if is_coordinator(actor):
                return await uow.benchmark.count_cases(_awaiting(actor))
            if can(actor, Permission.BENCHMARK_EXECUTE):
                states = (CaseState.REGISTERED.value, CaseState.RETURNED.value)
                to_do = CaseQuery(department_id=executing_department(actor), states=states)
                return await uow.benchmark.count_cases(to_do)
        return 0


def _awaiting(actor: StaffMember) -> CaseQuery:
    """Requests waiting for this coordinator: in the department a scoped one coordinates, and not the
    coordinator's own, which another must decide."""
    return CaseQuery(
        state=CaseState.APPROVAL_REQUESTED.value,
        department_id=coordinated_department(actor),
        not_requested_by=actor.id,
    )


def _ending_of(events: Sequence[EventRecord], round_: int) -> EventRecord | None:
    """The approval, return or withdrawal that ended request ``round_``: each request starts a round, and the
    first of those that follows it ends it."""
    rounds = 0
    for event in events:
        if event.action == CaseAction.REQUEST_APPROVAL:
            rounds += 1
        elif rounds == round_ and event.action in CLOSING:
            return event
    return None


async def _coordinators_of(uow: UnitOfWork, department_id: int) -> list[int]:
    """Bound coordinators who may decide on ``department_id``'s cases: unscoped ones and those scoped to it."""
    scoped = await uow.grants.department_scopes(Permission.BENCHMARK_COORDINATE.value)
    return [c for c in await coordinator_ids(uow) if scoped.get(c, department_id) == department_id]


__all__ = ["EDITABLE", "REVIEW_ACTIONS", "CaseDecisions"]
