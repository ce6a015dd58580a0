"""벤치마킹, as the planning department's coordinator and an executing department's officer live it:
register, notify, review, report progress, approve by button, return with a reason."""

import asyncio

from core.benchmark.values import CaseState
from tests.builders import advance_case, make_case, make_coordinator, make_executor
from tests.conversations.conftest import notifications_settled, shown

SECOND_COORDINATOR_TG = 2003
PDF = b"%PDF-1.4\n% a benchmarking plan\n"


async def test_a_case_goes_from_registration_to_approval_in_the_chat(team, services):
    _, _, coordinator, officer = team
    asked = await coordinator.send("/newcase")
    assert asked[-1].text == shown("ko", "bm.new.ask_title", limit=150)
    await coordinator.send("구내식당 페이백 시스템")
    await coordinator.send("구내식당 이용 실적에 따라 지역화폐로 돌려주는 제도")
    departments = (await coordinator.press("⏭ 건너뛰기"))[-1]
    assert departments.button_texts()[0] == "총무과"
    await coordinator.press("총무과")
    files = (await coordinator.press("이숙영"))[-1]
    assert files.text == shown("ko", "bm.new.ask_files", limit=10)
    saved = (await coordinator.send_document("추진계획.pdf", PDF, "application/pdf"))[-1]
    assert saved.text.startswith("📎 추진계획.pdf 파일을 받았습니다. (1/10)")
    summary = (await coordinator.press("✅ 완료"))[-1]
    assert "사업명: 구내식당 페이백 시스템" in summary.text and "관련자료: 추진계획.pdf" in summary.text
    registered = await coordinator.press("✅ 등록")
    assert registered[0].text == shown("ko", "bm.new.registered_notice_queued", case_no="2026-4-1", officer="이숙영")
    assert registered[-1].text.startswith("📋 2026-4-1 구내식당 페이백 시스템")

    notice = await officer.wait_for_message()
    assert notice.text.startswith("📌 벤치마킹 사업이 배정되었습니다\n2026-4-1 구내식당 페이백 시스템")
    card = (await officer.press("📋 사업 열기", message=notice))[-1]
    assert "진행상태: 등록" in card.text and card.has_button("📝 검토결과 입력")
    file_list = (await officer.press("📎 관련자료 (1)"))[-1]
    sent = (await officer.press(file_list.button_texts()[0]))[-1]
    assert sent.kind == "document" and sent.file_name == "추진계획.pdf" and sent.file_bytes == PDF
    back = (await officer.press("◀ 사업 정보로"))[-1]
    assert back.message_id == card.message_id and back.text == card.text

    await officer.press("📝 검토결과 입력")
    await officer.press("수정도입")
    confirm = (await officer.send("식권 대신 지역화폐로 돌려주도록 고쳐 도입합니다."))[-1]
    assert confirm.text.startswith("2026-4-1 검토결과를 확인해 주십시오.\n채택구분: 수정도입")
    reviewed = (await officer.press("✅ 제출"))[-1]
    assert "진행상태: 검토완료" in reviewed.text and "채택구분: 수정도입" in reviewed.text
    await officer.press("📤 추진사항 입력·승인요청")
    await officer.press("추진중")
    await officer.send("1월부터 시범 운영 중입니다.")
    requested = await officer.press("📤 승인요청")
    assert requested[0].text == shown("ko", "bm.work.request_sent", case_no="2026-4-1")
    assert not requested[-1].has_button("📝 검토결과 수정")  # frozen while the request waits

    request = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    assert "추진결과: 추진중" in request.text and request.button_texts()[:2] == ["✅ 승인", "↩️ 반려"]
    menu = (await coordinator.send("/start"))[-1]
    assert "✅ 내 승인 대기 (1)" in menu.button_texts()
    approved = (await coordinator.press("✅ 승인", message=request))[-1]
    assert approved.message_id == request.message_id  # the request itself turns into the decided case
    assert "진행상태: 승인" in approved.text and "✅ 승인: 2026-11-25 10:00 기획관" in approved.text
    assert not approved.has_button("✅ 승인")
    assert coordinator.callback_answers[-1] == (shown("ko", "bm.approval.approved_toast", case_no="2026-4-1"), False)

    outcome = await officer.wait_for_message(lambda m: m.text.startswith("✅ 승인되었습니다"))
    assert "2026-4-1 구내식당 페이백 시스템" in outcome.text
    history = (await officer.press("🕘 이력"))[-1]
    # Each event once, with who and when; the state only where the action's name does not already say it.
    assert history.text.split("\n")[1:] == [
        "• 2026-11-25 10:00 기획관 — 등록",
        "• 2026-11-25 10:00 이숙영 — 검토결과 입력 → 검토완료",
        "    채택구분: 수정도입",
        "    검토의견: 식권 대신 지역화폐로 돌려주도록 고쳐 도입합니다.",
        "• 2026-11-25 10:00 이숙영 — 추진사항 승인요청",
        "    추진결과: 추진중",
        "    추진사항: 1월부터 시범 운영 중입니다.",
        "• 2026-11-25 10:00 기획관 — 승인",
    ]
    assert "→ 등록" not in history.text and "→ 승인" not in history.text


