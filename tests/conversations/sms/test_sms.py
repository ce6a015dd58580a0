"""문자 보내기, as a housing officer with the SMS role lives it: choose who, write, preview, send or schedule,
then read the results; and what is refused on the way."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from core.services import Services
from core.sms.values import RecipientSelection
from storage.bot_state.models import BotState
from storage.reference.models import Position
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import answer_to, shown, stop_saving

SENDER_TG, PLAIN_TG = 3001, 3002
LMS_FILLER = "가" * 1000  # 2,000 EUC-KR bytes: the longest LMS


@pytest.fixture
async def sender(bot, services, emulator, uow_factory):
    """공동주택과's officer with sms.send, and two complexes whose managers have mobiles."""
    await make_complex(uow_factory, name="성동삼성쉐르빌(주상복합)", with_office=True, representatives=3)
    await make_complex(uow_factory, name="금호대우아파트", dong="금호1가동", dong_short="금1", with_office=True)
    await make_staff(
        services, saeol_id="sms01", name="문자담당", roles=("housing.read", "sms.send"), telegram_id=SENDER_TG
    )
    chat = emulator.user(SENDER_TG, first_name="문자")
    await chat.send("/start")
    return chat


async def test_a_message_to_every_manager_is_previewed_sent_and_shown_in_the_results(sender):
    asked = (await sender.send("/sms"))[-1]
    assert asked.text == shown("ko", "sms.new.ask_kind")
    await sender.press("🏢 관리소장")
    resolved = (await sender.press("전체 단지"))[-1]
    # Both managers are on the builder's one number: it gets the message once.
    assert "받으실 분: 1명" in resolved.text and shown("ko", "sms.resolved.duplicates", count=1) in resolved.text
    preview = (await sender.send("{이름} 소장님, 관리비 점검 일정 안내드립니다. {단지명}"))[-1]
    assert "문자 유형: SMS(단문)" in preview.text and "받는 분: 관리소장 · 전체 단지 — 1명" in preview.text
    assert "이정호 님께 보낼 문자" in preview.text and "이정호 소장님, 관리비 점검 일정 안내드립니다." in preview.text
    assert shown("ko", "sms.ums_not_configured_yet") in preview.text
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    assert confirm.text.endswith(shown("ko", "sms.confirm.ask"))

    sent = await answer_to(sender, confirm, confirm.button("✅ 보내기").callback_data)
    assert sent == (None, False)
    done = sender.last_message
    assert done.text.startswith("✅ 문자 #1") and shown("ko", "sms.ums_not_configured") in done.text
    again = await answer_to(sender, confirm, confirm.button("✅ 보내기").callback_data)  # the double tap
    assert again == (shown("ko", "sms.new.already_sent", id=1), True)

    results = (await sender.send("/sms_results"))[-1]
    assert results.text.startswith(shown("ko", "sms.results.head", total=1))
    assert shown("ko", "sms.ums_not_configured") in results.text
    assert "대상 1 ·" in results.text and "전달 0" in results.text  # nothing was delivered
    detail = (await sender.press("#1 상세"))[-1]
    assert detail.text.startswith(shown("ko", "sms.detail.head", id=1))
    assert "1. 이정호 (" in detail.text and "010-****-5678 — 발송 대기" in detail.text  # masked without pii.view
    assert shown("ko", "sms.state.delivered") not in detail.text
    workbook = (await sender.press("📥 엑셀 다운로드"))[-1]
    assert workbook.kind == "document" and workbook.file_name.endswith(".xlsx")
    assert workbook.file_bytes.startswith(b"PK")


async def test_representatives_by_position_are_reached_through_the_dong(sender):
    await sender.send("/sms")
    await sender.press("👥 입주자대표")
    await sender.press("동별")
    await sender.press("왕십리도선동")
    resolved = (await sender.press("회장"))[-1]
    assert "입주자대표 · 왕십리도선동 · 회장" in resolved.text and "받으실 분: 1명" in resolved.text


async def test_complexes_are_picked_by_name(sender):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("단지 선택")
    found = (await sender.send("금호"))[-1]
    ticked = (await sender.press(found.button_texts()[0]))[-1]
    assert ticked.button_texts()[0] == "✅ 금호대우아파트"
    resolved = (await sender.press("✅ 선택 완료 (1)"))[-1]
    assert "받으실 분: 1명" in resolved.text


