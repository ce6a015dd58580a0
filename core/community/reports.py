"""마을공동체 현황 as files: a PNG chart for the chat and an Excel workbook for the office, both the report's three
tables (organisations per 분야 beside projects per 사업구분, funds per sponsor, organisations per dong).

``core`` cannot read the bot's text catalogs, so every word comes in through ``CommunityReportLabels``, filled
by the caller in the reader's language. Both renderers are pure functions of their inputs, safe in worker
threads; matplotlib is imported inside the drawing function (it takes a third of a second to import)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING

from core.charts import CHART_DPI, CHART_WIDTH_PX, LABEL_SIZE, MARGIN_PX, PANEL_TITLE_SIZE, TITLE_SIZE
from core.charts import font as _font
from core.community.values import ORGANIZATION_FIELDS, SPONSORS, CommunityDashboard
from core.workbook import Column, ExportBook, Kind, Row

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class CommunityReportLabels:
    """Every human text of the chart and the workbook, in the reader's language."""

    title: str  # 마을공동체 현황
    period: str  # 2015년 (and, for a reader scoped to dongs, whose figures)
    overview: str  # 마을공동체 현황 (분야별 단체(기관)·사업구분별 공모사업)
    funds: str  # 우리마을 지원사업 현황
    by_dong: str  # 동별 단체(기관) 현황
    fields: Mapping[str, str]  # space -> 소통공간, ...
    sponsors: Mapping[str, str]  # city -> 서울시, ...
    call: str  # 공모사업
    category: str  # 구분
    projects: str  # 공모수
    city: str  # 시비
    district: str  # 구비
    own: str  # 자부담
    unit: str  # (천원)
    organizations: str  # 단체(기관) 수
    dong: str  # 행정동
    short: str  # 약칭
    total: str  # 합계
    generated_at: str  # 작성 일시: {at}


# -- the chart --------------------------------------------------------------------------------------------

TITLE_PX = 60
PANEL_PX = 300
PANEL_GAP_PX = 90
FIELD_COLOUR, CALL_COLOUR, DONG_COLOUR = "#2e7d32", "#1565c0", "#6d4c41"
FUND_COLOURS = ("#1565c0", "#ef6c00", "#9e9e9e")  # 시비, 구비, 자부담
TEXT = "#212121"


