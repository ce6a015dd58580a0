"""마을공동체 현황: the community department reads the report's dashboard over the demo district in the chat,
switches years, and takes it away as a chart and a workbook; a reader scoped to dongs sees whose figures
they are."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot.demo_data import load_demo_district
from tests.builders import grant, make_staff
from tests.charts import grid, png_size
from tests.conversations.conftest import file_from, shown

READER_TG, SCOPED_TG = 3104, 3105


@pytest.fixture
async def reader(bot, services, emulator, uow_factory, clock):
    """마을공동체과's reader, in a district loaded with the demo data first (so its dongs are in its order)."""
    await load_demo_district(uow_factory, clock)
    await make_staff(services, saeol_id="village04", roles=("community.read",), telegram_id=READER_TG)
    return emulator.user(READER_TG)


async def test_the_2015_dashboard_is_the_reports_screen(reader, clock):
    latest = (await reader.send("/community_stats"))[-1]
    assert latest.text.startswith("📊 마을공동체 현황 · 2016년")
    assert latest.button_texts()[:3] == ["✔ 2016년", "2015년", "2014년"]
    board = (await reader.press("2015년", message=latest))[-1]
    assert board.text.split("\n") == [
        "📊 마을공동체 현황 · 2015년",
        "단체(기관): 소통공간 15 · 단체(기관) 22 · 소셜벤처 12 · 기타 2 (합계 51곳)",
        "공모사업: 서울시 21 · 성동구 17 · 공동주택 0",
        "",
        "[우리마을 지원사업 현황] 공모수 · 사업비(천원)",
        "서울시 21건 — 시비 100,805 · 구비 0 · 자부담 0",
        "성동구 17건 — 시비 0 · 구비 12,560 · 자부담 0",
        "공동주택 0건 — 시비 0 · 구비 0 · 자부담 0",
        "합계 38건 — 시비 100,805 · 구비 12,560 · 자부담 0",
        "",
        "[2015년도 동별 단체(기관) 현황]",
        "왕도 3 · 왕2 0 · 마장 7 · 사근 0 · 행1 7 · 행2 2",
        "응봉 0 · 금1 4 · 금2.3 1 · 금4 1 · 옥수 3 · 성1-1 3",
        "성1-2 16 · 성2-1 1 · 성2-3 2 · 송정 0 · 용답 1",
    ]
    chart = await file_from(reader, "📈 차트", "photo", message=board)
    assert png_size(chart.file_bytes)[0] == 1000 and chart.text == "📈 마을공동체 현황 · 2015년"
    excel = await file_from(reader, "📥 엑셀", "document", message=board)
    assert excel.file_name == f"마을공동체현황_2015년_{clock.local():%Y%m%d}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(excel.file_bytes))
    assert book.sheetnames == [
        "분야별 단체(기관)·사업구분별 공모사업",
        "우리마을 지원사업 현황",
        "2015년도 동별 단체(기관) 현황",
    ]
    overview = grid(book.worksheets[0])
    assert (15, 21, 17, 0, 22, 12, 2) in [tuple(r[:7]) for r in overview]
    funds = [tuple(r[:5]) for r in grid(book.worksheets[1])]
    assert ("서울시", 21, 100_805, 0, 0) in funds and ("합계", 38, 100_805, 12_560, 0) in funds
    dongs = [tuple(r[:3]) for r in grid(book.worksheets[2])]
    assert ("성수1가제2동", "성1-2", 16) in dongs and ("합계", None, 51) in dongs


async def test_a_reader_scoped_to_dongs_sees_their_organisations_and_a_bad_year_is_refused(
    reader, services, emulator, uow_factory
):
    member = await make_staff(services, saeol_id="village05", roles=("community.read",), telegram_id=SCOPED_TG)
    seongsu = await services.organizations.dongs(member)
    await grant(uow_factory, member, "community.read", dongs=(next(d.id for d in seongsu if d.name == "성수1가제2동"),))
    chat = emulator.user(SCOPED_TG)
    board = (await chat.send("/community_stats 2015"))[-1]
    lines = board.text.split("\n")
    assert lines[0] == "📊 마을공동체 현황 · 2015년 (단체(기관)는 담당 행정동만: 성수1가제2동)"
    assert "(합계 16곳)" in lines[1] and lines[-1] == "성1-2 16"
    assert "서울시 21건 — 시비 100,805 · 구비 0 · 자부담 0" in board.text  # the calls are the district's
    refused = (await chat.send("/community_stats 올해"))[-1]
    assert refused.text == shown("ko", "error.community_stats_bad_year", value="올해")
    empty = (await chat.send("/community_stats 1999"))[-1]
    assert "합계 0곳" in empty.text