async def test_the_coordinator_is_told_the_notice_is_on_its_way_not_that_it_arrived(team, services, emulator):
    _, _, coordinator, officer = team
    officer.block()  # the officer's Telegram refuses the bot: the notice cannot arrive
    await coordinator.send("/newcase")
    await coordinator.send("찾아가는 생활체육교실")
    await coordinator.press("⏭ 건너뛰기")
    await coordinator.press("⏭ 건너뛰기")
    await coordinator.press("총무과")
    await coordinator.press("이숙영")
    await coordinator.press("✅ 완료")
    registered = await coordinator.press("✅ 등록")
    assert registered[0].text == shown("ko", "bm.new.registered_notice_queued", case_no="2026-4-1", officer="이숙영")
    assert "알림을 보냈습니다" not in registered[0].text
    await notifications_settled(services)  # tried once and set aside: a blocked chat cannot be retried
    assert [m for m in officer.messages if m.text.startswith("📌")] == []


async def test_a_returned_case_is_revised_and_resubmitted(team, services):
    coordinator_staff, officer_staff, coordinator, officer = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    request = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    ask = (await coordinator.press("↩️ 반려", message=request))[-1]
    assert ask.text.startswith("↩️ 2026-4-1 구내식당 페이백 시스템\n반려 사유를 입력해 주십시오.")
    too_short = (await coordinator.send("x"))[-1]
    assert too_short.text == shown("ko", "error.text_too_short", minimum=2)
    returned = await coordinator.send("예산 산출 근거를 보완해 주십시오.")
    assert returned[0].text == shown("ko", "bm.approval.returned", case_no="2026-4-1")

    notice = await officer.wait_for_message(lambda m: m.text.startswith("↩️ 반려되었습니다"))
    assert "사유: 예산 산출 근거를 보완해 주십시오." in notice.text
    card = (await officer.press("📋 사업 열기", message=notice))[-1]
    assert "진행상태: 반려" in card.text and "반려 사유: 예산 산출 근거를 보완해 주십시오." in card.text
    await officer.press("📤 추진사항 입력·승인요청")
    await officer.press("추진완료")
    kept = (await officer.send("예산 근거를 보완하여 12월부터 시행했습니다."))[-1]
    assert "추진결과: 추진완료" in kept.text
    await officer.press("📤 승인요청")

    second = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    first = next(m for m in coordinator.messages if m.message_id == request.message_id)
    assert first.text.endswith("↩️ 기획관 님이 2026-11-25 10:00에 반려했습니다.")  # closed when returned
    assert first.button_texts() == ["📋 사업 열기"]
    # A client that still shows the first request's buttons: the press says who returned that request.
    stale = await coordinator.press("✅ 승인", message=request)
    assert coordinator.callback_answers[-1] == (
        shown("ko", "error.case_already_returned", case_no="2026-4-1", by="기획관", at="2026-11-25 10:00"),
        True,
    )
    assert stale == [] or "진행상태: 승인요청" in stale[-1].text
    approved = (await coordinator.press("✅ 승인", message=second))[-1]
    assert "진행상태: 승인" in approved.text
    assert (await services.cases.get(coordinator_staff, case.id)).approval_round == 2


