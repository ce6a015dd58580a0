"""공동주택 현황 as files: the chart of one statistic a housing officer gets in the chat and the workbook for the
office, in the reader's language, with Hangul drawn in the bundled Korean font."""

import re
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import matplotlib
import pytest
from matplotlib.font_manager import findfont
from matplotlib.text import Text
from openpyxl import load_workbook

from core.charts import CHART_WIDTH_PX, EMPTY_HEIGHT_PX, korean_font_path
from core.housing.chart import CHART_ROWS, build_chart, render_chart
from core.housing.reports import HousingReportLabels, render_workbook
from core.housing.statistics import DongTable, RepresentativeTable, Scope, SupportTable, TypeTable, YearTable
from core.housing.values import DongTotals, PositionCount, SupportTotals, TermEnding, Totals, YearTotals
from tests.charts import grid, no_glyph_warnings, png_size

HANGUL = re.compile("[가-힣]")
GENERATED = datetime(2026, 11, 25, 10, 0)

LABELS = HousingReportLabels(
    title="공동주택 현황",
    scope="성동구 전체",
    generated_at="작성 일시: {at}",
    no_data="자료가 없습니다",
    titles={
        "type": "유형별",
        "dong": "동별",
        "year": "년도별",
        "support": "지원 현황",
        "kind": "지원사업(사업별)",
        "by_dong": "지원사업(동별)",
        "by_complex": "지원사업(단지별)",
        "reps": "입주자대표 구성원",
        "ending": "임기 만료 예정",
    },
    captions={"year": "사용승인일이 등록된 142개 단지 기준"},
    category="구분",
    dong="동 명",
    year="년 도",
    complexes="단지수",
    buildings="동(棟)수",
    households="세대수",
    total="합계",
    apartments="아파트 소계",
    management={"mandatory": "의무관리", "voluntary": "임의관리", "rental": "임대"},
    row_houses="연립(다세대)",
    projects="사업 수",
    granted="지원금액(천원)",
    returned="반환금액(천원)",
    support_kind="사업구분",
    complex="단지명",
    position="직위",
    people="인원",
    name="성명",
    term_end="임기 만료일",
    by_position="직위별",
    by_dong="동별",
    no_support_year="연도 없음",
    unnamed="(이름 없음)",
    year_value="{year}년",
    households_value="{count}세대",
    complexes_value="{count}단지",
    buildings_value="{count}동",
    people_value="{count}명",
    more="외 {count}건",
)
DISTRICT = Scope()
NONE = Totals(0, 0, 0)


def type_table() -> TypeTable:
    """The report's own figures: 79+30+20 apartments, 568+43+40−21 = 630 buildings."""
    by_management = (
        ("mandatory", Totals(79, 568, 41_250)),
        ("voluntary", Totals(30, 43, 2_150)),
        ("rental", Totals(20, 40, 3_600)),
    )
    apartments = Totals(129, 630, 47_000)
    row_houses = Totals(13, 30, 410)
    total = Totals(142, 660, 47_410)
    return TypeTable(DISTRICT, total, apartments, by_management, row_houses)


TWO_DONGS = (("왕십리도선동", Totals(12, 40, 3_000)), ("마장동", Totals(9, 30, 2_500)))


def dong_table(rows=TWO_DONGS) -> DongTable:
    dongs = tuple(DongTotals(i, name, totals) for i, (name, totals) in enumerate(rows, start=1))
    total = Totals(
        complexes=sum(r.totals.complexes for r in dongs),
        buildings=sum(r.totals.buildings for r in dongs),
        households=sum(r.totals.households for r in dongs),
    )
    return DongTable(DISTRICT, dongs, total, NONE)


def year_table() -> YearTable:
    rows = (
        YearTotals(2024, Totals(2, 5, 800)),
        YearTotals(1998, Totals(3, 9, 1_200)),
    )
    return YearTable(DISTRICT, rows, Totals(5, 14, 2_000), Totals(1, 1, 40))


