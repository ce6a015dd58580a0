"""벤치마킹 통계 as files: a PNG chart for the chat and an Excel workbook for the office.

``core`` cannot read the bot's text catalogs, so every word on a chart or in a workbook comes in through
``ReportLabels``, filled by the caller in the reader's language. Both renderers are pure functions of their
inputs: no global state is read or changed, so the bot may run them in worker threads at the same time.

matplotlib takes about a third of a second to import, so it is imported inside the functions that draw:
the bot starts without it and pays once, on the first chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING

from core.benchmark.statistics import BenchmarkTables, CountTable
from core.charts import (
    CHART_DPI,
    CHART_WIDTH_PX,
    EMPTY_HEIGHT_PX,
    LABEL_SIZE,
    MARGIN_PX,
    MAX_LABEL_SHARE,
    PANEL_TITLE_SIZE,
    TITLE_SIZE,
    empty_frame,
    fit_text,
    text_width,
)
from core.charts import font as _font
from core.workbook import Column, ExportBook, Kind, Row, display_width

__all__ = ["ReportLabels", "display_width", "render_chart", "render_workbook"]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties


@dataclass(frozen=True)
class ReportLabels:
    """Every human text of the chart and the workbook, in the reader's language.

    ``period`` says which years the tables cover ("전체 연도", "2026년"); ``generated_at`` is a caption
    in which ``{at}`` is replaced by the time the workbook was made ("작성 일시: {at}"). The value
    mappings take a code (``Adoption``, ``ProgressResult``, ``CaseState`` values) to its label; a code
    without a label is shown as the code rather than failing a report."""

    title: str  # 벤치마킹 통계
    period: str  # 전체 연도 / 2026년
    adoption_by_department: str  # chart panel, sheet name and table title: 채택현황(부서별)
    adoption_by_year: str  # 채택현황(연도별)
    progress_by_department: str  # 추진결과(부서별)
    progress_by_year: str  # 추진결과(연도별)
    state_by_department: str  # 진행상태(부서별)
    department: str  # 부서
    year: str  # 연도
    total: str  # 합계
    generated_at: str  # 작성 일시: {at}
    no_data: str  # 자료가 없습니다
    adoption_values: Mapping[str, str]  # adopt -> 도입, ...
    progress_values: Mapping[str, str]  # completed -> 추진완료, ...
    state_values: Mapping[str, str]  # registered -> 등록, ...


# -- the chart --------------------------------------------------------------------------------------------

COUNT_SIZE = 13
# The picture is laid out in pixels, top to bottom, so its size is known before anything is drawn
# (matplotlib's constrained layout doubled the drawing time for the same result).
TITLE_PX = 50  # the figure's title
PANEL_TITLE_PX = 40  # a panel's title, above its bars
ROW_PX = 46  # one department's bar, with its gap
LEGEND_PX = 48  # below a panel's bars
PANEL_GAP_PX = 26
EMPTY_PANEL_PX = 90  # a panel with nothing to show keeps only a line saying so
TOTAL_ROOM = 0.12  # share of the bar area kept right of the longest bar for its total

# Readable on a phone and told apart without colour vision: dark for done, light for partly, grey for no.
ADOPTION_COLOURS = {
    "adopt": "#1b5e20",
    "adopt_modified": "#66bb6a",
    "long_term": "#ffb300",
    "not_adopted": "#bdbdbd",
}
PROGRESS_COLOURS = {
    "completed": "#0d47a1",
    "in_progress": "#64b5f6",
    "not_pursued": "#bdbdbd",
}
FALLBACK_COLOURS = ("#6a1b9a", "#ce93d8", "#8d6e63", "#90a4ae")
DARK_COLOURS = frozenset({"#1b5e20", "#0d47a1", "#6a1b9a", "#8d6e63"})
TEXT = "#212121"
MUTED = "#757575"


def _colours(columns: Sequence[str], known: Mapping[str, str]) -> list[str]:
    spare = iter(FALLBACK_COLOURS * (len(columns) // len(FALLBACK_COLOURS) + 1))
    return [known.get(code) or next(spare) for code in columns]


@dataclass(frozen=True)
class _Panel:
    table: CountTable
    title: str
    names: Mapping[str, str]
    colours: Mapping[str, str]

    @property
    def empty(self) -> bool:
        return not self.table.rows


class _Chart:
    """One figure being drawn: its size in pixels and where each panel goes."""

    def __init__(self, figure: Figure, renderer: RendererAgg, height_px: int, left_px: float) -> None:
        self.figure = figure
        self.renderer = renderer
        self.height_px = height_px
        self.left_px = left_px

    def axes(self, top_px: float, height_px: float) -> Axes:
        """Axes whose top edge is ``top_px`` from the top of the picture."""
        width = CHART_WIDTH_PX - self.left_px - MARGIN_PX
        return self.figure.add_axes(
            (
                self.left_px / CHART_WIDTH_PX,
                1 - (top_px + height_px) / self.height_px,
                width / CHART_WIDTH_PX,
                height_px / self.height_px,
            )
        )

    def text_px(self, text: str, font: FontProperties) -> float:
        return text_width(self.renderer, text, font)


def _draw_panel(
    chart: _Chart, ax: Axes, panel: _Panel, departments: Sequence[str], names: Sequence[str], widest: int, no_data: str
) -> None:
    ax.set_title(panel.title, loc="left", fontproperties=_font(PANEL_TITLE_SIZE, bold=True), pad=10, color=TEXT)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.xaxis.set_visible(False)  # every count is written on its bar; an axis would only add clutter
    if panel.empty:
        ax.spines["left"].set_visible(False)
        ax.set_yticks([])
        font = _font(LABEL_SIZE)
        ax.text(0.5, 0.5, no_data, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontproperties=font)
        return
    by_label = {row.label: row.counts for row in panel.table.rows}
    zero = (0,) * len(panel.table.columns)
    counts = [by_label.get(department, zero) for department in departments]
    x_max = widest * (1 + TOTAL_ROOM)
    bar_px = CHART_WIDTH_PX - chart.left_px - MARGIN_PX
    positions = list(range(len(departments)))
    left = [0] * len(departments)
    count_font, total_font = _font(COUNT_SIZE), _font(COUNT_SIZE, bold=True)
    for i, (code, colour) in enumerate(
        zip(panel.table.columns, _colours(panel.table.columns, panel.colours), strict=True)
    ):
        values = [row[i] for row in counts]
        ax.barh(positions, values, left=left, height=0.7, color=colour, label=panel.names.get(code, code))
        ink = "white" if colour in DARK_COLOURS else TEXT
        for y, start, value in zip(positions, left, values, strict=True):
            # A count goes into its segment only when it fits; the total at the bar's end always shows.
            if value and value / x_max * bar_px >= chart.text_px(str(value), count_font) + 8:
                ax.text(
                    start + value / 2, y, str(value), ha="center", va="center", color=ink, fontproperties=count_font
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in zip(positions, left, strict=True):
        ax.text(total + x_max * 0.012, y, str(total), ha="left", va="center", color=TEXT, fontproperties=total_font)
    ax.set_xlim(0, x_max)
    ax.set_ylim(len(departments) - 0.5, -0.5)  # the first department on top, as in the tables
    ax.set_yticks(positions, list(names), fontproperties=_font(LABEL_SIZE), color=TEXT)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0, 0),
        ncols=len(panel.table.columns),
        frameon=False,
        prop=_font(LABEL_SIZE),
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.4,
    )


def build_chart(tables: BenchmarkTables, labels: ReportLabels) -> Figure:
    """The chart as a matplotlib ``Figure`` (``render_chart`` makes it a PNG; tests look inside it).

    Two panels, both by department in the same order: what each department decided (채택현황) and what
    came of it once approved (추진결과). By department rather than by year because that is the question
    the coordinator asks of this screen ("부서별 추진현황": which department is behind?), a year is
    usually chosen first, and one row order and one scale let the eye run from a department's reviews to
    its results; the yearly tables are in the workbook."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = [
        _Panel(tables.adoption_by_department, labels.adoption_by_department, labels.adoption_values, ADOPTION_COLOURS),
        _Panel(tables.progress_by_department, labels.progress_by_department, labels.progress_values, PROGRESS_COLOURS),
    ]
    departments = sorted({row.label for panel in panels for row in panel.table.rows})
    heading = f"{labels.title} · {labels.period}"
    title_font = _font(TITLE_SIZE, bold=True)
    if not departments:
        height_px = EMPTY_HEIGHT_PX
    else:
        bars_px = [EMPTY_PANEL_PX if panel.empty else len(departments) * ROW_PX for panel in panels]
        height_px = MARGIN_PX + TITLE_PX + sum(PANEL_TITLE_PX + b + LEGEND_PX for b in bars_px) + PANEL_GAP_PX
    figure = Figure(figsize=(CHART_WIDTH_PX / CHART_DPI, height_px / CHART_DPI), dpi=CHART_DPI)
    canvas = FigureCanvasAgg(figure)
    if not departments:
        figure.add_artist(empty_frame(figure))
        figure.text(0.5, 0.8, heading, ha="center", va="center", color=TEXT, fontproperties=title_font)
        font = _font(PANEL_TITLE_SIZE)
        figure.text(0.5, 0.42, labels.no_data, ha="center", va="center", color=MUTED, fontproperties=font)
        return figure
    chart = _Chart(figure, canvas.get_renderer(), height_px, left_px=0)  # type: ignore[no-untyped-call]
    label_font = _font(LABEL_SIZE)
    names = [fit_text(chart.renderer, d, label_font, CHART_WIDTH_PX * MAX_LABEL_SHARE) for d in departments]
    chart.left_px = MARGIN_PX + max(chart.text_px(n, label_font) for n in names) + 12
    figure.text(
        MARGIN_PX / CHART_WIDTH_PX,
        1 - MARGIN_PX / height_px,
        heading,
        ha="left",
        va="top",
        color=TEXT,
        fontproperties=title_font,
    )
    # One scale for both panels: a department's results are drawn against its reviews.
    widest = max(1, *(row.total for panel in panels for row in panel.table.rows))
    top = MARGIN_PX + TITLE_PX
    for panel, bar_height in zip(panels, bars_px, strict=True):
        top += PANEL_TITLE_PX
        _draw_panel(chart, chart.axes(top, bar_height), panel, departments, names, widest, labels.no_data)
        top += bar_height + LEGEND_PX + PANEL_GAP_PX
    return figure


