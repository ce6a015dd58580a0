"""벤치마킹 등록 및 조회: the coordinator registers cases for departments; each side reads what it may."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.benchmark.attachments import MAX_ATTACHMENTS_PER_CASE
from core.benchmark.cases import PAGE_SIZE, STAGED_FILES_KEPT
from core.benchmark.common import TITLE_LIMIT
from core.benchmark.values import Adoption, CaseAction, CaseDraft, CaseEdit, CaseFilter, CaseState
from core.errors import CaseLocked, InvalidInput, NotFound, NotYourCase, PermissionDenied, StaleRecord
from storage.audit.models import AuditEntry
from tests.builders import advance_case, make_case, make_coordinator, make_executor, make_staff

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def draft(officer, **changes):
    values = {
        "title": "구내식당 페이백 시스템",
        "summary": None,
        "source": None,
        "department_id": officer.department_id,
        "officer_id": officer.id,
    }
    return CaseDraft(**{**values, **changes})


async def test_a_registered_case_carries_its_number_people_and_what_the_coordinator_may_do(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services, telegram_id=7001)
    registered = await services.cases.register(
        coordinator,
        draft(
            officer,
            title="  구내식당   페이백 시스템 ",
            summary="이용 실적에 따라\r\n\n\n\n지역화폐 환급",
            source="강동구",
        ),
    )
    case = registered.case
    assert registered.officer_notice_queued
    assert (case.case_no, case.title, case.summary, case.source) == (
        "2026-4-1",
        "구내식당 페이백 시스템",
        "이용 실적에 따라\n\n지역화폐 환급",
        "강동구",
    )
    assert (case.department.name, case.officer.name, case.registered_by.name) == ("총무과", "이숙영", "기획관")
    assert clock.local(case.registered_at) == clock.local(clock.instant)
    assert (case.state, case.adoption, case.approval_round, case.version) == (CaseState.REGISTERED, None, 0, 1)
    assert case.actions == {CaseAction.EDIT, CaseAction.ATTACH}
    seen_by_officer = await services.cases.get(officer, case.id)
    assert seen_by_officer.actions == {CaseAction.ATTACH, CaseAction.SAVE_DRAFT, CaseAction.REVIEW}
    assert (await services.cases.find_by_number(officer, " 2026-4-1 ")).id == case.id


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("", "text_empty"),
        ("  \t ", "text_empty"),
        ("식", "text_too_short"),
        ("가" * (TITLE_LIMIT + 1), "text_too_long"),
    ],
)
async def test_a_title_must_be_two_to_a_hundred_and_fifty_characters(services, title, code):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    with pytest.raises(InvalidInput) as refused:
        await services.cases.register(coordinator, draft(officer, title=title))
    assert refused.value.code == code
    assert (await services.cases.list_cases(coordinator, CaseFilter())).total == 0


async def test_a_case_goes_to_a_known_department_and_an_officer_of_that_department(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    with pytest.raises(NotFound):
        await services.cases.register(coordinator, draft(officer, department_id=424242, officer_id=None))
    with pytest.raises(InvalidInput) as elsewhere:
        await services.cases.register(coordinator, draft(officer, officer_id=welfare.id))
    assert elsewhere.value.code == "officer_not_in_department"
    with pytest.raises(InvalidInput) as not_an_executor:  # the coordinator's own department has no executor
        await services.cases.register(coordinator, draft(coordinator, officer_id=coordinator.id))
    assert not_an_executor.value.code == "officer_not_in_department"
    unassigned = await services.cases.register(coordinator, draft(officer, officer_id=None))
    assert unassigned.case.officer is None and not unassigned.officer_notice_queued


async def test_only_the_coordinator_registers_and_chooses_departments(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    colleague = await make_executor(services, saeol_id="exec02", name="김총무")
    await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    await make_staff(services, saeol_id="park01", name="박공동", department="공동주택과")
    clerk = await make_staff(services, saeol_id="hong02", roles=("housing.read", "admin"))
    for outsider in (officer, clerk):
        with pytest.raises(PermissionDenied):
            await services.cases.register(outsider, draft(officer))
        with pytest.raises(PermissionDenied):
            await services.cases.executing_departments(outsider)
        with pytest.raises(PermissionDenied):
            await services.cases.stage_attachment(outsider, "보고서.pdf", PDF)
    departments = await services.cases.executing_departments(coordinator)
    assert [d.name for d in departments] == [
        "복지정책과",
        "총무과",
    ]  # not 공동주택과 nor 기획예산과: nobody executes there
    officers = await services.cases.officers(coordinator, officer.department_id)
    assert [(o.name, o.bound) for o in officers] == [("김총무", False), ("이숙영", False)]
    assert {o.id for o in officers} == {officer.id, colleague.id}


async def test_files_sent_during_registration_become_the_cases_attachments(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    report = await services.cases.stage_attachment(coordinator, "C:\\문서\\결과보고.pdf", PDF)
    photo = await services.cases.stage_attachment(coordinator, None, PNG, photo=True, telegram_file_id="AgAD")
    assert (report.case_id, report.file_name, report.kind) == (None, "결과보고.pdf", "document")
    assert (await services.cases.attachment(coordinator, report.id)).content == PDF  # the uploader sees it staged
    case = await make_case(services, coordinator, officer, attachments=(report.id, photo.id))
    assert [(a.file_name, a.case_id) for a in case.attachments] == [("결과보고.pdf", case.id), ("사진.png", case.id)]
    fetched = await services.cases.attachment(officer, photo.id)
    assert (fetched.content, fetched.info.mime_type) == (PNG, "image/png")
    with pytest.raises(NotYourCase):
        await services.cases.attachment(welfare, photo.id)
    with pytest.raises(NotFound):
        await services.cases.attachment(officer, 424242)
    with pytest.raises(InvalidInput) as reused:  # attached now, so no longer a staged file
        await make_case(services, coordinator, officer, attachments=(report.id,))
    assert reused.value.code == "attachment_missing"


async def test_staged_files_belong_to_their_sender_are_limited_and_expire(services, clock):
    coordinator = await make_coordinator(services)
    other = await make_coordinator(services, saeol_id="plan02", name="김기획")
    officer = await make_executor(services)
    mine = await services.cases.stage_attachment(coordinator, "보고서.pdf", PDF)
    # A file kept by a case, so that SQLite hands out new ids after the old staged file is cleared.
    await make_case(
        services,
        coordinator,
        officer,
        attachments=((await services.cases.stage_attachment(coordinator, "기존.pdf", PDF)).id,),
    )
    with pytest.raises(NotFound):
        await services.cases.attachment(other, mine.id)
    with pytest.raises(InvalidInput) as foreign:
        await make_case(services, other, officer, attachments=(mine.id,))
    assert foreign.value.code == "attachment_missing"
    with pytest.raises(InvalidInput) as bad:
        await services.cases.stage_attachment(coordinator, "보고서.pdf", b"not a pdf")
    assert bad.value.code == "attachment_content"
    with pytest.raises(InvalidInput) as too_many:
        await make_case(services, coordinator, officer, attachments=tuple(range(1, MAX_ATTACHMENTS_PER_CASE + 2)))
    assert too_many.value.params == {"limit": MAX_ATTACHMENTS_PER_CASE}
    clock.advance(STAGED_FILES_KEPT + timedelta(seconds=1))
    fresh = await services.cases.stage_attachment(coordinator, "새 보고서.pdf", PDF)  # staging clears old files
    with pytest.raises(InvalidInput) as expired:
        await make_case(services, coordinator, officer, attachments=(mine.id, fresh.id))
    assert expired.value.code == "attachment_missing"
    case = await make_case(services, coordinator, officer, attachments=(fresh.id,))
    assert [a.file_name for a in case.attachments] == ["새 보고서.pdf"]


async def test_the_coordinator_lists_every_case_and_a_department_only_its_own(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    clerk = await make_staff(services, saeol_id="hong02")
    ours = await make_case(services, coordinator, officer, title="구내식당 페이백 시스템")
    theirs = await make_case(services, coordinator, welfare, title="어르신 안부 문자")
    everyone = await services.cases.list_cases(coordinator, CaseFilter())
    assert [c.case_no for c in everyone.items] == ["2026-4-1", "2026-4-2"]
    own = await services.cases.list_cases(officer, CaseFilter())
    assert [(c.id, c.department, c.officer) for c in own.items] == [(ours.id, "총무과", "이숙영")]
    assert (await services.cases.list_cases(officer, CaseFilter(department_id=officer.department_id))).total == 1
    with pytest.raises(NotYourCase):
        await services.cases.list_cases(officer, CaseFilter(department_id=welfare.department_id))
    with pytest.raises(NotYourCase):
        await services.cases.get(officer, theirs.id)
    with pytest.raises(NotYourCase):
        await services.cases.history(officer, theirs.id)
    with pytest.raises(NotYourCase):
        await services.cases.find_by_number(officer, theirs.case_no)
    for refused in (
        services.cases.list_cases(clerk, CaseFilter()),
        services.cases.get(clerk, ours.id),
        services.cases.years(clerk),
    ):
        with pytest.raises(PermissionDenied):
            await refused
    with pytest.raises(NotFound):
        await services.cases.get(coordinator, 424242)
    with pytest.raises(NotFound):
        await services.cases.find_by_number(coordinator, "2026-4-9")


async def test_the_list_filters_by_year_quarter_department_adoption_state_number_and_title(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    clock.instant = datetime(2025, 5, 10, 1, 0, tzinfo=UTC)
    old = await make_case(services, coordinator, officer, title="스마트 가로등")  # 2025-2-1
    clock.instant = datetime(2026, 2, 10, 1, 0, tzinfo=UTC)
    winter = await make_case(services, coordinator, welfare, title="어르신 안부 문자")  # 2026-1-1
    clock.instant = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    payback = await make_case(services, coordinator, officer, title="구내식당 페이백 시스템")  # 2026-4-1
    await make_case(services, coordinator, welfare, title="공유 우산 대여")  # 2026-4-2
    payback = await advance_case(services, payback, officer, coordinator, to=CaseState.APPROVED)
    await services.decisions.submit_review(welfare, winter.id, winter.version, Adoption.NOT_ADOPTED, "예산이 없습니다.")

    async def numbers(**filters):
        page = await services.cases.list_cases(coordinator, CaseFilter(**filters))
        assert page.total == len(page.items)
        return [c.case_no for c in page.items]

    assert await numbers() == ["2025-2-1", "2026-1-1", "2026-4-1", "2026-4-2"]  # the report's order
    assert await numbers(year=2026) == ["2026-1-1", "2026-4-1", "2026-4-2"]
    assert await numbers(year=2026, quarter=1) == ["2026-1-1"]
    assert await numbers(quarter=2) == ["2025-2-1"]
    assert await numbers(department_id=welfare.department_id) == ["2026-1-1", "2026-4-2"]
    assert await numbers(adoption=Adoption.ADOPT) == ["2026-4-1"]
    assert await numbers(adoption=Adoption.NOT_ADOPTED) == ["2026-1-1"]
    assert await numbers(state=CaseState.APPROVED) == ["2026-4-1"]
    assert await numbers(state=CaseState.REGISTERED) == ["2025-2-1", "2026-4-2"]
    assert await numbers(text="2026-4-1") == ["2026-4-1"]
    assert await numbers(text="2026-4") == ["2026-4-1", "2026-4-2"]
    assert await numbers(text="2026") == ["2026-1-1", "2026-4-1", "2026-4-2"]
    assert await numbers(text="2026.1.1") == ["2026-1-1"]
    assert await numbers(text="페이 백") == ["2026-4-1"]
    assert await numbers(text="구내식당페이백") == ["2026-4-1"]
    assert await numbers(text="가로") == ["2025-2-1"]
    assert await numbers(text="%") == []
    assert await numbers(year=2026, department_id=officer.department_id, text="우산") == []
    assert await services.cases.years(coordinator) == [2026, 2025]
    assert await services.cases.years(welfare) == [2026]  # a department's years are its own cases' years
    assert old.case_no == "2025-2-1"


async def test_the_list_comes_in_pages_with_the_total(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    for i in range(PAGE_SIZE + 2):
        await make_case(services, coordinator, officer, title=f"사례 {i:02d}")
    first = await services.cases.list_cases(coordinator, CaseFilter())
    second = await services.cases.list_cases(coordinator, CaseFilter(), page=1)
    beyond = await services.cases.list_cases(coordinator, CaseFilter(), page=5)
    assert (first.total, len(first.items), first.has_next, first.count) == (PAGE_SIZE + 2, PAGE_SIZE, True, 2)
    assert (second.total, [c.case_no for c in second.items], second.has_next) == (
        PAGE_SIZE + 2,
        ["2026-4-9", "2026-4-10"],  # numbers in numeric order, not as strings
        False,
    )
    assert (beyond.total, beyond.items) == (PAGE_SIZE + 2, ())
    assert (await services.cases.list_cases(coordinator, CaseFilter(), page=-3)).number == 0


async def test_an_edit_records_old_and_new_values_and_reassigns_with_a_notice(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과", telegram_id=7002)
    case = await make_case(services, coordinator, officer, source="강동구")
    clock.advance(timedelta(hours=2))
    edited = await services.cases.edit(
        coordinator, case.id, case.version, CaseEdit(title="구내식당 지역화폐 페이백", source="강동구청")
    )
    assert (edited.title, edited.source, edited.version) == ("구내식당 지역화폐 페이백", "강동구청", 2)
    unchanged = await services.cases.edit(
        coordinator, case.id, edited.version, CaseEdit(title="구내식당 지역화폐 페이백")
    )
    assert unchanged.version == 2  # nothing changed, nothing written
    moved = await services.cases.edit(
        coordinator, case.id, edited.version, CaseEdit(department_id=welfare.department_id, officer_id=welfare.id)
    )
    assert (moved.department.name, moved.officer.name) == ("복지정책과", "박복지")
    assert await services.notifications.undelivered_count() == 1  # the new officer is told
    with pytest.raises(NotYourCase):  # the old department no longer sees it
        await services.cases.get(officer, case.id)

    history = await services.cases.history(coordinator, case.id)
    assert [(e.action, e.actor.name, e.state_from, e.state_to) for e in history] == [
        ("register", "기획관", None, "registered"),
        ("edit", "기획관", "registered", "registered"),
        ("edit", "기획관", "registered", "registered"),
    ]
    assert clock.local(history[1].at) == clock.local(case.registered_at) + timedelta(hours=2)
    assert history[1].changes == {
        "title": ["구내식당 페이백 시스템", "구내식당 지역화폐 페이백"],
        "source": ["강동구", "강동구청"],
    }
    assert history[2].changes == {"department": ["총무과", "복지정책과"], "officer": ["이숙영", "박복지"]}


async def test_an_edit_from_a_stale_screen_or_by_the_department_or_after_approval_is_refused(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    case = await make_case(services, coordinator, officer)
    await services.cases.edit(coordinator, case.id, case.version, CaseEdit(summary="첫 수정"))
    with pytest.raises(StaleRecord):
        await services.cases.edit(coordinator, case.id, case.version, CaseEdit(summary="늦은 수정"))
    with pytest.raises(InvalidInput) as wrong_officer:
        await services.cases.edit(coordinator, case.id, case.version + 1, CaseEdit(officer_id=welfare.id))
    assert wrong_officer.value.code == "officer_not_in_department"
    with pytest.raises(InvalidInput) as short:
        await services.cases.edit(coordinator, case.id, case.version + 1, CaseEdit(title="식"))
    assert short.value.code == "text_too_short"
    with pytest.raises(PermissionDenied):
        await services.cases.edit(officer, case.id, case.version + 1, CaseEdit(title="부서가 고친 제목"))
    current = await services.cases.get(coordinator, case.id)
    assert (current.summary, current.title, current.officer.id) == ("첫 수정", "구내식당 페이백 시스템", officer.id)
    approved = await advance_case(services, current, officer, coordinator, to=CaseState.APPROVED)
    with pytest.raises(CaseLocked) as locked:
        await services.cases.edit(coordinator, case.id, approved.version, CaseEdit(title="승인 후 수정"))
    assert locked.value.code == "case_locked_approved"


async def test_either_side_may_add_files_to_an_open_case_but_only_their_case(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    case = await make_case(services, coordinator, officer)
    added = await services.cases.add_attachment(officer, case.id, case.version, "../현장 사진.png", PNG)
    assert (added.case_id, added.file_name, added.kind, added.uploaded_by_id) == (
        case.id,
        "현장 사진.png",
        "photo",
        officer.id,
    )
    with pytest.raises(StaleRecord):  # the version moved on with the first file
        await services.cases.add_attachment(coordinator, case.id, case.version, "보고서.pdf", PDF)
    await services.cases.add_attachment(coordinator, case.id, case.version + 1, "보고서.pdf", PDF)
    with pytest.raises(NotYourCase):
        await services.cases.add_attachment(welfare, case.id, case.version + 2, "보고서.pdf", PDF)
    with pytest.raises(InvalidInput) as wrong:
        await services.cases.add_attachment(officer, case.id, case.version + 2, "보고서.exe", b"MZ")
    assert wrong.value.code == "attachment_kind"
    current = await services.cases.get(officer, case.id)
    assert [a.file_name for a in current.attachments] == ["현장 사진.png", "보고서.pdf"]
    assert (await services.cases.attachment(coordinator, added.id)).content == PNG
    with pytest.raises(NotYourCase):
        await services.cases.attachment(welfare, added.id)
    history = await services.cases.history(officer, case.id)
    assert [(e.action, e.actor.name, e.note) for e in history[1:]] == [
        ("attach", "이숙영", "현장 사진.png"),
        ("attach", "기획관", "보고서.pdf"),
    ]
    approved = await advance_case(services, current, officer, coordinator, to=CaseState.APPROVED)
    with pytest.raises(CaseLocked) as locked:
        await services.cases.add_attachment(officer, case.id, approved.version, "추가.pdf", PDF)
    assert locked.value.code == "case_locked_approved"


async def test_a_case_holds_at_most_ten_files(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    staged = [
        (await services.cases.stage_attachment(coordinator, f"자료{i}.pdf", PDF)).id
        for i in range(MAX_ATTACHMENTS_PER_CASE)
    ]
    case = await make_case(services, coordinator, officer, attachments=tuple(staged))
    assert len(case.attachments) == MAX_ATTACHMENTS_PER_CASE
    with pytest.raises(InvalidInput) as full:
        await services.cases.add_attachment(officer, case.id, case.version, "하나 더.pdf", PDF)
    assert full.value.code == "too_many_attachments"


async def test_registering_editing_and_attaching_are_written_to_the_audit_log(services, uow_factory):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    case = await make_case(services, coordinator, officer)
    await services.cases.edit(coordinator, case.id, case.version, CaseEdit(source="강동구청"))
    await services.cases.add_attachment(officer, case.id, case.version + 1, "보고서.pdf", PDF)
    async with uow_factory() as uow:
        entries = (
            await uow._session.execute(
                select(AuditEntry.action, AuditEntry.actor_staff_id, AuditEntry.target_id, AuditEntry.details)
                .where(AuditEntry.target_type == "benchmark_case")
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [(action, actor, target) for action, actor, target, _ in entries] == [
        ("benchmark.register", coordinator.id, case.id),
        ("benchmark.edit", coordinator.id, case.id),
        ("benchmark.attach", officer.id, case.id),
    ]
    assert entries[0].details == {"state_from": None, "state_to": "registered"}
    assert entries[1].details["changes"] == {"source": ["서울 강동구", "강동구청"]}


async def test_a_dialogue_opens_an_action_only_when_the_workflow_allows_it_on_the_card_shown(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    case = await make_case(services, coordinator, officer)
    opened = await services.cases.open_for(officer, case.id, CaseAction.REVIEW, case.version)
    assert opened.id == case.id
    with pytest.raises(StaleRecord):
        await services.cases.open_for(officer, case.id, CaseAction.REVIEW, case.version - 1)
    with pytest.raises(PermissionDenied):  # reviewing is the department's work
        await services.cases.open_for(coordinator, case.id, CaseAction.REVIEW, case.version)
    with pytest.raises(CaseLocked) as refused:
        await services.cases.open_for(officer, case.id, CaseAction.REQUEST_APPROVAL, case.version)
    assert refused.value.code == "case_needs_review"
    pending = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    with pytest.raises(CaseLocked) as locked:
        await services.cases.open_for(coordinator, case.id, CaseAction.EDIT, pending.version)
    assert locked.value.code == "case_locked_pending"
