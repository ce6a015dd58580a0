"""공동주택 통계 — the housing department's 현황 tables on a phone.

The journey: ``/housing_stats`` shows the report's first table (공동주택 현황 by type), each figure as
단지 · 동 · 세대; the buttons below open the other tables in its place: 동별 (each dong a button to the
complexes behind its figure), 년도별 (by use-approval year), 지원 현황 (grants per year, 천원),
입주자대표 구성원 (per position and dong, with the terms ending within 30 days), and 지원사업 by kind,
dong or complex. A reader scoped to some dongs is told whose figures they are on every table."""

from __future__ import annotations

from collections import Counter

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from conversations.buttons import ButtonData, one_of
from conversations.context import DongneContext
from conversations.housing.card import fmt_date
from conversations.housing.lookup import DONG
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.statistics import (
    DongTable,
    RepresentativeTable,
    Scope,
    SupportTable,
    TypeTable,
    YearTable,
)
from core.housing.values import Totals
from core.texts.i18n import grouped, t, t_plain

TABLES = ("type", "dong", "year", "support", "reps", "kind", "by_dong", "by_complex")
TABLE = ButtonData("hs:t", one_of("table", TABLES))
SUPPORT_GROUP = {"support": "year", "kind": "kind", "by_dong": "dong", "by_complex": "complex"}
SUPPORT_TABLE = {group: table for table, group in SUPPORT_GROUP.items()}
MOST_ROWS = 20  # rows of a long table on one phone screen; the rest are counted
ENDING_SHOWN = 10


def figures(lang: str, totals: Totals) -> str:
    return t(
        lang,
        "hs.figures",
        complexes=grouped(totals.complexes),
        buildings=grouped(totals.buildings),
        households=grouped(totals.households),
    )


def scope_line(lang: str, scope: Scope) -> str:
    if scope.district:
        return t(lang, "hs.scope_district")
    return t(lang, "hs.scope_dongs", dongs=", ".join(scope.dongs))


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
    return "\n".join(lines)


def render_dongs(lang: str, table: DongTable) -> str:
    lines = [t(lang, "hs.title.dong"), scope_line(lang, table.scope), t(lang, "hs.unit"), ""]
    lines.append(t(lang, "hs.row_strong", label=t_plain(lang, "hs.total"), figures=figures(lang, table.total)))
    lines += [t(lang, "hs.row", label=r.admin_dong, figures=figures(lang, r.totals)) for r in table.rows]
    lines += ["", t(lang, "hs.dong_hint")] if table.rows else []
    return "\n".join(lines)


def render_years(lang: str, table: YearTable) -> str:
    lines = [t(lang, "hs.title.year"), scope_line(lang, table.scope), t(lang, "hs.unit"), ""]
    lines.append(t(lang, "hs.row_strong", label=t_plain(lang, "hs.total"), figures=figures(lang, table.total)))
    body = [
        t(
            lang,
            "hs.row",
            label=t_plain(lang, "hs.year", year=r.year) if r.year else t_plain(lang, "hs.no_year"),
            figures=figures(lang, r.totals),
        )
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
        label = r.label or t_plain(lang, "hs.no_year" if table.group == "year" else "hs.unnamed")
        if table.group == "year" and r.label:
            label = t_plain(lang, "hs.year", year=r.label)
        body.append(t(lang, "hs.money", label=label, **_money(r.granted, r.returned, r.projects)))
    if not body:
        body = [t(lang, "hs.none")]
    return "\n".join([*lines, *_rows_cut(lang, body)])


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
    lang: str, shown: str, extra: list[list[InlineKeyboardButton]] | None = None
) -> InlineKeyboardMarkup:
    def label(table: str) -> str:
        name = t_plain(lang, f"hs.button.{table}")
        return t_plain(lang, "hs.chosen", label=name) if table == shown else name

    picks = [button(label(table), TABLE(table)) for table in TABLES]
    return markup(*(extra or []), *rows(picks, 2))


async def table_text(context: DongneContext, table: str) -> tuple[str, InlineKeyboardMarkup]:
    lang, stats, actor = context.lang, context.services.housing_statistics, context.staff()
    if table == "type":
        return render_type(lang, await stats.by_type(actor)), tables_keyboard(lang, table)
    if table == "dong":
        dongs = await stats.by_dong(actor)
        opening = [button(r.admin_dong, DONG(r.admin_dong_id, 0)) for r in dongs.rows]
        return render_dongs(lang, dongs), tables_keyboard(lang, table, rows(opening, 3))
    if table == "year":
        return render_years(lang, await stats.by_year(actor)), tables_keyboard(lang, table)
    if table == "reps":
        return render_representatives(lang, await stats.representatives(actor)), tables_keyboard(lang, table)
    support = await stats.support(actor, SUPPORT_GROUP[table])
    return render_support(lang, support), tables_keyboard(lang, table)


async def start(update: Update, context: DongneContext) -> None:
    """/housing_stats: the type table, with the other tables' buttons."""
    try:
        text, keyboard = await table_text(context, "type")
    except DongneError as error:
        await report(update, context, error)
        return
    await say(update, context, text, keyboard)


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    values = TABLE.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    try:
        text, keyboard = await table_text(context, values[0])
    except DongneError as error:
        await report(update, context, error)
        return
    await show(update, context, text, keyboard)


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [CommandHandler("housing_stats", start), CallbackQueryHandler(on_button, pattern=TABLE.pattern)]
