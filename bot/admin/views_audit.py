"""The audit log: entries newest first, filtered by staff member, action and dates, a page at a time, and
the same selection as an Excel workbook (``/audit/export.xlsx``).

The filter is a GET form, so a filtered view can be bookmarked or sent to a colleague; it carries no CSRF
token (a token in an address would end up in browser history and server logs) and changes nothing. A
malformed filter is answered with the page, a polite message and no entries, never an error page."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.admin.audit_text import AuditText
from bot.admin.keys import ACTOR
from bot.admin.pages import render, request_language
from bot.admin.routing import NavLink, Route, route
from bot.admin.security import SERVICES, error_message, status_of
from core.audit import (
    ACTION_PATTERN,
    EXPORT_LIMIT,
    AuditFilter,
    AuditLabels,
    AuditLog,
    actor_text,
    target_text,
)
from core.audit_labels import audit_labels
from core.errors import InvalidInput
from core.texts.i18n import grouped, t_plain
from core.values import AuditRecord

NAV = [NavLink("audit.nav", "/audit")]
FILTER_FIELDS = ("staff", "action", "from", "to")
# Longer values are no staff id, action or date; cut before parsing so a message never echoes a novel.
FIELD_LIMIT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _log(request: web.Request) -> AuditLog:
    return request.app[SERVICES].audit_log


def raw_filter(request: web.Request) -> dict[str, str]:
    return {name: request.query.get(name, "")[:FIELD_LIMIT] for name in FILTER_FIELDS}


def parse_filter(raw: Mapping[str, str]) -> AuditFilter:
    return AuditFilter.parse(staff=raw["staff"], action=raw["action"], date_from=raw["from"], date_to=raw["to"])


def page_number(raw: str) -> int:
    """The 1-based ``page`` of the address as a 0-based number; anything odd is the first page."""
    return int(raw) - 1 if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 else 0


def link(raw: Mapping[str, str], path: str = "/audit", **extra: object) -> str:
    query = {k: v for k, v in raw.items() if v}
    query.update({k: str(v) for k, v in extra.items()})
    return f"{path}?{urlencode(query)}" if query else path


def _row(line: AuditRecord, labels: AuditLabels, said: AuditText) -> dict[str, Any]:
    return {
        "at": line.at.strftime("%Y-%m-%d %H:%M:%S"),
        "actor": actor_text(line, labels),
        "saeol_id": line.actor_saeol_id,
        "action": labels.action(line.action),
        "code": line.action,
        "target": target_text(line, labels),
        "details": said.line(line),
    }


@route("GET", "/audit", "audit")
async def audit(request: web.Request) -> web.StreamResponse:
    lang = request_language(request)
    labels = audit_labels(lang)
    raw = raw_filter(request)
    options = await _log(request).options(request[ACTOR])
    # The chosen action stays chosen even when the log holds none of it (the list says what the log holds).
    chosen = [raw["action"]] if ACTION_PATTERN.fullmatch(raw["action"]) else []
    actions = {*options.actions, *chosen}
    context: dict[str, Any] = {
        "raw": raw,
        "staff_options": options.staff,
        "action_options": sorted(((code, labels.action(code)) for code in actions), key=lambda pair: pair[1]),
        "export_limit": f"{EXPORT_LIMIT:,}",
        "rows": [],
        "page": None,
        "error": None,
    }
    try:
        wanted = parse_filter(raw)
    except InvalidInput as error:
        context["error"] = error_message(lang, error)
        return render(request, "audit.html", status=status_of(error), **context)
    page = await _log(request).page(request[ACTOR], wanted, page_number(request.query.get("page", "")))
    said = AuditText(lang, labels, request.app[SERVICES].clock.zone)
    context.update(
        rows=[_row(line, labels, said) for line in page.items],
        page=page,
        total=grouped(page.total),
        previous=link(raw, page=page.number) if page.has_previous else None,
        next=link(raw, page=page.number + 2) if page.has_next else None,
        export=link(raw, "/audit/export.xlsx"),
    )
    return render(request, "audit.html", **context)


def content_disposition(name: str, day: datetime) -> str:
    """An attachment with a Korean file name (RFC 6266 ``filename*``) and an ASCII one for old clients."""
    stamp = day.strftime("%Y%m%d-%H%M")
    readable = f"{name}_{stamp}.xlsx"
    return f"attachment; filename=\"audit-log-{stamp}.xlsx\"; filename*=UTF-8''{quote(readable, safe='')}"


@route("GET", "/audit/export.xlsx", "audit_export")
async def audit_export(request: web.Request) -> web.StreamResponse:
    lang = request_language(request)
    wanted = parse_filter(raw_filter(request))  # a malformed filter: the error page says what to fix
    labels = audit_labels(lang)
    # Whole values in the file (a page shows each value's beginning), in the same words as the page.
    said = AuditText(lang, labels, request.app[SERVICES].clock.zone, limit=sys.maxsize)
    workbook = await _log(request).export(request[ACTOR], wanted, labels, said.line)
    now = request.app[SERVICES].clock.local()
    return web.Response(
        body=workbook,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition(t_plain(lang, "admin.audit.file_name"), now)},
    )


ROUTES: list[Route] = [audit, audit_export]