def support_table(group="year", rows=None) -> SupportTable:
    rows = rows or (
        SupportTotals("2025", "2025", 3, 12_000, 500),
        SupportTotals("2024", "2024", 2, 8_000, 0),
        SupportTotals("", "", 1, 1_000, 0),
    )
    return SupportTable(DISTRICT, group, tuple(rows))


def reps_table(counts=None, ending=()) -> RepresentativeTable:
    counts = (
        (
            PositionCount(1, "왕십리도선동", "회장", 3),
            PositionCount(1, "왕십리도선동", "감사", 2),
            PositionCount(2, "마장동", "회장", 4),
            PositionCount(2, "마장동", "동대표", 7),
        )
        if counts is None
        else counts
    )
    return RepresentativeTable(DISTRICT, tuple(counts), tuple(ending))


def every_statistic():
    return [
        ("type", type_table()),
        ("dong", dong_table()),
        ("year", year_table()),
        ("support", support_table()),
        ("kind", support_table("kind", [SupportTotals("공동체 활성화", "공동체 활성화", 2, 3_000, 100)])),
        ("by_dong", support_table("dong", [SupportTotals("1", "마장동", 2, 3_000, 0)])),
        ("by_complex", support_table("complex", [SupportTotals("7", "=1+2빌라", 1, 2_000, 0)])),
        ("reps", reps_table(ending=[TermEnding(7, "=1+2빌라", 2, "회장", "홍*동", date(2026, 12, 10))])),
    ]


def texts_of(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


# -- the chart ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "table"), every_statistic(), ids=[key for key, _ in every_statistic()])
def test_every_statistic_is_a_png_a_phone_wide_with_its_hangul_drawn(key, table):
    png = no_glyph_warnings(lambda: render_chart(key, table, LABELS))

    width, height = png_size(png)
    assert width == CHART_WIDTH_PX
    assert (width, height) == tuple(round(inches * 100) for inches in build_chart(key, table, LABELS).get_size_inches())


def test_every_hangul_text_on_the_chart_uses_the_bundled_korean_font():
    figure = build_chart("type", type_table(), LABELS)
    hangul = [t for t in figure.findobj(Text) if HANGUL.search(t.get_text())]

    bundled = {korean_font_path(), korean_font_path(bold=True)}
    assert {Path(findfont(t.get_fontproperties())) for t in hangul} <= bundled
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 5}):
        figure = build_chart("reps", reps_table(), LABELS)
        no_glyph_warnings(lambda: figure.canvas.draw())


def test_the_type_chart_shows_households_per_type_with_complexes_and_buildings():
    shown = texts_of(build_chart("type", type_table(), LABELS))

    assert "공동주택 현황 · 유형별" in shown
    assert "성동구 전체" in shown
    assert {"합계", "아파트 소계", "의무관리", "임의관리", "임대", "연립(다세대)"} <= set(shown)
    assert "47,410세대 · 142단지 · 660동" in shown
    assert "41,250세대 · 79단지 · 568동" in shown


def test_the_year_chart_says_its_basis_and_counts_complexes():
    shown = texts_of(build_chart("year", year_table(), LABELS))

    assert {"2024년", "1998년"} <= set(shown)
    assert "사용승인일이 등록된 142개 단지 기준" in shown
    assert "합계: 2,000세대 · 5단지" in shown
    assert "800세대 · 2단지" in shown


def test_the_support_chart_shows_granted_and_returned_with_a_legend():
    shown = texts_of(build_chart("support", support_table(), LABELS))

    assert {"2025년", "연도 없음", "12,000", "500", "지원금액(천원)", "반환금액(천원)"} <= set(shown)
    assert "합계: 지원금액(천원) 21,000 · 반환금액(천원) 500" in shown


def test_the_representatives_chart_has_a_panel_per_position_and_per_dong():
    shown = texts_of(build_chart("reps", reps_table(), LABELS))

    assert {"직위별", "동별", "회장", "감사", "동대표", "왕십리도선동", "마장동"} <= set(shown)
    assert "7명" in shown  # 회장: 3 + 4
    assert "11명" in shown  # 마장동: 4 + 7
    assert "합계: 16명" in shown