def render_chart(tables: BenchmarkTables, labels: ReportLabels) -> bytes:
    """A PNG ``CHART_WIDTH_PX`` wide, its height growing with the number of departments.

    Safe to call from several threads at once: each call draws its own ``Figure`` on its own Agg canvas
    and never touches pyplot."""
    figure = build_chart(tables, labels)
    buffer = BytesIO()
    figure.canvas.print_figure(buffer, format="png", dpi=CHART_DPI)
    return buffer.getvalue()


# -- the workbook ---------------------------------------------------------------------------------------


def _write_table(
    book: ExportBook,
    table: CountTable,
    labels: ReportLabels,
    *,
    name: str,
    by_year: bool,
    names: Mapping[str, str],
) -> None:
    columns = [
        Column(labels.year if by_year else labels.department),
        *(Column(names.get(c, c), Kind.COUNT) for c in table.columns),
        Column(labels.total, Kind.COUNT, total=True),
    ]
    body: list[Row] = [
        # A year is written as a number, so Excel does not flag it as a number stored as text.
        Row([int(row.label) if by_year and row.label.isdigit() else row.label, *row.counts, row.total])
        for row in table.rows
    ]
    footer = Row([labels.total, *table.totals, table.grand_total], total=True)
    # The header stays in view while scrolling down, the labels while scrolling right.
    written = book.table(
        name,
        columns,
        [*body, footer],
        heading=f"{labels.title} · {name}",
        caption=labels.period,
        frozen_columns=1,
    )
    if not body:
        written.note(labels.no_data)


def render_workbook(tables: BenchmarkTables, labels: ReportLabels, generated_at: datetime) -> bytes:
    """An .xlsx with one sheet per table: title and caption, then the table with its totals.

    ``generated_at`` is shown as given (``YYYY-MM-DD HH:MM``): pass the office's local time. Department
    names are what admins typed, so the rows go through ``core.workbook``, which keeps text from turning
    into formulas."""
    book = ExportBook(title=labels.title, created=generated_at, created_label=labels.generated_at)
    sheets: list[tuple[CountTable, str, bool, Mapping[str, str]]] = [
        (tables.adoption_by_department, labels.adoption_by_department, False, labels.adoption_values),
        (tables.adoption_by_year, labels.adoption_by_year, True, labels.adoption_values),
        (tables.progress_by_department, labels.progress_by_department, False, labels.progress_values),
        (tables.progress_by_year, labels.progress_by_year, True, labels.progress_values),
        (tables.state_by_department, labels.state_by_department, False, labels.state_values),
    ]
    for table, name, by_year, names in sheets:
        _write_table(book, table, labels, name=name, by_year=by_year, names=names)
    return book.save()
