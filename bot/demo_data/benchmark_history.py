"""A demo case's history as the single source of its row, and the domain rules every generated case keeps.

The services write a case's row and its history in one step each; the demo writes only the history and
replays it into the row (``replay``), so the state, the review, the approval round and the version are what
the events say. ``check_benchmark`` holds every case to the rules typed-in cases obey: the texts' limits and
cleaning, the attachments' kinds, and, event by event, that the actor was allowed that action in that state
(``core.benchmark.workflow``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.demo_data.types import DemoBenchmark, DemoCase, DemoEvent, DemoStaff
from core.benchmark.attachments import MAX_ATTACHMENTS_PER_CASE, check_attachment
from core.benchmark.common import LONG_TEXT_LIMIT, REASON_LIMIT, SOURCE_LIMIT, TITLE_LIMIT, clean_block, clean_line
from core.benchmark.values import Adoption, CaseAction, CaseState, ProgressResult
from core.benchmark.workflow import check
from core.errors import InvalidInput
from core.permissions import parse_permissions
from core.staff.directory import SAEOL_ID
from core.values import StaffMember

NAME_LIMIT = 50  # staff and department names, as ``StaffDirectory.add_staff`` allows


@dataclass(slots=True)
class CaseValues:
    """The row fields a history leads to (people as Saeol IDs)."""

    registered_at: datetime
    updated_at: datetime
    state: str = CaseState.REGISTERED.value
    adoption: str | None = None
    review_opinion: str | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    progress_result: str | None = None
    progress_note: str | None = None
    approval_round: int = 0
    approval_requested_at: datetime | None = None
    approval_requested_by: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    return_reason: str | None = None
    version: int = 1


def apply(values: CaseValues, event: DemoEvent) -> None:
    """One event's effect on the row, as the service that writes such an event has it."""
    changes = event.changes or {}
    if event.action == CaseAction.REVIEW:
        if "adoption" in changes:
            values.adoption = str(_new(changes["adoption"]))
        values.review_opinion = event.note
        values.reviewed_at, values.reviewed_by = event.at, event.actor
    elif event.action == CaseAction.REQUEST_APPROVAL:
        if "progress_result" in changes:
            values.progress_result = str(_new(changes["progress_result"]))
        values.progress_note = event.note
        values.approval_round += 1
        values.approval_requested_at, values.approval_requested_by = event.at, event.actor
        values.decided_at = values.decided_by = values.return_reason = None
    elif event.action in (CaseAction.APPROVE, CaseAction.RETURN):
        values.decided_at, values.decided_by = event.at, event.actor
        if event.action == CaseAction.RETURN:
            values.return_reason = event.note
    if event.state_to is not None:
        values.state = event.state_to
    if event.action != CaseAction.REGISTER:
        values.version += 1  # every change after the registration raises it, attachments included
    values.updated_at = event.at


def _new(change: object) -> object:
    assert isinstance(change, list) and len(change) == 2, change
    return change[1]


def replay(case: DemoCase) -> CaseValues:
    first = case.events[0]
    values = CaseValues(registered_at=first.at, updated_at=first.at)
    for event in case.events[1:]:
        apply(values, event)
    if case.draft is not None and case.draft_saved_at is not None:
        values.version += 1
        values.updated_at = max(values.updated_at, case.draft_saved_at)
    return values


# --- the rules ---------------------------------------------------------------------------------------


def check_benchmark(benchmark: DemoBenchmark) -> None:
    """Every staff member and case through the domain's checks; raises ``InvalidInput`` naming the rule."""
    staff = {member.saeol_id: member for member in benchmark.staff}
    if len(staff) != len(benchmark.staff):
        raise InvalidInput("duplicate_staff")
    departments = {name: index for index, name in enumerate(sorted({m.department for m in benchmark.staff}), 1)}
    members = {key: _member(index, m, departments) for index, (key, m) in enumerate(staff.items(), 1)}
    for member in benchmark.staff:
        _check_staff(member)
    if benchmark.desk not in staff:
        raise InvalidInput("unknown_staff", benchmark.desk)
    numbers = [case.case_no for case in benchmark.cases]
    if len(numbers) != len(set(numbers)):
        raise InvalidInput("duplicate_case_no")
    for case in benchmark.cases:
        _check_case(case, members, departments)


def _member(index: int, staff: DemoStaff, departments: dict[str, int]) -> StaffMember:
    return StaffMember(
        id=index,
        saeol_id=staff.saeol_id,
        name=staff.name,
        department=staff.department,
        department_id=departments[staff.department],
        active=True,
        telegram_user_id=None,
        language="ko",
        permissions=frozenset(staff.permissions),
    )


def _check_staff(member: DemoStaff) -> None:
    if not SAEOL_ID.match(member.saeol_id):
        raise InvalidInput("invalid_saeol_id", member.saeol_id)
    for field, value in (("name", member.name), ("department", member.department)):
        if not value or value != " ".join(value.split()) or len(value) > NAME_LIMIT:
            raise InvalidInput(f"invalid_{field}", value, limit=NAME_LIMIT)
    parse_permissions(member.permissions)