def _bars(ax: Axes, names: Sequence[str], values: Sequence[int], colours: Sequence[str], title: str) -> None:
    ax.set_title(title, loc="left", fontproperties=_font(PANEL_TITLE_SIZE, bold=True), pad=12, color=TEXT)
    positions = list(range(len(names)))
    ax.bar(positions, values, color=list(colours), width=0.7)
    top = max([1, *values])
    for x, value in zip(positions, values, strict=True):
        ax.text(x, value + top * 0.02, f"{value:,}", ha="center", va="bottom", color=TEXT, fontproperties=_font(12))
    ax.set_ylim(0, top * 1.18)
    ax.set_xticks(positions, list(names), fontproperties=_font(LABEL_SIZE if len(names) < 10 else 11), color=TEXT)
    ax.yaxis.set_visible(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def build_chart(dashboard: CommunityDashboard, labels: CommunityReportLabels) -> Figure:
    """Three panels, top to bottom as the report's screen: organisations per 분야 with projects per 사업구분
    (one row of counts, the calls in blue), the funds per sponsor stacked by who pays, organisations per dong."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height_px = MARGIN_PX + TITLE_PX + 3 * (PANEL_PX + PANEL_GAP_PX)
    figure = Figure(figsize=(CHART_WIDTH_PX / CHART_DPI, height_px / CHART_DPI), dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    figure.text(
        MARGIN_PX / CHART_WIDTH_PX,
        1 - MARGIN_PX / height_px,
        f"{labels.title} · {labels.period}",
        ha="left",
        va="top",
        color=TEXT,
        fontproperties=_font(TITLE_SIZE, bold=True),
    )

    def axes(panel: int, left_px: float = 60) -> Axes:
        """Panel ``panel``'s axes; ``left_px`` leaves room for row names written left of the bars."""
        top = MARGIN_PX + TITLE_PX + panel * (PANEL_PX + PANEL_GAP_PX) + 30
        left, right = left_px / CHART_WIDTH_PX, 60 / CHART_WIDTH_PX
        return figure.add_axes(
            (left, 1 - (top + PANEL_PX - 40) / height_px, 1 - left - right, (PANEL_PX - 40) / height_px)
        )

    fields = dict(dashboard.by_field)
    names = [labels.fields.get(ORGANIZATION_FIELDS[0], ORGANIZATION_FIELDS[0])]
    values = [fields.get(ORGANIZATION_FIELDS[0], 0)]
    colours = [FIELD_COLOUR]
    for sponsor in SPONSORS:  # the report puts the calls right after 소통공간
        names.append(f"{labels.call}\n{labels.sponsors.get(sponsor, sponsor)}")
        values.append(dashboard.projects_of(sponsor))
        colours.append(CALL_COLOUR)
    for field in ORGANIZATION_FIELDS[1:]:
        names.append(labels.fields.get(field, field))
        values.append(fields.get(field, 0))
        colours.append(FIELD_COLOUR)
    _bars(axes(0), names, values, colours, labels.overview)

    ax = axes(1, left_px=130)
    ax.set_title(f"{labels.funds} {labels.unit}", loc="left", fontproperties=_font(PANEL_TITLE_SIZE, bold=True), pad=12)
    sponsors = [labels.sponsors.get(f.sponsor, f.sponsor) for f in dashboard.funds]
    left = [0] * len(dashboard.funds)
    for name, colour, attribute in zip(
        (labels.city, labels.district, labels.own),
        FUND_COLOURS,
        ("city_funds", "district_funds", "self_funds"),
        strict=True,
    ):
        amounts = [getattr(f, attribute) for f in dashboard.funds]
        ax.barh(range(len(sponsors)), amounts, left=left, color=colour, height=0.6, label=name)
        left = [a + b for a, b in zip(left, amounts, strict=True)]
    widest = max([1, *left])
    for y, (total, funds) in enumerate(zip(left, dashboard.funds, strict=True)):
        shown = f"{total:,} ({labels.projects} {funds.projects:,})"
        ax.text(total + widest * 0.01, y, shown, va="center", ha="left", color=TEXT, fontproperties=_font(12))
    ax.set_xlim(0, widest * 1.35)
    ax.set_ylim(len(sponsors) - 0.5, -0.5)
    ax.set_yticks(range(len(sponsors)), sponsors, fontproperties=_font(LABEL_SIZE))
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", frameon=False, prop=_font(12), ncols=3)

    shorts = [d.short_name for d in dashboard.by_dong]
    counts = [d.organizations for d in dashboard.by_dong]
    _bars(axes(2), shorts, counts, [DONG_COLOUR] * len(shorts), labels.by_dong)
    return figure


def render_chart(dashboard: CommunityDashboard, labels: CommunityReportLabels) -> bytes:
    figure = build_chart(dashboard, labels)
    buffer = BytesIO()
    figure.canvas.print_figure(buffer, format="png", dpi=CHART_DPI)
    return buffer.getvalue()


# -- the workbook ---------------------------------------------------------------------------------------


def render_workbook(dashboard: CommunityDashboard, labels: CommunityReportLabels, generated_at: datetime) -> bytes:
    """An .xlsx of the three tables, a sheet each, laid out as the report's screen (``generated_at`` in the
    office's time). Every cell goes through ``core.workbook``, which keeps text from turning into formulas."""
    book = ExportBook(title=labels.title, created=generated_at, created_label=labels.generated_at)
    fields = dict(dashboard.by_field)
    overview = [
        Column(labels.fields.get(ORGANIZATION_FIELDS[0], ""), Kind.COUNT),
        *(Column(f"{labels.call} {labels.sponsors.get(s, s)}", Kind.COUNT) for s in SPONSORS),
        *(Column(labels.fields.get(f, f), Kind.COUNT) for f in ORGANIZATION_FIELDS[1:]),
    ]
    row = [
        fields.get(ORGANIZATION_FIELDS[0], 0),
        *(dashboard.projects_of(s) for s in SPONSORS),
        *(fields.get(f, 0) for f in ORGANIZATION_FIELDS[1:]),
    ]
    book.table(labels.overview, overview, [row], caption=labels.period)

    funds = [
        Column(labels.category),
        Column(labels.projects, Kind.COUNT),
        Column(f"{labels.city} {labels.unit}", Kind.COUNT),
        Column(f"{labels.district} {labels.unit}", Kind.COUNT),
        Column(f"{labels.own} {labels.unit}", Kind.COUNT),
    ]
    rows: list[Sequence[object] | Row] = [
        [labels.sponsors.get(f.sponsor, f.sponsor), f.projects, f.city_funds, f.district_funds, f.self_funds]
        for f in dashboard.funds
    ]
    total = dashboard.total
    rows.append(
        Row([labels.total, total.projects, total.city_funds, total.district_funds, total.self_funds], total=True)
    )
    book.table(labels.funds, funds, rows, caption=labels.period)  # type: ignore[arg-type]

    dongs = [Column(labels.dong), Column(labels.short), Column(labels.organizations, Kind.COUNT)]
    dong_rows: list[Sequence[object] | Row] = [[d.name, d.short_name, d.organizations] for d in dashboard.by_dong]
    dong_rows.append(Row([labels.total, "", sum(d.organizations for d in dashboard.by_dong)], total=True))
    book.table(labels.by_dong, dongs, dong_rows, caption=labels.period)  # type: ignore[arg-type]
    return book.save()
