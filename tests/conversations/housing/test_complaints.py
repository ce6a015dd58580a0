"""민원 관리 as two housing officers of 공동주택과 live it: one takes a phone complaint from the complex's card
and hands it to a colleague, who is told, starts it and closes it with a result; a second officer's change
in the meantime is reported with who made it and re-applied; the lists; bad input and stale buttons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.housing.values import ComplaintDraft, ComplaintEdit
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import answer_to, notifications_settled, shown

CLERK_TG, COLLEAGUE_TG = 3001, 3002
WRITER_ROLES = ("housing.read", "housing.write")


@pytest.fixture
async def desk(bot: Any, services: Any, emulator: Any, uow_factory: Any) -> tuple[Any, ...]:
    """성동삼성쉐르빌 and two bound housing officers in a chat with the bot: (complex id, 김민원, 박처리, and
    their chats)."""
    complex_id = await make_complex(uow_factory)
    clerk = await make_staff(services, saeol_id="clerk01", name="김민원", roles=WRITER_ROLES, telegram_id=CLERK_TG)
    colleague = await make_staff(
        services, saeol_id="clerk02", name="박처리", roles=WRITER_ROLES, telegram_id=COLLEAGUE_TG
    )
    chats = emulator.user(CLERK_TG, first_name="민원"), emulator.user(COLLEAGUE_TG, first_name="처리")
    for chat in chats:
        await chat.send("/start")
    return complex_id, clerk, colleague, *chats


async def registered(services: Any, clerk: Any, complex_id: int, assignee: Any, **changes: Any) -> Any:
    values = {
        "complex_id": complex_id,
        "received_on": date(2026, 11, 20),
        "channel": "phone",
        "content": "지하주차장 누수",
        "assignee_id": assignee.id,
        "complainant": "홍길동",
        "contact": "010-1234-5678",
    } | changes
    return await services.complaints.register(clerk, ComplaintDraft(**values))


async def test_a_complaint_from_the_card_through_its_states(desk, services):
    _, _, _, clerk, colleague = desk
    card = (await clerk.send("/complex 쉐르빌"))[-1]
    empty = (await clerk.press("📮 민원 (처리 중 0건)", message=card))[-1]
    assert empty.text == "📮 성동삼성쉐르빌(주상복합)에 처리 중인 민원이 없습니다."
    asked = (await clerk.press("➕ 민원 접수"))[-1]
    assert asked.text.startswith("📮 성동삼성쉐르빌(주상복합) 민원 접수 (1/6)")

    # Every step refuses what it cannot use and asks again.
    assert (await clerk.send("어제"))[-1].text == shown("ko", "error.invalid_complaint_date")
    assert (await clerk.send("2026.11.26"))[-1].text == shown("ko", "error.complaint_date_future", today="2026.11.25")
    assert (await clerk.send("2026.02.30"))[-1].text == shown("ko", "error.invalid_complaint_date")
    channels = (await clerk.send("2026.11.20"))[-1]
    assert channels.button_texts()[:5] == ["방문", "전화", "응답소", "서면", "전자우편·온라인"]
    assert (await clerk.send("전화"))[-1].text == shown("ko", "hc.new.use_buttons")
    await clerk.press("전화", message=channels)
    assert (await clerk.send("가" * 51))[-1].text == shown("ko", "error.invalid_complainant", limit=50)
    await clerk.send("홍길동")
    assert (await clerk.send("1234"))[-1].text == shown("ko", "error.invalid_complaint_contact")
    await clerk.send("010 1234 5678")
    assert (await clerk.send("가" * 1501))[-1].text == shown(
        "ko", "error.invalid_complaint_content", limit=1500, length=1501
    )
    people = (await clerk.send("지하주차장 천장에서 물이 샙니다."))[-1]
    assert people.button_texts()[:2] == ["김민원 (공동주택과)", "박처리 (공동주택과)"]
    forged = await answer_to(clerk, people, "hc:r:as:999999")  # nobody who may take it
    assert forged == (shown("ko", "common.button_invalid"), True)
    summary = (await clerk.press("박처리 (공동주택과)"))[-1]
    assert "접수일: 2026.11.20 · 접수경로: 전화" in summary.text
    assert "민원인: 홍길동 · 연락처: 010-1234-5678" in summary.text
    done = await clerk.press("✅ 접수")
    assert done[0].text == shown("ko", "hc.new.registered_notified", id=1, name="박처리")
    assert done[-1].text.startswith("📮 민원 #1 · 성동삼성쉐르빌(주상복합) (왕십리도선동)")
    # The confirmation pressed twice registers nothing more.
    again = await answer_to(clerk, summary, "hc:r:ok")
    assert again[1] is True
    assert (await services.complaints.mine(desk[2])).total == 1

    notice = await colleague.wait_for_message(lambda m: m.text.startswith("📮 민원이 배정되었습니다"))
    assert "지하주차장 천장에서 물이 샙니다." in notice.text and "홍길동" not in notice.text
    view = (await colleague.press("📮 민원 보기", message=notice))[-1]
    assert "민원인: 홍*동 · 연락처: 010-****-5678" in view.text
    assert "진행상태: 접수 · 접수 후 5일" in view.text
    assert view.button_texts() == ["▶️ 처리 시작", "👤 담당자 변경", "✏️ 수정", "◀ 단지 민원 목록"]

    started = await colleague.press("▶️ 처리 시작", message=view)
    assert started[0].message_id == view.message_id and "진행상태: 처리 중" in started[0].text
    assert started[-1].text == shown("ko", "hc.started.done", id=1)
    # The old 처리 시작 pressed again: already done, by whom.
    replay = await colleague.press_data(view, f"hc:st:1:{1}")
    assert replay[-1].text == shown("ko", "error.complaint_already_started", by="박처리")

    await colleague.press("✅ 종결", message=started[0])
    assert (await colleague.send("가" * 1501))[-1].text == shown(
        "ko", "error.invalid_complaint_result", limit=1500, length=1501
    )
    closed = await colleague.send("배관을 교체하고 누수가 멈춘 것을 확인했습니다.")
    assert closed[0].text == shown("ko", "hc.close.closed", id=1)
    assert "진행상태: 종결" in closed[-1].text and "(2026.11.25 종결)" in closed[-1].text
    assert closed[-1].button_texts() == ["◀ 단지 민원 목록"]
    mine = (await colleague.send("/complaints"))[-1]
    assert mine.text == shown("ko", "hc.list.mine_empty")
    every = (await colleague.press("◀ 단지 민원 목록", message=closed[-1]))[-1]
    assert every.text == "📮 성동삼성쉐르빌(주상복합)에 처리 중인 민원이 없습니다."
    listed = (await colleague.press("🗂 종결 포함 전체", message=every))[-1]
    assert listed.text.startswith("📮 성동삼성쉐르빌(주상복합) 민원 · 전체 1건\n• #1 2026.11.20 종결")


async def test_a_change_made_meanwhile_is_reported_and_applied_again(desk, services):
    complex_id, clerk, colleague, clerk_chat, colleague_chat = desk
    complaint = await registered(services, clerk, complex_id, clerk)
    view = (await clerk_chat.press_data((await clerk_chat.send("/complaints"))[-1], f"hc:o:{complaint.id}"))[-1]
    await services.complaints.start(colleague, complaint.id, complaint.version)  # 박처리 starts it meanwhile
    people = (await clerk_chat.press("👤 담당자 변경", message=view))[-1]
    refused = (await clerk_chat.press("박처리 (공동주택과)", message=people))[-1]
    assert refused.text.startswith(shown("ko", "error.complaint_changed", by="박처리"))
    assert "진행상태: 처리 중" in refused.text
    assert refused.button_texts() == ["🔁 다시 적용", "📮 민원 보기"]
    applied = await clerk_chat.press("🔁 다시 적용", message=refused)
    assert "담당자: 박처리" in applied[0].text
    assert applied[-1].text == shown("ko", "hc.reassign.done_notified", id=complaint.id, name="박처리")
    twice = await clerk_chat.press("🔁 다시 적용", message=refused)
    assert twice[-1].text == shown("ko", "hc.again.gone")
    notice = await colleague_chat.wait_for_message(lambda m: m.text.startswith("📮 민원이 배정되었습니다"))
    assert f"(#{complaint.id})" in notice.text
    await notifications_settled(services)


async def test_lists_of_mine_and_overdue_are_paged(desk, services):
    complex_id, clerk, _, clerk_chat, _ = desk
    for day in range(1, 10):
        await registered(services, clerk, complex_id, clerk, received_on=date(2026, 11, day), content=f"민원 {day}")
    await registered(services, clerk, complex_id, clerk, received_on=date(2026, 11, 24), content="최근 민원")
    first = (await clerk_chat.send("/complaints"))[-1]
    assert first.text.startswith("📋 내 민원 · 처리 중 10건\n• #1 2026.11.01 접수")
    assert "다음 ▶" in first.button_texts() and "⏰ 14일 넘은 민원" in first.button_texts()
    second = (await clerk_chat.press("다음 ▶", message=first))[-1]
    assert second.message_id == first.message_id and "#10 2026.11.24" in second.text
    overdue = (await clerk_chat.press("⏰ 14일 넘은 민원", message=second))[-1]
    assert overdue.text.startswith("⏰ 접수 후 14일이 넘은 민원 9건")
    assert "최근 민원" not in overdue.text
    opened = (await clerk_chat.press(overdue.button_texts()[0], message=overdue))[-1]
    assert "⏰ 접수 후 24일 (14일 경과)" in opened.text
    menu = (await clerk_chat.send("/start"))[-1]
    assert "📮 민원 관리" in menu.button_texts()
    card = (await clerk_chat.send("/complex 쉐르빌"))[-1]
    assert "📮 민원 (처리 중 10건)" in card.button_texts()


async def test_forged_and_foreign_buttons_change_nothing(desk, services, emulator):
    complex_id, clerk, _, clerk_chat, _ = desk
    complaint = await registered(services, clerk, complex_id, clerk)
    screen = (await clerk_chat.send("/complaints"))[-1]
    for data in ("hc:o:abc", "hc:st:1", "hc:l:all:0", "hc:l:mine:-1", "hc:as:1:1"):
        assert await answer_to(clerk_chat, screen, data) == (shown("ko", "common.button_invalid"), True), data
    missing = await clerk_chat.press_data(screen, "hc:o:999999")
    assert missing[-1].text == shown("ko", "error.not_found")
    stale = await clerk_chat.press_data(screen, f"hc:as:{complaint.id}:{complaint.version}:999999")
    assert stale[-1].text == shown("ko", "error.complaint_assignee_not_allowed")
    reader_tg = 3003
    await make_staff(services, saeol_id="reader01", name="조회만", telegram_id=reader_tg)
    reader = emulator.user(reader_tg, first_name="조회")
    await reader.send("/start")
    view = (await reader.press_data((await reader.send("/complaints"))[-1], f"hc:o:{complaint.id}"))[-1]
    assert view.button_texts() == ["◀ 단지 민원 목록"]  # a reader sees no state buttons
    refused = await reader.press_data(view, f"hc:st:{complaint.id}:{complaint.version}")
    assert refused[-1].text == shown("ko", "error.permission_denied")
    assert (await services.complaints.get(clerk, complaint.id)).version == complaint.version


async def test_a_correction_over_a_colleagues_edit_is_refused_then_applied_on_top(desk, services):
    complex_id, clerk, colleague, clerk_chat, _ = desk
    complaint = await registered(services, clerk, complex_id, clerk)
    screen = (await clerk_chat.send("/complaints"))[-1]
    view = (await clerk_chat.press(screen.button_texts()[0], message=screen))[-1]
    assert view.button_texts() == ["▶️ 처리 시작", "👤 담당자 변경", "✏️ 수정", "◀ 단지 민원 목록"]

    await clerk_chat.press("✏️ 수정", message=view)
    asked = (await clerk_chat.press("연락처"))[-1]
    assert asked.button_texts() == ["🗑 비우기", "✖️ 취소"]
    assert (await clerk_chat.send("02-12"))[-1].text == shown("ko", "error.invalid_complaint_contact")
    saved = await clerk_chat.send("0222861234")
    assert saved[0].text == shown("ko", "hc.edit.saved", id=complaint.id)
    assert "연락처: 02-****-1234" in saved[-1].text

    # 박처리 rewrites the complaint while 김민원 still looks at the screen above.
    current = await services.complaints.get(clerk, complaint.id)
    await services.complaints.edit(
        colleague, complaint.id, current.version, ComplaintEdit(content="누수가 2층까지 번졌습니다.")
    )
    await clerk_chat.press("✏️ 수정", message=saved[-1])
    await clerk_chat.press("접수경로")
    refused = (await clerk_chat.press("방문"))[-1]
    assert refused.text.startswith(shown("ko", "error.complaint_changed", by="박처리"))
    assert "누수가 2층까지 번졌습니다." in refused.text and "접수경로: 전화" in refused.text
    applied = await clerk_chat.press("🔁 다시 적용", message=refused)
    assert "접수경로: 방문" in applied[0].text and "누수가 2층까지 번졌습니다." in applied[0].text
    after = await services.complaints.get(clerk, complaint.id)
    assert (after.channel, after.content) == ("visit", "누수가 2층까지 번졌습니다.")

    await clerk_chat.press("✏️ 수정", message=applied[0])
    await clerk_chat.press("민원인")
    cleared = await clerk_chat.press("🗑 비우기")
    assert "민원인: 없음 · 연락처: 02-****-1234" in cleared[0].text
    await clerk_chat.press("✏️ 수정", message=cleared[0])
    await clerk_chat.press("접수일")
    assert (await clerk_chat.send("2099.01.01"))[-1].text == shown(
        "ko", "error.complaint_date_future", today="2026.11.25"
    )
    assert (await clerk_chat.send("/cancel"))[-1].text == shown("ko", "common.cancelled")
    assert (await services.complaints.get(clerk, complaint.id)).received_on == date(2026, 11, 20)


async def test_the_longest_complaint_with_its_result_fits_one_message(desk, services):
    complex_id, clerk, _, clerk_chat, _ = desk
    longest = "가나다라마바사아자차" * 150
    complaint = await registered(services, clerk, complex_id, clerk, content=longest, complainant="가" * 50)
    started = await services.complaints.start(clerk, complaint.id, complaint.version)
    await services.complaints.close(clerk, started.id, started.version, longest)
    screen = (await clerk_chat.send("/complaints"))[-1]
    view = (await clerk_chat.press_data(screen, f"hc:o:{complaint.id}"))[-1]
    assert longest in view.text and len(view.text) <= 4096
    assert clerk_chat.errors == []