async def test_a_scheduled_message_is_listed_and_cancelled(sender, services):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    await sender.send("내일 점검이 있습니다.")
    days = (await sender.press("🕘 예약 발송"))[-1]
    assert days.button_texts()[0] == "11/25(수) 오늘"
    hours = (await sender.press("11/26(목)"))[-1]
    assert "22시 🌙" in hours.button_texts()
    await sender.press("9시")
    confirm = (await sender.press("09:30"))[-1]
    assert "예약 발송: 2026-11-26 09:30" in confirm.text
    assert shown("ko", "sms.confirm.night") not in confirm.text
    done = (await sender.press("✅ 보내기"))[-1]
    assert done.text.startswith("🕘 문자 #1을 2026-11-26 09:30에 1명에게")

    listed = (await sender.press("🕘 전송예약 조회", message=(await sender.send("/sms"))[-1]))[-1]
    assert (
        listed.text.startswith(shown("ko", "sms.scheduled.head", total=1)) and "🕘 예약 2026-11-26 09:30" in listed.text
    )
    ask = (await sender.press("✖ #1 예약 취소"))[-1]
    assert ask.text == shown("ko", "sms.results.cancel_ask", id=1, count=1, at="2026-11-26 09:30")
    cancelled = await sender.press("✅ 예, 취소합니다")
    assert cancelled[0].text == shown("ko", "sms.results.cancelled", id=1)
    assert "취소 1" in cancelled[-1].text and not cancelled[-1].has_button("✖ 예약 취소")
    again = (await answer_to(sender, ask, "sr:cy:1"), sender.messages[-2].text)
    assert again[1] == shown("ko", "error.sms_already_cancelled")


async def test_a_night_schedule_is_warned_about(sender):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    await sender.send("야간 안내")
    await sender.press("🕘 예약 발송")
    await sender.press("11/26(목)")
    await sender.press("22시 🌙")
    confirm = (await sender.press("22:00"))[-1]
    assert shown("ko", "sms.confirm.night") in confirm.text


async def test_bad_text_and_times_are_refused_with_the_reason(sender):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    empty = (await sender.send("   "))[-1]
    assert empty.text == shown("ko", "error.sms_text_empty")
    too_long = (await sender.send(LMS_FILLER + "가"))[-1]
    assert too_long.text == shown("ko", "error.sms_text_too_long", length=2002, limit=2000)
    asked = (await sender.send(LMS_FILLER))[-1]
    assert asked.text.startswith(shown("ko", "sms.subject.ask", length="2,000", limit=60))
    preview = (await sender.press("👍 기본 제목으로 하기"))[-1]
    assert "문자 유형: LMS(장문) (2,000/2,000바이트)" in preview.text
    days = (await sender.press("🕘 예약 발송"))[-1]
    past = await sender.press_data(days, "sm:at:20261125:9:0")
    assert past[0].text == shown("ko", "error.sms_schedule_past")
    too_far = await sender.press_data(past[-1], "sm:at:20270101:9:0")
    assert too_far[0].text == shown("ko", "error.sms_schedule_too_far", days=35)
    forged = await answer_to(sender, too_far[-1], "sm:at:20261126:25:0")
    assert forged == (shown("ko", "common.button_invalid"), True)
    # A confirmation's 보내기 is no button of the picker: the picker is asked again, nothing is sent.
    not_now = await answer_to(sender, too_far[-1], "sm:go:deadbeef")
    assert not_now == (shown("ko", "common.screen_outdated"), False)


async def test_forged_buttons_change_nothing(sender):
    asked = (await sender.send("/sms"))[-1]
    assert await answer_to(sender, asked, "sm:k:everyone") == (shown("ko", "common.button_invalid"), True)
    await sender.press("👥 입주자대표")
    scopes = (await sender.press("전체 단지"))[-1]
    assert await answer_to(sender, scopes, "sm:p:대통령") == (shown("ko", "common.button_invalid"), True)
    assert await answer_to(sender, scopes, "sr:b:99999:0") == (None, False)
    assert sender.last_message.text == shown("ko", "error.not_found")


