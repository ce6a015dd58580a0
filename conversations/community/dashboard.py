"""마을공동체 현황 — the community department's yearly dashboard, as the report's screen shows it.

The journey: ``/community_stats`` (or 📊 마을공동체 현황 in the menu) shows the latest year with records:
organisations per 분야 beside the grant projects per 사업구분, the funds per sponsor in 천원 with their total,
and the organisations per administrative dong under the report's short names. Year buttons switch the year
(``/community_stats 2015`` does it by typing); 📈 차트 sends the three tables as a picture and 📥 엑셀 as a
workbook, both drawn in a worker thread so other staff are not kept waiting. A reader scoped to dongs is told
that the organisations are their dongs' only."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.buttons import ButtonData, namespace, number, which
from conversations.community.view import code_text
from conversations.context import DongneContext
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.community.reports import CommunityReportLabels, render_chart, render_workbook
from core.community.values import ORGANIZATION_FIELDS, SPONSORS, CommunityDashboard, SponsorFunds
from core.errors import DongneError, InvalidInput
from core.texts.i18n import grouped, t, t_plain

YEAR = ButtonData("cs:y", number("year", 4))
CHART = ButtonData("cs:chart", number("year", 4))
WORKBOOK = ButtonData("cs:xlsx", number("year", 4))
KINDS = (YEAR, CHART, WORKBOOK)
YEAR_BUTTONS = 6  # the latest years with records; older ones by typing /community_stats 2012
DONGS_PER_LINE = 6  # short names and counts, as the report's one row, wrapped for a phone


def period(lang: str, dashboard: CommunityDashboard) -> str:
    year = t_plain(lang, "cms.year", year=dashboard.year)
    if dashboard.dongs_only is None:
        return year
    return t_plain(lang, "cms.scoped", year=year, dongs=", ".join(dashboard.dongs_only))


def _funds_line(lang: str, name: str, funds: SponsorFunds) -> str:
    return t(
        lang,
        "cms.funds_line",
        sponsor=name,
        projects=grouped(funds.projects),
        city=grouped(funds.city_funds),
        district=grouped(funds.district_funds),
        own=grouped(funds.self_funds),
    )


def render_dashboard(lang: str, dashboard: CommunityDashboard) -> str:
    fields = dict(dashboard.by_field)
    overview = " · ".join(f"{code_text(lang, 'field', f)} {grouped(fields.get(f, 0))}" for f in ORGANIZATION_FIELDS)
    calls = " · ".join(f"{code_text(lang, 'sponsor', s)} {grouped(dashboard.projects_of(s))}" for s in SPONSORS)
    lines = [
        t(lang, "cms.head", period=period(lang, dashboard)),
        t(lang, "cms.organizations", line=overview, total=grouped(dashboard.organizations)),
        t(lang, "cms.calls", line=calls),
        "",
        t(lang, "cms.funds_head"),
        *(_funds_line(lang, code_text(lang, "sponsor", f.sponsor), f) for f in dashboard.funds),
        _funds_line(lang, t_plain(lang, "cms.total"), dashboard.total),
        "",
        t(lang, "cms.dongs_head", year=dashboard.year),
    ]
    cells = [f"{d.short_name} {grouped(d.organizations)}" for d in dashboard.by_dong]
    lines += [" · ".join(cells[i : i + DONGS_PER_LINE]) for i in range(0, len(cells), DONGS_PER_LINE)]
    if not dashboard.by_dong:
        lines.append(t(lang, "cms.no_dongs"))
    return "\n".join(lines)


def keyboard(lang: str, dashboard: CommunityDashboard) -> InlineKeyboardMarkup:
    years = sorted({*dashboard.years[:YEAR_BUTTONS], dashboard.year}, reverse=True)
    picks = [
        button(t_plain(lang, "cms.year_button_chosen" if y == dashboard.year else "cms.year_button", year=y), YEAR(y))
        for y in years
    ]
    files = [
        button(t_plain(lang, "cms.chart_button"), CHART(dashboard.year)),
        button(t_plain(lang, "cms.workbook_button"), WORKBOOK(dashboard.year)),
    ]
    return markup(*rows(picks, 3), files)


def labels_for(lang: str, dashboard: CommunityDashboard) -> CommunityReportLabels:
    def plain(key: str) -> str:
        return t_plain(lang, f"cms.file.{key}")

    return CommunityReportLabels(
        title=plain("title"),
        period=period(lang, dashboard),
        overview=plain("overview"),
        funds=plain("funds"),
        by_dong=t_plain(lang, "cms.file.by_dong", year=dashboard.year),
        fields={f: code_text(lang, "field", f) for f in ORGANIZATION_FIELDS},
        sponsors={s: code_text(lang, "sponsor", s) for s in SPONSORS},
        call=plain("call"),
        category=plain("category"),
        projects=plain("projects"),
        city=plain("city"),
        district=plain("district"),
        own=plain("own"),
        unit=plain("unit"),
        organizations=plain("organizations"),
        dong=plain("dong"),
        short=plain("short"),
        total=t_plain(lang, "cms.total"),
        generated_at=t_plain(lang, "cms.file.generated_at", at="{at}"),
    )


def _file_name(lang: str, context: DongneContext, year: int, suffix: str) -> str:
    """마을공동체현황_2015년_20261205.xlsx: what, which year, and the day it was made."""
    day = context.services.clock.local().strftime("%Y%m%d")
    return f"{t_plain(lang, 'cms.file.name')}_{t_plain(lang, 'cms.year', year=year)}_{day}{suffix}".replace(" ", "")


async def show_dashboard(update: Update, context: DongneContext, year: int | None) -> None:
    lang = context.lang
    try:
        dashboard = await context.services.community_statistics.dashboard(context.staff(), year)
    except DongneError as error:
        await report(update, context, error)
        return
    await (show if update.callback_query else say)(
        update, context, render_dashboard(lang, dashboard), keyboard(lang, dashboard)
    )


async def send_file(update: Update, context: DongneContext, year: int, *, chart: bool) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    try:
        dashboard = await context.services.community_statistics.dashboard(context.staff(), year)
    except DongneError as error:
        await report(update, context, error)
        return
    labels = labels_for(lang, dashboard)
    if chart:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
        content = await asyncio.to_thread(render_chart, dashboard, labels)
        name = _file_name(lang, context, year, ".png")
        caption = t(lang, "cms.chart_caption", period=labels.period)
        await context.bot.send_photo(chat.id, InputFile(content, filename=name), caption=caption, parse_mode="HTML")
        return
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    content = await asyncio.to_thread(render_workbook, dashboard, labels, context.services.clock.local())
    name = _file_name(lang, context, year, ".xlsx")
    caption = t(lang, "cms.workbook_caption", period=labels.period)
    await context.bot.send_document(chat.id, InputFile(content, filename=name), caption=caption, parse_mode="HTML")


async def on_command(update: Update, context: DongneContext) -> None:
    """/community_stats [year], or 마을공동체 현황 from the menu."""
    await answer(update, context)
    typed = " ".join(context.args or []).strip().removesuffix("년").strip() if update.message else ""
    if typed and not (typed.isascii() and typed.isdigit() and len(typed) == 4):
        await report(update, context, InvalidInput("community_stats_bad_year", value=typed))
        return
    await show_dashboard(update, context, int(typed) if typed else None)


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    kind, (year,) = found
    if kind is YEAR:
        await show_dashboard(update, context, year)
    else:
        await send_file(update, context, year, chart=kind is CHART)


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [
        CommandHandler("community_stats", on_command),
        CallbackQueryHandler(on_command, pattern=menu.COMMUNITY_STATS.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("cs")),
    ]