def _same(value: str, cleaned: str, what: str) -> None:
    # Generated text must already be in the form the services store, or the demo shows what no one could type.
    if value != cleaned:
        raise InvalidInput("text_not_clean", f"{what}: {value!r}")


def _check_case(case: DemoCase, members: dict[str, StaffMember], departments: dict[str, int]) -> None:
    label = case.case_no
    _same(case.title, clean_line(case.title, limit=TITLE_LIMIT, minimum=2), f"{label} title")
    if case.summary is not None:
        _same(case.summary, clean_block(case.summary, limit=LONG_TEXT_LIMIT), f"{label} summary")
    if case.source is not None:
        _same(case.source, clean_line(case.source, limit=SOURCE_LIMIT), f"{label} source")
    if case.department not in departments:
        raise InvalidInput("unknown_department", f"{label}: {case.department}")
    department_id = departments[case.department]
    if case.officer is not None:
        officer = members.get(case.officer)
        if officer is None or officer.department_id != department_id or "benchmark.execute" not in officer.permissions:
            raise InvalidInput("officer_not_in_department", f"{label}: {case.officer}")
    if len(case.attachments) > MAX_ATTACHMENTS_PER_CASE:
        raise InvalidInput("too_many_attachments", label, limit=MAX_ATTACHMENTS_PER_CASE)
    for attachment in case.attachments:
        checked = check_attachment(attachment.file_name, attachment.content, photo=attachment.photo)
        _same(attachment.file_name, checked.file_name, f"{label} attachment")
        if attachment.uploaded_by not in members or attachment.uploaded_at < case.events[0].at:
            raise InvalidInput("attachment_out_of_history", f"{label}: {attachment.file_name}")
    _check_history(case, members, department_id)


def _check_history(case: DemoCase, members: dict[str, StaffMember], department_id: int) -> None:
    label = case.case_no
    first, *rest = case.events
    registrar = members.get(case.registered_by)
    if (
        first.action != CaseAction.REGISTER
        or first.actor != case.registered_by
        or (first.state_from, first.state_to) != (None, CaseState.REGISTERED.value)
        or registrar is None
        or "benchmark.coordinate" not in registrar.permissions
    ):
        raise InvalidInput("history_starts_wrong", label)
    values = CaseValues(registered_at=first.at, updated_at=first.at)
    previous = first.at
    for event in rest:
        actor = members.get(event.actor)
        if actor is None:
            raise InvalidInput("unknown_staff", f"{label}: {event.actor}")
        if event.at <= previous:
            raise InvalidInput("history_out_of_order", label)
        state = CaseState(values.state)
        if event.state_from != state.value:
            raise InvalidInput("history_state_mismatch", f"{label}: {event.action}")
        action = CaseAction(event.action)
        check(actor, state, department_id, has_review=values.adoption is not None, action=action)
        _check_event(label, event, action, state)
        apply(values, event)
        previous = event.at
    if case.draft is not None:
        check(
            members[case.officer or case.registered_by],
            CaseState(values.state),
            department_id,
            has_review=values.adoption is not None,
            action=CaseAction.SAVE_DRAFT,
        )
        if case.draft_saved_at is None or case.draft_saved_at <= previous:
            raise InvalidInput("history_out_of_order", label)
        if case.draft.opinion is not None:
            _same(case.draft.opinion, clean_block(case.draft.opinion, limit=LONG_TEXT_LIMIT), f"{label} draft")


def _check_event(label: str, event: DemoEvent, action: CaseAction, state: CaseState) -> None:
    """The state an action leads to and the text it carries, as the services write them."""
    changes = event.changes or {}
    expected: CaseState = state
    if action is CaseAction.REVIEW:
        expected = CaseState.RETURNED if state is CaseState.RETURNED else CaseState.REVIEWED
        if "adoption" in changes:
            Adoption(str(_new(changes["adoption"])))
        _same(event.note or "", clean_block(event.note or "", limit=LONG_TEXT_LIMIT, minimum=2), f"{label} review")
    elif action is CaseAction.REQUEST_APPROVAL:
        expected = CaseState.APPROVAL_REQUESTED
        if "progress_result" in changes:
            ProgressResult(str(_new(changes["progress_result"])))
        _same(event.note or "", clean_block(event.note or "", limit=LONG_TEXT_LIMIT, minimum=2), f"{label} report")
    elif action is CaseAction.APPROVE:
        expected = CaseState.APPROVED
    elif action is CaseAction.RETURN:
        expected = CaseState.RETURNED
        _same(event.note or "", clean_block(event.note or "", limit=REASON_LIMIT, minimum=2), f"{label} reason")
    elif action is CaseAction.WITHDRAW:
        expected = CaseState.REVIEWED
    if event.state_to != expected.value:
        raise InvalidInput("history_state_mismatch", f"{label}: {event.action} → {event.state_to}")
