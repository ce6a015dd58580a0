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

from core.benchmark.access import CLOSING, case_for, view_of, why_not_decidable
from core.benchmark.common import (
    LONG_TEXT_LIMIT,
    REASON_LIMIT,
    clean_block,
    coordinator_ids,
    notify,
    record,
    shown_at,
)
from core.benchmark.values import (
    Adoption,
    ApprovalRequested,
    Case,
    CaseAction,
    CaseListItem,
    CaseQuery,
    CaseState,
    Decided,
    DraftSaved,
    ProgressResult,
    RequestWithdrawn,
    ReviewSubmitted,
    Transition,
    WorkDraft,
)
from core.benchmark.workflow import EDITABLE, coordinated_department, executing_department, is_coordinator
from core.clock import Clock
from core.errors import StaleRecord
from core.notifications.service import MessageRef, OutboxSignal, update_notices
from core.permissions import Permission, can, require
from core.values import Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

PAGE_SIZE = 8
REQUEST_NOTICE = "approval_requested"
REVIEW_ACTIONS = frozenset({CaseAction.REVIEW, CaseAction.SAVE_DRAFT, CaseAction.REQUEST_APPROVAL})


class CaseDecisions:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal

    async def _change(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        case: Case,
        action: CaseAction,
        change: Transition,
        *,
        from_states: Sequence[CaseState],
        version: int | None = None,
        round_: int | None = None,
        note: str | None = None,
        changes: dict[str, object] | None = None,
    ) -> Case:
        changed = await uow.benchmark.change_case(
            case.id, change, from_states=from_states, expected_version=version, expected_round=round_
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
            state_to=change.state,
            note=note,
            changes=changes,
        )
        updated = await uow.benchmark.get_case(case.id)
        assert updated is not None
        return updated

    # -- the department -------------------------------------------------------------------------------

    async def save_draft(self, actor: StaffMember, case_id: int, version: int, draft: WorkDraft) -> Case:
        """임시저장: keep unsent work; statistics never count it."""
        cleaned = WorkDraft(
            adoption=draft.adoption,
            opinion=clean_block(draft.opinion, limit=LONG_TEXT_LIMIT) if draft.opinion else None,
            progress_result=draft.progress_result,
            progress_note=clean_block(draft.progress_note, limit=LONG_TEXT_LIMIT) if draft.progress_note else None,
        )
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, CaseAction.SAVE_DRAFT)
            if not await uow.benchmark.change_case(
                case_id,
                DraftSaved(at=self._clock.now(), draft=cleaned),
                from_states=[case.state],
                expected_version=version,
            ):
                raise StaleRecord(f"case {case_id} changed since version {version}")
            updated = await uow.benchmark.get_case(case_id)
            assert updated is not None
            await uow.commit()
        return view_of(actor, updated)

    async def submit_review(
        self, actor: StaffMember, case_id: int, version: int, adoption: Adoption, opinion: str
    ) -> Case:
        """검토결과 입력: the adoption decision and the opinion. A revision after a return keeps the case
        returned until the department asks for approval again."""
        text = clean_block(opinion, limit=LONG_TEXT_LIMIT, minimum=2)
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, CaseAction.REVIEW)
            state = case.state
            before = {"adoption": case.adoption.value if case.adoption else None, "review_opinion": case.review_opinion}
            after = {"adoption": adoption.value, "review_opinion": text}
            changes: dict[str, object] = {k: [before[k], v] for k, v in after.items() if before[k] != v}
            draft = case.draft
            # The progress report in the draft waits for its own turn; the review in it is now submitted.
            remaining = (
                WorkDraft(progress_result=draft.progress_result, progress_note=draft.progress_note)
                if draft and (draft.progress_result or draft.progress_note)
                else None
            )
            review = ReviewSubmitted(
                at=self._clock.now(),
                state=CaseState.RETURNED if state is CaseState.RETURNED else CaseState.REVIEWED,
                reviewed_by_id=actor.id,
                adoption=adoption,
                opinion=text,
                draft=remaining,
            )
            updated = await self._change(
                uow,
                actor,
                case,
                CaseAction.REVIEW,
                review,
                from_states=[state],
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
    ) -> Case:
        """추진사항 입력 및 승인요청: the progress report goes to every coordinator with approve buttons."""
        text = clean_block(note, limit=LONG_TEXT_LIMIT, minimum=2)
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, CaseAction.REQUEST_APPROVAL)
            before = {
                "progress_result": case.progress_result.value if case.progress_result else None,
                "progress_note": case.progress_note,
            }
            after = {"progress_result": result.value, "progress_note": text}
            request = ApprovalRequested(
                at=self._clock.now(),
                state=CaseState.APPROVAL_REQUESTED,
                round=case.approval_round + 1,
                requested_by_id=actor.id,
                progress_result=result,
                progress_note=text,
            )
            updated = await self._change(
                uow,
                actor,
                case,
                CaseAction.REQUEST_APPROVAL,
                request,
                from_states=[case.state],
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
                adoption=updated.adoption.value if updated.adoption else None,
                progress_result=result.value,
                progress_note=text,
            )
            await uow.commit()
        if notified:
            self._signal.fire()
        return view_of(actor, updated)

    async def withdraw(self, actor: StaffMember, case_id: int, round_: int | None = None) -> Case:
        """승인요청 철회: the department takes its request back to change it. ``round_``, if given, is the
        request the withdrawing button belongs to: a later request is not taken back by an older button."""
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, CaseAction.WITHDRAW, round_=round_)
            updated = await self._change(
                uow,
                actor,
                case,
                CaseAction.WITHDRAW,
                RequestWithdrawn(at=self._clock.now(), state=CaseState.REVIEWED),
                from_states=[CaseState.APPROVAL_REQUESTED],
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
        case: Case,
        round_: int,
        action: CaseAction,
        seen_on: MessageRef | None = None,
    ) -> int:
        """Every coordinator's copy of request ``round_`` loses its buttons and says who ended it, and when."""
        closed = {"outcome": CLOSING[action], "by": actor.name, "at": shown_at(self._clock, self._clock.now())}

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

    # -- the coordinator ------------------------------------------------------------------------------

    async def _decide(
        self,
        actor: StaffMember,
        case_id: int,
        round_: int,
        action: CaseAction,
        reason: str | None,
        seen_on: MessageRef | None,
    ) -> Case:
        approved = action is CaseAction.APPROVE
        async with self._uow(write=True) as uow:
            case = await case_for(uow, self._clock, actor, case_id, action, round_=round_)
            decision = Decided(
                at=self._clock.now(),
                state=CaseState.APPROVED if approved else CaseState.RETURNED,
                decided_by_id=actor.id,
                return_reason=reason,
            )
            try:
                updated = await self._change(
                    uow,
                    actor,
                    case,
                    action,
                    decision,
                    from_states=[CaseState.APPROVAL_REQUESTED],
                    round_=round_,
                    note=reason,
                )
            except StaleRecord:
                # Another approver got there first, between our read and our update.
                fresh = await uow.benchmark.get_case(case_id)
                assert fresh is not None
                raise await why_not_decidable(uow, self._clock, actor, fresh, round_, action) from None
            recipients = [r.id for r in (case.officer, case.approval_requested_by) if r is not None]
            kind = "case_approved" if approved else "case_returned"
            notified = await notify(uow, self._clock, actor, updated, kind, recipients, reason=reason)
            notified += await self._close_request(uow, actor, updated, round_, action, seen_on)
            await uow.commit()
        if notified:
            self._signal.fire()
        return view_of(actor, updated)

    async def approve(
        self, actor: StaffMember, case_id: int, round_: int, *, seen_on: MessageRef | None = None
    ) -> Case:
        """승인처리. ``round_`` is the request the approver saw (from the button); ``seen_on`` the message the
        button was on, which the bot turns into the decided case itself (every other copy is edited)."""
        return await self._decide(actor, case_id, round_, CaseAction.APPROVE, None, seen_on)

    async def return_case(
        self, actor: StaffMember, case_id: int, round_: int, reason: str, *, seen_on: MessageRef | None = None
    ) -> Case:
        """반려: back to the department with the reason, which it sees and must answer by resubmitting."""
        text = clean_block(reason, limit=REASON_LIMIT, minimum=2)
        return await self._decide(actor, case_id, round_, CaseAction.RETURN, text, seen_on)

    async def check_decidable(self, actor: StaffMember, case_id: int, round_: int) -> Case:
        """Before asking an approver for a return reason: is the request still open?"""
        async with self._uow() as uow:
            return view_of(actor, await case_for(uow, self._clock, actor, case_id, CaseAction.RETURN, round_=round_))

    # -- what waits for whom --------------------------------------------------------------------------

    async def pending_approvals(self, actor: StaffMember, page: int = 0) -> Page[CaseListItem]:
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
                states = (CaseState.REGISTERED, CaseState.RETURNED)
                to_do = CaseQuery(department_id=executing_department(actor), states=states)
                return await uow.benchmark.count_cases(to_do)
        return 0


def _awaiting(actor: StaffMember) -> CaseQuery:
    """Requests waiting for this coordinator: in the department a scoped one coordinates, and not the
    coordinator's own, which another must decide."""
    return CaseQuery(
        state=CaseState.APPROVAL_REQUESTED,
        department_id=coordinated_department(actor),
        not_requested_by=actor.id,
    )


async def _coordinators_of(uow: UnitOfWork, department_id: int) -> list[int]:
    """Bound coordinators who may decide on ``department_id``'s cases: unscoped ones and those scoped to it."""
    scoped = await uow.grants.department_scopes(Permission.BENCHMARK_COORDINATE.value)
    return [c for c in await coordinator_ids(uow) if scoped.get(c, department_id) == department_id]


__all__ = ["EDITABLE", "REVIEW_ACTIONS", "CaseDecisions"]
