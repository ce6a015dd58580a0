"""Whether a staff member may do something to a case: the one place every benchmarking service asks, and
where a case handed to a staff member gets what they may do to it (``view_of``).

``case_for`` reads the case for an action and refuses it with the first reason that holds, in this order:
the role the action needs at all (before anything is read), the case's existence, the department (a case of
another department is not shown at all), the approval round a button named, then the workflow's rules and
the four-eyes rule (``workflow.require_action``). A decision on a request that is no longer open says who
ended it, and when: from the case, or from its history for an earlier round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.benchmark.common import shown_at
from core.benchmark.values import Case, CaseAction, CaseEvent, CaseState
from core.benchmark.workflow import (
    DECISIONS,
    actions_on,
    check,
    is_coordinator,
    is_executor_of,
    may_view,
    require_action,
    require_role,
)
from core.clock import Clock
from core.errors import AlreadyDecided, CaseLocked, DongneError, NotFound, NotYourCase, StaleRecord
from core.values import StaffMember
from storage.uow import UnitOfWork

# What ends an approval request, and how its notices then say so.
CLOSING = {CaseAction.APPROVE: "approved", CaseAction.RETURN: "returned", CaseAction.WITHDRAW: "withdrawn"}


async def case_for(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    case_id: int,
    action: CaseAction | None = None,
    *,
    round_: int | None = None,
) -> Case:
    """The case, if the actor may see it and, given ``action``, do that to it now. ``round_`` is the approval
    request a button belongs to (for a decision or a withdrawal): a later request is not decided or taken
    back by an older button."""
    require_role(actor, action)
    case = await uow.benchmark.get_case(case_id)
    if case is None:
        raise NotFound(f"case {case_id}")
    if not may_view(actor, case.department.id):
        raise NotYourCase(f"{actor.saeol_id} may not see case {case_id}")
    if action is None:
        return case
    if round_ is not None:
        if action is CaseAction.WITHDRAW and round_ != case.approval_round:
            raise CaseLocked("approval_round_stale", case_no=case.case_no)
        if action in DECISIONS and (case.state is not CaseState.APPROVAL_REQUESTED or case.approval_round != round_):
            raise await why_not_decidable(uow, clock, actor, case, round_, action)
    # A coordinator scoped to another department may still see the case (as its executor), not decide.
    require_action(actor, case, action)
    return case


def view_of(actor: StaffMember, case: Case) -> Case:
    """The case as handed to the actor: with what the actor may do to it now, and the draft, the department's
    unsent work, only for those who work on the case."""
    draft_visible = is_executor_of(actor, case.department.id) or is_coordinator(actor, case.department.id)
    return replace(case, draft=case.draft if draft_visible else None, actions=actions_on(actor, case))


async def why_not_decidable(
    uow: UnitOfWork, clock: Clock, actor: StaffMember, case: Case, round_: int, action: CaseAction
) -> DongneError:
    """Why a decision on ``round_`` cannot be taken now: who decided it (or withdrew it) and when, or the
    workflow rule."""
    state = case.state
    decided_this_round = round_ == case.approval_round and case.decided_by is not None and case.decided_at
    if state in {CaseState.APPROVED, CaseState.RETURNED} and decided_this_round:
        assert case.decided_by is not None and case.decided_at is not None
        at = shown_at(clock, case.decided_at)
        return AlreadyDecided(state is CaseState.APPROVED, by=case.decided_by.name, at=at, case_no=case.case_no)
    if 0 < round_ < case.approval_round or (round_ == case.approval_round and state is CaseState.REVIEWED):
        # An earlier request, ended by a return or a withdrawal: its history says by whom and when.
        ending = _ending_of(await uow.benchmark.list_events(case.id), round_)
        if ending is not None and ending.actor is not None:
            by, at = ending.actor.name, shown_at(clock, ending.at)
            if ending.action == CaseAction.WITHDRAW:
                return CaseLocked("approval_withdrawn", by=by, at=at, case_no=case.case_no)
            return AlreadyDecided(ending.action == CaseAction.APPROVE, by=by, at=at, case_no=case.case_no)
    if state is CaseState.APPROVED:
        at = shown_at(clock, case.decided_at) if case.decided_at else ""
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


def _ending_of(events: Sequence[CaseEvent], round_: int) -> CaseEvent | None:
    """The approval, return or withdrawal that ended request ``round_``: each request starts a round, and the
    first of those that follows it ends it."""
    rounds = 0
    for event in events:
        if event.action == CaseAction.REQUEST_APPROVAL:
            rounds += 1
        elif rounds == round_ and event.action in CLOSING:
            return event
    return None