async def test_a_staff_member_without_the_sms_role_is_refused(bot, services, emulator):
    await make_staff(services, saeol_id="plain01", name="일반직원", telegram_id=PLAIN_TG)
    chat = emulator.user(PLAIN_TG, first_name="일반")
    menu = (await chat.send("/start"))[-1]
    assert not menu.has_button("✉️ 문자 보내기")
    refused = (await chat.send("/sms"))[-1]
    assert refused.text == shown("ko", "error.permission_denied")
    results = (await chat.send("/sms_results"))[-1]
    assert results.text == shown("ko", "error.permission_denied")
    assert await answer_to(chat, menu, "sr:x:1") == (None, False)
    assert chat.last_message.text == shown("ko", "error.permission_denied")


async def test_the_people_chosen_are_saved_as_a_list_and_texted_again_later(sender):
    await sender.send("/sms")
    await sender.press("👥 입주자대표")
    await sender.press("전체 단지")
    resolved = (await sender.press("회장"))[-1]
    asked = (await sender.press("💾 이 분들을 목록으로 저장", message=resolved))[-1]
    assert asked.text == shown("ko", "sms.lists.ask_name", limit=40)
    too_long = (await sender.send("가" * 41))[-1]
    assert too_long.text == shown("ko", "error.invalid_sms_list_name", limit=40)
    saved = await sender.send("회장단")
    assert saved[0].text == shown("ko", "sms.lists.saved", name="회장단", count=1)
    assert saved[-1].text.startswith(shown("ko", "sms.new.ask_text").splitlines()[0])
    taken = await sender.press("💾 이 분들을 목록으로 저장", message=saved[-1])
    assert (await sender.send("회장단"))[-1].text == shown("ko", "error.sms_list_name_taken", name="회장단")
    await sender.press("◀ 저장하지 않고 돌아가기", message=taken[-1])

    kinds = (await sender.send("/sms"))[-1]
    lists = (await sender.press("📋 저장된 목록", message=kinds))[-1]
    assert lists.text == shown("ko", "sms.lists.head", count=1)
    chosen = (await sender.press("회장단 (1명)"))[-1]
    assert "저장된 목록 「회장단」" in chosen.text and "받으실 분: 1명" in chosen.text
    assert not chosen.has_button("💾 이 분들을 목록으로 저장")
    preview = (await sender.send("{이름}님, 회장단 회의 안내드립니다."))[-1]
    assert "받는 분: 저장된 목록 「회장단」 — 1명" in preview.text and "김대표1님, 회장단 회의" in preview.text
    await sender.press("📤 지금 보내기")
    done = (await sender.press("✅ 보내기"))[-1]
    assert done.text.startswith("✅ 문자 #1을 1명에게")


async def test_a_saved_list_is_deleted_only_after_asking(sender, services):
    kinds = (await sender.send("/sms"))[-1]
    empty = (await sender.press("📋 저장된 목록", message=kinds))[-1]
    assert empty.text == shown("ko", "sms.lists.empty")
    staff = await services.staff.identify(SENDER_TG)
    await services.sms_lists.save_selection(staff, "관리소장 전체", RecipientSelection("managers"))
    await sender.press("◀ 받는 분 구분으로", message=empty)
    lists = (await sender.press("📋 저장된 목록"))[-1]
    assert lists.button_texts()[:2] == ["관리소장 전체 (1명)", "🗑"]
    assert await answer_to(sender, lists, "sm:l:99999") == (shown("ko", "common.button_invalid"), True)
    ask = (await sender.press("🗑", message=lists))[-1]
    assert ask.text == shown("ko", "sms.lists.delete_ask", name="관리소장 전체")
    kept = (await sender.press("◀ 아니요"))[-1]
    assert kept.text == shown("ko", "sms.lists.head", count=1)
    await sender.press("🗑")
    gone = await answer_to(sender, ask, ask.button("🗑 예, 지웁니다").callback_data)
    assert gone == (shown("ko", "sms.lists.deleted", name="관리소장 전체"), False)
    twice = await answer_to(sender, ask, ask.button("🗑 예, 지웁니다").callback_data)  # pressed again
    assert twice == (shown("ko", "common.button_invalid"), True)
    assert await services.sms_lists.list_saved(staff) == ()
    assert sender.last_message.text == shown("ko", "sms.lists.empty")