async def test_two_approvers_tapping_at_once_approve_once(team, services, emulator):
    coordinator_staff, officer_staff, coordinator, _ = team
    await make_coordinator(services, saeol_id="plan02", name="예산관", telegram_id=SECOND_COORDINATOR_TG)
    colleague = emulator.user(SECOND_COORDINATOR_TG, first_name="예산관")
    await colleague.send("/start")
    case = await make_case(services, coordinator_staff, officer_staff)
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    mine = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    theirs = await colleague.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))

    answered = len(coordinator.callback_answers), len(colleague.callback_answers)
    await asyncio.gather(
        coordinator.press("✅ 승인", message=mine, expect_reply=False),
        colleague.press("✅ 승인", message=theirs, expect_reply=False),
    )
    await coordinator.wait_for_answers(answered[0] + 1)
    await colleague.wait_for_answers(answered[1] + 1)
    history = await services.cases.history(coordinator_staff, case.id)
    assert [e.action for e in history].count("approve") == 1
    answers = [coordinator.callback_answers[-1], colleague.callback_answers[-1]]
    winner = next(e.actor.name for e in history if e.action == "approve")
    assert sum(1 for text, alert in answers if not alert) == 1
    loser_text = next(text for text, alert in answers if alert)
    assert loser_text.startswith(f"2026-4-1은 이미 {winner} 님이 2026-11-25 10:00에 승인했습니다")
    # A third tap, on an old message, changes nothing either.
    await coordinator.press("✅ 승인", message=mine, expect_reply=False)
    await coordinator.wait_for_answers(answered[0] + 2)
    assert coordinator.callback_answers[-1][1]  # told, as an alert, who approved
    assert [e.action for e in await services.cases.history(coordinator_staff, case.id)].count("approve") == 1


async def test_a_department_sees_only_its_own_cases_and_searches_them(team, services, emulator):
    coordinator_staff, officer_staff, coordinator, officer = team
    other = await make_executor(services, saeol_id="culture1", name="김영준", department="문화체육과")
    await make_case(services, coordinator_staff, officer_staff, title="구내식당 페이백 시스템")
    await make_case(services, coordinator_staff, other, title="지식도시락(책) 배달 사업")
    await notifications_settled(services)
    mine = (await officer.send("/cases"))[-1]
    assert mine.text.startswith("총무과 벤치마킹 목록 · 전체 · 1건")
    assert "구내식당" in mine.text and "지식도시락" not in mine.text
    everything = (await coordinator.send("/cases"))[-1]
    assert everything.text.startswith("벤치마킹 목록 · 전체 · 2건")
    assert "2026-4-2 · 문화체육과 · 김영준" in everything.text
    found = (await coordinator.send("도시락"))[-1]  # typing while the list is open searches
    assert found.text.startswith("📋 2026-4-2 지식도시락(책) 배달 사업")
    by_number = (await coordinator.send("/cases 2026-4-1"))[-1]
    assert by_number.text.startswith("📋 2026-4-1 구내식당 페이백 시스템")
    refused = (await officer.send("/cases 2026-4-2"))[-1]
    assert refused.text.startswith("총무과 벤치마킹 목록 · “2026-4-2” · 0건")  # another department's number


async def test_filters_narrow_the_list(team, services):
    coordinator_staff, officer_staff, coordinator, _ = team
    for i in range(3):
        await make_case(services, coordinator_staff, officer_staff, title=f"사업 {i}")
    case = await make_case(services, coordinator_staff, officer_staff, title="검토된 사업")
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.REVIEWED)
    await notifications_settled(services)
    await coordinator.send("/cases")
    await coordinator.press("진행상태")
    narrowed = (await coordinator.press("검토완료"))[-1]
    assert narrowed.text.startswith("벤치마킹 목록 · 검토완료 · 1건") and "검토된 사업" in narrowed.text
    cleared = (await coordinator.press("↺ 조건 초기화"))[-1]
    assert cleared.text.startswith("벤치마킹 목록 · 전체 · 4건")


