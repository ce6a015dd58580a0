"""공동주택 현황 as files: the words every file uses (``HousingReportLabels``) and the Excel workbook of
several statistics for the office, modelled on 벤치마킹 통계 (``core/benchmark/reports.py``); the chart of one
statistic for the chat is ``core.housing.chart``.

``core`` cannot read the bot's text catalogs, so every word on a chart or in a workbook comes in through
``HousingReportLabels``, filled by the caller in the reader's language. The renderers are pure functions of
their inputs, safe to run in worker threads at the same time. Each statistic is named by the key the chat's
buttons use (``core.housing.statistics.TABLE_KEYS``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.housing.statistics import (
    SUPPORT_TABLES,
    DongTable,
    RepresentativeTable,
    Statistic,
    SupportTable,
    TypeTable,
    YearTable,
)
from core.housing.values import Totals
from core.workbook import CellValue, Column, ExportBook, Kind, Row

__all__ = ["ENDING_KEY", "HousingReportLabels", "Statistic", "render_workbook"]

ENDING_KEY = "ending"  # the reps statistic's second sheet: terms ending soon


@dataclass(frozen=True)
class HousingReportLabels:
    """Every human text of the charts and the workbook, in the reader's language.

    ``titles`` and ``captions`` are keyed by statistic (``KEYS``, and ``ENDING_KEY`` for the sheet of terms
    ending soon); a missing title shows the key, a missing caption nothing. Templates have their ``{name}``
    replaced: ``generated_at`` ``{at}``, ``year_value`` ``{year}``, the ``*_value`` ones and ``more``
    ``{count}`` (written with thousands separators)."""

    title: str  # 공동주택 현황: the book's title, before every sheet's and chart's title
    scope: str  # 성동구 전체 / 왕십리도선동, 마장동 (담당 동): under every title
    generated_at: str  # 작성 일시: {at}
    no_data: str  # 자료가 없습니다
    titles: Mapping[str, str]  # type -> 유형별, ..., reps -> 입주자대표 구성원, ending -> 임기 만료 예정
    captions: Mapping[str, str]  # year -> 사용승인일이 등록된 142개 단지 기준
    category: str  # 구분
    dong: str  # 동 명
    year: str  # 년 도
    complexes: str  # 단지수
    buildings: str  # 동(棟)수
    households: str  # 세대수
    total: str  # 합계
    apartments: str  # 아파트 소계: the apartments' subtotal row
    management: Mapping[str, str]  # mandatory -> 의무관리, voluntary -> 임의관리, rental -> 임대
    row_houses: str  # 연립(다세대)
    projects: str  # 사업 수
    granted: str  # 지원금액(천원)
    returned: str  # 반환금액(천원)
    support_kind: str  # 사업구분
    complex: str  # 단지명
    position: str  # 직위
    people: str  # 인원
    name: str  # 성명
    term_end: str  # 임기 만료일
    by_position: str  # 직위별: the reps chart's first panel
    by_dong: str  # 동별: its second panel
    no_support_year: str  # 연도 없음: support projects without a start year
    unnamed: str  # (이름 없음): a support group without a name
    year_value: str  # {year}년
    households_value: str  # {count}세대
    complexes_value: str  # {count}단지
    buildings_value: str  # {count}동
    people_value: str  # {count}명
    more: str  # 외 {count}건: under a chart cut to its first rows


def fill(template: str, **values: object) -> str:
    """``template`` with each ``{name}`` replaced; other braces (in a catalog text) are left as they are."""
    for key, value in values.items():
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        template = template.replace("{" + key + "}", shown)
    return template


def checked(key: str, table: Statistic) -> None:
    expected = {"type": TypeTable, "dong": DongTable, "year": YearTable, "reps": RepresentativeTable}
    kind = expected.get(key, SupportTable if key in SUPPORT_TABLES else None)
    if kind is None or not isinstance(table, kind):
        raise ValueError(f"statistic {key!r} cannot be drawn from a {type(table).__name__}")
    if isinstance(table, SupportTable) and table.group != SUPPORT_TABLES[key]:
        raise ValueError(f"statistic {key!r} groups by {SUPPORT_TABLES[key]}, the table by {table.group}")


def support_label(labels: HousingReportLabels, group: str, label: str, *, sheet: bool = False) -> CellValue:
    """A support group's name; on a sheet a year is a number, so Excel does not flag it as text."""
    if group != "year":
        return label or labels.unnamed
    if not label:
        return labels.no_support_year
    return int(label) if sheet and label.isdigit() else fill(labels.year_value, year=label)


def people_of(table: RepresentativeTable) -> tuple[dict[str, int], dict[str, int]]:
    """People per position and per dong, each in the order they first appear (the office's order)."""
    positions: dict[str, int] = {}
    dongs: dict[str, int] = {}
    for c in table.counts:
        positions[c.position] = positions.get(c.position, 0) + c.count
        dongs[c.admin_dong] = dongs.get(c.admin_dong, 0) + c.count
    return positions, dongs


