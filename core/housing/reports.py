"""공동주택 현황 as files: a PNG chart of one statistic for the chat, and an Excel workbook of several for the
office, modelled on 벤치마킹 통계 (``core/benchmark/reports.py``).

``core`` cannot read the bot's text catalogs, so every word on a chart or in a workbook comes in through
``HousingReportLabels``, filled by the caller in the reader's language. Both renderers are pure functions of
their inputs, safe to run in worker threads at the same time: each chart draws its own ``Figure`` on its own
Agg canvas and never touches pyplot or matplotlib's global settings. matplotlib is imported inside the drawing
function, so the bot starts without it. Each statistic is named by the key the chat's buttons use ("type",
"dong", "year", "support", "kind", "by_dong", "by_complex", "reps")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING

from core.charts import empty_frame, fit_text, font, text_width
from core.housing.statistics import DongTable, RepresentativeTable, SupportTable, TypeTable, YearTable
from core.housing.values import Totals
from core.workbook import CellValue, Column, ExportBook, Kind, Row

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure

__all__ = ["ENDING_KEY", "KEYS", "HousingReportLabels", "Statistic", "build_chart", "render_chart", "render_workbook"]

Statistic = TypeTable | DongTable | YearTable | SupportTable | RepresentativeTable
SUPPORT_GROUPS = {"support": "year", "kind": "kind", "by_dong": "dong", "by_complex": "complex"}
KEYS = ("type", "dong", "year", *SUPPORT_GROUPS, "reps")
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
    no_year: str  # 사용승인일 미등록: a complex without a use-approval year
    no_support_year: str  # 연도 없음: support projects without a start year
    unnamed: str  # (이름 없음): a support group without a name
    year_value: str  # {year}년
    households_value: str  # {count}세대
    complexes_value: str  # {count}단지
    buildings_value: str  # {count}동
    people_value: str  # {count}명
    more: str  # 외 {count}건: under a chart cut to its first rows


def _fill(template: str, **values: object) -> str:
    """``template`` with each ``{name}`` replaced; other braces (in a catalog text) are left as they are."""
    for key, value in values.items():
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        template = template.replace("{" + key + "}", shown)
    return template


def _checked(key: str, table: Statistic) -> None:
    expected = {"type": TypeTable, "dong": DongTable, "year": YearTable, "reps": RepresentativeTable}
    kind = expected.get(key, SupportTable if key in SUPPORT_GROUPS else None)
    if kind is None or not isinstance(table, kind):
        raise ValueError(f"statistic {key!r} cannot be drawn from a {type(table).__name__}")
    if isinstance(table, SupportTable) and table.group != SUPPORT_GROUPS[key]:
        raise ValueError(f"statistic {key!r} groups by {SUPPORT_GROUPS[key]}, the table by {table.group}")


def _support_label(labels: HousingReportLabels, group: str, label: str, *, sheet: bool = False) -> CellValue:
    """A support group's name; on a sheet a year is a number, so Excel does not flag it as text."""
    if group != "year":
        return label or labels.unnamed
    if not label:
        return labels.no_support_year
    return int(label) if sheet and label.isdigit() else _fill(labels.year_value, year=label)


def _people(table: RepresentativeTable) -> tuple[dict[str, int], dict[str, int]]:
    """People per position and per dong, each in the order they first appear (the office's order)."""
    positions: dict[str, int] = {}
    dongs: dict[str, int] = {}
    for c in table.counts:
        positions[c.position] = positions.get(c.position, 0) + c.count
        dongs[c.admin_dong] = dongs.get(c.admin_dong, 0) + c.count
    return positions, dongs


# -- the chart --------------------------------------------------------------------------------------------