async def test_the_coordinator_corrects_a_case_and_hands_it_to_another_officer(team, services, emulator):
    coordinator_staff, officer_staff, coordinator, officer = team
    await make_executor(services, saeol_id="culture1", name="김영준", department="문화체육과", telegram_id=2004)
    newcomer = emulator.user(2004)
    await newcomer.send("/start")
    case = await make_case(services, coordinator_staff, officer_staff, title="구내식당 패이백 시스템")
    await notifications_settled(services)
    await coordinator.send(f"/cases {case.case_no}")
    await coordinator.press("✏️ 수정")
    await coordinator.press("사업명")
    saved = await coordinator.send("구내식당 페이백 시스템")
    assert saved[0].text == shown("ko", "bm.edit.saved", case_no=case.case_no)
    assert saved[-1].text.startswith(f"📋 {case.case_no} 구내식당 페이백 시스템")
    await coordinator.press("✏️ 수정", message=saved[-1])
    await coordinator.press("추진부서·담당자")
    await coordinator.press("문화체육과")
    reassigned = (await coordinator.press("김영준"))[-1]
    assert "추진부서: 문화체육과 · 담당자: 김영준" in reassigned.text
    assert (await newcomer.wait_for_message()).text.startswith("📌 벤치마킹 사업이 배정되었습니다")
    history = (await coordinator.press("🕘 이력", message=reassigned))[-1]
    assert "사업명: 구내식당 패이백 시스템 → 구내식당 페이백 시스템" in history.text
    assert "추진부서: 총무과 → 문화체육과" in history.text and "담당자: 이숙영 → 김영준" in history.text
    gone = (await officer.send(f"/cases {case.case_no}"))[-1]  # no longer the first department's case
    assert gone.text.startswith("총무과 벤치마킹 목록")


async def test_the_department_adds_a_file_to_its_case(team, services):
    coordinator_staff, officer_staff, _, officer = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await notifications_settled(services)
    await officer.send(f"/cases {case.case_no}")
    asked = (await officer.press("📎 자료 추가"))[-1]
    assert asked.text == shown("ko", "bm.attach.ask", case_no=case.case_no)
    assert (await officer.send("글"))[-1].text == shown("ko", "bm.attach.expected")
    replies = await officer.send_document("결과보고.hwpx", b"PK\x03\x04 hwpx body")
    assert replies[0].text == shown("ko", "bm.attach.saved", name="결과보고.hwpx")
    assert "📎 관련자료 1건" in replies[-1].text


async def test_typed_text_goes_to_the_dialogue_opened_last(team):
    _, _, coordinator, _ = team
    await coordinator.send("/newcase")
    await coordinator.send("반쯤 쓰다 만 사업")  # left half-way for a phone call
    await coordinator.send("/cancel")
    await coordinator.send("/cases")  # a list left open: typing there searches cases
    await coordinator.send("/newcase")
    title_asked = (await coordinator.send("키즈맘 행복항구"))[-1]
    assert title_asked.text == shown("ko", "bm.new.ask_summary", limit=2000)
    listing = (await coordinator.send("/cases"))[-1]
    assert listing.text.startswith("벤치마킹 목록")
    searched = (await coordinator.send("키즈맘"))[-1]  # now it is a search again, not the summary
    assert searched.text.startswith("벤치마킹 목록 · “키즈맘” · 0건")


async def test_submit_goes_to_the_dialogue_opened_last_of_review_and_progress(team, services):
    """The review and the progress report share 제출, 임시저장 and 취소: a press belongs to the one opened last."""
    coordinator_staff, officer_staff, _, officer = team
    fresh = await make_case(services, coordinator_staff, officer_staff, title="키즈맘 행복항구")
    reviewed = await make_case(services, coordinator_staff, officer_staff, title="느린 우체통")
    await advance_case(services, reviewed, officer_staff, coordinator_staff, to=CaseState.REVIEWED)
    await notifications_settled(services)
    await officer.send(f"/cases {fresh.case_no}")
    await officer.press("📝 검토결과 입력")
    await officer.press("도입")
    await officer.send("그대로 도입하겠습니다.")  # the review waits at its summary
    await officer.send(f"/cases {reviewed.case_no}")
    await officer.press("📤 추진사항 입력·승인요청")
    await officer.press("추진완료")
    await officer.send("주민 설명회를 마치고 시행했습니다.")
    sent = await officer.press("📤 승인요청")
    assert sent[0].text == shown("ko", "bm.work.request_sent", case_no=reviewed.case_no)
    assert (await services.cases.get(officer_staff, fresh.id)).state is CaseState.REGISTERED  # not reviewed
