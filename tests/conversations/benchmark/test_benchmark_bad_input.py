"""벤치마킹 given garbage, forged buttons and the wrong people: a polite answer, and nothing changes."""

from core.benchmark.values import CaseFilter, CaseState
from tests.builders import advance_case, make_case, make_executor, make_staff
from tests.conversations.conftest import answer_to, notifications_settled, shown

HOUSING_TG = 3003
EXE = b"MZ\x90\x00" + b"\x00" * 60


async def count_cases(services, coordinator) -> int:
    return (await services.cases.list_cases(coordinator, CaseFilter())).total


async def test_every_registration_step_refuses_garbage_and_keeps_asking(team, services):
    coordinator_staff, _, coordinator, _ = team
    await coordinator.send("/newcase")
    assert (await coordinator.send("x"))[-1].text == shown("ko", "error.text_too_short", minimum=2)
    too_long = (await coordinator.send("가" * 151))[-1]
    assert too_long.text == shown("ko", "error.text_too_long", limit=150, length=151)
    photo = (await coordinator.send_photo(b"\xff\xd8\xff\xe0" + b"\x00" * 32))[-1]
    assert photo.text == shown("ko", "bm.new.text_expected")
    await coordinator.send("  구내식당   페이백  시스템  ")  # spacing is tidied, not refused
    await coordinator.send("\x00\x01")  # control characters: refused at the gate, the step keeps asking
    assert coordinator.last_message.text == shown("ko", "error.unsafe_text")
    await coordinator.press("⏭ 건너뛰기")
    await coordinator.press("⏭ 건너뛰기")
    typed = (await coordinator.send("총무과"))[-1]  # a department is chosen by button
    assert typed.text == shown("ko", "bm.new.use_buttons")
    departments = next(m for m in reversed(coordinator.messages) if m.has_button("총무과"))
    assert await answer_to(coordinator, departments, "bm:dept:999999") == (shown("ko", "common.button_invalid"), True)
    await coordinator.press("총무과", message=departments)
    officers = next(m for m in reversed(coordinator.messages) if m.has_button("이숙영"))
    assert await answer_to(coordinator, officers, "bm:off:999999") == (shown("ko", "common.button_invalid"), True)
    await coordinator.press("이숙영")
    allowed = "pdf, hwp, hwpx, doc, docx, xls, xlsx, ppt, pptx, jpg, jpeg, png, txt"
    program = (await coordinator.send_document("setup.exe", EXE))[-1]
    assert program.text == shown("ko", "error.attachment_kind", allowed=allowed)
    disguised = (await coordinator.send_document("보고서.pdf", EXE))[-1]
    assert disguised.text == shown("ko", "error.attachment_content", allowed=allowed)
    words = (await coordinator.send("파일 대신 글"))[-1]
    assert words.text == shown("ko", "bm.new.files_expected")
    summary = (await coordinator.press("✅ 완료"))[-1]
    assert "사업명: 구내식당 페이백 시스템" in summary.text and "관련자료: 없음" in summary.text
    assert await count_cases(services, coordinator_staff) == 0
    await coordinator.press("✅ 등록")
    again = await answer_to(coordinator, summary, "bm:ok")  # a second tap
    assert again == (shown("ko", "common.button_invalid"), True)
    assert await count_cases(services, coordinator_staff) == 1


async def test_cancel_leaves_nothing_behind(team, services):
    coordinator_staff, _, coordinator, _ = team
    await coordinator.send("/newcase")
    await coordinator.send("취소될 사업")
    cancelled = (await coordinator.send("/cancel"))[-1]
    assert cancelled.text == shown("ko", "common.cancelled")
    stray = (await coordinator.send("아무 말"))[-1]
    assert stray.text == shown("ko", "common.use_menu")
    assert await count_cases(services, coordinator_staff) == 0


async def test_staff_without_a_benchmarking_role_are_refused_everywhere(team, services, emulator):
    coordinator_staff, officer_staff, _, _ = team
    case = await make_case(services, coordinator_staff, officer_staff)
    case = await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    await make_staff(services, saeol_id="house01", telegram_id=HOUSING_TG)
    housing = emulator.user(HOUSING_TG)
    menu = (await housing.send("/start"))[-1]
    assert not any("벤치마킹" in text or "승인" in text for text in menu.button_texts())
    for command in ("/newcase", "/cases", "/stats", "/approvals"):
        assert (await housing.send(command))[-1].text == shown("ko", "error.permission_denied"), command
    refused = await answer_to(housing, menu, f"ap:ok:{case.id}:{case.approval_round}")
    assert refused == (shown("ko", "error.permission_denied"), True)
    refused = await housing.press_data(menu, f"br:rv:{case.id}:{case.version}")
    assert refused[-1].text == shown("ko", "error.permission_denied")
    assert (await services.cases.get(coordinator_staff, case.id)).state is CaseState.APPROVAL_REQUESTED


