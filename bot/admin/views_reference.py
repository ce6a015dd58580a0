"""Reference lists (관리자 기능): 직위, 지원기준, departments and administrative dongs.

``/reference`` lists the four lists; ``/reference/<list>`` shows one with its add form and up/down buttons;
``/reference/<list>/<id>`` is an entry's page with its edit form and its delete button (or why it cannot be
deleted), so a delete is never one tap away from the list. Each view parses, calls one
``services.reference`` method and renders; a change answers with a redirect and a notice
(post/redirect/get), a refused form is shown again with the message and what was entered."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.admin.keys import ACTOR
from bot.admin.pages import render, request_language
from bot.admin.routing import NavLink, Route, path_id, route
from bot.admin.security import SERVICES, error_message, read_form, status_of
from core.errors import DongneError, InvalidInput, StaleRecord
from core.reference import (
    DESCRIPTION_LIMIT,
    MAX_AMOUNT,
    NAME_LIMITS,
    SHORT_NAME_LIMIT,
    DuplicateReference,
    ReferenceInUse,
    ReferenceKind,
    ReferenceLists,
    fingerprint,
)
from core.texts.i18n import grouped, has_text, t_plain
from core.values import ReferenceDraft, ReferenceEntry

NAV = [NavLink("reference.nav", "/reference")]
# The lists' addresses, in the menu's order.
SLUGS: dict[str, ReferenceKind] = {
    "positions": ReferenceKind.POSITION,
    "criteria": ReferenceKind.SUPPORT_CRITERION,
    "departments": ReferenceKind.DEPARTMENT,
    "dongs": ReferenceKind.ADMIN_DONG,
}
SLUG_OF = {kind: slug for slug, kind in SLUGS.items()}
NOTICES = frozenset({"added", "saved", "moved", "deleted"})
# What a form can be refused for and shown again; an unknown id or a missing permission is an error page.
FORM_ERRORS = (InvalidInput, DuplicateReference, ReferenceInUse, StaleRecord)
AMOUNT = re.compile(r"\d{1,3}(,\d{3})*|\d+")


def _lists(request: web.Request) -> ReferenceLists:
    return request.app[SERVICES].reference


def kind_of(request: web.Request) -> ReferenceKind:
    kind = SLUGS.get(request.match_info["kind"])
    if kind is None:
        raise web.HTTPNotFound()
    return kind


def parse_amount(raw: str) -> int | None:
    """지원 한도액 as typed: "1,590", "1590" or nothing; anything else is refused politely."""
    text = raw.strip().replace(" ", "")
    if not text:
        return None
    if len(text) > 15 or not text.isascii() or not AMOUNT.fullmatch(text):
        raise InvalidInput("reference_amount", limit=MAX_AMOUNT)
    return int(text.replace(",", ""))


def draft_of(form: Mapping[str, str]) -> ReferenceDraft:
    return ReferenceDraft(
        name=form.get("name", ""),
        short_name=form.get("short_name", ""),
        description=form.get("description", ""),
        max_amount=parse_amount(form.get("max_amount", "")),
        enforcement=form.get("enforcement") or None,
    )


def message_of(lang: str, error: DongneError) -> str:
    """The catalog's message, with a field's code (``short_name``) said as the form's label says it."""
    params = dict(error.params)
    field = params.get("field")
    if isinstance(field, str) and has_text(lang, f"admin.reference.field.{field}"):
        params["field"] = t_plain(lang, f"admin.reference.field.{field}")
    if "limit" in params and isinstance(params["limit"], int):
        params["limit"] = f"{params['limit']:,}"
    key = f"admin.error.{error.code}"
    if has_text(lang, key):
        try:
            return t_plain(lang, key, **params)
        except (KeyError, IndexError):
            pass
    return error_message(lang, error)


def usage_text(lang: str, entry: ReferenceEntry) -> str:
    parts = [t_plain(lang, f"admin.reference.usage.{what}", count=grouped(n)) for what, n in entry.usage.items() if n]
    return " · ".join(parts) if parts else t_plain(lang, "admin.reference.unused")


def _row(lang: str, entry: ReferenceEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.name,
        "short_name": entry.short_name,
        "description": entry.description,
        "max_amount": grouped(entry.max_amount) if entry.max_amount is not None else None,
        "enforcement": entry.enforcement,
        "usage": usage_text(lang, entry),
        "in_use": entry.in_use,
    }


def _limits() -> dict[str, Any]:
    return {"names": NAME_LIMITS, "short_name": SHORT_NAME_LIMIT, "description": DESCRIPTION_LIMIT}


@route("GET", "/reference", "reference")
async def reference_index(request: web.Request) -> web.StreamResponse:
    lists = []
    for slug, kind in SLUGS.items():
        entries = await _lists(request).entries(request[ACTOR], kind)
        lists.append({"slug": slug, "kind": kind.value, "count": len(entries)})
    return render(request, "reference_index.html", lists=lists)


