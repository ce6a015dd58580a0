"""A restart loses no registration half typed and no notification queued while the bot was down."""

import io

import openpyxl

from core.benchmark.values import CaseState
from tests.builders import advance_case, make_case, make_executor
from tests.conversations.conftest import file_from, notifications_settled, shown, stop_saving


async def test_a_registration_survives_a_restart_half_way(team, bot):
    _, _, coordinator, officer = team
    await coordinator.send("/newcase")
    await coordinator.send("찾아가는 생활체육교실")
    await bot.restart()
    source = (await coordinator.send("대학교 협약 학생 재능기부로 운영"))[-1]
    assert source.text == shown("ko", "bm.new.ask_source", limit=200)
    await coordinator.send("경기 수원시")
    await coordinator.press("총무과")
    await coordinator.press("이숙영")
    await coordinator.press("✅ 완료")
    registered = await coordinator.press("✅ 등록")
    assert registered[0].text.startswith("✅ 등록되었습니다. 관리번호는 2026-4-1입니다.")
    assert (await officer.wait_for_message()).text.startswith("📌 벤치마킹 사업이 배정되었습니다")


async def test_notifications_queued_while_the_bot_is_down_go_out_when_it_is_back(team, bot, services):
    coordinator_staff, officer_staff, _, officer = team
    await bot.stop()
    case = await make_case(services, coordinator_staff, officer_staff, title="느린 우체통")
    await bot.start()
    notice = await officer.wait_for_message()
    assert notice.text.startswith(f"📌 벤치마킹 사업이 배정되었습니다\n{case.case_no} 느린 우체통")


async def test_an_english_speaking_officer_is_notified_in_english(team, services):
    coordinator_staff, officer_staff, _, officer = team
    await services.staff.set_language(officer_staff, "en")
    case = await make_case(services, coordinator_staff, officer_staff, title="Kids-mom harbour")
    notice = await officer.wait_for_message()
    assert notice.text.startswith(f"📌 A benchmarking case is assigned to you\n{case.case_no} Kids-mom harbour")
    assert notice.button_texts() == ["📋 Open the case"]


async def test_the_coordinator_reads_statistics_as_text_chart_and_excel(team, services):
    coordinator_staff, officer_staff, coordinator, _ = team
    culture = await make_executor(services, saeol_id="culture1", name="김영준", department="문화체육과")
    approved = await make_case(services, coordinator_staff, officer_staff, title="승인된 사업")
    await advance_case(services, approved, officer_staff, coordinator_staff, to=CaseState.APPROVED)
    reviewed = await make_case(services, coordinator_staff, culture, title="검토된 사업")
    await advance_case(services, reviewed, culture, coordinator_staff, to=CaseState.REVIEWED)
    await make_case(services, coordinator_staff, culture, title="등록만 된 사업")
    await notifications_settled(services)
    stats = (await coordinator.send("/stats"))[-1]
    assert stats.text.startswith("📊 벤치마킹 통계 · 전체 연도")
    assert "채택현황 (검토결과 제출 2건)\n도입 2 · 수정도입 0\n장기검토 0 · 미도입 0" in stats.text
    assert "추진결과 (승인 1건)" in stats.text and "진행상태 (전체 3건)" in stats.text
    assert "문화체육과" not in stats.text  # the table by department is the chart's and the workbook's
    chart = await file_from(coordinator, "📈 차트", "photo")
    assert chart.kind == "photo" and chart.file_bytes.startswith(b"\x89PNG")
    excel = await file_from(coordinator, "📥 엑셀", "document")
    assert excel.kind == "document" and excel.file_name.endswith(".xlsx")
    assert excel.file_name == "벤치마킹통계_전체_20261125.xlsx"  # the period in Korean, not "all"
    workbook = openpyxl.load_workbook(io.BytesIO(excel.file_bytes))
    assert workbook.sheetnames[0] == "채택현황(부서별)"
    assert "문화체육과" in [cell.value for cell in workbook["채택현황(부서별)"]["A"]]
    narrowed = next(m for m in await coordinator.press("2026년") if m.kind == "text")  # under the workbook
    assert narrowed.text.startswith("📊 벤치마킹 통계 · 2026년")


async def test_a_press_on_a_step_a_kill_lost_shows_the_current_step_again(team, bot, kill, monkeypatch):
    _, _, coordinator, officer = team
    await coordinator.send("/newcase")
    await coordinator.send("찾아가는 생활체육교실")
    await coordinator.press("⏭ 건너뛰기")
    await coordinator.press("⏭ 건너뛰기")
    await bot.app.update_persistence()  # the last periodic flush before the kill
    stop_saving(bot, monkeypatch)
    officers = (await coordinator.press("총무과"))[-1]
    assert officers.text == shown("ko", "bm.new.ask_officer", department="총무과")
    await kill()  # the dialogue is back at choosing the department

    again = await coordinator.press("이숙영", message=officers)
    assert coordinator.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert again[-1].text == shown("ko", "bm.new.ask_department") and again[-1].has_button("총무과")
    await coordinator.press("총무과", message=again[-1])
    await coordinator.press("이숙영")
    await coordinator.press("✅ 완료")
    registered = await coordinator.press("✅ 등록")
    assert registered[0].text.startswith("✅ 등록되었습니다. 관리번호는 2026-4-1입니다.")
    assert (await officer.wait_for_message()).text.startswith("📌 벤치마킹 사업이 배정되었습니다")


async def test_an_edit_a_kill_set_back_asks_its_current_step_again(team, bot, kill, services, monkeypatch):
    coordinator_staff, officer_staff, coordinator, _ = team
    await make_executor(services, saeol_id="culture1", name="김영준", department="문화체육과")
    case = await make_case(services, coordinator_staff, officer_staff, title="느린 우체통")
    await notifications_settled(services)
    await coordinator.send(f"/cases {case.case_no}")
    fields = (await coordinator.press("✏️ 수정"))[-1]
    await bot.app.update_persistence()
    stop_saving(bot, monkeypatch)
    departments = (await coordinator.press("추진부서·담당자", message=fields))[-1]
    await kill()  # the edit is back at choosing the field

    again = (await coordinator.press("문화체육과", message=departments))[-1]
    assert coordinator.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert again.text == shown("ko", "bm.edit.pick", case_no=case.case_no, title="느린 우체통")
    await coordinator.press("추진부서·담당자", message=again)
    await coordinator.press("문화체육과")
    reassigned = (await coordinator.press("김영준 ⚠"))[-1]  # not yet bound to Telegram
    assert "추진부서: 문화체육과 · 담당자: 김영준" in reassigned.text


async def test_a_review_a_kill_set_back_asks_for_the_opinion_again(team, bot, kill, services, monkeypatch):
    coordinator_staff, officer_staff, _, officer = team
    case = await make_case(services, coordinator_staff, officer_staff, title="느린 우체통")
    await notifications_settled(services)
    await officer.send(f"/cases {case.case_no}")
    await officer.press("📝 검토결과 입력")
    await officer.press("도입")
    await bot.app.update_persistence()
    stop_saving(bot, monkeypatch)
    confirm = (await officer.send("그대로 도입하겠습니다."))[-1]
    await kill()  # the review is back at typing the opinion

    again = (await officer.press("✅ 제출", message=confirm))[-1]
    assert officer.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert again.text == shown("ko", "bm.work.ask_opinion", limit=2000)
    await officer.send("그대로 도입하겠습니다.")
    reviewed = (await officer.press("✅ 제출"))[-1]
    assert "진행상태: 검토완료" in reviewed.text and "채택구분: 도입" in reviewed.text