def test_a_long_table_is_cut_to_its_first_rows_and_says_how_many_more():
    rows = [(f"{i}동", Totals(1, 1, 100 + i)) for i in range(CHART_ROWS + 5)]

    png = no_glyph_warnings(lambda: render_chart("dong", dong_table(rows), LABELS))

    shown = texts_of(build_chart("dong", dong_table(rows), LABELS))
    assert f"{CHART_ROWS - 1}동" in shown
    assert f"{CHART_ROWS}동" not in shown
    assert "외 5건" in shown
    assert png_size(png)[1] < png_size(render_chart("dong", dong_table(rows[:CHART_ROWS]), LABELS))[1] + 60


@pytest.mark.parametrize(
    ("key", "table"),
    [
        ("type", TypeTable(DISTRICT, Totals(0, 0, 0), Totals(0, 0, 0), (), Totals(0, 0, 0))),
        ("dong", DongTable(DISTRICT, (), NONE, NONE)),
        ("year", YearTable(DISTRICT, (), NONE, NONE)),
        ("by_complex", SupportTable(DISTRICT, "complex", ())),
        ("reps", reps_table(counts=())),
    ],
)
def test_with_nothing_to_count_the_chart_says_so(key, table):
    png = no_glyph_warnings(lambda: render_chart(key, table, LABELS))

    assert png_size(png) == (CHART_WIDTH_PX, EMPTY_HEIGHT_PX)
    assert "자료가 없습니다" in texts_of(build_chart(key, table, LABELS))


def test_a_very_long_complex_name_is_cut_so_the_bars_keep_their_room():
    long_name = "서울숲 한신더휴 리저브 주상복합 아파트 관리사무소 및 입주자대표회의 공동체 활성화 지원사업"
    table = support_table("complex", [SupportTotals("1", long_name, 1, 5_000, 0)])

    shown = texts_of(build_chart("by_complex", table, LABELS))

    assert long_name not in shown
    assert any(text.endswith("…") and long_name.startswith(text[:-1]) for text in shown)


def test_drawing_a_chart_leaves_matplotlibs_global_settings_alone():
    before = dict(matplotlib.rcParams)

    render_chart("support", support_table(), LABELS)

    assert dict(matplotlib.rcParams) == before


def test_a_key_that_does_not_name_its_table_is_refused():
    with pytest.raises(ValueError):
        render_chart("dong", year_table(), LABELS)
    with pytest.raises(ValueError):
        render_chart("kind", support_table("year"), LABELS)


# -- the workbook -------------------------------------------------------------------------------------------


def workbook_of(tables=None, labels=LABELS):
    return load_workbook(BytesIO(render_workbook(every_statistic() if tables is None else tables, labels, GENERATED)))


def test_the_workbook_has_a_sheet_per_statistic_in_the_order_given():
    book = workbook_of()

    assert book.sheetnames == [
        "유형별",
        "동별",
        "년도별",
        "지원 현황",
        "지원사업(사업별)",
        "지원사업(동별)",
        "지원사업(단지별)",
        "입주자대표 구성원",
        "임기 만료 예정",
    ]
    assert book.properties.title == "공동주택 현황"
    assert workbook_of([("year", year_table()), ("type", type_table())]).sheetnames == ["년도별", "유형별"]


def test_each_sheet_has_its_title_scope_basis_and_when_it_was_made_above_a_frozen_header():
    book = workbook_of()

    for sheet in book.worksheets:
        assert sheet["A1"].value == f"공동주택 현황 · {sheet.title}"
        assert sheet["A1"].font.bold
        assert sheet.freeze_panes == "B5"
        assert all(cell.font.bold for cell in sheet[4])
    assert book["유형별"]["A2"].value == "성동구 전체 · 작성 일시: 2026-11-25 10:00"
    assert (
        book["년도별"]["A2"].value == "성동구 전체 · 사용승인일이 등록된 142개 단지 기준 · 작성 일시: 2026-11-25 10:00"
    )