async def _list_page(
    request: web.Request,
    kind: ReferenceKind,
    *,
    status: int = 200,
    error: str | None = None,
    form: Mapping[str, str] | None = None,
) -> web.Response:
    lang = request_language(request)
    entries = await _lists(request).entries(request[ACTOR], kind)
    done = request.query.get("done", "")
    return render(
        request,
        "reference_list.html",
        status=status,
        kind=kind.value,
        slug=SLUG_OF[kind],
        ordered=kind.ordered,
        rows=[_row(lang, entry) for entry in entries],
        notice=f"reference.notice.{done}" if done in NOTICES else None,
        error=error,
        form=dict(form or {}),
        limits=_limits(),
    )


@route("GET", "/reference/{kind}", "reference_list")
async def reference_list(request: web.Request) -> web.StreamResponse:
    return await _list_page(request, kind_of(request))


@route("POST", "/reference/{kind}", "reference_add")
async def reference_add(request: web.Request) -> web.StreamResponse:
    kind = kind_of(request)
    form = await read_form(request)
    try:
        await _lists(request).add(request[ACTOR], kind, draft_of(form))
    except FORM_ERRORS as error:
        message = message_of(request_language(request), error)
        return await _list_page(request, kind, status=status_of(error), error=message, form=form)
    raise web.HTTPSeeOther(f"/reference/{SLUG_OF[kind]}?done=added")


async def _entry_page(
    request: web.Request,
    kind: ReferenceKind,
    entry_id: int,
    *,
    status: int = 200,
    error: str | None = None,
    form: Mapping[str, str] | None = None,
) -> web.Response:
    lang = request_language(request)
    entry = await _lists(request).get(request[ACTOR], kind, entry_id)
    row = _row(lang, entry)
    shown = (
        dict(form)
        if form is not None
        else {
            "name": entry.name,
            "short_name": entry.short_name or "",
            "description": entry.description or "",
            "max_amount": row["max_amount"] or "",
            "enforcement": entry.enforcement or "refuse",
        }
    )
    return render(
        request,
        "reference_entry.html",
        status=status,
        kind=kind.value,
        slug=SLUG_OF[kind],
        entry=row,
        seen=fingerprint(entry),
        error=error,
        form=shown,
        limits=_limits(),
    )


@route("GET", r"/reference/{kind}/{entry_id:\d+}", "reference_entry")
async def reference_entry(request: web.Request) -> web.StreamResponse:
    return await _entry_page(request, kind_of(request), path_id(request, "entry_id"))


@route("POST", r"/reference/{kind}/{entry_id:\d+}", "reference_edit")
async def reference_edit(request: web.Request) -> web.StreamResponse:
    kind, entry_id = kind_of(request), path_id(request, "entry_id")
    form = await read_form(request)
    try:
        await _lists(request).edit(request[ACTOR], kind, entry_id, draft_of(form), seen=form.get("seen"))
    except FORM_ERRORS as error:
        message = message_of(request_language(request), error)
        return await _entry_page(request, kind, entry_id, status=status_of(error), error=message, form=form)
    raise web.HTTPSeeOther(f"/reference/{SLUG_OF[kind]}?done=saved")


@route("POST", r"/reference/{kind}/{entry_id:\d+}/move", "reference_move")
async def reference_move(request: web.Request) -> web.StreamResponse:
    kind, entry_id = kind_of(request), path_id(request, "entry_id")
    form = await read_form(request)
    offset = {"up": -1, "down": 1}.get(form.get("direction", ""), 0)
    try:
        await _lists(request).move(request[ACTOR], kind, entry_id, offset)
    except FORM_ERRORS as error:
        message = message_of(request_language(request), error)
        return await _list_page(request, kind, status=status_of(error), error=message)
    raise web.HTTPSeeOther(f"/reference/{SLUG_OF[kind]}?done=moved")


@route("POST", r"/reference/{kind}/{entry_id:\d+}/delete", "reference_delete")
async def reference_delete(request: web.Request) -> web.StreamResponse:
    kind, entry_id = kind_of(request), path_id(request, "entry_id")
    try:
        await _lists(request).delete(request[ACTOR], kind, entry_id)
    except FORM_ERRORS as error:
        message = message_of(request_language(request), error)
        return await _entry_page(request, kind, entry_id, status=status_of(error), error=message)
    raise web.HTTPSeeOther(f"/reference/{SLUG_OF[kind]}?done=deleted")


ROUTES: list[Route] = [
    reference_index,
    reference_list,
    reference_add,
    reference_entry,
    reference_edit,
    reference_move,
    reference_delete,
]
