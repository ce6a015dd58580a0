"""The benchmarking workflow as a table: for every role, state and action, allowed or refused and why.

Pure rules, no database. Each row of a table below is one state; its columns are the actions in the order
of ``ACTIONS``; a cell says ``+`` (allowed) or the refusal's code, abbreviated in ``CODES``."""

import pytest

from core.benchmark.values import CaseAction, CaseState
from core.benchmark.workflow import allowed_actions, check, may_view
from core.errors import CaseLocked, DongneError, NotYourCase, PermissionDenied
from core.values import StaffMember

GENERAL_AFFAIRS, PLANNING, WELFARE = 11, 12, 13  # 총무과, 기획예산과, 복지정책과

ACTIONS = (
    CaseAction.EDIT,
    CaseAction.ATTACH,
    CaseAction.SAVE_DRAFT,
    CaseAction.REVIEW,
    CaseAction.REQUEST_APPROVAL,
    CaseAction.WITHDRAW,
    CaseAction.APPROVE,
    CaseAction.RETURN,
)
CODES = {
    "+": None,
    "deny": "permission_denied",
    "other": "case_other_department",
    "done": "case_locked_approved",
    "pend": "case_locked_pending",
    "noreq": "case_not_requested",
    "norev": "case_needs_review",
}

# fmt: off
#                                 EDIT    ATTACH  DRAFT   REVIEW  REQUEST WITHDRAW APPROVE RETURN
COORDINATOR = {
    CaseState.REGISTERED:         "+      +       deny    deny    deny    deny     noreq   noreq",
    CaseState.REVIEWED:           "+      +       deny    deny    deny    deny     noreq   noreq",
    CaseState.APPROVAL_REQUESTED: "pend   pend    deny    deny    deny    deny     +       +",
    CaseState.APPROVED:           "done   done    deny    deny    deny    deny     done    done",
    CaseState.RETURNED:           "+      +       deny    deny    deny    deny     noreq   noreq",
}
OWN_DEPARTMENT = {
    CaseState.REGISTERED:         "deny   +       +       +       norev   noreq    deny    deny",
    CaseState.REVIEWED:           "deny   +       +       +       +       noreq    deny    deny",
    CaseState.APPROVAL_REQUESTED: "deny   pend    pend    pend    pend    +        deny    deny",
    CaseState.APPROVED:           "deny   done    done    done    done    done     deny    deny",
    CaseState.RETURNED:           "deny   +       +       +       +       noreq    deny    deny",
}
OTHER_DEPARTMENT = {
    state:                        "deny   other   other   other   other   other    deny    deny"
    for state in CaseState
}
NO_ROLE = {
    state:                        "deny   deny    deny    deny    deny    deny     deny    deny"
    for state in CaseState
}
# A coordinator who also works in the case's department may do both parts.
BOTH_ROLES = {
    CaseState.REGISTERED:         "+      +       +       +       norev   noreq    noreq   noreq",
    CaseState.REVIEWED:           "+      +       +       +       +       noreq    noreq   noreq",
    CaseState.APPROVAL_REQUESTED: "pend   pend    pend    pend    pend    +        +       +",
    CaseState.APPROVED:           "done   done    done    done    done    done     done    done",
    CaseState.RETURNED:           "+      +       +       +       +       noreq    noreq   noreq",
}
# fmt: on


def staff(*roles: str, department_id: int = GENERAL_AFFAIRS, active: bool = True) -> StaffMember:
    return StaffMember(
        id=department_id * 100 + len(roles),
        saeol_id="someone01",
        name="누군가",
        department="총무과",
        department_id=department_id,
        active=active,
        telegram_user_id=None,
        language="ko",
        permissions=frozenset(roles),
    )


ROLES = {
    "coordinator": (staff("benchmark.coordinate", department_id=PLANNING), COORDINATOR),
    "own department": (staff("benchmark.execute"), OWN_DEPARTMENT),
    "another department": (staff("benchmark.execute", department_id=WELFARE), OTHER_DEPARTMENT),
    "no benchmarking role": (staff("housing.read", "housing.write", "admin"), NO_ROLE),
    "inactive coordinator": (staff("benchmark.coordinate", department_id=PLANNING, active=False), NO_ROLE),
    "inactive executor": (staff("benchmark.execute", active=False), NO_ROLE),
    "coordinator in the department": (staff("benchmark.coordinate", "benchmark.execute"), BOTH_ROLES),
}


def has_review(state: CaseState) -> bool:
    # Every state past 등록 carries a submitted review: a request for approval needs one.
    return state is not CaseState.REGISTERED