def test_the_type_sheet_is_the_reports_table_with_totals_first_and_management_indented():
    sheet = workbook_of([("type", type_table())])["유형별"]

    assert grid(sheet)[3:] == [
        ["구분", "단지수", "동(棟)수", "세대수"],
        ["합계", 142, 660, 47_410],
        ["아파트 소계", 129, 630, 47_000],
        ["  의무관리", 79, 568, 41_250],
        ["  임의관리", 30, 43, 2_150],
        ["  임대", 20, 40, 3_600],
        ["연립(다세대)", 13, 30, 410],
    ]
    assert all(cell.font.bold for cell in sheet[5])
    assert not sheet["A7"].font.bold
    assert sheet["D5"].number_format == "#,##0"
    assert sheet["B8"].number_format == "#,##0"


def test_the_dong_and_year_sheets_carry_their_rows_under_the_totals():
    book = workbook_of([("dong", dong_table()), ("year", year_table())])

    assert grid(book["동별"])[3:] == [
        ["동 명", "단지수", "동(棟)수", "세대수"],
        ["합계", 21, 70, 5_500],
        ["왕십리도선동", 12, 40, 3_000],
        ["마장동", 9, 30, 2_500],
    ]
    assert grid(book["년도별"])[3:] == [
        ["년 도", "단지수", "동(棟)수", "세대수"],
        ["합계", 5, 14, 2_000],
        [2024, 2, 5, 800],
        [1998, 3, 9, 1_200],
    ]
    assert all(cell.font.bold for cell in book["년도별"][5])


def test_the_support_sheets_count_projects_and_amounts_in_thousands():
    book = workbook_of()

    assert grid(book["지원 현황"])[3:] == [
        ["년 도", "사업 수", "지원금액(천원)", "반환금액(천원)"],
        ["합계", 6, 21_000, 500],
        [2025, 3, 12_000, 500],
        [2024, 2, 8_000, 0],
        ["연도 없음", 1, 1_000, 0],
    ]
    assert grid(book["지원사업(사업별)"])[3][0] == "사업구분"
    assert grid(book["지원사업(동별)"])[3][0] == "동 명"
    assert grid(book["지원사업(단지별)"])[3][0] == "단지명"
    assert book["지원 현황"]["C6"].number_format == "#,##0"


def test_the_representatives_sheet_counts_each_dong_by_position_and_lists_terms_ending():
    book = workbook_of()

    assert grid(book["입주자대표 구성원"])[3:] == [
        ["동 명", "회장", "감사", "동대표", "합계"],
        ["합계", 7, 2, 7, 16],
        ["왕십리도선동", 3, 2, 0, 5],
        ["마장동", 4, 0, 7, 11],
    ]
    assert all(cell.font.bold for cell in book["입주자대표 구성원"][5])
    ending = book["임기 만료 예정"]
    assert grid(ending)[3:] == [
        ["단지명", "직위", "성명", "임기 만료일"],
        ["=1+2빌라", "회장", "홍*동", datetime(2026, 12, 10)],
    ]
    assert ending["D5"].is_date


def test_a_name_that_looks_like_a_formula_stays_text():
    book = workbook_of()

    for sheet in (book["지원사업(단지별)"], book["임기 만료 예정"]):
        cell = sheet["A6"] if sheet.title == "지원사업(단지별)" else sheet["A5"]
        assert cell.value == "=1+2빌라"
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_an_empty_statistic_keeps_its_header_and_totals_and_says_there_is_no_data():
    book = workbook_of([("dong", DongTable(DISTRICT, (), NONE, NONE)), ("reps", reps_table(counts=()))])

    assert grid(book["동별"])[3:] == [
        ["동 명", "단지수", "동(棟)수", "세대수"],
        ["합계", 0, 0, 0],
        ["자료가 없습니다", None, None, None],
    ]
    assert grid(book["임기 만료 예정"])[4][0] == "자료가 없습니다"


def test_a_workbook_without_statistics_or_with_a_mismatched_key_is_refused():
    with pytest.raises(ValueError):
        render_workbook([], LABELS, GENERATED)
    with pytest.raises(ValueError):
        render_workbook([("reps", type_table())], LABELS, GENERATED)