CHART_WIDTH_PX = 1000  # a phone shows a photo at full width; wider only makes the text smaller
CHART_DPI = 100
# Telegram shows a 1000 px picture about 400 points wide on a phone, so text must be large to stay readable.
TITLE_SIZE = 20
LINE_SIZE = 14
PANEL_TITLE_SIZE = 16
LABEL_SIZE = 14
NOTE_SIZE = 13
# Laid out in pixels, top to bottom, so the picture's size is known before anything is drawn.
MARGIN_PX = 20
TITLE_PX = 44
LINE_PX = 28  # the scope, the caption, the totals under the title
PANEL_TITLE_PX = 44
ROW_PX = 46  # one row of a single bar
PAIR_ROW_PX = 64  # one row of two bars (granted and returned)
LEGEND_PX = 44
MORE_PX = 34  # the "외 N건" line
PANEL_GAP_PX = 20
EMPTY_HEIGHT_PX = 420
NOTE_PAD_PX = 8  # between a bar's end and its figures
MAX_LABEL_SHARE = 0.35  # a row's name may take at most this share of the width; longer ones are cut
CHART_ROWS = 20  # rows a phone shows legibly; the rest are counted in one line, in the table's order

BAR = "#1565c0"
TOTAL_BAR = "#0d47a1"
SUB_BAR = "#90caf9"  # a management type under 아파트
SERIES = ("#1565c0", "#ef6c00")  # granted, returned: told apart by lightness as well as hue
TEXT = "#212121"
MUTED = "#757575"


@dataclass(frozen=True)
class _Bar:
    label: str
    values: tuple[int, ...]  # one bar each, side by side
    notes: tuple[str, ...]  # written after each bar
    style: str = "plain"  # total (bold, dark), sub (muted, light) or plain


@dataclass(frozen=True)
class _Panel:
    title: str | None
    bars: tuple[_Bar, ...]
    series: tuple[str, ...] = ()  # the legend, when a row has several bars
    hidden: int = 0  # rows cut off

    @property
    def height_px(self) -> int:
        rows = len(self.bars) * (PAIR_ROW_PX if len(self.series) > 1 else ROW_PX)
        title = PANEL_TITLE_PX if self.title else 0
        return title + rows + (LEGEND_PX if self.series else 0) + (MORE_PX if self.hidden else 0) + PANEL_GAP_PX


def _cut(title: str | None, bars: Sequence[_Bar], series: tuple[str, ...] = ()) -> _Panel:
    return _Panel(title, tuple(bars[:CHART_ROWS]), series, max(0, len(bars) - CHART_ROWS))


def _totals_bar(labels: HousingReportLabels, label: str, totals: Totals, style: str = "plain") -> _Bar:
    note = " · ".join(
        [
            _fill(labels.households_value, count=totals.households),
            _fill(labels.complexes_value, count=totals.complexes),
            _fill(labels.buildings_value, count=totals.buildings),
        ]
    )
    return _Bar(label, (totals.households,), (note,), style)


def _counted_bar(labels: HousingReportLabels, label: str, totals: Totals) -> _Bar:
    note = f"{_fill(labels.households_value, count=totals.households)} · "
    return _Bar(label, (totals.households,), (note + _fill(labels.complexes_value, count=totals.complexes),))


def _content(table: Statistic, labels: HousingReportLabels) -> tuple[list[str], list[_Panel]]:
    """The lines under the title (totals) and the panels of one statistic; no panel when there is nothing."""
    if isinstance(table, TypeTable):
        if not table.total.complexes:
            return [], []
        bars = [
            _totals_bar(labels, labels.total, table.total, "total"),
            _totals_bar(labels, labels.apartments, table.apartments),
            *(_totals_bar(labels, labels.management.get(m, m), t, "sub") for m, t in table.by_management),
            _totals_bar(labels, labels.row_houses, table.row_houses),
        ]
        return [], [_Panel(None, tuple(bars))]
    if isinstance(table, DongTable | YearTable):
        if isinstance(table, DongTable):
            bars = [_counted_bar(labels, r.admin_dong, r.totals) for r in table.rows]
        else:
            no_year, named = labels.no_year, labels.year_value
            bars = [
                _counted_bar(labels, no_year if r.year is None else _fill(named, year=str(r.year)), r.totals)
                for r in table.rows
            ]
        total = _counted_bar(labels, labels.total, table.total).notes[0]
        return ([f"{labels.total}: {total}"], [_cut(None, bars)]) if bars else ([], [])
    if isinstance(table, SupportTable):
        bars = [
            _Bar(
                str(_support_label(labels, table.group, r.label)),
                (r.granted, r.returned),
                (f"{r.granted:,}", f"{r.returned:,}"),
            )
            for r in table.rows
        ]
        line = f"{labels.total}: {labels.granted} {table.granted:,} · {labels.returned} {table.returned:,}"
        return ([line], [_cut(None, bars, (labels.granted, labels.returned))]) if bars else ([], [])
    positions, dongs = _people(table)
    if not positions:
        return [], []
    people = [
        [_Bar(name, (n,), (_fill(labels.people_value, count=n),)) for name, n in counted.items()]
        for counted in (positions, dongs)
    ]
    line = f"{labels.total}: {_fill(labels.people_value, count=table.total)}"
    return [line], [_cut(labels.by_position, people[0]), _cut(labels.by_dong, people[1])]


