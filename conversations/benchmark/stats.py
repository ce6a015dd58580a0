"""벤치마킹 통계 — the coordinator's figures.

The journey: ``/stats`` (or 벤치마킹 통계 in the menu) shows the totals of adoption (채택현황), progress
results (추진결과) and where cases stand, short enough for one phone screen; the tables by department and
by year go to the chart image and the Excel workbook, which the buttons send. Year buttons, paged when
there are many years, narrow everything to one year (the chosen one is ticked), and ``/stats 2016`` does
the same by typing. Whatever arrives last (the text, the chart or the workbook) carries the buttons, and
the message before it gives them up: the newest message is always where the next tap or typed number goes.
Charts and workbooks are drawn in a worker thread, so other staff are not kept waiting meanwhile."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.benchmark.view import adoption_label, result_label, state_label
from conversations.buttons import ButtonData, namespace, page, text, which
from conversations.context import DongneContext
from conversations.dialogue import DialogueFocus
from conversations.keyboards import button, markup, pager_row, rows
from conversations.replies import answer, report, say, show
from core.benchmark.reports import ReportLabels, render_chart, render_workbook
from core.benchmark.statistics import BenchmarkTables, CountTable
from core.benchmark.values import Adoption, CaseState, ProgressResult
from core.errors import DongneError
from core.texts.i18n import grouped, t, t_plain

PICK = "pick"
# A button names the year shown, or all; a page turned under the reply to an unknown year says "pick"
# instead, as that reply shows no figures to chart or to tick.
SHOW = ButtonData("bs:y", text("period", r"all|\d{4}"))
CHART = ButtonData("bs:chart", text("period", r"all|\d{4}"))
WORKBOOK = ButtonData("bs:xlsx", text("period", r"all|\d{4}"))
YEARS_PAGE = ButtonData("bs:p", text("period", rf"all|{PICK}|\d{{4}}"), page(digits=3))
KINDS = (SHOW, CHART, WORKBOOK, YEARS_PAGE)
YEAR = re.compile(r"^(\d{4})(?:년)?$")
ALL_YEARS_WORDS = frozenset({"전체", "all"})
# Two rows of four: "✔ 2016년" still reads whole in a quarter of a 390-px phone's width.
YEARS_PER_ROW = 4
YEARS_PER_PAGE = 8
# A line of totals is wrapped before it passes this width (a Hangul syllable counts two, anything else one):
# about 20 syllables, what a 390-px phone shows on one line of a chat bubble.
LINE_WIDTH = 40
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


def _width(text: str) -> int:
    return sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in text)


def _balanced_lines(cells: list[str]) -> list[str]:
    """The cells joined by " · " on as few lines as fit LINE_WIDTH, shared out evenly (2 + 2, not 3 + 1)."""
    separator = " · "
    for count in range(1, len(cells) + 1):
        per_line = -(-len(cells) // count)
        lines = [separator.join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
        if all(_width(line) <= LINE_WIDTH for line in lines):
            return lines
    return cells


def _totals(lang: str, heading: str, table: CountTable, names: dict[str, str]) -> list[str]:
    lines = [t(lang, heading, total=grouped(table.grand_total))]
    if not table.grand_total:
        return [*lines, t(lang, "bm.stats.none_yet")]
    cells = [
        t(lang, "bm.stats.cell", name=names[column], count=grouped(count))
        for column, count in zip(table.columns, table.totals, strict=True)
    ]
    return lines + _balanced_lines(cells)


def render_tables(lang: str, tables: BenchmarkTables) -> str:
    """The totals only, for one phone screen; the tables by department and year are the chart's and the
    workbook's, and the last line says so."""
    labels = labels_for(lang, tables.year)
    lines = [t(lang, "bm.stats.head", period=labels.period)]
    lines += _totals(lang, "bm.stats.adoption_head", tables.adoption_by_department, dict(labels.adoption_values))
    lines += _totals(lang, "bm.stats.progress_head", tables.progress_by_department, dict(labels.progress_values))
    lines += _totals(lang, "bm.stats.state_head", tables.state_by_department, dict(labels.state_values))
    if tables.state_by_department.grand_total:
        lines.append(t(lang, "bm.stats.tables_elsewhere"))
    return "\n".join(lines)


