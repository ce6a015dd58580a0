"""변경 이력: a housing officer opens a complex's history from its card and reads who changed what."""

from __future__ import annotations

import pytest

from bot.emulator import EmulatedUser
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import answer_to
from tests.conversations.housing.test_ledger_edit import open_ledger

WRITER_TG, READER_TG = 3301, 3302


@pytest.fixture
async def writer(bot, services, emulator) -> EmulatedUser:
    await make_staff(
        services, saeol_id="writer1", name="김주택", roles=("housing.read", "housing.write"), telegram_id=WRITER_TG
    )
    return emulator.user(WRITER_TG, first_name="주택")


async def test_a_change_made_in_the_chat_reads_in_the_cards_history_with_phones_masked(writer, uow_factory):
    await make_complex(uow_factory, representatives=1)
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("휴대전화")
    await writer.send("010-2468-1357")
    card = (await writer.send("/complex 쉐르빌"))[-1]
    history = await writer.press("🕘 변경 이력", message=card)
    text = history[-1].text
    assert text.startswith("🕘 성동삼성쉐르빌(주상복합) 변경 이력 (전체 1건)")
    assert " · 김주택 · 입주자대표 수정" in text
    assert "   휴대전화: 010-****-5000 → 010-****-1357" in text  # no pii.view: masked, old and new
    assert history[-1].button_texts() == ["◀ 단지 정보로"]
    back = await writer.press("◀ 단지 정보로", message=history[-1])
    assert back[-1].text.startswith("🏢 ")


async def test_a_forged_or_outdated_history_page_is_answered_politely(writer, uow_factory):
    complex_id = await make_complex(uow_factory)
    now = (await writer.send("/complex 쉐르빌"))[-1]
    assert await answer_to(writer, now, f"hh:log:{complex_id}:-1") == (
        "더 이상 사용할 수 없는 버튼입니다. 메뉴에서 다시 시작해 주십시오.",
        True,
    )
    replies = await writer.press_data(now, f"hh:log:{complex_id}:3")
    assert "아직 변경 기록이 없습니다." in replies[-1].text
