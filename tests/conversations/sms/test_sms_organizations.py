"""문자 보내기 to the representatives of 마을공동체 단체(기관), as 마을공동체과's clerk lives it: choose them by 분야,
by dong or by name, preview, send, and read the results with each organisation's name; a sender who may not
read the community register is not offered them."""

from dataclasses import replace

import pytest

from tests.builders import make_dong, make_staff
from tests.conversations.conftest import answer_to, shown
from tests.core.community.test_validation import GEUMOK

SENDER_TG, HOUSING_TG = 3011, 3012


@pytest.fixture
async def sender(bot, services, emulator, uow_factory):
    """마을공동체과's clerk with sms.send, and two organisations with representatives."""
    await make_dong(uow_factory, "금호2.3가동", "금2.3")
    await make_dong(uow_factory, "성수1가제2동", "성1-2")
    roles = ("community.read", "community.write", "sms.send")
    clerk = await make_staff(services, saeol_id="village01", name="마을담당", roles=roles, telegram_id=SENDER_TG)
    await services.organizations.register(clerk, GEUMOK)
    venture = replace(
        GEUMOK,
        name="성수 협동조합",
        field="social_venture",
        admin_dong="성수1가제2동",
        representative="박성수",
        mobile="010-3333-4444",
    )
    await services.organizations.register(clerk, venture)
    chat = emulator.user(SENDER_TG, first_name="마을")
    await chat.send("/start")
    return chat


async def test_the_representatives_of_one_field_are_texted_and_the_results_name_their_organisations(sender):
    await sender.send("/sms")
    scopes = (await sender.press("🏘 마을공동체 단체(기관) 대표자"))[-1]
    assert scopes.button_texts()[:5] == ["전체 단체", "동별", "분야별", "유형별", "단체 선택"]
    await sender.press("분야별")
    resolved = (await sender.press("소통공간"))[-1]
    assert "마을공동체 단체(기관) 대표자 · 소통공간" in resolved.text and "받으실 분: 1명" in resolved.text
    assert shown("ko", "sms.lists.save") not in resolved.button_texts()  # chosen afresh each time, never saved
    preview = (await sender.send("{이름} 대표님, {단지명} 공간 점검 안내입니다."))[-1]
    assert "고은정 대표님, 금옥마을 공간 점검 안내입니다." in preview.text
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    await answer_to(sender, confirm, confirm.button("✅ 보내기").callback_data)
    await sender.send("/sms_results")
    detail = (await sender.press("#1 상세"))[-1]
    assert "1. 고은정 (금옥마을) 010-****-1234" in detail.text


async def test_organisations_are_picked_by_name_or_by_dong(sender):
    await sender.send("/sms")
    await sender.press("🏘 마을공동체 단체(기관) 대표자")
    await sender.press("단체 선택")
    found = (await sender.send("협동"))[-1]
    ticked = (await sender.press("▫️ 성수 협동조합 (성수1가제2동)", message=found))[-1]
    assert ticked.button_texts()[0] == "✅ 성수 협동조합 (성수1가제2동)"
    resolved = (await sender.press("✅ 선택 완료 (1)"))[-1]
    assert "받으실 분: 1명" in resolved.text and "단체 1곳(성수 협동조합)" in resolved.text
    await sender.send("/sms")
    await sender.press("🏘 마을공동체 단체(기관) 대표자")
    await sender.press("동별")
    by_dong = (await sender.press("금호2.3가동"))[-1]
    assert "받으실 분: 1명" in by_dong.text
    forged = await sender.press_data(by_dong, "sm:s:cx", expect_reply=False)
    assert not [m for m in forged if m.text == shown("ko", "error.unexpected")]


async def test_a_sender_without_community_read_is_not_offered_organisations(bot, services, emulator):
    await make_staff(services, saeol_id="house01", roles=("housing.read", "sms.send"), telegram_id=HOUSING_TG)
    chat = emulator.user(HOUSING_TG)
    asked = (await chat.send("/sms"))[-1]
    assert "🏘 마을공동체 단체(기관) 대표자" not in asked.button_texts()
    refused = await answer_to(chat, asked, "sm:k:organization_leaders")
    assert refused == (shown("ko", "common.button_invalid"), True)


async def test_one_types_representatives_are_listed_scheduled_and_found_among_the_scheduled(sender, uow_factory):
    await sender.send("/sms")
    await sender.press("🏘 마을공동체 단체(기관) 대표자")
    types = (await sender.press("유형별"))[-1]
    assert "비영리민간단체" in types.button_texts() and "사회적경제" in types.button_texts()
    resolved = (await sender.press("비영리민간단체"))[-1]
    assert "마을공동체 단체(기관) 대표자 · 비영리민간단체" in resolved.text and "받으실 분: 2명" in resolved.text
    # {단지명} is the organisation's name here, and the request for the text says so.
    assert resolved.text.endswith(shown("ko", "sms.new.ask_text_organizations"))
    assert shown("ko", "sms.new.ask_text") not in resolved.text
    preview = (await sender.send("{이름} 대표님, {단지명} 정기총회 안내입니다."))[-1]

    listed = (await sender.press("👥 받는 사람 보기 (2명)"))[-1]
    assert "\n1. 고은정 · 마을공동체 단체(기관) 대표자 · 금옥마을 · 010-****-1234" in listed.text
    assert "\n2. 박성수 · 마을공동체 단체(기관) 대표자 · 성수 협동조합 · 010-****-4444" in listed.text
    assert "010-2286-" not in listed.text and listed.text.endswith(shown("ko", "sms.recipients.masked"))
    back = (await sender.press("◀ 미리보기로"))[-1]
    assert back.text == preview.text
    retext = (await sender.press("✏️ 문구 고치기"))[-1]
    assert retext.text == shown("ko", "sms.new.ask_text_organizations")
    preview = (await sender.send("{이름} 대표님, {단지명} 정기총회 안내입니다."))[-1]
    assert "고은정 대표님, 금옥마을 정기총회 안내입니다." in preview.text

    await sender.press("🕘 예약 발송")
    await sender.press("11/26(목)")
    await sender.press("9시")
    confirm = (await sender.press("09:30"))[-1]
    assert "예약 발송: 2026-11-26 09:30" in confirm.text
    done = (await sender.press("✅ 보내기"))[-1]
    assert done.text.startswith("🕘 문자 #1을 2026-11-26 09:30에 2명에게")

    scheduled = (await sender.press("🕘 전송예약 조회", message=(await sender.send("/sms_results"))[-1]))[-1]
    assert scheduled.text.startswith(shown("ko", "sms.scheduled.head", total=1))
    assert "🕘 예약 2026-11-26 09:30" in scheduled.text
    detail = (await sender.press("#1 상세", message=scheduled))[-1]
    assert "1. 고은정 (금옥마을) 010-****-1234" in detail.text
    assert "2. 박성수 (성수 협동조합) 010-****-4444" in detail.text