def years_text(lang: str, years: tuple[int, ...]) -> str:
    """2016~2018, 2020~2026년: runs of consecutive years as ranges, oldest first."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    spans = [str(run[0]) if len(run) == 1 else f"{run[0]}~{run[-1]}" for run in runs]
    return t_plain(lang, "bm.stats.years_list", years=", ".join(spans))


def _key(year: int | None) -> str:
    return str(year) if year else "all"


def _page_of(years: tuple[int, ...], year: int | None) -> int:
    return years.index(year) // YEARS_PER_PAGE if year in years else 0


def stats_keyboard(
    lang: str, years: tuple[int, ...], year: int | None, page: int | None = None, *, actions: bool = True
) -> InlineKeyboardMarkup:
    """Chart and workbook of what is shown, then 전체 연도 and one page of years; the shown one is ticked.
    ``page`` defaults to the page holding the shown year."""
    key = _key(year) if actions else PICK
    pages = max(1, -(-len(years) // YEARS_PER_PAGE))
    number = min(max(0, _page_of(years, year) if page is None else page), pages - 1)

    def pick(label: str, chosen: bool, data: str) -> Any:
        return button(t_plain(lang, "bm.stats.chosen", label=label) if chosen else label, data)

    shown = years[number * YEARS_PER_PAGE : (number + 1) * YEARS_PER_PAGE]
    picks = [pick(_period(lang, y), actions and y == year, SHOW(y)) for y in shown]
    return markup(
        [
            button(t_plain(lang, "bm.stats.chart"), CHART(key)),
            button(t_plain(lang, "bm.stats.excel"), WORKBOOK(key)),
        ]
        if actions
        else [],
        [pick(t_plain(lang, "bm.stats.all_years"), actions and year is None, SHOW("all"))],
        *rows(picks, YEARS_PER_ROW),
        pager_row(
            lang,
            has_previous=number > 0,
            has_next=number + 1 < pages,
            number=number,
            count=pages,
            data_for=(YEARS_PAGE(key, number - 1), YEARS_PAGE(key, number + 1)),
        ),
    )


def _typed_year(args: list[str]) -> tuple[bool, int | None]:
    """(understood, year) of what followed /stats: nothing or 전체 is every year."""
    typed = " ".join(args).strip()
    if not typed or typed.lower() in ALL_YEARS_WORDS:
        return True, None
    match = YEAR.match(typed)
    return (True, int(match[1])) if match else (False, None)


async def start(update: Update, context: DongneContext) -> None:
    """/stats, /stats 2016, or 벤치마킹 통계 from the menu."""
    await answer(update, context)
    args = list(context.args or []) if update.callback_query is None else []
    understood, year = _typed_year(args)
    try:
        tables = await context.services.statistics.tables(context.staff(), year)
    except DongneError as error:
        await report(update, context, error)
        return
    lang = context.lang
    if not understood or (year is not None and year not in tables.years):
        # Nothing to count for what was typed: say so, and offer the years that have cases instead.
        key = "bm.stats.year_unknown" if understood else "bm.stats.year_invalid"
        listed = years_text(lang, tables.years) if tables.years else t_plain(lang, "bm.stats.no_years")
        text = t(lang, key, value=" ".join(args), year=year or 0, years=listed)
        await say(update, context, text, stats_keyboard(lang, tables.years, None, actions=False))
        return
    await say(update, context, render_tables(lang, tables), stats_keyboard(lang, tables.years, year))


async def _set_buttons(message: Message, keyboard: InlineKeyboardMarkup | None) -> None:
    """New buttons on a message, or none when an older message gives them up to the newest one."""
    try:
        await message.edit_reply_markup(reply_markup=keyboard)
    except BadRequest as exc:
        # A second tap asks for the buttons already there.
        if "not modified" not in exc.message.lower():
            raise


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None or (found[0] is YEARS_PAGE and found[1][1] < 0):  # the step before the first page
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    kind, key = found[0], found[1][0]
    year = None if key in ("all", PICK) else int(key)
    try:
        tables = await context.services.statistics.tables(context.staff(), year)
    except DongneError as error:
        await report(update, context, error)
        return
    lang = context.lang
    pressed = query.message if isinstance(query.message, Message) else None
    if kind is YEARS_PAGE:
        # Another page of years: only the buttons change, on a text, a chart or a workbook alike.
        if pressed is not None:
            keyboard = stats_keyboard(lang, tables.years, year, found[1][1], actions=key != PICK)
            await _set_buttons(pressed, keyboard)
        return
    keyboard = stats_keyboard(lang, tables.years, year)
    if kind is SHOW:
        text = render_tables(lang, tables)
        if pressed is not None and pressed.text is not None:
            await show(update, context, text, keyboard)
            return
        # Pressed under a chart or a workbook, which have no text to replace: the figures come anew.
        await say(update, context, text, keyboard)
    elif kind is CHART:
        await _send_file(update, context, tables, keyboard, chart=True)
    else:
        await _send_file(update, context, tables, keyboard, chart=False)
    if pressed is not None:
        await _set_buttons(pressed, None)


async def _send_file(
    update: Update, context: DongneContext, tables: BenchmarkTables, keyboard: InlineKeyboardMarkup, *, chart: bool
) -> None:
    """The chart (a PNG) or the workbook of ``tables``, named for its period and day, carrying the buttons."""
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    labels = labels_for(lang, tables.year)
    caption = t(lang, "bm.stats.file_caption", period=labels.period)
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO if chart else ChatAction.UPLOAD_DOCUMENT)
    now = context.services.clock.local()
    if chart:
        content = await asyncio.to_thread(render_chart, tables, labels)
    else:
        content = await asyncio.to_thread(render_workbook, tables, labels, now)
    period = (
        t_plain(lang, "bm.stats.file_year", year=tables.year) if tables.year else t_plain(lang, "bm.stats.file_all")
    )
    name_key = "bm.stats.chart_name" if chart else "bm.stats.file_name"
    attachment = InputFile(content, filename=t_plain(lang, name_key, period=period, date=now.strftime("%Y%m%d")))
    # Telegram shrinks tall photos until the labels cannot be read; a document keeps every pixel.
    if chart and len(tables.adoption_by_department.rows) <= PHOTO_DEPARTMENTS:
        await context.bot.send_photo(chat.id, attachment, caption=caption, parse_mode="HTML", reply_markup=keyboard)
    else:
        await context.bot.send_document(chat.id, attachment, caption=caption, parse_mode="HTML", reply_markup=keyboard)


def build_handlers(focus: DialogueFocus) -> list[Any]:
    """No typed input here, so no conversation and nothing for the focus to decide."""
    del focus
    return [
        CommandHandler("stats", start),
        CallbackQueryHandler(start, pattern=menu.STATS.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("bs")),
    ]
