"""공동주택 통계 as files: 📈 차트 sends the shown table as a picture, 📥 엑셀 every table as one workbook, each
narrowed as the table on screen is and saying whose figures they are.

Every word on them comes from the catalogs through ``HousingReportLabels``; the drawing and the writing run
in a worker thread (``core.housing.chart``, ``core.housing.reports``), so other staff are not kept waiting
meanwhile."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ChatAction

from conversations.context import DongneContext
from core.housing.chart import render_chart
from core.housing.reports import ENDING_KEY, HousingReportLabels, render_workbook
from core.housing.statistics import TABLE_KEYS, DongTable, Filters, Scope, Statistic, YearTable
from core.housing.values import Totals
from core.texts.i18n import grouped, t, t_plain


def scope_text(lang: str, scope: Scope) -> str:
    """Whose figures, and of which year: 성동구 전체 · 2015년 / 왕십리도선동 / 담당 행정동만: 성수1가제1동."""
    if scope.district:
        whose = t_plain(lang, "hs.scope_district")
    elif scope.picked:
        whose = ", ".join(scope.dongs)
    else:
        whose = t_plain(lang, "hs.scope_dongs", dongs=", ".join(scope.dongs))
    return t_plain(lang, "hs.scope_year", scope=whose, year=scope.year) if scope.year else whose


def basis_text(lang: str, total: Totals, undated: Totals) -> str:
    """What the 동별 and 년도별 tables count: the complexes with a use-approval date, the rest left out."""
    if not undated.complexes:
        return t_plain(lang, "hs.file.basis_all", complexes=grouped(total.complexes))
    return t_plain(
        lang,
        "hs.file.basis",
        complexes=grouped(total.complexes),
        undated=grouped(undated.complexes),
        buildings=grouped(undated.buildings),
        households=grouped(undated.households),
    )


def report_labels(lang: str, scope: Scope, tables: tuple[tuple[str, Statistic], ...]) -> HousingReportLabels:
    def plain(key: str) -> str:
        return t_plain(lang, f"hs.file.{key}")

    captions = {
        key: basis_text(lang, table.total, table.undated)
        for key, table in tables
        if isinstance(table, DongTable | YearTable)
    }
    return HousingReportLabels(
        title=plain("title"),
        scope=scope_text(lang, scope),
        generated_at=t_plain(lang, "hs.file.generated_at", at="{at}"),
        no_data=plain("no_data"),
        titles={key: plain(f"titles.{key}") for key in (*TABLE_KEYS, ENDING_KEY)},
        captions=captions,
        category=plain("category"),
        dong=plain("dong"),
        year=plain("year"),
        complexes=plain("complexes"),
        buildings=plain("buildings"),
        households=plain("households"),
        total=plain("total"),
        apartments=plain("apartments"),
        management={m: t_plain(lang, f"hs.management.{m}") for m in ("mandatory", "voluntary", "rental")},
        row_houses=plain("row_houses"),
        projects=plain("projects"),
        granted=plain("granted"),
        returned=plain("returned"),
        support_kind=plain("support_kind"),
        complex=plain("complex"),
        position=plain("position"),
        people=plain("people"),
        name=plain("name_column"),
        term_end=plain("term_end"),
        by_position=plain("by_position"),
        by_dong=plain("by_dong"),
        no_support_year=plain("no_support_year"),
        unnamed=plain("unnamed"),
        year_value=t_plain(lang, "hs.file.year_value", year="{year}"),
        households_value=t_plain(lang, "hs.file.households_value", count="{count}"),
        complexes_value=t_plain(lang, "hs.file.complexes_value", count="{count}"),
        buildings_value=t_plain(lang, "hs.file.buildings_value", count="{count}"),
        people_value=t_plain(lang, "hs.file.people_value", count="{count}"),
        more=t_plain(lang, "hs.file.more", count="{count}"),
    )


def _file_name(lang: str, key: str, scope: Scope, context: DongneContext, suffix: str) -> str:
    """공동주택현황_유형별_2015년_왕십리도선동_20261204.png: what, which year and dong, and the day."""
    parts = [t_plain(lang, "hs.file.name"), t_plain(lang, f"hs.file.titles.{key}") if key else ""]
    if scope.year:
        parts.append(t_plain(lang, "hs.file.year_value", year=scope.year))
    if scope.picked:
        parts.append(scope.dongs[0])
    parts.append(context.services.clock.local().strftime("%Y%m%d"))
    return "_".join(p.replace(" ", "") for p in parts if p) + suffix


async def send_chart(update: Update, context: DongneContext, key: str, filters: Filters) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    table = await context.services.housing_statistics.table(context.staff(), key, filters)
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    labels = report_labels(lang, table.scope, ((key, table),))
    content = await asyncio.to_thread(render_chart, key, table, labels)
    name = _file_name(lang, key, table.scope, context, ".png")
    caption = t(lang, "hs.file.chart_caption", title=labels.titles[key], scope=labels.scope)
    await context.bot.send_photo(chat.id, InputFile(content, filename=name), caption=caption, parse_mode="HTML")


async def send_workbook(update: Update, context: DongneContext, filters: Filters) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    tables = await context.services.housing_statistics.tables(context.staff(), filters)
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    scope = tables[0][1].scope
    labels = report_labels(lang, scope, tables)
    content = await asyncio.to_thread(render_workbook, tables, labels, context.services.clock.local())
    name = _file_name(lang, "", scope, context, ".xlsx")
    caption = t(lang, "hs.file.workbook_caption", scope=labels.scope, sheets=grouped(len(tables) + 1))
    await context.bot.send_document(chat.id, InputFile(content, filename=name), caption=caption, parse_mode="HTML")
