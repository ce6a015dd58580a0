"""The benchmarking workflow as rules: who may do what to a case in which state.

    registered ──review──> reviewed ──request──> approval requested ──approve──> approved
         ^                   ^  │                   │    │
         └── (department revises) ◄──── returned ◄─┘    └─withdraw─> reviewed

The coordinator (``benchmark.coordinate``) registers, edits and decides; the executing department
(``benchmark.execute`` in the case's department) reviews, reports progress and asks for approval. A case
waiting for approval is frozen for the department (it may withdraw the request); an approved case is
frozen for everyone. Nobody decides on a request they made themselves. These functions are pure, so every
rule is tested without a database; ``core.benchmark.access`` applies them to a case read for an action.

A grant scoped to a department narrows it: a coordinator grant scoped to one department coordinates only
that department's cases; an executor grant scoped to a department executes for that department instead of
the member's own. Unscoped grants behave as before: coordinators everywhere, executors in their own
department."""

from __future__ import annotations

from core.benchmark.values import Case, CaseAction, CaseState
from core.errors import CaseLocked, NotYourCase, PermissionDenied
from core.permissions import Permission, can, covers_department, department_scope, require
from core.values import StaffMember

EDITABLE = frozenset({CaseState.REGISTERED, CaseState.REVIEWED, CaseState.RETURNED})
COORDINATOR_ACTIONS = frozenset({CaseAction.EDIT, CaseAction.ATTACH, CaseAction.APPROVE, CaseAction.RETURN})
DEPARTMENT_ACTIONS = frozenset(
    {
        CaseAction.ATTACH,
        CaseAction.SAVE_DRAFT,
        CaseAction.REVIEW,
        CaseAction.REQUEST_APPROVAL,
        CaseAction.WITHDRAW,
    }
)
DECISIONS = frozenset({CaseAction.APPROVE, CaseAction.RETURN})
# Registering and deciding are the coordinator's alone: refused before any case is read.
COORDINATOR_ONLY = frozenset({CaseAction.REGISTER, *DECISIONS})


def require_role(actor: StaffMember, action: CaseAction | None = None) -> None:
    """The role ``action`` needs at all (any action: either benchmarking role), before any case is read."""
    if action in COORDINATOR_ONLY:
        require(actor, Permission.BENCHMARK_COORDINATE)
    elif not (can(actor, Permission.BENCHMARK_COORDINATE) or can(actor, Permission.BENCHMARK_EXECUTE)):
        raise PermissionDenied(f"{actor.saeol_id} has no benchmarking role", permission="benchmark.execute")


def is_coordinator(actor: StaffMember, department_id: int | None = None) -> bool:
    """Coordinates ``department_id``'s cases; without a department, coordinates anywhere at all."""
    if department_id is None:
        return can(actor, Permission.BENCHMARK_COORDINATE)
    return covers_department(actor, Permission.BENCHMARK_COORDINATE, department_id)


def coordinated_department(actor: StaffMember) -> int | None:
    """The one department a scoped coordinator coordinates; None for an unscoped one (every department)."""
    return department_scope(actor, Permission.BENCHMARK_COORDINATE)


def executing_department(actor: StaffMember) -> int:
    """The department the actor executes for: the grant's scope, else the member's own department."""
    scoped = department_scope(actor, Permission.BENCHMARK_EXECUTE)
    return actor.department_id if scoped is None else scoped


def listed_department(actor: StaffMember) -> int | None:
    """The department the actor's case lists are confined to: a coordinator's scope (None, every department,
    when unscoped), else the department the actor executes for."""
    return coordinated_department(actor) if is_coordinator(actor) else executing_department(actor)


def is_executor_of(actor: StaffMember, department_id: int) -> bool:
    return can(actor, Permission.BENCHMARK_EXECUTE) and executing_department(actor) == department_id


def may_view(actor: StaffMember, department_id: int) -> bool:
    return is_coordinator(actor, department_id) or is_executor_of(actor, department_id)