async def test_forged_and_stale_buttons_change_nothing(team, services):
    coordinator_staff, officer_staff, coordinator, officer = team
    other = await make_executor(services, saeol_id="culture1", name="김영준", department="문화체육과")
    theirs = await make_case(services, coordinator_staff, other, title="다른 부서 사업")
    mine = await make_case(services, coordinator_staff, officer_staff)
    await notifications_settled(services)
    screen = (await officer.send("/cases"))[-1]
    for data, answer in (
        (f"bc:open:{theirs.id}", "error.case_other_department"),
        (f"br:rv:{theirs.id}:{theirs.version}", "error.case_other_department"),
        ("bc:open:99999999", "error.not_found"),
    ):
        replies = await officer.press_data(screen, data)
        assert replies[-1].text == shown("ko", answer), data
    for data in ("bc:open:abc", "ap:ok:1", "br:rv:1", "bl:s:year:2026;drop", "bs:chart:19999"):
        assert await answer_to(officer, screen, data) == (shown("ko", "common.button_invalid"), True), data
    stale = await officer.press_data(screen, f"br:rv:{mine.id}:{mine.version + 5}")
    assert stale[-1].text == shown("ko", "error.stale_record")
    forged = await answer_to(coordinator, coordinator.last_message, f"ap:ok:{mine.id}:1")
    assert forged == (shown("ko", "error.case_not_requested"), True)
    assert (await services.cases.get(coordinator_staff, mine.id)).state is CaseState.REGISTERED


async def test_a_pending_case_is_frozen_for_the_department_until_it_withdraws(team, services):
    coordinator_staff, officer_staff, _, officer = team
    case = await make_case(services, coordinator_staff, officer_staff)
    requested = await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    await notifications_settled(services)
    card = (await officer.send(f"/cases {requested.case_no}"))[-1]
    assert not card.has_button("📝 검토결과 수정") and card.has_button("↩️ 승인요청 철회")
    old_button = await officer.press_data(card, f"br:rv:{case.id}:{requested.version}")
    assert old_button[-1].text == shown("ko", "error.case_locked_pending")
    withdrawn = await officer.press("↩️ 승인요청 철회")
    assert withdrawn[-1].text == shown("ko", "bm.work.withdrawn", case_no=case.case_no)
    reopened = next(m for m in withdrawn if m.message_id == card.message_id)
    assert "진행상태: 검토완료" in reopened.text and reopened.has_button("📝 검토결과 수정")


async def test_the_review_refuses_garbage_at_every_step(team, services):
    coordinator_staff, officer_staff, _, officer = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await notifications_settled(services)
    await officer.send(f"/cases {case.case_no}")
    asked = (await officer.press("📝 검토결과 입력"))[-1]
    assert (await officer.send("수정도입"))[-1].text == shown("ko", "bm.work.use_buttons")  # typed, not pressed
    assert await answer_to(officer, asked, "br:ad:adopt_everything") == (shown("ko", "common.button_invalid"), True)
    await officer.press("장기검토", message=asked)
    photo = (await officer.send_photo(b"\xff\xd8\xff\xe0" + b"\x00" * 32))[-1]
    assert photo.text == shown("ko", "bm.new.text_expected")
    too_long = (await officer.send("가" * 2001))[-1]
    assert too_long.text == shown("ko", "error.text_too_long", limit=2000, length=2001)
    assert (await officer.send("?"))[-1].text == shown("ko", "error.text_too_short", minimum=2)
    confirm = (await officer.send("예산 확보 후 다시 검토하겠습니다."))[-1]
    assert "채택구분: 장기검토" in confirm.text
    saved = await officer.press("💾 임시저장")
    assert saved[0].text == shown("ko", "bm.work.draft_saved", case_no=case.case_no)
    assert "📝 임시저장된 작성 내용이 있습니다." in saved[-1].text
    unchanged = await services.cases.get(coordinator_staff, case.id)
    assert unchanged.state is CaseState.REGISTERED and unchanged.adoption is None  # a draft is not a review
