"""공동주택 통계 — the housing department's 현황 tables on a phone.

The journey: ``/housing_stats`` shows the report's first table (공동주택 현황 by type), each figure as
단지 · 동 · 세대; the buttons below open the other tables in its place: 동별 (each dong a button to the
complexes behind its figure), 년도별 (by use-approval year), 지원 현황 (grants per year, 천원),
입주자대표 구성원 (per position and dong, with the terms ending within 30 days), and 지원사업 by kind,
dong or complex. A reader scoped to some dongs is told whose figures they are on every table.

``/housing_stats 2015 왕십리도선동`` (a year, a dong by name or short name, or both) narrows every table the
filter means something for; the buttons keep the filter as they move between tables, and 📈 차트 and
📥 엑셀 send the shown table as a chart and every table as one workbook (``stats_files``)."""

from __future__ import annotations

from collections import Counter

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.buttons import ButtonData, namespace, number, one_of, which
from conversations.context import DongneContext
from conversations.housing.card import fmt_date
from conversations.housing.lookup import DONG
from conversations.housing.stats_files import scope_text, send_chart, send_workbook
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.statistics import (
    SUPPORT_TABLES,
    DongTable,
    Filters,
    RepresentativeTable,
    Scope,
    SupportTable,
    TypeTable,
    YearTable,
)
from core.housing.values import Totals
from core.texts.i18n import grouped, t, t_plain

TABLES = ("type", "dong", "year", "support", "reps", "kind", "by_dong", "by_complex")  # the buttons' order
# A button carries the filter: the year and the dong's id, 0 for none.
TABLE = ButtonData("hs:t", one_of("table", TABLES), number("year", 4), number("dong"))
CHART = ButtonData("hs:c", one_of("table", TABLES), number("year", 4), number("dong"))
WORKBOOK = ButtonData("hs:x", number("year", 4), number("dong"))
SUPPORT_TABLE = {group: table for table, group in SUPPORT_TABLES.items()}
MOST_ROWS = 20  # rows of a long table on one phone screen; the rest are counted
ENDING_SHOWN = 10


def figures(lang: str, totals: Totals) -> str:
    return t(lang, "hs.figures", **_figure_words(totals))


def scope_line(lang: str, scope: Scope) -> str:
    return t(lang, "hs.scope_line", scope=scope_text(lang, scope))


def basis_line(lang: str, undated: Totals) -> str:
    """What the 동별 and 년도별 tables count, and what they leave out, as the report's second screen does."""
    if not undated.complexes:
        return t(lang, "hs.basis_all")
    return t(lang, "hs.basis", **_figure_words(undated))


def _figure_words(totals: Totals) -> dict[str, str]:
    return {
        "complexes": grouped(totals.complexes),
        "buildings": grouped(totals.buildings),
        "households": grouped(totals.households),
    }


def _rows_cut(lang: str, lines: list[str]) -> list[str]:
    if len(lines) <= MOST_ROWS:
        return lines
    return [*lines[:MOST_ROWS], t(lang, "hs.more", count=grouped(len(lines) - MOST_ROWS))]


def render_type(lang: str, table: TypeTable) -> str:
    lines = [t(lang, "hs.title.type"), scope_line(lang, table.scope), t(lang, "hs.unit"), ""]
    lines.append(t(lang, "hs.row_strong", label=t_plain(lang, "hs.total"), figures=figures(lang, table.total)))
    lines.append(t(lang, "hs.row", label=t_plain(lang, "hs.apartments"), figures=figures(lang, table.apartments)))
    for management, totals in table.by_management:
        label = t_plain(lang, f"hs.management.{management}")
        lines.append(t(lang, "hs.subrow", label=label, figures=figures(lang, totals)))
    lines.append(t(lang, "hs.row", label=t_plain(lang, "hs.row_houses"), figures=figures(lang, table.row_houses)))
    if table.scope.year is None and not table.scope.picked:
        lines += ["", t(lang, "hs.filter_hint")]
    return "\n".join(lines)


def render_dongs(lang: str, table: DongTable) -> str:
    lines = [t(lang, "hs.title.dong"), scope_line(lang, table.scope), basis_line(lang, table.undated)]
    lines += [t(lang, "hs.unit"), ""]
    lines.append(t(lang, "hs.row_strong", label=t_plain(lang, "hs.total"), figures=figures(lang, table.total)))
    lines += [t(lang, "hs.row", label=r.admin_dong, figures=figures(lang, r.totals)) for r in table.rows]
    lines += ["", t(lang, "hs.dong_hint")] if table.rows else []
    return "\n".join(lines)


def render_years(lang: str, table: YearTable) -> str:
    lines = [t(lang, "hs.title.year"), scope_line(lang, table.scope), basis_line(lang, table.undated)]
    lines += [t(lang, "hs.unit"), ""]
    lines.append(t(lang, "hs.row_strong", label=t_plain(lang, "hs.total"), figures=figures(lang, table.total)))
    body = [
        t(lang, "hs.row", label=t_plain(lang, "hs.year", year=r.year), figures=figures(lang, r.totals))
        for r in table.rows
    ]
    return "\n".join([*lines, *_rows_cut(lang, body)])