async def test_positions_offered_are_the_office_reference_list(sender, uow_factory, positions_restored):
    async with uow_factory(write=True) as uow:
        uow._session.add(Position(name="동대표", sort_order=99))
        await uow.commit()
    await sender.send("/sms")
    await sender.press("👥 입주자대표")
    positions = (await sender.press("전체 단지"))[-1]
    assert positions.button_texts()[:2] == ["전체 직위", "회장"] and "동대표" in positions.button_texts()
    nobody = (await sender.press("동대표"))[-1]
    assert shown("ko", "sms.new.nobody") in nobody.text


async def test_a_send_repeated_after_a_crash_makes_no_second_batch(sender, bot, services, uow_factory):
    """The batch is written, then the process dies before the dialogue's state is flushed: after the restart
    the confirmation still offers 보내기, and tapping it returns the batch already made, not a second one."""
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    await sender.send("점검 안내")
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    await bot.app.update_persistence()
    flushed = await bot_state(uow_factory)  # the dialogue as the last flush before 보내기 left it
    sent = (await sender.press("✅ 보내기", message=confirm))[-1]
    assert sent.text.startswith("✅ 문자 #1을 1명에게")
    await bot.stop()
    await bot_state(uow_factory, restore=flushed)  # the kill: what came after that flush is lost
    await bot.start()
    # The restored dialogue sends again (it answers no "already sent": it does not know it sent) ...
    again = await answer_to(sender, confirm, confirm.button("✅ 보내기").callback_data)
    assert again == (None, False)
    # ... and core answers with the batch the request key already made.
    assert sender.last_message.text.startswith("✅ 문자 #1을 1명에게")
    staff = await services.staff.identify(SENDER_TG)
    assert (await services.sms.list_batches(staff)).total == 1


async def test_a_composition_a_kill_set_back_asks_its_current_step_again(sender, bot, kill, services, monkeypatch):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    await sender.send("점검 안내")
    await bot.app.update_persistence()  # the last periodic flush before the kill
    stop_saving(bot, monkeypatch)
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    assert confirm.text.endswith(shown("ko", "sms.confirm.ask"))
    await kill()  # the composition is back at the preview

    again = (await sender.press("✅ 보내기", message=confirm))[-1]
    assert sender.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert (
        again.text.startswith(shown("ko", "sms.preview.head")) and "받는 분: 관리소장 · 전체 단지 — 1명" in again.text
    )
    assert again.has_button("📤 지금 보내기")
    await sender.press("📤 지금 보내기", message=again)
    sent = (await sender.press("✅ 보내기"))[-1]
    assert sent.text.startswith("✅ 문자 #1을 1명에게")
    staff = await services.staff.identify(SENDER_TG)
    assert (await services.sms.list_batches(staff)).total == 1


async def test_a_kill_during_the_search_for_complexes_shows_the_page_searched(sender, bot, kill, monkeypatch):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("단지 선택")
    found = (await sender.send("금호"))[-1]
    await bot.app.update_persistence()
    stop_saving(bot, monkeypatch)
    await sender.press(found.button_texts()[0])
    resolved = (await sender.press("✅ 선택 완료 (1)"))[-1]
    await kill()  # back at ticking complexes, none ticked

    again = (await sender.press("💾 이 분들을 목록으로 저장", message=resolved))[-1]
    assert sender.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert again.text == found.text and again.button_texts() == found.button_texts()
    await sender.press(found.button_texts()[0], message=again)
    resolved = (await sender.press("✅ 선택 완료 (1)"))[-1]
    assert "받으실 분: 1명" in resolved.text


