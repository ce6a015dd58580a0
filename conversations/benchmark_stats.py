"""벤치마킹 통계 — the coordinator's figures.

The journey: ``/stats`` (or 벤치마킹 통계 in the menu) shows adoption (채택현황) and progress results
(추진결과) by department and by year, and where cases stand, as text; buttons narrow it to one year,
send it as a chart image, or as an Excel workbook. Charts and workbooks are drawn in a worker thread,
so other staff are not kept waiting meanwhile."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations.benchmark_view import adoption_label, fit_lines, result_label, state_label
from conversations.context import DongneContext
from conversations.dialogue import DialogueFocus
from conversations.i18n import t, t_plain
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.benchmark.reports import ReportLabels, render_chart, render_workbook
from core.benchmark.statistics import BenchmarkTables, CountTable
from core.benchmark.values import Adoption, CaseState, ProgressResult
from core.errors import DongneError

ROUTE = re.compile(r"^bs:(y|chart|xlsx):(all|\d{4})$")
# Beyond this many departments the chart is taller than a phone shows a photo legibly.
PHOTO_DEPARTMENTS = 15


def labels_for(lang: str, year: int | None) -> ReportLabels:
    return ReportLabels(
        title=t_plain(lang, "bm.stats.title"),
        period=_period(lang, year),
        adoption_by_department=t_plain(lang, "bm.stats.adoption_by_department"),
        adoption_by_year=t_plain(lang, "bm.stats.adoption_by_year"),
        progress_by_department=t_plain(lang, "bm.stats.progress_by_department"),
        progress_by_year=t_plain(lang, "bm.stats.progress_by_year"),
        state_by_department=t_plain(lang, "bm.stats.state_by_department"),
        department=t_plain(lang, "bm.stats.department"),
        year=t_plain(lang, "bm.stats.year"),
        total=t_plain(lang, "bm.stats.total"),
        generated_at=t_plain(lang, "bm.stats.generated_at", at="{at}"),
        no_data=t_plain(lang, "bm.stats.no_data"),
        adoption_values={a.value: adoption_label(lang, a.value) for a in Adoption},
        progress_values={r.value: result_label(lang, r.value) for r in ProgressResult},
        state_values={s.value: state_label(lang, s.value) for s in CaseState},
    )


def _period(lang: str, year: int | None) -> str:
    return t_plain(lang, "bm.stats.year_value", year=year) if year else t_plain(lang, "bm.stats.all_years")


def _cells(table: CountTable, counts: tuple[int, ...], names: dict[str, str], *, all_columns: bool = False) -> str:
    return " · ".join(f"{names[c]} {n}" for c, n in zip(table.columns, counts, strict=True) if n or all_columns)


def _section(
    lang: str, heading: str, by_department: CountTable, by_year: CountTable | None, names: dict[str, str]
) -> list[str]:
    lines = [t(lang, heading, total=by_department.grand_total)]
    if not by_department.grand_total:
        return [*lines, t(lang, "bm.stats.none_yet")]
    lines.append(
        t(lang, "bm.stats.overall", cells=_cells(by_department, by_department.totals, names, all_columns=True))
    )
    lines.append(t(lang, "bm.stats.by_department"))
    lines += [
        t(lang, "bm.stats.row", label=r.label, cells=_cells(by_department, r.counts, names), total=r.total)
        for r in by_department.rows
    ]
    if by_year is not None and len(by_year.rows) > 1:
        lines.append(t(lang, "bm.stats.by_year"))
        lines += [
            t(lang, "bm.stats.row", label=r.label, cells=_cells(by_year, r.counts, names), total=r.total)
            for r in by_year.rows
        ]
    return lines


def render_tables(lang: str, tables: BenchmarkTables) -> str:
    labels = labels_for(lang, tables.year)
    lines = [t(lang, "bm.stats.head", period=labels.period)]
    lines += _section(
        lang,
        "bm.stats.adoption_head",
        tables.adoption_by_department,
        tables.adoption_by_year,
        dict(labels.adoption_values),
    )
    lines += _section(
        lang,
        "bm.stats.progress_head",
        tables.progress_by_department,
        tables.progress_by_year,
        dict(labels.progress_values),
    )
    states = tables.state_by_department
    lines.append(t(lang, "bm.stats.state_head", total=states.grand_total))
    lines.append(
        t(lang, "bm.stats.overall", cells=_cells(states, states.totals, dict(labels.state_values), all_columns=True))
    )
    return fit_lines(lang, lines)


async def _keyboard(context: DongneContext, year: int | None) -> Any:
    lang = context.lang
    key = str(year) if year else "all"
    years = await context.services.cases.years(context.staff())
    picks = [button(t_plain(lang, "bm.stats.all_years"), "bs:y:all")] + [
        button(_period(lang, y), f"bs:y:{y}") for y in years[:8]
    ]
    return markup(
        [
            button(t_plain(lang, "bm.stats.chart"), f"bs:chart:{key}"),
            button(t_plain(lang, "bm.stats.excel"), f"bs:xlsx:{key}"),
        ],
        *rows(picks, 3),
    )


async def start(update: Update, context: DongneContext) -> None:
    """/stats, or 벤치마킹 통계 from the menu."""
    await answer(update, context)
    await _show(update, context, None, edit=False)


async def _show(update: Update, context: DongneContext, year: int | None, *, edit: bool) -> None:
    try:
        tables = await context.services.statistics.tables(context.staff(), year)
        keyboard = await _keyboard(context, year)
    except DongneError as error:
        await report(update, context, error)
        return
    text = render_tables(context.lang, tables)
    if edit:
        await show(update, context, text, keyboard)
    else:
        await say(update, context, text, keyboard)


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    match = ROUTE.match(query.data or "")
    if match is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    action, year = match[1], None if match[2] == "all" else int(match[2])
    if action == "y":
        await _show(update, context, year, edit=True)
        return
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    try:
        tables = await context.services.statistics.tables(context.staff(), year)
    except DongneError as error:
        await report(update, context, error)
        return
    labels = labels_for(lang, year)
    caption = t(lang, "bm.stats.file_caption", period=labels.period)
    suffix = str(year) if year else "all"
    if action == "chart":
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
        png = await asyncio.to_thread(render_chart, tables, labels)
        picture = InputFile(png, filename=f"benchmark-{suffix}.png")
        if len(tables.adoption_by_department.rows) > PHOTO_DEPARTMENTS:
            # Telegram shrinks tall photos until the labels cannot be read; a document keeps every pixel.
            await context.bot.send_document(chat.id, picture, caption=caption, parse_mode="HTML")
        else:
            await context.bot.send_photo(chat.id, picture, caption=caption, parse_mode="HTML")
    else:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
        now = context.services.clock.local()
        workbook = await asyncio.to_thread(render_workbook, tables, labels, now)
        # The file keeps its name on the office's disk, so the period is named in the reader's words.
        period = t_plain(lang, "bm.stats.file_year", year=year) if year else t_plain(lang, "bm.stats.file_all_years")
        name = t_plain(lang, "bm.stats.file_name", period=period, date=now.strftime("%Y%m%d"))
        await context.bot.send_document(chat.id, InputFile(workbook, filename=name), caption=caption, parse_mode="HTML")


def build_handlers(focus: DialogueFocus) -> list[Any]:
    """No typed input here, so no conversation and nothing for the focus to decide."""
    del focus
    return [
        CommandHandler("stats", start),
        CallbackQueryHandler(start, pattern=r"^menu:bm_stats$"),
        CallbackQueryHandler(on_button, pattern=r"^bs:"),
    ]
