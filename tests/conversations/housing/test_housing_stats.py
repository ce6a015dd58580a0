"""공동주택 통계: a housing officer reads the report's 현황 tables in the chat and opens a dong's complexes."""

from __future__ import annotations

import pytest

from bot.demo_data import load_demo_district
from bot.emulator import EmulatedUser
from tests.builders import grant, make_staff, make_two_dongs
from tests.conversations.conftest import answer_to

READER_TG, SCOPED_TG = 3401, 3402


@pytest.fixture
async def reader(bot, services, emulator) -> EmulatedUser:
    await make_staff(services, saeol_id="stat01", name="통계담당", roles=("housing.read",), telegram_id=READER_TG)
    return emulator.user(READER_TG, first_name="통계")


async def test_the_type_table_is_the_reports_and_a_dongs_figure_opens_its_complexes(reader, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    table = (await reader.send("/housing_stats"))[-1]
    assert table.text.split("\n")[:10] == [
        "📊 공동주택 현황 (유형별)",
        "성동구 전체",
        "(단지 · 동 · 세대)",
        "",
        "합계 164 · 701 · 56,411",
        "아파트 129 · 630 · 55,214",
        "   · 의무관리 79 · 568 · 45,190",
        "   · 임의관리 30 · 43 · 2,724",
        "   · 임대 20 · 40 · 7,300",
        "연립(다세대) 35 · 71 · 1,197",
    ]
    by_dong = await reader.press("동별", message=table)
    assert "합계 164 · 701 · 56,411" in by_dong[-1].text and "\n왕십리도선동 " in by_dong[-1].text
    dong = await reader.press("왕십리도선동", message=by_dong[-1])
    assert dong[-1].text.startswith("🗺 왕십리도선동의 공동주택 ")  # the complexes behind the dong's figure
    support = await reader.press("지원 현황", message=(await reader.send("/housing_stats"))[-1])
    assert support[-1].text.startswith("📊 지원 현황 (사업 시작 연도별)\n성동구 전체\n\n합계 지원 ")
    reps = await reader.press("입주자대표", message=support[-1])
    assert "합계 563명" in reps[-1].text


async def test_a_scoped_officer_is_told_whose_figures_they_are(bot, services, emulator, uow_factory):
    two = await make_two_dongs(uow_factory, representatives=2)
    officer = await make_staff(services, saeol_id="seongsu1", roles=("housing.read",), telegram_id=SCOPED_TG)
    await grant(uow_factory, officer, "housing.read", dongs=(two.seongsu,))
    chat = emulator.user(SCOPED_TG, first_name="성수")
    table = (await chat.send("/housing_stats"))[-1]
    assert table.text.split("\n")[1] == "담당 행정동만: 성수1가제1동"
    assert "합계 1 ·" in table.text
    assert await answer_to(chat, table, "hs:t:weather") == (
        "더 이상 사용할 수 없는 버튼입니다. 메뉴에서 다시 시작해 주십시오.",
        True,
    )