async def test_a_button_of_an_older_screen_asks_the_current_step_again(sender, services):
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    resolved = (await sender.press("전체 단지"))[-1]
    await sender.send("내일 점검이 있습니다.")
    await sender.press("🕘 예약 발송")
    hours = (await sender.press("11/26(목)"))[-1]

    again = (await sender.press("💾 이 분들을 목록으로 저장", message=resolved))[-1]  # scrolled back to the list found
    assert sender.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert again.text == hours.text and again.button_texts() == hours.button_texts()
    await sender.press("9시", message=again)
    confirm = (await sender.press("09:30"))[-1]
    assert "예약 발송: 2026-11-26 09:30" in confirm.text
    older = (await sender.press("👥 받는 분 다시 고르기", message=resolved))[-1]
    assert sender.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert older.text == confirm.text
    done = (await sender.press("✅ 보내기", message=confirm))[-1]
    assert done.text.startswith("🕘 문자 #1을 2026-11-26 09:30에 1명에게")
    staff = await services.staff.identify(SENDER_TG)
    assert (await services.sms.list_batches(staff)).total == 1


async def bot_state(uow_factory, restore=None):
    """The bot's persisted state (dialogues, user data), or put back a copy taken earlier."""
    async with uow_factory(write=True) as uow:
        session = uow._session
        if restore is not None:
            await session.execute(delete(BotState))
            session.add_all(BotState(**row) for row in restore)
            await uow.commit()
            return restore
        rows = await session.execute(
            select(BotState.kind, BotState.name, BotState.key, BotState.data, BotState.updated_at)
        )
        return [dict(row._mapping) for row in rows]


async def test_an_english_speaking_sender_is_answered_in_english(bot, services, emulator, uow_factory):
    await make_complex(uow_factory, with_office=True)
    staff = await make_staff(services, saeol_id="sms09", name="Kim", roles=("sms.send",), telegram_id=3009)
    await services.staff.set_language(staff, "en")
    chat = emulator.user(3009, first_name="Kim", language_code="en")
    asked = (await chat.send("/sms"))[-1]
    assert asked.text == shown("en", "sms.new.ask_kind")
    await chat.press("🏢 Complex managers")
    await chat.press("All complexes")
    preview = (await chat.send("Inspection notice for {단지명}"))[-1]
    assert preview.text.startswith(shown("en", "sms.preview.head"))
    assert "Type: SMS" in preview.text and "To: Complex managers · all complexes — 1" in preview.text
    await chat.press("📤 Send now")
    done = (await chat.press("✅ Send"))[-1]
    assert done.text.startswith(shown("en", "sms.new.sent", id=1, count=1))


async def test_a_batch_sent_by_a_process_with_a_ums_is_not_called_unsent_by_a_bot_without_one(
    bot, services, emulator, uow_factory, clock, tmp_path
):
    """The batch says whether it went to a UMS, not the settings of the bot showing it: an office whose
    dispatcher runs with DONGNE_UMS_URL and whose chat bot runs without it sees no "UMS 미설정" on it."""
    await make_complex(uow_factory, representatives=2)
    actor = await make_staff(services, saeol_id="sms01", name="문자담당", roles=("sms.send",), telegram_id=SENDER_TG)
    sender = emulator.user(SENDER_TG, first_name="문자")
    await sender.send("/start")
    assert not services.sms.ums_configured  # the bot's own process has no UMS
    with_ums = Services.build(
        uow_factory, clock, link_code_ttl=timedelta(hours=24), photo_dir=tmp_path / "photos", ums_configured=True
    )
    await with_ums.sms.send(actor, RecipientSelection("representatives"), "관리비 점검 일정 안내드립니다.")

    results = (await sender.send("/sms_results"))[-1]
    assert results.text.startswith(shown("ko", "sms.results.head", total=1))
    assert shown("ko", "sms.ums_not_configured") not in results.text and "미설정" not in results.text
    detail = (await sender.press("#1 상세"))[-1]
    assert detail.text.startswith(shown("ko", "sms.detail.head", id=1)) and "미설정" not in detail.text
    workbook = (await sender.press("📥 엑셀 다운로드"))[-1]
    assert workbook.kind == "document" and "미설정" not in workbook.text
    assert workbook.file_name.startswith("문자전송결과_1_")
    sheet = load_workbook(BytesIO(workbook.file_bytes)).active
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert texts[0] == "문자 전송결과 #1" and texts[1].startswith("작성 일시: 2026-11-25 ")
    assert not any("미설정" in text for text in texts) and "발송 대기" in texts  # the state in Korean
