"""우리마을 지원사업 — a community officer looks through the grant projects of a year.

The journey: ``/grants`` (or 📋 우리마을 지원사업 in the main menu) offers the years that have projects; a year
offers its sponsors (전체, 서울시, 성동구, 공동주택, as the report orders them) and lists that year's projects
ten to a page with their funds in 천원. A project opens as the report's 지원(공모)사업 screen; a member who may
change it gets ✏️ 수정 (the ``edit`` dialogue), and a writer gets ➕ 사업 등록 (the ``add`` dialogue).
``/grants 2015`` goes straight to that year. These are screens, not questions: each stays usable."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.buttons import ButtonData, namespace, number, one_of, page, which
from conversations.community.buttons import ADD, EDIT, PROJECT_SCREEN
from conversations.community.view import code_text, project_line, render_project
from conversations.context import DongneContext
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, report, say, show
from core.community.values import SPONSORS
from core.errors import DongneError, InvalidInput
from core.permissions import Permission, can
from core.texts.i18n import grouped, t, t_plain

EVERY = "all"
YEAR = ButtonData("cg:y", number("year", 4))
YEARS = ButtonData("cg:years")
LIST = ButtonData("cg:l", number("year", 4), one_of("sponsor", (EVERY, *SPONSORS)), page())
KINDS = (YEAR, YEARS, LIST, PROJECT_SCREEN)


def _add_row(context: DongneContext) -> list[InlineKeyboardButton]:
    if not can(context.staff(), Permission.COMMUNITY_WRITE):
        return []
    return [button(t_plain(context.lang, "cmc.add.project"), ADD("project"))]


async def show_years(update: Update, context: DongneContext) -> None:
    lang = context.lang
    try:
        years = await context.services.grant_projects.years(context.staff())
    except DongneError as error:
        await report(update, context, error)
        return
    picks = [
        button(t_plain(lang, "cmc.year_button", year=y.year, count=grouped(y.projects)), YEAR(y.year)) for y in years
    ]
    text = t(lang, "cmc.pick_year") if years else t(lang, "cmc.no_projects")
    await (show if update.callback_query else say)(update, context, text, markup(*rows(picks, 3), _add_row(context)))


async def show_sponsors(update: Update, context: DongneContext, year: int) -> None:
    lang = context.lang
    picks = [button(t_plain(lang, "cmc.every_sponsor"), LIST(year, EVERY, 0))]
    picks += [button(code_text(lang, "sponsor", s), LIST(year, s, 0)) for s in SPONSORS]
    back = [button(t_plain(lang, "cmc.other_year"), YEARS())]
    await show(update, context, t(lang, "cmc.pick_sponsor", year=year), markup(*rows(picks, 2), back))


async def show_list(update: Update, context: DongneContext, year: int, sponsor: str, number_: int) -> None:
    lang = context.lang
    chosen = None if sponsor == EVERY else sponsor
    try:
        found = await context.services.grant_projects.list_projects(
            context.staff(), year=year, sponsor=chosen, page=number_
        )
    except DongneError as error:
        await report(update, context, error)
        return
    which_sponsor = t_plain(lang, "cmc.every_sponsor") if chosen is None else code_text(lang, "sponsor", chosen)
    lines = [t(lang, "cmc.project_list", year=year, sponsor=which_sponsor, total=grouped(found.total))]
    lines += [project_line(lang, p) for p in found.items] or [t(lang, "cmc.none_here")]
    picks = [button(p.project.name[:40], PROJECT_SCREEN(p.id)) for p in found.items]
    pager = page_row(lang, found, (LIST(year, sponsor, number_ - 1), LIST(year, sponsor, number_ + 1)))
    back = [button(t_plain(lang, "cmc.other_sponsor"), YEAR(year)), button(t_plain(lang, "cmc.other_year"), YEARS())]
    await show(update, context, "\n".join(lines), markup(*rows(picks, 1), pager, back, _add_row(context)))


async def send_project(update: Update, context: DongneContext, project_id: int) -> None:
    lang = context.lang
    try:
        found = await context.services.grant_projects.project(context.staff(), project_id)
    except DongneError as error:
        await report(update, context, error)
        return
    writable = context.services.grant_projects.writable(context.staff(), found)
    keyboard = markup(
        [button(t_plain(lang, "cmc.edit_button"), EDIT("project", found.id))] if writable else [],
        [button(t_plain(lang, "cmc.back_to_list"), LIST(found.project.year, EVERY, 0))],
    )
    await say(update, context, render_project(lang, found), keyboard)


async def on_command(update: Update, context: DongneContext) -> None:
    """/grants [year], or 우리마을 지원사업 from the menu."""
    await answer(update, context)
    typed = " ".join(context.args or []).strip().removesuffix("년").strip() if update.message else ""
    if not typed:
        await show_years(update, context)
    elif typed.isascii() and typed.isdigit() and len(typed) == 4:
        await show_list(update, context, int(typed), EVERY, 0)
    else:
        await report(update, context, InvalidInput("grants_bad_year", value=typed))


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None or (found[0] is LIST and found[1][2] < 0):
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    kind, values = found
    if kind is YEARS:
        await show_years(update, context)
    elif kind is YEAR:
        await show_sponsors(update, context, values[0])
    elif kind is LIST:
        await show_list(update, context, *values)
    else:
        await send_project(update, context, values[0])


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [
        CommandHandler("grants", on_command),
        CallbackQueryHandler(on_command, pattern=menu.GRANTS.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("cg")),
    ]