def _draw_panel(
    ax: Axes,
    renderer: RendererAgg,
    panel: _Panel,
    names: Sequence[str],
    width_px: float,
    rows_px: float,
    labels: HousingReportLabels,
) -> None:
    from matplotlib.patches import Patch

    if panel.title:
        ax.set_title(panel.title, loc="left", fontproperties=font(PANEL_TITLE_SIZE, bold=True), pad=10, color=TEXT)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.xaxis.set_visible(False)  # every figure is written after its bar; an axis would only add clutter
    count = max(1, len(panel.series))
    # The scale leaves room after each bar for its figures, however long they are.
    x_max = 1.0
    for bar in panel.bars:
        for value, note in zip(bar.values, bar.notes, strict=True):
            room = width_px - NOTE_PAD_PX - text_width(renderer, note, font(NOTE_SIZE, bold=True))
            x_max = max(x_max, value * width_px / max(room, width_px * 0.3))
    thickness = 0.7 / count
    for s in range(count):
        offset = (s - (count - 1) / 2) * thickness
        for i, bar in enumerate(panel.bars):
            colour = {"total": TOTAL_BAR, "sub": SUB_BAR}.get(bar.style, SERIES[s] if panel.series else BAR)
            ax.barh(i + offset, bar.values[s], height=thickness * 0.9, color=colour)
            note_font = font(NOTE_SIZE, bold=bar.style == "total" or s == 0)
            x = bar.values[s] + x_max * NOTE_PAD_PX / width_px
            ax.text(x, i + offset, bar.notes[s], ha="left", va="center", color=TEXT, fontproperties=note_font)
    ax.set_xlim(0, x_max)
    ax.set_ylim(len(panel.bars) - 0.5, -0.5)  # the first row on top, as in the tables
    ax.set_yticks(range(len(panel.bars)), list(names), fontproperties=font(LABEL_SIZE), color=TEXT)
    for tick, bar in zip(ax.get_yticklabels(), panel.bars, strict=True):
        if bar.style == "total":
            tick.set_fontproperties(font(LABEL_SIZE, bold=True))
        elif bar.style == "sub":
            tick.set_color(MUTED)
    ax.tick_params(axis="y", length=0, pad=8)
    below = 0.0
    if panel.series:
        handles = [Patch(color=SERIES[s], label=name) for s, name in enumerate(panel.series)]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0, 0),
            ncols=len(handles),
            frameon=False,
            prop=font(LABEL_SIZE),
            handlelength=1.2,
            borderaxespad=0.4,
        )
        below = LEGEND_PX
    if panel.hidden:
        y = -(below + MORE_PX / 2) / rows_px
        more = _fill(labels.more, count=panel.hidden)
        ax.text(
            0, y, more, transform=ax.transAxes, ha="left", va="center", color=MUTED, fontproperties=font(LABEL_SIZE)
        )


