"""Only the question a staff member is answering keeps its buttons: an answered question loses them, and a
취소 on an old question never ends the dialogue that runs now."""

from core.benchmark.values import CaseState
from tests.builders import advance_case, make_case
from tests.conversations.conftest import notifications_settled, shown


def now_shown(chat, message):
    return next(m for m in chat.messages if m.message_id == message.message_id)


async def press_answer(chat, text, message):
    """Press ``text`` on a message the client still shows with its old buttons; the bot's answer."""
    before = len(chat.callback_answers)
    await chat.press(text, message=message, expect_reply=False)
    await chat.wait_for_answers(before + 1)
    return chat.callback_answers[before]


async def test_a_typed_answer_takes_the_buttons_off_the_question_it_answers(team):
    _, _, coordinator, _ = team
    title_asked = (await coordinator.send("/newcase"))[-1]
    assert title_asked.button_texts() == ["✖ 취소"]
    summary_asked = (await coordinator.send("구내식당 페이백 시스템"))[-1]
    assert summary_asked.text == shown("ko", "bm.new.ask_summary", limit=2000)
    assert now_shown(coordinator, title_asked).button_texts() == []
    too_long = (await coordinator.send("가" * 2001))[-1]  # refused: the question stays open, buttons and all
    assert too_long.text == shown("ko", "error.text_too_long", limit=2000, length=2001)
    assert now_shown(coordinator, summary_asked).button_texts() == ["⏭ 건너뛰기", "✖ 취소"]
    source_asked = (await coordinator.send("구내식당 이용 실적에 따라 돌려주는 제도"))[-1]
    assert now_shown(coordinator, summary_asked).button_texts() == []
    assert source_asked.button_texts() == ["⏭ 건너뛰기", "✖ 취소"]


async def test_the_next_question_arrives_even_when_telegram_fails_to_take_the_old_buttons_off(team, emulator):
    """The answered question's buttons come off while the next question goes out, not before it: Telegram
    failing the first neither holds up nor loses the second, and the member sees no error."""
    _, _, coordinator, _ = team
    title_asked = (await coordinator.send("/newcase"))[-1]
    emulator.fail_next("editMessageReplyMarkup", "server_error")

    summary_asked = (await coordinator.send("구내식당 페이백 시스템"))[-1]

    assert summary_asked.text == shown("ko", "bm.new.ask_summary", limit=2000)
    assert summary_asked.button_texts() == ["⏭ 건너뛰기", "✖ 취소"]
    assert [ok for name, _params, ok in emulator.call_log if name == "editMessageReplyMarkup"] == [False]
    assert now_shown(coordinator, title_asked).button_texts() == ["✖ 취소"]  # left on, refused as outdated
    assert not [m for m in coordinator.messages if m.text == shown("ko", "error.unexpected")]
    source_asked = (await coordinator.send("구내식당 이용 실적에 따라 돌려주는 제도"))[-1]
    assert source_asked.button_texts() == ["⏭ 건너뛰기", "✖ 취소"]


async def test_an_old_registrations_cancel_does_not_end_the_new_one(team, services):
    _, _, coordinator, _ = team
    first = (await coordinator.send("/newcase"))[-1]
    await coordinator.send("반쯤 쓰다 만 사업")
    abandoned = coordinator.last_message  # the summary question of the first run, left for a phone call
    again = (await coordinator.send("/newcase"))[-1]
    assert again.text == shown("ko", "bm.new.ask_title", limit=150)
    assert now_shown(coordinator, abandoned).button_texts() == []  # the newer question took them
    # A phone that still shows the old buttons: the press is told it is old, and the new run carries on.
    assert await press_answer(coordinator, "✖ 취소", abandoned) == (shown("ko", "common.prompt_outdated"), True)
    assert await press_answer(coordinator, "✖ 취소", first) == (shown("ko", "common.prompt_outdated"), True)
    asked = (await coordinator.send("키즈맘 행복항구"))[-1]
    assert asked.text == shown("ko", "bm.new.ask_summary", limit=2000)
    cancelled = (await coordinator.press("✖ 취소", message=asked))[-1]  # the open question's 취소 still works
    assert cancelled.text == shown("ko", "common.cancelled")
    assert now_shown(coordinator, asked).button_texts() == []  # an ended dialogue leaves no buttons


async def test_a_return_reasons_cancel_does_not_end_a_registration_begun_since(team, services):
    coordinator_staff, officer_staff, coordinator, _ = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    request = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    await notifications_settled(services)
    reason_asked = (await coordinator.press("↩️ 반려", message=request))[-1]
    assert reason_asked.button_texts() == ["✖ 취소"]
    await coordinator.send("/newcase")  # a phone call: a new case comes first
    assert now_shown(coordinator, reason_asked).button_texts() == []
    told = await press_answer(coordinator, "✖ 취소", reason_asked)
    assert told == (shown("ko", "common.prompt_outdated"), True)
    asked = (await coordinator.send("찾아가는 생활체육교실"))[-1]  # the registration goes on
    assert asked.text == shown("ko", "bm.new.ask_summary", limit=2000)
    assert (await services.cases.get(coordinator_staff, case.id)).state is CaseState.APPROVAL_REQUESTED


async def test_a_reason_typed_closes_its_question(team, services):
    coordinator_staff, officer_staff, coordinator, _ = team
    case = await make_case(services, coordinator_staff, officer_staff)
    await advance_case(services, case, officer_staff, coordinator_staff, to=CaseState.APPROVAL_REQUESTED)
    request = await coordinator.wait_for_message(lambda m: m.text.startswith("📤 승인 요청"))
    reason_asked = (await coordinator.press("↩️ 반려", message=request))[-1]
    returned = await coordinator.send("예산 산출 근거를 보완해 주십시오.")
    assert returned[0].text == shown("ko", "bm.approval.returned", case_no=case.case_no)
    assert returned[-1].text.startswith(f"📋 {case.case_no}")  # the case as it now stands comes last
    assert now_shown(coordinator, reason_asked).button_texts() == []
    cancelled = (await coordinator.send("/cancel"))[-1]  # nothing of the return is left to cancel
    assert cancelled.text == shown("ko", "common.nothing_to_cancel")


async def test_cancel_typed_takes_the_buttons_off_the_question(team):
    _, _, coordinator, _ = team
    title_asked = (await coordinator.send("/newcase"))[-1]
    cancelled = await coordinator.send("/cancel")
    assert cancelled[-1].text == shown("ko", "common.cancelled")
    assert now_shown(coordinator, title_asked).button_texts() == []