def render_support(lang: str, table: SupportTable) -> str:
    lines = [t(lang, f"hs.title.{SUPPORT_TABLE[table.group]}"), scope_line(lang, table.scope), ""]
    lines.append(
        t(lang, "hs.money_strong", label=t_plain(lang, "hs.total"), **_money(table.granted, table.returned, None))
    )
    body = []
    for r in table.rows:
        label = r.label or t_plain(lang, "hs.no_start" if table.group == "year" else "hs.unnamed")
        if table.group == "year" and r.label:
            label = t_plain(lang, "hs.year", year=r.label)
        body.append(t(lang, "hs.money", label=label, **_money(r.granted, r.returned, r.projects)))
    if not body:
        body = [t(lang, "hs.none")]
    listed = _rows_cut(lang, body)
    if table.more:
        listed.append(t(lang, "hs.more", count=grouped(table.more)))
    return "\n".join([*lines, *listed])


def _money(granted: int, returned: int, projects: int | None) -> dict[str, str]:
    return {
        "granted": grouped(granted),
        "returned": grouped(returned),
        "projects": grouped(projects) if projects is not None else "",
    }


def render_representatives(lang: str, table: RepresentativeTable) -> str:
    lines = [t(lang, "hs.title.reps"), scope_line(lang, table.scope), ""]
    lines.append(t(lang, "hs.people_strong", label=t_plain(lang, "hs.total"), count=grouped(table.total)))
    positions: Counter[str] = Counter()
    dongs: Counter[str] = Counter()
    for c in table.counts:
        positions[c.position] += c.count
        dongs[c.admin_dong] += c.count
    lines += [t(lang, "hs.people", label=p, count=grouped(n)) for p, n in positions.items()]
    lines += ["", t(lang, "hs.by_dong")]
    lines += _rows_cut(lang, [t(lang, "hs.people", label=d, count=grouped(n)) for d, n in dongs.items()])
    lines += ["", t(lang, "hs.ending", count=grouped(len(table.ending_soon)))]
    for term in table.ending_soon[:ENDING_SHOWN]:
        lines.append(
            t(
                lang,
                "hs.ending_line",
                complex=term.complex,
                position=term.position,
                name=term.name,
                end=fmt_date(term.term_end),
            )
        )
    if len(table.ending_soon) > ENDING_SHOWN:
        lines.append(t(lang, "hs.more", count=grouped(len(table.ending_soon) - ENDING_SHOWN)))
    return "\n".join(lines)


def tables_keyboard(
    lang: str, shown: str, filters: Filters, extra: list[list[InlineKeyboardButton]] | None = None
) -> InlineKeyboardMarkup:
    """The shown table's chart and the workbook, the other tables (the shown one ticked), and the way back to
    the whole district when a filter is on."""
    year, dong = filters.year or 0, filters.admin_dong_id or 0

    def label(table: str) -> str:
        name = t_plain(lang, f"hs.button.{table}")
        return t_plain(lang, "hs.chosen", label=name) if table == shown else name

    files = [
        button(t_plain(lang, "hs.button.chart"), CHART(shown, year, dong)),
        button(t_plain(lang, "hs.button.workbook"), WORKBOOK(year, dong)),
    ]
    picks = [button(label(table), TABLE(table, year, dong)) for table in TABLES]
    unfiltered = [[button(t_plain(lang, "hs.button.unfiltered"), TABLE(shown, 0, 0))]] if year or dong else []
    return markup(*(extra or []), files, *rows(picks, 2), *unfiltered)


async def table_text(context: DongneContext, key: str, filters: Filters) -> tuple[str, InlineKeyboardMarkup]:
    lang = context.lang
    table = await context.services.housing_statistics.table(context.staff(), key, filters, limit=MOST_ROWS)
    if isinstance(table, DongTable):
        opening = [button(r.admin_dong, DONG(r.admin_dong_id, 0)) for r in table.rows]
        return render_dongs(lang, table), tables_keyboard(lang, key, filters, rows(opening, 3))
    if isinstance(table, TypeTable):
        text = render_type(lang, table)
    elif isinstance(table, YearTable):
        text = render_years(lang, table)
    elif isinstance(table, RepresentativeTable):
        text = render_representatives(lang, table)
    else:
        text = render_support(lang, table)
    return text, tables_keyboard(lang, key, filters)


def filters_of(year: int, dong: int) -> Filters:
    return Filters(admin_dong_id=dong or None, year=year or None)


async def start(update: Update, context: DongneContext) -> None:
    """/housing_stats [year] [dong], or 📊 공동주택 통계 in the menu: the type table, with the other tables'
    buttons."""
    if update.callback_query is not None:
        await answer(update, context)
    try:
        filters = await context.services.housing_statistics.filters_from_text(
            context.staff(), " ".join(context.args or ())
        )
        text, keyboard = await table_text(context, "type", filters)
    except DongneError as error:
        await report(update, context, error)
        return
    await say(update, context, text, keyboard)


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = which(query.data, (TABLE, CHART, WORKBOOK))
    if pressed is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    kind, values = pressed
    await answer(update, context)
    try:
        if kind is TABLE:
            table, year, dong = values
            text, keyboard = await table_text(context, table, filters_of(year, dong))
            await show(update, context, text, keyboard)
        elif kind is CHART:
            table, year, dong = values
            await send_chart(update, context, table, filters_of(year, dong))
        else:
            await send_workbook(update, context, filters_of(*values))
    except DongneError as error:
        await report(update, context, error)


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [
        CommandHandler("housing_stats", start),
        CallbackQueryHandler(start, pattern=menu.HOUSING_STATS.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("hs")),
    ]
