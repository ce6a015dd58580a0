"""What the coordinator and a department's officer see of benchmarking cases: one 📎 button, lists in the
report's order, no "0회" noise, and an approver's queue that says who asked when."""

from datetime import UTC, datetime, timedelta

from core.benchmark.values import CaseState
from tests.builders import advance_case, make_case, make_executor
from tests.conversations.conftest import notifications_settled, shown

PDF = b"%PDF-1.4\n% a benchmarking plan\n"


async def test_a_case_has_one_paperclip_button_that_leads_to_its_files_and_to_adding_one(team, services):
    coordinator_staff, officer_staff, _, officer = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await notifications_settled(services)
    card = (await officer.send(f"/cases {case.case_no}"))[-1]
    assert "(승인요청" not in card.text  # never sent for approval: no "승인요청 0회"
    assert "진행상태: 등록" in card.text
    assert [b for b in card.button_texts() if b.startswith("📎")] == ["📎 자료 추가"]

    asked = (await officer.press("📎 자료 추가", message=card))[-1]
    assert asked.button_texts() == ["✖ 첨부 그만두기"]
    nudged = (await officer.send("파일은 곧 보내겠습니다"))[-1]
    assert nudged.text == shown("ko", "bm.attach.expected") and nudged.button_texts() == ["✖ 첨부 그만두기"]
    assert now_shown(officer, asked).button_texts() == []  # only the latest question keeps the button
    replies = await officer.send_document("추진계획.pdf", PDF, "application/pdf")
    assert replies[0].text == shown("ko", "bm.attach.saved", name="추진계획.pdf")
    assert now_shown(officer, nudged).button_texts() == []  # answered
    card = replies[-1]
    assert [b for b in card.button_texts() if b.startswith("📎")] == ["📎 관련자료 (1)"]
    files = (await officer.press("📎 관련자료 (1)", message=card))[-1]
    assert files.button_texts() == ["추진계획.pdf (1KB)", "📎 자료 추가", "◀ 사업 정보로"]
    asked = (await officer.press("📎 자료 추가", message=files))[-1]
    assert asked.text == shown("ko", "bm.attach.ask", case_no=case.case_no)
    stopped = (await officer.press("✖ 첨부 그만두기", message=asked))[-1]
    assert stopped.message_id == asked.message_id  # the question turns into the answer, without buttons
    assert stopped.text == shown("ko", "bm.attach.stopped") and stopped.button_texts() == []


def now_shown(chat, message):
    return next(m for m in chat.messages if m.message_id == message.message_id)


async def test_a_case_sent_for_approval_counts_its_requests(team, services):
    coordinator_staff, officer_staff, coordinator, _ = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    await notifications_settled(services)
    card = (await coordinator.send(f"/cases {case.case_no}"))[-1]
    assert "진행상태: 승인요청 (승인요청 1회)" in card.text


async def test_the_list_follows_the_report_order_oldest_number_first(team, services, clock):
    coordinator_staff, officer_staff, coordinator, officer = team
    registered = [
        (datetime(2017, 2, 1, 1, tzinfo=UTC), "주민참여 예산학교"),
        (datetime(2016, 2, 1, 1, tzinfo=UTC), "구내식당 페이백 시스템"),
        (datetime(2016, 11, 1, 1, tzinfo=UTC), "찾아가는 생활체육교실"),
        (datetime(2016, 2, 2, 1, tzinfo=UTC), "지식도시락 배달 사업"),
    ]
    for instant, title in registered:  # not in number order: the list sorts them, not the registration
        clock.instant = instant
        await make_case(services, coordinator_staff, officer_staff, title=title)
    clock.instant = datetime(2026, 11, 25, 1, tzinfo=UTC)
    await notifications_settled(services)
    listing = (await coordinator.send("/cases"))[-1]
    numbers = [line.split(" · ")[0] for line in listing.text.split("\n")[1::2]]
    assert numbers == ["1. 2016-1-1", "2. 2016-1-2", "3. 2016-4-1", "4. 2017-1-1"]
    assert [b.split(" ")[0] for b in listing.button_texts()[:4]] == ["2016-1-1", "2016-1-2", "2016-4-1", "2017-1-1"]
    years = (await coordinator.press("연도", message=listing))[-1]
    assert years.button_texts()[:2] == ["2016년", "2017년"]
    own = (await officer.send("/cases"))[-1]
    assert own.text.split("\n")[1].startswith("1. 2016-1-1")


async def test_the_approval_queue_says_who_asked_and_when(team, services, clock):
    coordinator_staff, officer_staff, coordinator, _ = team
    colleague = await make_executor(services, saeol_id="gen02", name="박지훈")
    first = await make_case(services, coordinator_staff, officer_staff, title="구내식당 페이백 시스템")
    second = await make_case(services, coordinator_staff, colleague, title="지식도시락 배달 사업")
    await advance_case(services, first, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    clock.advance(timedelta(hours=2, minutes=30))
    await advance_case(services, second, colleague, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    await notifications_settled(services)
    queue = (await coordinator.send("/approvals"))[-1]
    lines = queue.text.split("\n")
    assert lines[0] == "✅ 내 승인 대기 · 2건"
    assert lines[1].startswith("1. 2026-4-1") and lines[3] == "    승인요청: 2026-11-25 10:00 이숙영"
    assert lines[4].startswith("2. 2026-4-2") and lines[6] == "    승인요청: 2026-11-25 12:30 박지훈"
