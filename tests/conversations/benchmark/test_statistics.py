"""벤치마킹 통계 on a phone: the totals on one screen, every year within reach, the buttons always on the
newest message, and files named in Korean."""

from datetime import UTC, datetime

import pytest

from core.benchmark.values import CaseState
from tests.builders import advance_case, make_case, make_executor
from tests.conversations.conftest import file_from, notifications_settled, shown

# What a 390-px phone shows without scrolling, and on one line of a chat bubble.
SCREEN_LINES = 15
LINE_CHARACTERS = 30
FIRST_YEAR, LAST_YEAR = 2016, 2026


@pytest.fixture
async def eleven_years(team, services, clock):
    """One case registered in each year from 2016 to 2026 (the report's whole span), each reviewed and
    approved, and one more in 2026 only registered; the clock is back at today afterwards."""
    coordinator_staff, officer_staff, coordinator, _ = team
    culture = await make_executor(services, saeol_id="culture1", name="김영준", department="문화체육과")
    today = clock.instant
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        clock.instant = datetime(year, 3, 10, 1, 0, tzinfo=UTC)
        officer = culture if year % 2 else officer_staff
        case = await make_case(services, coordinator_staff, officer, title=f"{year}년 사업")
        await advance_case(services, case, officer, coordinator_staff, to=CaseState.APPROVED)
    clock.instant = today
    await make_case(services, coordinator_staff, officer_staff, title="등록만 된 사업")
    await notifications_settled(services)
    return coordinator


async def test_the_coordinator_reads_the_totals_on_one_phone_screen(eleven_years):
    stats = (await eleven_years.send("/stats"))[-1]

    lines = stats.text.split("\n")
    assert len(lines) <= SCREEN_LINES
    assert max(len(line) for line in lines) <= LINE_CHARACTERS
    assert lines[0] == "📊 벤치마킹 통계 · 전체 연도"
    assert "채택현황 (검토결과 제출 11건)\n도입 11 · 수정도입 0\n장기검토 0 · 미도입 0" in stats.text
    assert "추진결과 (승인 11건)\n추진완료 0 · 추진중 11 · 미추진 0" in stats.text
    assert "진행상태 (전체 12건)\n등록 1 · 검토완료 0 · 승인요청 0\n승인 11 · 반려 0" in stats.text
    assert lines[-1] == shown("ko", "bm.stats.tables_elsewhere").strip()
    assert "총무과" not in stats.text and "2016" not in stats.text  # the tables are the chart's and workbook's


async def test_every_year_with_cases_can_be_chosen_from_the_paged_year_buttons(eleven_years):
    stats = (await eleven_years.send("/stats"))[-1]
    assert stats.has_button("✔ 전체 연도")
    assert [b for b in stats.button_texts() if b.endswith("년")] == [f"{y}년" for y in range(2026, 2018, -1)]

    older = (await eleven_years.press("다음 ▶"))[-1]
    assert older.message_id == stats.message_id and older.text == stats.text  # only the buttons turned over
    assert [b for b in older.button_texts() if b.endswith("년")] == ["2018년", "2017년", "2016년"]
    assert older.has_button("◀ 이전") and older.has_button("2/2")

    first_year = (await eleven_years.press("2016년"))[-1]
    assert first_year.text.startswith("📊 벤치마킹 통계 · 2016년")
    assert "채택현황 (검토결과 제출 1건)" in first_year.text and "진행상태 (전체 1건)" in first_year.text
    assert first_year.has_button("✔ 2016년") and first_year.has_button("전체 연도")
    assert not first_year.has_button("2026년")  # the page that holds the chosen year stays open

    back = (await eleven_years.press("◀ 이전"))[-1]
    assert back.has_button("2026년") and back.text == first_year.text
    everything = (await eleven_years.press("전체 연도"))[-1]
    assert everything.text.startswith("📊 벤치마킹 통계 · 전체 연도") and everything.has_button("✔ 전체 연도")


async def test_a_typed_year_shows_that_year_and_a_year_without_cases_is_answered_politely(eleven_years):
    typed = (await eleven_years.send("/stats 2016"))[-1]
    assert typed.text.startswith("📊 벤치마킹 통계 · 2016년") and typed.has_button("✔ 2016년")
    assert (await eleven_years.send("/stats 2017년"))[-1].text.startswith("📊 벤치마킹 통계 · 2017년")

    before_any = (await eleven_years.send("/stats 2015"))[-1]
    assert before_any.text == shown("ko", "bm.stats.year_unknown", year=2015, years="2016~2026년")
    assert before_any.has_button("2026년") and not before_any.has_button("📈 차트")
    older = (await eleven_years.press("다음 ▶", message=before_any))[-1]
    assert older.has_button("2016년") and not older.has_button("📈 차트")  # still nothing to chart: a choice
    await eleven_years.press("◀ 이전", message=older)
    last_year = (await eleven_years.press("2025년", message=before_any))[-1]
    assert last_year.text.startswith("📊 벤치마킹 통계 · 2025년") and last_year.has_button("✔ 2025년")

    garbled = (await eleven_years.send("/stats 작년"))[-1]
    assert garbled.text == shown("ko", "bm.stats.year_invalid", value="작년", years="2016~2026년")
    assert garbled.text.startswith("‘작년’은 연도로")


async def test_after_the_chart_the_newest_message_carries_the_buttons_so_a_typed_number_reaches_them(eleven_years):
    stats = (await eleven_years.send("/stats"))[-1]

    chart = await file_from(eleven_years, "📈 차트", "photo", message=stats)
    assert chart.has_button("📥 엑셀") and chart.has_button("✔ 전체 연도")
    assert eleven_years.last_message.message_id == chart.message_id
    assert next(m for m in eleven_years.messages if m.message_id == stats.message_id).buttons == []

    workbook = await file_from(eleven_years, "📥 엑셀", "document", message=chart)
    assert workbook.file_name == "벤치마킹통계_전체_20261125.xlsx"
    assert workbook.has_button("📈 차트")
    assert next(m for m in eleven_years.messages if m.message_id == chart.message_id).buttons == []

    await eleven_years.press("다음 ▶", message=workbook)
    # Under a workbook, which has no text to replace, the figures come as a new message.
    figures = next(m for m in await eleven_years.press("2016년") if m.kind == "text")
    assert figures.message_id > workbook.message_id and figures.text.startswith("📊 벤치마킹 통계 · 2016년")
    assert figures.has_button("✔ 2016년")
    assert next(m for m in eleven_years.messages if m.message_id == workbook.message_id).buttons == []
    year_book = await file_from(eleven_years, "📥 엑셀", "document", message=figures)
    assert year_book.file_name == "벤치마킹통계_2016년_20261125.xlsx"


async def test_an_english_speaking_coordinator_gets_english_file_names(eleven_years, team, services):
    await services.staff.set_language(team[0], "en")
    stats = (await eleven_years.send("/stats 2016"))[-1]
    assert stats.text.startswith("📊 Benchmarking statistics · 2016") and stats.has_button("✔ 2016")
    workbook = await file_from(eleven_years, "📥 Excel", "document", message=stats)
    assert workbook.file_name == "benchmarking-statistics_2016_20261125.xlsx"