def build_chart(key: str, table: Statistic, labels: HousingReportLabels) -> Figure:
    """One statistic as a matplotlib ``Figure`` (``render_chart`` makes it a PNG; tests look inside it):
    horizontal bars, one row per line of the table in the table's order, cut after ``CHART_ROWS``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _checked(key, table)
    totals, panels = _content(table, labels)
    heading = f"{labels.title} · {labels.titles.get(key, key)}"
    lines = [labels.scope, *([labels.captions[key]] if labels.captions.get(key) else []), *totals]
    if panels:
        height_px = 2 * MARGIN_PX + TITLE_PX + LINE_PX * len(lines) + sum(p.height_px for p in panels)
    else:
        height_px = EMPTY_HEIGHT_PX
    figure = Figure(figsize=(CHART_WIDTH_PX / CHART_DPI, height_px / CHART_DPI), dpi=CHART_DPI)
    canvas = FigureCanvasAgg(figure)
    title_font, line_font = font(TITLE_SIZE, bold=True), font(LINE_SIZE)
    if not panels:
        figure.add_artist(empty_frame(figure))
        figure.text(0.5, 0.84, heading, ha="center", va="center", color=TEXT, fontproperties=title_font)
        figure.text(0.5, 0.74, labels.scope, ha="center", va="center", color=MUTED, fontproperties=line_font)
        no_data = font(PANEL_TITLE_SIZE)
        figure.text(0.5, 0.42, labels.no_data, ha="center", va="center", color=MUTED, fontproperties=no_data)
        return figure
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    label_font = font(LABEL_SIZE, bold=True)
    left = float(MARGIN_PX)
    named: list[list[str]] = []
    for panel in panels:
        named.append([fit_text(renderer, b.label, label_font, CHART_WIDTH_PX * MAX_LABEL_SHARE) for b in panel.bars])
        left = max(left, MARGIN_PX + max(text_width(renderer, n, label_font) for n in named[-1]) + 12)
    x, top = MARGIN_PX / CHART_WIDTH_PX, float(MARGIN_PX)
    figure.text(x, 1 - top / height_px, heading, ha="left", va="top", color=TEXT, fontproperties=title_font)
    top += TITLE_PX
    for line in lines:
        figure.text(x, 1 - top / height_px, line, ha="left", va="top", color=MUTED, fontproperties=line_font)
        top += LINE_PX
    width_px = CHART_WIDTH_PX - left - MARGIN_PX
    for panel, names in zip(panels, named, strict=True):
        top += PANEL_TITLE_PX if panel.title else 0
        rows_px = float(len(panel.bars) * (PAIR_ROW_PX if len(panel.series) > 1 else ROW_PX))
        box = (left / CHART_WIDTH_PX, 1 - (top + rows_px) / height_px, width_px / CHART_WIDTH_PX, rows_px / height_px)
        _draw_panel(figure.add_axes(box), renderer, panel, names, width_px, rows_px, labels)
        top += panel.height_px - (PANEL_TITLE_PX if panel.title else 0)
    return figure


def render_chart(key: str, table: Statistic, labels: HousingReportLabels) -> bytes:
    """A PNG ``CHART_WIDTH_PX`` wide, its height growing with the rows shown. ``ValueError`` when ``key``
    does not name ``table``'s statistic."""
    figure = build_chart(key, table, labels)
    buffer = BytesIO()
    figure.canvas.print_figure(buffer, format="png", dpi=CHART_DPI)
    return buffer.getvalue()


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
        body = [_totals_row(labels.no_year if r.year is None else r.year, r.totals) for r in table.rows]
        total = _totals_row(labels.total, table.total, total=True)
        _sheet(book, key, labels, _totals_columns(labels.year, labels), [total, *body], len(body))
    elif isinstance(table, SupportTable):
        first = {"year": labels.year, "kind": labels.support_kind, "dong": labels.dong}.get(table.group, labels.complex)
        columns = [Column(first), *(Column(h, Kind.COUNT) for h in (labels.projects, labels.granted, labels.returned))]
        body = [
            Row([_support_label(labels, table.group, r.label, sheet=True), r.projects, r.granted, r.returned])
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
    positions, dongs = _people(table)
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
        _checked(key, table)
        _write(book, key, table, labels)
    return book.save()
