"""What the benchmarking services share: loading a case for an actor, its view, text rules, notices."""

from __future__ import annotations

import re

from core.benchmark.records import CaseRecord
from core.benchmark.values import Adoption, CaseAction, CaseState, CaseView, ProgressResult, WorkDraft
from core.benchmark.workflow import allowed_actions, is_coordinator, is_executor_of, may_view
from core.clock import Clock
from core.errors import InvalidInput, NotFound, NotYourCase, PermissionDenied
from core.notifications.service import enqueue
from core.permissions import Permission, can
from core.values import StaffMember
from storage.uow import UnitOfWork

TITLE_LIMIT = 150
SOURCE_LIMIT = 200
LONG_TEXT_LIMIT = 2000  # a review opinion or progress report: a page of text, as the old web form allowed
REASON_LIMIT = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_line(value: str, *, limit: int, minimum: int = 1) -> str:
    text = " ".join(_CONTROL.sub("", value).split())
    return _measured(text, limit=limit, minimum=minimum)


def clean_block(value: str, *, limit: int, minimum: int = 1) -> str:
    """Multi-line text: line breaks kept, trailing spaces and runs of blank lines removed."""
    lines = [" ".join(line.split()) for line in _CONTROL.sub("", value).replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _measured(text, limit=limit, minimum=minimum)


def _measured(text: str, *, limit: int, minimum: int) -> str:
    if not text:
        raise InvalidInput("text_empty")
    if len(text) < minimum:
        raise InvalidInput("text_too_short", minimum=minimum)
    if len(text) > limit:
        raise InvalidInput("text_too_long", limit=limit, length=len(text))
    return text


def require_benchmark_role(actor: StaffMember) -> None:
    if not (can(actor, Permission.BENCHMARK_COORDINATE) or can(actor, Permission.BENCHMARK_EXECUTE)):
        raise PermissionDenied(f"{actor.saeol_id} has no benchmarking role", permission="benchmark.execute")


async def load_case(uow: UnitOfWork, actor: StaffMember, case_id: int) -> CaseRecord:
    """The case, if it exists and the actor may see it (coordinators: all; departments: their own)."""
    require_benchmark_role(actor)
    case = await uow.benchmark.get_case(case_id)
    if case is None:
        raise NotFound(f"case {case_id}")
    if not may_view(actor, case.department.id):
        raise NotYourCase(f"{actor.saeol_id} may not see case {case_id}")
    return case


def is_own_request(actor: StaffMember, case: CaseRecord) -> bool:
    """The case's approval request is the actor's own, which another coordinator must decide."""
    return case.approval_requested_by is not None and case.approval_requested_by.id == actor.id


def view_of(actor: StaffMember, case: CaseRecord) -> CaseView:
    state = CaseState(case.state)
    actions = allowed_actions(actor, state, case.department.id, has_review=case.adoption is not None)
    if is_own_request(actor, case):
        actions -= {CaseAction.APPROVE, CaseAction.RETURN}  # nobody decides on their own request
    # A draft is the department's unsent work: shown to those who work on the case, not to others.
    draft_visible = is_executor_of(actor, case.department.id) or is_coordinator(actor, case.department.id)
    return CaseView(
        id=case.id,
        case_no=case.case_no,
        title=case.title,
        summary=case.summary,
        source=case.source,
        department=case.department,
        officer=case.officer,
        registered_by=case.registered_by,
        registered_at=case.registered_at,
        state=state,
        adoption=Adoption(case.adoption) if case.adoption else None,
        review_opinion=case.review_opinion,
        reviewed_at=case.reviewed_at,
        reviewed_by=case.reviewed_by,
        progress_result=ProgressResult(case.progress_result) if case.progress_result else None,
        progress_note=case.progress_note,
        approval_round=case.approval_round,
        approval_requested_at=case.approval_requested_at,
        approval_requested_by=case.approval_requested_by,
        decided_at=case.decided_at,
        decided_by=case.decided_by,
        return_reason=case.return_reason,
        draft=WorkDraft.from_json(case.draft) if draft_visible else None,
        version=case.version,
        attachments=case.attachments,
        actions=actions,
    )


def case_payload(case: CaseRecord, actor: StaffMember, **extra: object) -> dict[str, object]:
    """What a notification about ``case`` says, fixed when it is queued."""
    return {
        "case_no": case.case_no,
        "title": case.title,
        "department": case.department.name,
        "officer": case.officer.name if case.officer else None,
        "actor": actor.name,
        "actor_department": actor.department,
        "round": case.approval_round,
        **extra,
    }


async def notify(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    case: CaseRecord,
    kind: str,
    recipients: list[int],
    **extra: object,
) -> int:
    return await enqueue(
        uow,
        clock,
        recipients=recipients,
        kind=kind,
        case_id=case.id,
        payload=case_payload(case, actor, **extra),
        skip=actor.id,
    )


async def coordinator_ids(uow: UnitOfWork) -> list[int]:
    coordinators = await uow.benchmark.list_staff_with_permission(Permission.BENCHMARK_COORDINATE.value)
    return [c.id for c in coordinators if c.bound]


async def record(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    case_id: int,
    action: str,
    *,
    state_from: str | None,
    state_to: str | None,
    note: str | None = None,
    changes: dict[str, object] | None = None,
) -> None:
    """History of the case (shown to staff) and the office-wide audit log (read by admins)."""
    now = clock.now()
    await uow.benchmark.add_event(
        case_id,
        at=now,
        actor_id=actor.id or None,
        action=action,
        state_from=state_from,
        state_to=state_to,
        note=note,
        changes=changes,
    )
    details: dict[str, object] = {"state_from": state_from, "state_to": state_to}
    if changes:
        details["changes"] = changes
    await uow.audit.record(
        at=now,
        actor_staff_id=actor.id or None,
        action=f"benchmark.{action}",
        target_type="benchmark_case",
        target_id=case_id,
        details=details,
    )
