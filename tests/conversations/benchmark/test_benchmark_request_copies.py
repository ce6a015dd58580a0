"""Two coordinators of 기획예산과 get every approval request. Once one of them decides (or the department
withdraws the request), the other's copy loses its 승인/반려 buttons and says who decided when, and a press
that still reaches an old copy says the same."""

from datetime import timedelta

import pytest

from core.benchmark.values import CaseState
from tests.builders import advance_case, make_case, make_coordinator
from tests.conversations.conftest import notifications_settled, shown

COLLEAGUE_TG = 2003


@pytest.fixture
async def colleagues(team, services, emulator):
    """The team, with a second coordinator (예산관) in a chat with the bot, and a case whose approval
    request both coordinators have received: (team..., colleague's chat, case, my copy, their copy)."""
    coordinator_staff, officer_staff, coordinator, officer = team
    await make_coordinator(services, saeol_id="plan02", name="예산관", telegram_id=COLLEAGUE_TG)
    colleague = emulator.user(COLLEAGUE_TG, first_name="예산관")
    await colleague.send("/start")
    case = await make_case(services, coordinator_staff, officer_staff)
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    mine = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    theirs = await colleague.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    return coordinator_staff, officer_staff, coordinator, officer, colleague, case, mine, theirs


def now_shown(chat, message):
    """The message as the chat shows it now (edits included)."""
    return next(m for m in chat.messages if m.message_id == message.message_id)


async def answer_to_press(chat, text, message):
    """Press ``text`` on a copy the client still shows with its old buttons; the bot's answer: (text, alert)."""
    before = len(chat.callback_answers)
    await chat.press(text, message=message, expect_reply=False)
    await chat.wait_for_answers(before + 1)
    return chat.callback_answers[before]


async def test_when_one_coordinator_approves_the_others_copy_says_who_approved_when(colleagues, services, clock):
    coordinator_staff, _, coordinator, _, colleague, case, mine, theirs = colleagues
    assert theirs.button_texts()[:2] == ["✅ 승인", "↩️ 반려"]
    clock.advance(timedelta(minutes=42))
    approved = (await coordinator.press("✅ 승인", message=mine))[-1]
    assert approved.message_id == mine.message_id and "진행상태: 승인" in approved.text
    await notifications_settled(services)

    closed = now_shown(colleague, theirs)
    ending = shown("ko", "bm.notice.closed_approved", by="기획관", at="2026-11-25 10:42")
    assert closed.text == theirs.text + "\n\n" + ending
    assert closed.button_texts() == ["📋 사업 열기"]  # no 승인/반려 any more
    assert "진행상태: 승인" in now_shown(coordinator, mine).text  # the approver's own copy stays the card

    # 예산관's phone had not yet shown the edit: both buttons say who approved the request, and when.
    told = shown("ko", "error.case_already_approved", case_no=case.case_no, by="기획관", at="2026-11-25 10:42")
    assert await answer_to_press(colleague, "✅ 승인", theirs) == (told, True)
    assert await answer_to_press(colleague, "↩️ 반려", theirs) == (told, True)
    history = await services.cases.history(coordinator_staff, case.id)
    assert [e.action for e in history].count("approve") == 1 and "return" not in [e.action for e in history]


async def test_when_one_coordinator_returns_every_copy_says_who_returned_when(colleagues, services):
    _, _, coordinator, officer, colleague, case, mine, theirs = colleagues
    await colleague.press("↩️ 반려", message=theirs)
    await colleague.send("예산 산출 근거를 보완해 주십시오.")
    await officer.wait_for_message(lambda m: m.text.startswith("↩️ 반려되었습니다"))
    await notifications_settled(services)

    ending = "\n\n" + shown("ko", "bm.notice.closed_returned", by="예산관", at="2026-11-25 10:00")
    for chat, copy in ((coordinator, mine), (colleague, theirs)):  # the returner's own copy too
        closed = now_shown(chat, copy)
        assert closed.text == copy.text + ending and closed.button_texts() == ["📋 사업 열기"]

    told = shown("ko", "error.case_already_returned", case_no=case.case_no, by="예산관", at="2026-11-25 10:00")
    assert await answer_to_press(coordinator, "✅ 승인", mine) == (told, True)
    assert await answer_to_press(coordinator, "↩️ 반려", mine) == (told, True)


async def test_a_request_approved_from_the_queue_closes_the_approvers_own_notice_too(colleagues, services):
    _, _, coordinator, _, colleague, _, mine, theirs = colleagues
    queue = (await coordinator.send("/approvals"))[-1]
    card = (await coordinator.press(queue.button_texts()[0], message=queue))[-1]
    await coordinator.press("✅ 승인", message=card)
    await notifications_settled(services)
    ending = "\n\n" + shown("ko", "bm.notice.closed_approved", by="기획관", at="2026-11-25 10:00")
    for chat, copy in ((coordinator, mine), (colleague, theirs)):
        closed = now_shown(chat, copy)
        assert closed.text == copy.text + ending and closed.button_texts() == ["📋 사업 열기"]


async def test_a_withdrawn_request_says_so_in_every_copy(colleagues, services):
    _, officer_staff, coordinator, _, colleague, case, mine, theirs = colleagues
    await services.decisions.withdraw(officer_staff, case.id)
    await notifications_settled(services)
    ending = "\n\n" + shown("ko", "bm.notice.closed_withdrawn", by="이숙영", at="2026-11-25 10:00")
    for chat, copy in ((coordinator, mine), (colleague, theirs)):
        closed = now_shown(chat, copy)
        assert closed.text == copy.text + ending and closed.button_texts() == ["📋 사업 열기"]
    told = shown("ko", "error.approval_withdrawn", case_no=case.case_no, by="이숙영", at="2026-11-25 10:00")
    assert await answer_to_press(colleague, "✅ 승인", theirs) == (told, True)


async def test_an_old_requests_copy_says_who_returned_it_after_a_new_request_came(colleagues, services):
    coordinator_staff, officer_staff, _, _, colleague, case, _, theirs = colleagues
    returned = await services.decisions.return_case(coordinator_staff, case.id, 1, "근거를 보완해 주십시오.")
    await advance_case(services, returned, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    second = await colleague.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    await notifications_settled(services)
    assert now_shown(colleague, theirs).button_texts() == ["📋 사업 열기"]
    told = shown("ko", "error.case_already_returned", case_no=case.case_no, by="기획관", at="2026-11-25 10:00")
    assert await answer_to_press(colleague, "✅ 승인", theirs) == (told, True)
    assert now_shown(colleague, second).button_texts()[:2] == ["✅ 승인", "↩️ 반려"]  # the new request is open