def allowed_actions(
    actor: StaffMember, state: CaseState, department_id: int, *, has_review: bool
) -> frozenset[CaseAction]:
    actions: set[CaseAction] = set()
    if is_coordinator(actor, department_id):
        if state in EDITABLE:
            actions |= {CaseAction.EDIT, CaseAction.ATTACH}
        if state is CaseState.APPROVAL_REQUESTED:
            actions |= {CaseAction.APPROVE, CaseAction.RETURN}
    if is_executor_of(actor, department_id):
        if state in EDITABLE:
            actions |= {CaseAction.ATTACH, CaseAction.SAVE_DRAFT, CaseAction.REVIEW}
        if state in {CaseState.REVIEWED, CaseState.RETURNED} and has_review:
            actions.add(CaseAction.REQUEST_APPROVAL)
        if state is CaseState.APPROVAL_REQUESTED:
            actions.add(CaseAction.WITHDRAW)
    return frozenset(actions)


def check(actor: StaffMember, state: CaseState, department_id: int, *, has_review: bool, action: CaseAction) -> None:
    """Refuse ``action`` unless the rules allow it, saying why: not the actor's role or case (permission),
    or not in this state (the case is locked, not yet reviewed, not waiting for approval)."""
    if action in allowed_actions(actor, state, department_id, has_review=has_review):
        return
    role_actions: set[CaseAction] = set()
    if is_coordinator(actor, department_id):
        role_actions |= COORDINATOR_ACTIONS
    if is_executor_of(actor, department_id):
        role_actions |= DEPARTMENT_ACTIONS
    if action not in role_actions:
        if can(actor, Permission.BENCHMARK_EXECUTE) and not is_coordinator(actor) and action in DEPARTMENT_ACTIONS:
            raise NotYourCase(f"{actor.saeol_id} is not in department {department_id}")
        if action in COORDINATOR_ACTIONS and is_coordinator(actor) and not is_coordinator(actor, department_id):
            raise NotYourCase(f"{actor.saeol_id} does not coordinate department {department_id}")
        required = Permission.BENCHMARK_COORDINATE if action in COORDINATOR_ACTIONS else Permission.BENCHMARK_EXECUTE
        raise PermissionDenied(f"{actor.saeol_id} may not {action.value}", permission=required.value)
    if state is CaseState.APPROVED:
        raise CaseLocked("case_locked_approved")
    if action in {CaseAction.APPROVE, CaseAction.RETURN, CaseAction.WITHDRAW}:
        raise CaseLocked("case_not_requested")
    if state is CaseState.APPROVAL_REQUESTED:
        raise CaseLocked("case_locked_pending")
    if action is CaseAction.REQUEST_APPROVAL:
        raise CaseLocked("case_needs_review")
    raise CaseLocked("case_transition", action=action.value, state=state.value)


def require_coordinates(actor: StaffMember, department_id: int) -> None:
    """A coordinator scoped to a department registers and assigns only that department's cases."""
    if not is_coordinator(actor, department_id):
        raise NotYourCase(f"{actor.saeol_id} does not coordinate department {department_id}")


def is_own_request(actor: StaffMember, case: Case) -> bool:
    """The case's approval request is the actor's own, which another coordinator must decide."""
    return case.approval_requested_by is not None and case.approval_requested_by.id == actor.id


def actions_on(actor: StaffMember, case: Case) -> frozenset[CaseAction]:
    """What the actor may do to the case now."""
    actions = allowed_actions(actor, case.state, case.department.id, has_review=case.adoption is not None)
    if is_own_request(actor, case):
        actions -= DECISIONS
    return actions


def require_action(actor: StaffMember, case: Case, action: CaseAction) -> None:
    """Refuse ``action`` on the case unless ``actions_on`` allows it, saying why: the workflow's reason
    (``check``), or that the request is the actor's own, which another coordinator must decide (the
    four-eyes rule the old approval screen kept by having two roles)."""
    check(actor, case.state, case.department.id, has_review=case.adoption is not None, action=action)
    if action in DECISIONS and is_own_request(actor, case):
        raise CaseLocked("own_request", case_no=case.case_no)
