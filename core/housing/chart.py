"""공동주택 현황 as a picture: one statistic as a PNG chart for the chat, laid out for a phone like 벤치마킹
통계's (``core/benchmark/reports.py``), its words from ``HousingReportLabels``.

Each chart draws its own ``Figure`` on its own Agg canvas and never touches pyplot or matplotlib's global
settings, so charts may be drawn in worker threads at the same time. matplotlib is imported inside the drawing
function, so the bot starts without it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

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
    font,
    text_width,
)
from core.housing.reports import HousingReportLabels, checked, fill, people_of, support_label
from core.housing.statistics import DongTable, Statistic, SupportTable, TypeTable, YearTable
from core.housing.values import Totals

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure

__all__ = ["build_chart", "render_chart"]


# -- the chart --------------------------------------------------------------------------------------------

LINE_SIZE = 14
NOTE_SIZE = 13
# Laid out in pixels, top to bottom, so the picture's size is known before anything is drawn.
TITLE_PX = 44
LINE_PX = 28  # the scope, the caption, the totals under the title
PANEL_TITLE_PX = 44
ROW_PX = 46  # one row of a single bar
PAIR_ROW_PX = 64  # one row of two bars (granted and returned)
LEGEND_PX = 44
MORE_PX = 34  # the "외 N건" line
PANEL_GAP_PX = 20
NOTE_PAD_PX = 8  # between a bar's end and its figures
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
            fill(labels.households_value, count=totals.households),
            fill(labels.complexes_value, count=totals.complexes),
            fill(labels.buildings_value, count=totals.buildings),
        ]
    )
    return _Bar(label, (totals.households,), (note,), style)


def _counted_bar(labels: HousingReportLabels, label: str, totals: Totals) -> _Bar:
    note = f"{fill(labels.households_value, count=totals.households)} · "
    return _Bar(label, (totals.households,), (note + fill(labels.complexes_value, count=totals.complexes),))


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
            bars = [_counted_bar(labels, fill(labels.year_value, year=str(r.year)), r.totals) for r in table.rows]
        total = _counted_bar(labels, labels.total, table.total).notes[0]
        return ([f"{labels.total}: {total}"], [_cut(None, bars)]) if bars else ([], [])
    if isinstance(table, SupportTable):
        bars = [
            _Bar(
                str(support_label(labels, table.group, r.label)),
                (r.granted, r.returned),
                (f"{r.granted:,}", f"{r.returned:,}"),
            )
            for r in table.rows
        ]
        line = f"{labels.total}: {labels.granted} {table.granted:,} · {labels.returned} {table.returned:,}"
        return ([line], [_cut(None, bars, (labels.granted, labels.returned))]) if bars else ([], [])
    positions, dongs = people_of(table)
    if not positions:
        return [], []
    people = [
        [_Bar(name, (n,), (fill(labels.people_value, count=n),)) for name, n in counted.items()]
        for counted in (positions, dongs)
    ]
    line = f"{labels.total}: {fill(labels.people_value, count=table.total)}"
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
        more = fill(labels.more, count=panel.hidden)
        ax.text(
            0, y, more, transform=ax.transAxes, ha="left", va="center", color=MUTED, fontproperties=font(LABEL_SIZE)
        )


def build_chart(key: str, table: Statistic, labels: HousingReportLabels) -> Figure:
    """One statistic as a matplotlib ``Figure`` (``render_chart`` makes it a PNG; tests look inside it):
    horizontal bars, one row per line of the table in the table's order, cut after ``CHART_ROWS``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    checked(key, table)
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
