"""Writing the demo's benchmarking into the unit of work that writes its district, so the demo goes in whole
or not at all: staff through the staff repository (departments, accounts, grants), cases with their
histories, files and serial counters in bulk (``storage.benchmark.bulk``)."""

from __future__ import annotations

from collections import Counter

from bot.demo_data.benchmark_history import replay
from bot.demo_data.types import BenchmarkCounts, DemoAttachment, DemoBenchmark, DemoCase
from core.benchmark.attachments import check_attachment
from core.benchmark.values import (
    Adoption,
    CaseState,
    LoadedCase,
    NewAttachment,
    NewCase,
    NewEvent,
    ProgressResult,
    QuarterSerial,
)
from core.errors import DuplicateStaff, InvalidInput
from core.permissions import Permission
from storage.uow import UnitOfWork


async def write_benchmark(uow: UnitOfWork, benchmark: DemoBenchmark, *, persona: str | None = None) -> BenchmarkCounts:
    """Insert ``benchmark`` (already checked) into an office with no cases yet.

    ``persona`` is the Saeol ID of an existing member of the desk's department who reviews cases there: the
    terminal demo's own account. The cases and history of the generated desk officer become theirs, so the
    person trying the demo finds work addressed to them; the generated desk officer is then not created."""
    rows = uow.demo_benchmark
    await rows.lock()
    cases, quarters = await rows.count_existing()
    if cases or quarters:
        raise InvalidInput("database_not_empty", cases=cases)
    ids: dict[str, int] = {}
    if persona is not None:
        ids[benchmark.desk] = await _persona_id(uow, benchmark, persona)
    new_staff = [member for member in benchmark.staff if member.saeol_id not in ids]
    taken = await rows.taken_saeol_ids(member.saeol_id for member in new_staff)
    if taken:
        raise DuplicateStaff(", ".join(taken), saeol_id=", ".join(taken))
    departments: dict[str, int] = {}
    for name in sorted({m.department for m in new_staff} | {c.department for c in benchmark.cases}):
        departments[name] = await uow.staff.ensure_department(name)
    for member in new_staff:
        staff_id = await uow.staff.add_staff(
            saeol_id=member.saeol_id,
            name=member.name,
            department_id=departments[member.department],
            now=member.joined_at,
        )
        await uow.staff.grant(staff_id, frozenset(member.permissions), member.joined_at)
        ids[member.saeol_id] = staff_id
    case_ids = await rows.insert_cases([_loaded(case, ids, departments) for case in benchmark.cases])
    await rows.insert_events(
        [
            NewEvent(
                case_id=case_id,
                at=event.at,
                actor_id=ids[event.actor],
                action=event.action,
                state_from=event.state_from,
                state_to=event.state_to,
                note=event.note,
                changes=dict(event.changes) if event.changes is not None else None,
            )
            for case, case_id in zip(benchmark.cases, case_ids, strict=True)
            for event in case.events
        ]
    )
    await rows.insert_attachments(
        [
            _attachment(case_id, attachment, ids[attachment.uploaded_by])
            for case, case_id in zip(benchmark.cases, case_ids, strict=True)
            for attachment in case.attachments
        ]
    )
    await rows.insert_serials(
        [
            QuarterSerial(year=year, quarter=quarter, last_serial=last)
            for (year, quarter), last in sorted(benchmark.serials().items())
        ]
    )
    states = Counter(case.state.value for case in benchmark.cases)
    return BenchmarkCounts(staff=len(new_staff), by_state=tuple((s.value, states[s.value]) for s in CaseState))


async def _persona_id(uow: UnitOfWork, benchmark: DemoBenchmark, saeol_id: str) -> int:
    desk = next(member for member in benchmark.staff if member.saeol_id == benchmark.desk)
    member = await uow.staff.find_staff_by_saeol_id(saeol_id)
    fits = (
        member is not None
        and member.active
        and member.department == desk.department
        and Permission.BENCHMARK_EXECUTE.value in member.permissions
    )
    if member is None or not fits:
        raise InvalidInput("demo_persona_unfit", saeol_id, department=desk.department)
    return member.id


def _loaded(case: DemoCase, ids: dict[str, int], departments: dict[str, int]) -> LoadedCase:
    values = replay(case)

    def staff_id(saeol_id: str | None) -> int | None:
        return ids[saeol_id] if saeol_id is not None else None

    registered = NewCase(
        case_no=case.case_no,
        year=case.year,
        quarter=case.quarter,
        serial=case.serial,
        title=case.title,
        summary=case.summary,
        source=case.source,
        department_id=departments[case.department],
        officer_id=staff_id(case.officer),
        registered_by_id=ids[case.registered_by],
        registered_at=values.registered_at,
    )
    return LoadedCase(
        registered=registered,
        state=CaseState(values.state),
        adoption=Adoption(values.adoption) if values.adoption is not None else None,
        review_opinion=values.review_opinion,
        reviewed_at=values.reviewed_at,
        reviewed_by_id=staff_id(values.reviewed_by),
        progress_result=ProgressResult(values.progress_result) if values.progress_result is not None else None,
        progress_note=values.progress_note,
        approval_round=values.approval_round,
        approval_requested_at=values.approval_requested_at,
        approval_requested_by_id=staff_id(values.approval_requested_by),
        decided_at=values.decided_at,
        decided_by_id=staff_id(values.decided_by),
        return_reason=values.return_reason,
        draft=case.draft,
        updated_at=values.updated_at,
        version=values.version,
    )


def _attachment(case_id: int, attachment: DemoAttachment, uploaded_by_id: int) -> NewAttachment:
    """Kind, type, size and checksum as ``CaseRegistry`` stores them for a file sent in the chat."""
    checked = check_attachment(attachment.file_name, attachment.content, photo=attachment.photo)
    return checked.stored(
        attachment.content,
        case_id=case_id,
        telegram_file_id=None,
        uploaded_by_id=uploaded_by_id,
        uploaded_at=attachment.uploaded_at,
    )
