"""벤치마킹 통계 as files: the chart a coordinator gets in the chat and the workbook for the office, in the
reader's language, with Hangul drawn in the bundled Korean font."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import matplotlib
import pytest
from matplotlib.font_manager import findfont
from matplotlib.text import Text
from openpyxl import load_workbook

from core.benchmark.reports import (
    CHART_WIDTH_PX,
    EMPTY_HEIGHT_PX,
    ReportLabels,
    build_chart,
    display_width,
    render_chart,
    render_workbook,
)
from core.benchmark.statistics import ALL_STATES, BenchmarkTables, build_table
from core.benchmark.values import Adoption, CountRow, ProgressResult
from core.charts import korean_font_path
from tests.charts import grid, no_glyph_warnings, png_size

ADOPTION = [a.value for a in Adoption]
PROGRESS = [p.value for p in ProgressResult]

HANGUL = re.compile("[가-힣]")
GENERATED = datetime(2026, 11, 25, 10, 0)

KOREAN = ReportLabels(
    title="벤치마킹 통계",
    period="전체 연도",
    adoption_by_department="채택현황(부서별)",
    adoption_by_year="채택현황(연도별)",
    progress_by_department="추진결과(부서별)",
    progress_by_year="추진결과(연도별)",
    state_by_department="진행상태(부서별)",
    department="부서",
    year="연도",
    total="합계",
    generated_at="작성 일시: {at}",
    no_data="자료가 없습니다",
    adoption_values={"adopt": "도입", "adopt_modified": "수정도입", "long_term": "장기검토", "not_adopted": "미도입"},
    progress_values={"completed": "추진완료", "in_progress": "추진중", "not_pursued": "미추진"},
    state_values={
        "registered": "등록",
        "reviewed": "검토완료",
        "approval_requested": "승인요청",
        "approved": "승인",
        "returned": "반려",
    },
)
ENGLISH = ReportLabels(
    title="Benchmarking statistics",
    period="2026",
    adoption_by_department="Adoption by department",
    adoption_by_year="Adoption by year",
    progress_by_department="Results by department",
    progress_by_year="Results by year",
    state_by_department="Status by department",
    department="Department",
    year="Year",
    total="Total",
    generated_at="Generated {at}",
    no_data="No data",
    adoption_values={
        "adopt": "Adopt",
        "adopt_modified": "Adopt modified",
        "long_term": "Long-term",
        "not_adopted": "Not adopted",
    },
    progress_values={"completed": "Completed", "in_progress": "In progress", "not_pursued": "Not pursued"},
    state_values={
        "registered": "Registered",
        "reviewed": "Reviewed",
        "approval_requested": "Approval requested",
        "approved": "Approved",
        "returned": "Returned",
    },
)


def tables_of(adoption=(), progress=(), states=(), year=None) -> BenchmarkTables:
    return BenchmarkTables(
        year=year,
        adoption_by_department=build_table(adoption, ADOPTION, by="department"),
        adoption_by_year=build_table(adoption, ADOPTION, by="year"),
        progress_by_department=build_table(progress, PROGRESS, by="department"),
        progress_by_year=build_table(progress, PROGRESS, by="year"),
        state_by_department=build_table(states, ALL_STATES, by="department"),
    )


def district(departments=("총무과", "문화체육과", "민원여권과", "지역경제과"), years=(2025, 2026)) -> BenchmarkTables:
    """Every department with a few cases of every kind in every year, the counts varying by position."""
    adoption, progress, states = [], [], []
    for d, department in enumerate(departments):
        for y, year in enumerate(years):
            adoption += [CountRow(year, department, v, (d + y + i) % 4 + 1) for i, v in enumerate(ADOPTION)]
            progress += [CountRow(year, department, v, (d + 2 * y + i) % 3) for i, v in enumerate(PROGRESS)]
            states += [CountRow(year, department, v, (d + i) % 2 + y) for i, v in enumerate(ALL_STATES)]
    return tables_of(adoption, progress, states)


def texts_of(figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_text()]


# -- the chart ----------------------------------------------------------------------------------------------


def test_the_chart_is_a_png_a_phone_wide_growing_with_the_departments():
    four = no_glyph_warnings(lambda: render_chart(district(), KOREAN))
    eight = render_chart(district(("총무과", "문화체육과", "민원여권과", "지역경제과", "가", "나", "다", "라")), KOREAN)

    width, height = png_size(four)
    assert width == CHART_WIDTH_PX
    assert (width, height) == tuple(build_chart(district(), KOREAN).get_size_inches() * 100)
    assert png_size(eight)[0] == CHART_WIDTH_PX
    assert png_size(eight)[1] > height


def test_every_hangul_text_on_the_chart_uses_the_bundled_korean_font():
    figure = build_chart(district(), KOREAN)
    hangul = [t for t in texts_of(figure) if HANGUL.search(t.get_text())]

    shown = {t.get_text() for t in hangul}
    assert {
        "벤치마킹 통계 · 전체 연도",
        "채택현황(부서별)",
        "추진결과(부서별)",
        "총무과",
        "수정도입",
        "추진완료",
    } <= shown
    bundled = {korean_font_path(), korean_font_path(bold=True)}
    assert {Path(findfont(t.get_fontproperties())) for t in hangul} <= bundled
    assert all(path.parent.parent.name == "koreanize_matplotlib" for path in bundled)
    assert korean_font_path().name == "NanumGothic.ttf"


def test_every_text_on_the_chart_names_its_font_so_global_settings_do_not_matter():
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 5}):
        figure = build_chart(district(), KOREAN)
        no_glyph_warnings(lambda: figure.canvas.draw())

    assert {t.get_fontproperties().get_file() for t in texts_of(figure)} <= {
        str(korean_font_path()),
        str(korean_font_path(bold=True)),
    }


def test_drawing_a_chart_leaves_matplotlibs_global_settings_alone():
    before = dict(matplotlib.rcParams)

    render_chart(district(), KOREAN)

    assert dict(matplotlib.rcParams) == before


def test_the_counts_are_written_on_the_bars_and_each_department_gets_its_total():
    tables = tables_of(
        adoption=[CountRow(2026, "총무과", "adopt", 12), CountRow(2026, "총무과", "not_adopted", 7)],
        progress=[CountRow(2026, "총무과", "completed", 5)],
    )
    figure = build_chart(tables, KOREAN)

    shown = [t.get_text() for t in texts_of(figure)]
    assert {"12", "7", "19", "5"} <= set(shown)


def test_with_nothing_to_count_the_chart_says_so():
    png = no_glyph_warnings(lambda: render_chart(tables_of(), KOREAN))

    assert png_size(png) == (CHART_WIDTH_PX, EMPTY_HEIGHT_PX)
    assert "자료가 없습니다" in [t.get_text() for t in texts_of(build_chart(tables_of(), KOREAN))]


def test_before_any_result_is_approved_the_results_panel_says_there_is_nothing_yet():
    tables = tables_of(adoption=[CountRow(2026, "총무과", "adopt", 2)])

    png = no_glyph_warnings(lambda: render_chart(tables, KOREAN))

    assert png_size(png)[0] == CHART_WIDTH_PX
    shown = [t.get_text() for t in texts_of(build_chart(tables, KOREAN))]
    assert shown.count("자료가 없습니다") == 1
    assert "총무과" in shown


def test_a_very_long_department_name_is_cut_so_the_bars_keep_their_room():
    long_name = "도시재생과 도시재생뉴딜사업단 주민협의체 지원팀 및 마을공동체 활성화 지원센터"
    tables = tables_of(adoption=[CountRow(2026, long_name, "adopt", 2), CountRow(2026, "총무과", "adopt", 1)])

    no_glyph_warnings(lambda: render_chart(tables, KOREAN))

    shown = [t.get_text() for t in texts_of(build_chart(tables, KOREAN))]
    assert long_name not in shown
    assert any(text.endswith("…") and long_name.startswith(text[:-1]) for text in shown)


def test_english_labels_draw_an_english_chart():
    figure = build_chart(district(), ENGLISH)

    shown = {t.get_text() for t in texts_of(figure)}
    assert {"Benchmarking statistics · 2026", "Adoption by department", "Adopt modified", "Completed"} <= shown
    no_glyph_warnings(lambda: render_chart(district(), ENGLISH))


def test_charts_drawn_in_several_threads_at_once_come_out_the_same_as_one_by_one():
    tables = district()
    alone = render_chart(tables, KOREAN)

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: render_chart(tables, KOREAN), range(8)))

    assert together == [alone] * 8


# -- the workbook -------------------------------------------------------------------------------------------


def workbook_of(tables, labels=KOREAN, generated_at=GENERATED):
    return load_workbook(BytesIO(render_workbook(tables, labels, generated_at)))


def test_the_workbook_has_one_sheet_per_table_in_the_readers_language():
    book = workbook_of(district())

    assert book.sheetnames == [
        "채택현황(부서별)",
        "채택현황(연도별)",
        "추진결과(부서별)",
        "추진결과(연도별)",
        "진행상태(부서별)",
    ]
    assert book.properties.title == "벤치마킹 통계"


def test_each_sheet_has_its_title_the_period_and_when_it_was_made_above_the_table():
    book = workbook_of(district())

    for sheet in book.worksheets:
        assert sheet["A1"].value == f"벤치마킹 통계 · {sheet.title}"
        assert sheet["A1"].font.bold
        assert sheet["A2"].value == "전체 연도 · 작성 일시: 2026-11-25 10:00"
        assert sheet["A3"].value is None


def test_a_table_sheet_carries_the_counts_and_totals_of_its_table():
    tables = district()
    book = workbook_of(tables)

    sheet = book["채택현황(부서별)"]
    rows = grid(sheet)[3:]
    assert rows[0] == ["부서", "도입", "수정도입", "장기검토", "미도입", "합계"]
    body = rows[1:-1]
    assert body == [[r.label, *r.counts, r.total] for r in tables.adoption_by_department.rows]
    assert [row[0] for row in body] == ["문화체육과", "민원여권과", "지역경제과", "총무과"]
    assert rows[-1] == ["합계", *tables.adoption_by_department.totals, tables.adoption_by_department.grand_total]


@pytest.mark.parametrize(
    ("sheet_name", "table_name", "header"),
    [
        ("채택현황(연도별)", "adoption_by_year", ["연도", "도입", "수정도입", "장기검토", "미도입", "합계"]),
        ("추진결과(부서별)", "progress_by_department", ["부서", "추진완료", "추진중", "미추진", "합계"]),
        ("추진결과(연도별)", "progress_by_year", ["연도", "추진완료", "추진중", "미추진", "합계"]),
        ("진행상태(부서별)", "state_by_department", ["부서", "등록", "검토완료", "승인요청", "승인", "반려", "합계"]),
    ],
)
def test_every_table_is_written_with_its_own_header_and_totals(sheet_name, table_name, header):
    tables = district()
    table = getattr(tables, table_name)
    rows = grid(workbook_of(tables)[sheet_name])[3:]

    assert rows[0] == header
    by_year = header[0] == "연도"
    assert rows[1:-1] == [[int(r.label) if by_year else r.label, *r.counts, r.total] for r in table.rows]
    assert rows[-1] == ["합계", *table.totals, table.grand_total]


def test_years_are_numbers_newest_first_so_excel_does_not_flag_them_as_text():
    rows = grid(workbook_of(district())["채택현황(연도별)"])[4:-1]

    assert [row[0] for row in rows] == [2026, 2025]


def test_the_header_is_bold_on_a_fill_frozen_with_the_labels_and_the_totals_stand_out():
    sheet = workbook_of(district())["채택현황(부서별)"]
    last_row = sheet.max_row

    assert sheet.freeze_panes == "B5"
    for cell in sheet[4]:
        assert cell.font.bold
        assert cell.fill.fill_type == "solid"
    assert all(cell.font.bold for cell in sheet[last_row])
    assert sheet.cell(5, 6).font.bold  # the total column
    assert sheet.cell(5, 2).number_format == "#,##0"


def test_columns_are_wide_enough_for_korean_text():
    long_name = "어르신장애인복지과"
    sheet = workbook_of(tables_of(adoption=[CountRow(2026, long_name, "adopt", 1)]))["채택현황(부서별)"]

    assert sheet["A5"].value == long_name
    assert sheet.column_dimensions["A"].width >= display_width(long_name) == 18
    assert sheet.column_dimensions["C"].width >= display_width("수정도입")


def test_the_workbook_holds_plain_numbers_not_formulas():
    book = workbook_of(district())

    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(value, str) and value.startswith("=") for value in row)


def test_english_labels_give_english_sheets_and_headers():
    book = workbook_of(district(), ENGLISH)

    assert book.sheetnames == [
        "Adoption by department",
        "Adoption by year",
        "Results by department",
        "Results by year",
        "Status by department",
    ]
    rows = grid(book["Results by year"])
    assert rows[0][0] == "Benchmarking statistics · Results by year"
    assert rows[1][0] == "2026 · Generated 2026-11-25 10:00"
    assert rows[3] == ["Year", "Completed", "In progress", "Not pursued", "Total"]
    assert rows[-1][0] == "Total"


def test_an_empty_table_still_has_its_header_a_note_and_zero_totals():
    book = workbook_of(tables_of())

    for sheet in book.worksheets:
        rows = grid(sheet)
        assert rows[3][0] == "부서" or rows[3][0] == "연도"
        assert rows[4][0] == "합계"
        assert set(rows[4][1:]) == {0}
        assert rows[5][0] == "자료가 없습니다"


def test_a_sheet_name_excel_would_refuse_is_made_acceptable():
    labels = ReportLabels(**{**vars(KOREAN), "adoption_by_department": "채택현황: 부서별/전체 [2026년] " + "가" * 30})

    sheet = workbook_of(district(), labels).worksheets[0]

    assert len(sheet.title) <= 31
    assert not set(sheet.title) & set("[]:*?/\\")
    assert sheet.title.startswith("채택현황")


def test_an_aware_time_is_shown_as_given_and_stamped_in_utc_in_the_file():
    from zoneinfo import ZoneInfo

    at = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    book = workbook_of(district(), generated_at=at)

    assert book.worksheets[0]["A2"].value.endswith("2026-11-25 10:00")
    assert book.properties.created == datetime(2026, 11, 25, 1, 0, tzinfo=UTC).replace(tzinfo=None)