# -- the workbook ---------------------------------------------------------------------------------------


def _sheet(
    book: ExportBook, key: str, labels: HousingReportLabels, columns: Sequence[Column], rows: Sequence[Row], body: int
) -> None:
    name = labels.titles.get(key, key)
    caption = " · ".join(part for part in (labels.scope, labels.captions.get(key)) if part)
    # The header stays in view while scrolling down, the row names while scrolling right.
    written = book.table(name, columns, rows, heading=f"{labels.title} · {name}", caption=caption, frozen_columns=1)
    if not body:
        written.note(labels.no_data)


def _totals_row(label: CellValue, totals: Totals, *, total: bool = False) -> Row:
    return Row([label, totals.complexes, totals.buildings, totals.households], total=total)


def _totals_columns(first: str, labels: HousingReportLabels) -> list[Column]:
    counts = (labels.complexes, labels.buildings, labels.households)
    return [Column(first), *(Column(header, Kind.COUNT) for header in counts)]


def _write(book: ExportBook, key: str, table: Statistic, labels: HousingReportLabels) -> None:
    if isinstance(table, TypeTable):
        rows = [
            _totals_row(labels.total, table.total, total=True),
            _totals_row(labels.apartments, table.apartments, total=True),
            *(_totals_row(f"  {labels.management.get(m, m)}", t) for m, t in table.by_management),
            _totals_row(labels.row_houses, table.row_houses),
        ]
        _sheet(book, key, labels, _totals_columns(labels.category, labels), rows, table.total.complexes)
    elif isinstance(table, DongTable):
        body = [_totals_row(r.admin_dong, r.totals) for r in table.rows]
        total = _totals_row(labels.total, table.total, total=True)
        _sheet(book, key, labels, _totals_columns(labels.dong, labels), [total, *body], len(body))
    elif isinstance(table, YearTable):
        # A year is written as a number, so Excel does not flag it as a number stored as text.
        body = [_totals_row(r.year, r.totals) for r in table.rows]
        total = _totals_row(labels.total, table.total, total=True)
        _sheet(book, key, labels, _totals_columns(labels.year, labels), [total, *body], len(body))
    elif isinstance(table, SupportTable):
        first = {"year": labels.year, "kind": labels.support_kind, "dong": labels.dong}.get(table.group, labels.complex)
        columns = [Column(first), *(Column(h, Kind.COUNT) for h in (labels.projects, labels.granted, labels.returned))]
        body = [
            Row([support_label(labels, table.group, r.label, sheet=True), r.projects, r.granted, r.returned])
            for r in table.rows
        ]
        projects = sum(r.projects for r in table.rows)
        total = Row([labels.total, projects, table.granted, table.returned], total=True)
        _sheet(book, key, labels, columns, [total, *body], len(body))
    else:
        _write_representatives(book, key, table, labels)


def _write_representatives(book: ExportBook, key: str, table: RepresentativeTable, labels: HousingReportLabels) -> None:
    """Counts per dong (a row each) and position (a column each, in the office's order), then the terms ending
    soon on a sheet of their own; names are written as given (the caller masks them)."""
    positions, dongs = people_of(table)
    cells = {(c.admin_dong, c.position): c.count for c in table.counts}
    columns = [
        Column(labels.dong),
        *(Column(p, Kind.COUNT) for p in positions),
        Column(labels.total, Kind.COUNT, total=True),
    ]
    total = Row([labels.total, *positions.values(), table.total], total=True)
    body = [Row([d, *(cells.get((d, p), 0) for p in positions), n]) for d, n in dongs.items()]
    _sheet(book, key, labels, columns, [total, *body], len(body))
    ending = [Column(labels.complex), Column(labels.position), Column(labels.name), Column(labels.term_end, Kind.DATE)]
    terms = [Row([t.complex, t.position, t.name, t.term_end]) for t in table.ending_soon]
    _sheet(book, ENDING_KEY, labels, ending, terms, len(terms))


def render_workbook(
    tables: Sequence[tuple[str, Statistic]], labels: HousingReportLabels, generated_at: datetime
) -> bytes:
    """An .xlsx with one sheet per statistic in the order given (the reps statistic adds a second, of the terms
    ending soon): title, scope and basis with 작성 일시, then the table with 합계 first, as the report shows.

    ``generated_at`` is shown as given (``YYYY-MM-DD HH:MM``): pass the office's local time. Names are what
    staff typed, so every row goes through ``core.workbook``, which keeps text from turning into formulas.
    ``ValueError`` when a key does not name its table's statistic, or when there is no table at all."""
    if not tables:
        raise ValueError("a workbook needs at least one statistic")
    book = ExportBook(title=labels.title, created=generated_at, created_label=labels.generated_at)
    for key, table in tables:
        checked(key, table)
        _write(book, key, table, labels)
    return book.save()
