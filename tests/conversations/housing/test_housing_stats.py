"""공동주택 통계: a housing officer reads the report's two 현황 screens in the chat, opens a dong's complexes,
narrows the tables to a year or a dong, and takes them away as a chart and a workbook."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot.demo_data import load_demo_district
from bot.emulator import EmulatedUser
from tests.builders import grant, make_staff, make_two_dongs
from tests.conversations.conftest import answer_to, file_from

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
    # The report's second screen: the complexes with a use-approval date, and how many are left out.
    by_dong = await reader.press("동별", message=table)
    assert by_dong[-1].text.split("\n")[:7] == [
        "📊 공동주택 동별 현황",
        "성동구 전체",
        "사용승인일이 등록된 단지 기준 · 미등록 22개 단지(40개 동, 569세대) 제외",
        "(단지 · 동 · 세대)",
        "",
        "합계 142 · 682 · 55,842",
        "왕십리도선동 7 · 48 · 4,625",
    ]
    assert "\n왕십리제2동 10 · 39 · 3,180\n" in by_dong[-1].text
    by_year = await reader.press("년도별", message=by_dong[-1])
    assert "합계 142 · 682 · 55,842\n2015년 1 · 18 · 1,369\n2014년 4 · 21 · 2,042\n" in by_year[-1].text
    support = await reader.press("지원 현황", message=by_year[-1])
    lines = support[-1].text.split("\n")
    assert lines[:2] == ["📊 지원 현황 (사업 시작 연도별)", "성동구 전체"]
    assert lines[4].startswith("2016년 15건 · 지원 51,965천원")
    assert lines[5].startswith("2015년 1건 · 지원 2,000천원") and lines[6] == "2014년 0건 · 지원 0천원 · 반납 0천원"
    reps = await reader.press("입주자대표", message=support[-1])
    assert "합계 563명" in reps[-1].text
    dong = await reader.press("왕십리도선동", message=by_dong[-1])
    assert dong[-1].text.startswith("🗺 왕십리도선동의 공동주택 ")  # the complexes behind the dong's figure


async def test_an_officer_narrows_to_a_year_and_a_dong_and_takes_a_chart_and_a_workbook(reader, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    narrowed = (await reader.send("/housing_stats 2014"))[-1]
    assert narrowed.text.split("\n")[1] == "성동구 전체 · 2014년"
    by_dong = await reader.press("동별", message=narrowed)  # the filter stays as the tables change
    assert "성동구 전체 · 2014년" in by_dong[-1].text and "합계 4 · 21 · 2,042" in by_dong[-1].text
    whole = await reader.press("↩ 성동구 전체 보기", message=by_dong[-1])
    assert "합계 142 · 682 · 55,842" in whole[-1].text
    doseon = (await reader.send("/housing_stats 왕도"))[-1]  # the office's short name will do
    assert doseon.text.split("\n")[1] == "왕십리도선동" and "합계 7 · 48 · 4,625" in doseon.text
    chart = await file_from(reader, "📈 차트", "photo", message=doseon)
    assert chart.file_bytes.startswith(b"\x89PNG") and chart.file_name.startswith(
        "공동주택현황_유형별현황_왕십리도선동_"
    )
    assert chart.text == "📈 유형별 현황 · 왕십리도선동"
    excel = await file_from(reader, "📥 엑셀", "document", message=doseon)
    assert excel.file_name == f"공동주택현황_왕십리도선동_{clock.local():%Y%m%d}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(excel.file_bytes))
    assert book.sheetnames[:3] == ["유형별 현황", "동별 현황", "년도별 현황"]
    dong_sheet = [[c for c in row] for row in book["동별 현황"].iter_rows(values_only=True)]
    assert ("합 계", 7, 48, 4_625) in [tuple(r[:4]) for r in dong_sheet]
    assert any("왕십리도선동" in str(r[0]) for r in dong_sheet[:4])  # the scope under the title


async def test_a_table_button_pressed_twice_leaves_the_one_table_as_it_was(reader, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    table = (await reader.send("/housing_stats"))[-1]
    first = (await reader.press("동별", message=table))[-1]
    shown = len(reader.messages)
    before = len(reader.callback_answers)
    await reader.press("✔ 동별", message=first, expect_reply=False)
    await reader.wait_for_answers(before + 1)
    # One table, unchanged (Telegram's "message is not modified" is the bot's own to swallow, and it does).
    assert len(reader.messages) == shown and reader.last_message.text == first.text


async def test_the_menu_opens_the_statistics_for_a_reader(reader, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    menu = (await reader.send("/start"))[-1]
    opened = (await reader.press("📊 공동주택 통계", message=menu))[-1]
    assert opened.text.startswith("📊 공동주택 현황 (유형별)\n성동구 전체")


async def test_a_filter_that_is_not_a_year_or_a_dong_is_refused_politely(reader, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    refused = (await reader.send("/housing_stats 달나라동"))[-1]
    assert refused.text.startswith("‘달나라동’은 연도나 행정동으로 알아볼 수 없습니다.")
    too_old = (await reader.send("/housing_stats 1066"))[-1]
    assert too_old.text.startswith("1066년은 통계 연도로 알아볼 수 없습니다.")


async def test_a_scoped_officer_is_told_whose_figures_they_are(bot, services, emulator, uow_factory):
    two = await make_two_dongs(uow_factory, representatives=2)
    officer = await make_staff(services, saeol_id="seongsu1", roles=("housing.read",), telegram_id=SCOPED_TG)
    await grant(uow_factory, officer, "housing.read", dongs=(two.seongsu,))
    chat = emulator.user(SCOPED_TG, first_name="성수")
    table = (await chat.send("/housing_stats"))[-1]
    assert table.text.split("\n")[1] == "담당 행정동만: 성수1가제1동"
    assert "합계 1 ·" in table.text
    outside = (await chat.send("/housing_stats 왕십리도선동"))[-1]
    assert outside.text.startswith("그 행정동은 담당 범위 밖이라")
    forged = await chat.press_data(table, f"hs:t:type:0:{two.wangdo}")  # another dong's figures, by hand
    assert forged[-1].text == "그 행정동은 담당 범위 밖이라 통계를 보여 드릴 수 없습니다. 담당 행정동만 골라 주십시오."
    assert await answer_to(chat, table, "hs:t:weather") == (
        "더 이상 사용할 수 없는 버튼입니다. 메뉴에서 다시 시작해 주십시오.",
        True,
    )