CELLS = [
    pytest.param(role, state, action, CODES[code], id=f"{role}-{state.value}-{action.value}")
    for role, (_, table) in ROLES.items()
    for state, row in table.items()
    for action, code in zip(ACTIONS, row.split(), strict=True)
]


@pytest.mark.parametrize(("role", "state", "action", "refusal"), CELLS)
def test_every_role_state_and_action_is_allowed_or_refused_with_its_reason(role, state, action, refusal):
    actor, _ = ROLES[role]
    allowed = allowed_actions(actor, state, GENERAL_AFFAIRS, has_review=has_review(state))
    if refusal is None:
        assert action in allowed
        check(actor, state, GENERAL_AFFAIRS, has_review=has_review(state), action=action)
        return
    assert action not in allowed
    with pytest.raises(DongneError) as refused:
        check(actor, state, GENERAL_AFFAIRS, has_review=has_review(state), action=action)
    assert refused.value.code == refusal


def test_the_tables_cover_every_state_and_the_actions_offered_are_exactly_the_allowed_ones():
    for actor, table in ROLES.values():
        assert set(table) == set(CaseState)
        for state, row in table.items():
            expected = {a for a, code in zip(ACTIONS, row.split(), strict=True) if code == "+"}
            assert allowed_actions(actor, state, GENERAL_AFFAIRS, has_review=has_review(state)) == expected


def test_approving_a_case_never_submitted_is_refused_as_not_requested():
    coordinator, _ = ROLES["coordinator"]
    with pytest.raises(CaseLocked) as refused:
        check(coordinator, CaseState.REGISTERED, GENERAL_AFFAIRS, has_review=False, action=CaseAction.APPROVE)
    assert refused.value.code == "case_not_requested"


def test_a_department_reviewing_another_departments_case_is_told_it_is_not_theirs():
    welfare, _ = ROLES["another department"]
    with pytest.raises(NotYourCase) as refused:
        check(welfare, CaseState.REGISTERED, GENERAL_AFFAIRS, has_review=False, action=CaseAction.REVIEW)
    assert refused.value.code == "case_other_department"
    assert isinstance(refused.value, PermissionDenied)  # edges that only know permissions still refuse it
    assert not may_view(welfare, GENERAL_AFFAIRS)


def test_an_approved_case_is_frozen_for_everyone():
    for role in ("coordinator", "own department", "coordinator in the department"):
        actor, _ = ROLES[role]
        assert allowed_actions(actor, CaseState.APPROVED, GENERAL_AFFAIRS, has_review=True) == frozenset()
    coordinator, _ = ROLES["coordinator"]
    with pytest.raises(CaseLocked) as refused:
        check(coordinator, CaseState.APPROVED, GENERAL_AFFAIRS, has_review=True, action=CaseAction.EDIT)
    assert refused.value.code == "case_locked_approved"


def test_while_approval_is_pending_the_department_may_only_withdraw():
    department, _ = ROLES["own department"]
    state = CaseState.APPROVAL_REQUESTED
    assert allowed_actions(department, state, GENERAL_AFFAIRS, has_review=True) == {CaseAction.WITHDRAW}
    for action in (CaseAction.REVIEW, CaseAction.SAVE_DRAFT, CaseAction.ATTACH):
        with pytest.raises(CaseLocked) as refused:
            check(department, state, GENERAL_AFFAIRS, has_review=True, action=action)
        assert refused.value.code == "case_locked_pending"


def test_approval_cannot_be_requested_before_a_review_is_submitted():
    department, _ = ROLES["own department"]
    for state in (CaseState.REGISTERED, CaseState.REVIEWED, CaseState.RETURNED):
        with pytest.raises(CaseLocked) as refused:
            check(department, state, GENERAL_AFFAIRS, has_review=False, action=CaseAction.REQUEST_APPROVAL)
        assert refused.value.code == "case_needs_review"


def test_staff_without_a_benchmarking_role_are_refused_and_told_which_permission_is_missing():
    clerk, _ = ROLES["no benchmarking role"]
    assert not may_view(clerk, GENERAL_AFFAIRS)
    with pytest.raises(PermissionDenied) as review:
        check(clerk, CaseState.REGISTERED, GENERAL_AFFAIRS, has_review=False, action=CaseAction.REVIEW)
    assert not isinstance(review.value, NotYourCase)
    assert review.value.params == {"permission": "benchmark.execute"}
    with pytest.raises(PermissionDenied) as approve:
        check(clerk, CaseState.APPROVAL_REQUESTED, GENERAL_AFFAIRS, has_review=True, action=CaseAction.APPROVE)
    assert approve.value.params == {"permission": "benchmark.coordinate"}
