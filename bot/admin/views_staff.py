"""Staff pages: the list with search and paging, the add form, and a member's page (edit, deactivate and
re-activate, unbind Telegram, a new link code with its deep link and QR code, and the member's permissions).

Each view parses the request, calls one ``services.staff_admin`` method and renders; changes answer with a
redirect to the member's page and a notice (post/redirect/get). A refused form is shown again with a polite
message and what was entered. The one exception to post/redirect/get is a new link code: it is a secret shown
once, so it is rendered in the answer to the POST and never put in an address."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.admin.keys import ACTOR, BOT_LOOKUP, BOT_USERNAME
from bot.admin.pages import render, request_language
from bot.admin.routing import NavLink, Route, path_id, route
from bot.admin.security import SERVICES, error_message, read_form, status_of
from core.errors import DongneError, DuplicateStaff, InvalidInput, StaffInactive, StaleRecord
from core.staff.administration import SEARCH_LIMIT, AlreadyDone, StaffAdministration
from core.staff.directory import DEPARTMENT_LIMIT, NAME_LIMIT
from core.staff.values import (
    GrantRequest,
    GrantView,
    LinkCodeIssued,
    RoleChoices,
    ScopeKind,
    StaffDetail,
    StaffDraft,
    StaffEdit,
    StaffQuery,
)
from core.texts.i18n import t_plain

NAV = [NavLink("staff.nav", "/staff")]
# What a form can be refused for and shown again; anything else (unknown id, no permission) is an error page.
FORM_ERRORS = (InvalidInput, DuplicateStaff, StaleRecord, AlreadyDone, StaffInactive)
NOTICES = frozenset(
    {
        "added",
        "saved",
        "deactivated",
        "activated",
        "unbound",
        "granted",
        "revoked",
        "already_inactive",
        "already_revoked",
        "handed_over",
    }
)
STATUS_FILTERS: dict[str, bool | None] = {"": None, "active": True, "inactive": False}
# Telegram's rule for bot usernames; anything else would make a link that opens nothing.
BOT_USERNAME_RULE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
SAEOL_ID_FIELD = 30
MAX_DONGS = 200  # more than the district has; a longer list is a forged form
# Enough digits for any id the database can hold; longer numbers name nothing.
ID_DIGITS = re.compile(r"\d{1,10}")


def _staff_admin(request: web.Request) -> StaffAdministration:
    return request.app[SERVICES].staff_admin


def staff_id_of(request: web.Request) -> int:
    return path_id(request, "staff_id")


def known_bot_username(request: web.Request) -> str | None:
    """The username from settings or the running bot, without asking anyone."""
    configured = request.app.get(BOT_USERNAME)
    value = configured() if callable(configured) else configured
    name = str(value).strip().lstrip("@") if value else ""
    return name if BOT_USERNAME_RULE.fullmatch(name) else None


async def bot_username(request: web.Request) -> str | None:
    """The bot's username: known, else asked of Telegram (getMe) once when a bot token is set."""
    name = known_bot_username(request)
    lookup = request.app.get(BOT_LOOKUP)
    if name is None and lookup is not None:
        asked = await lookup.username()
        name = asked if asked and BOT_USERNAME_RULE.fullmatch(asked) else None
    return name


async def deep_link(request: web.Request, code: str) -> str | None:
    """``https://t.me/<bot>?start=<code>``: opening it sends the bot ``/start <code>``, which binds the account."""
    name = await bot_username(request)
    return f"https://t.me/{name}?start={code}" if name else None


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data: address (the pages' CSP allows data: images and nothing inline else)."""
    import segno  # its PNG writer takes 0.08 s to import: paid at the first QR code, not at every start-up

    return str(segno.make(text, error="m").png_data_uri(scale=6, border=2))


def permission_key(permission: str) -> str:
    return "roles.name." + permission.replace(".", "_")


# A role in the list's column names at most this many dongs; the member's page lists them all.
DONGS_IN_LIST = 2


def role_text(t: Callable[..., str], grant: GrantView) -> str:
    """A grant as the staff list's roles column says it: "공동주택 조회(왕십리도선동, 행당1동 외 3곳)"."""
    name = t("roles.short." + grant.permission.replace(".", "_"))
    if grant.scope is ScopeKind.DEPARTMENT:
        return t("roles.short_scoped", name=name, scope=grant.department or f"#{grant.department_id}")
    if grant.scope is ScopeKind.DONGS:
        shown = ", ".join(grant.dongs[:DONGS_IN_LIST])
        rest = len(grant.dongs) - DONGS_IN_LIST
        scope = t("roles.short_more", names=shown, count=f"{rest:,}") if rest > 0 else shown
        return t("roles.short_scoped", name=name, scope=scope)
    return name


def _notice(request: web.Request) -> str | None:
    notice = request.query.get("notice", "")
    return f"staff.notice.{notice}" if notice in NOTICES else None


def _after(staff_id: int, notice: str) -> web.HTTPFound:
    return web.HTTPFound(f"/staff/{staff_id}?{urlencode({'notice': notice})}")


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and ID_DIGITS.fullmatch(value) else None


# -- the list --------------------------------------------------------------------------------------------


def _page_number(raw: str | None) -> int:
    """The 1-based page of the address, as the service's 0-based number; garbage means the first page."""
    return int(raw) - 1 if raw and re.fullmatch(r"[1-9]\d{0,5}", raw) else 0


@route("GET", "/staff", "staff_list")
async def staff_list(request: web.Request) -> web.StreamResponse:
    text = request.query.get("q", "")[:200]
    status = request.query.get("active", "")
    status = status if status in STATUS_FILTERS else ""
    query = StaffQuery(text=text, active=STATUS_FILTERS[status], page=_page_number(request.query.get("page")))
    message, code = None, 200
    try:
        page = await _staff_admin(request).list_staff(request[ACTOR], query)
    except InvalidInput as error:
        message, code = error_message(request_language(request), error), status_of(error)
        page = None

    def href(number: int) -> str:
        params = {key: value for key, value in (("q", text), ("active", status)) if value}
        return "/staff?" + urlencode({**params, "page": number + 1})

    return render(
        request,
        "staff_list.html",
        status=code,
        page=page,
        q=text,
        status_filter=status,
        message=message,
        notice=_notice(request),
        previous_href=href(page.number - 1) if page and page.has_previous else None,
        next_href=href(page.number + 1) if page and page.has_next else None,
        search_limit=SEARCH_LIMIT,
        role_text=role_text,
    )


# -- adding ----------------------------------------------------------------------------------------------


async def _new_form(
    request: web.Request, *, values: Mapping[str, str], status: int = 200, message: str | None = None
) -> web.Response:
    choices = await _staff_admin(request).role_choices(request[ACTOR])
    return render(
        request,
        "staff_new.html",
        status=status,
        values=values,
        message=message,
        departments=[d.name for d in choices.departments],
        name_limit=NAME_LIMIT,
        department_limit=DEPARTMENT_LIMIT,
        saeol_limit=SAEOL_ID_FIELD,
    )


@route("GET", "/staff/new", "staff_new")
async def staff_new(request: web.Request) -> web.StreamResponse:
    return await _new_form(request, values={"saeol_id": "", "name": "", "department": ""})


@route("POST", "/staff", "staff_add")
async def staff_add(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    values = {key: form.get(key, "") for key in ("saeol_id", "name", "department")}
    try:
        added = await _staff_admin(request).add(request[ACTOR], StaffDraft(**values))
    except FORM_ERRORS as error:
        message = error_message(request_language(request), error)
        return await _new_form(request, values=values, status=status_of(error), message=message)
    raise _after(added.id, "added")


# -- a member's page -------------------------------------------------------------------------------------


def _scope_text(t: Callable[..., str], grant: Any) -> str:
    if grant.scope is ScopeKind.DEPARTMENT:
        return t("roles.scope_department_value", name=grant.department or grant.department_id)
    if grant.scope is ScopeKind.DONGS:
        return t("roles.scope_dongs_value", names=", ".join(grant.dongs))
    return t("roles.scope_none")


async def _member_page(
    request: web.Request,
    staff: StaffDetail,
    *,
    status: int = 200,
    message: str | None = None,
    edit: Mapping[str, str] | None = None,
    stale: bool = False,
    grant_form: Mapping[str, Any] | None = None,
) -> web.Response:
    choices: RoleChoices = await _staff_admin(request).role_choices(request[ACTOR])
    return render(
        request,
        "staff_detail.html",
        status=status,
        staff=staff,
        choices=choices,
        departments=[d.name for d in choices.departments],
        notice=None if message else _notice(request),
        message=message,
        stale=stale,
        edit=edit or {"name": staff.name, "department": staff.department},
        grant_form=grant_form or {"permission": "", "scope": "none", "department": None, "dongs": frozenset()},
        permission_key=permission_key,
        scope_text=_scope_text,
        name_limit=NAME_LIMIT,
        department_limit=DEPARTMENT_LIMIT,
    )


async def _refused(request: web.Request, staff_id: int, error: DongneError, **context: Any) -> web.Response:
    """The member's page again, fresh from the database, with why the change was refused."""
    staff = await _staff_admin(request).get(request[ACTOR], staff_id)
    message = error_message(request_language(request), error)
    return await _member_page(request, staff, status=status_of(error), message=message, **context)


@route("GET", r"/staff/{staff_id:\d+}", "staff_detail")
async def staff_detail(request: web.Request) -> web.StreamResponse:
    staff = await _staff_admin(request).get(request[ACTOR], staff_id_of(request))
    return await _member_page(request, staff)


@route("POST", r"/staff/{staff_id:\d+}", "staff_edit")
async def staff_edit(request: web.Request) -> web.StreamResponse:
    staff_id = staff_id_of(request)
    form = await read_form(request)
    entered = {"name": form.get("name", ""), "department": form.get("department", "")}
    version = _int_or_none(form.get("version"))
    change = StaffEdit(name=entered["name"], department=entered["department"], version=version or 0)
    try:
        await _staff_admin(request).edit(request[ACTOR], staff_id, change)
    except FORM_ERRORS as error:
        # Stale: the page shows what is saved now and keeps what was entered, with the current version, so
        # saving again is a deliberate choice made after seeing the other change.
        return await _refused(request, staff_id, error, edit=entered, stale=isinstance(error, StaleRecord))
    raise _after(staff_id, "saved")


def _account_action(
    name: str, path: str, call: Callable[[StaffAdministration], Callable[..., Any]], notice: str
) -> Route:
    async def handler(request: web.Request) -> web.StreamResponse:
        staff_id = staff_id_of(request)
        try:
            await call(_staff_admin(request))(request[ACTOR], staff_id)
        except FORM_ERRORS as error:
            return await _refused(request, staff_id, error)
        raise _after(staff_id, notice)

    handler.__name__ = name
    return route("POST", path, name)(handler)


staff_deactivate = _account_action(
    "staff_deactivate", r"/staff/{staff_id:\d+}/deactivate", lambda s: s.deactivate, "deactivated"
)
staff_activate = _account_action("staff_activate", r"/staff/{staff_id:\d+}/activate", lambda s: s.activate, "activated")
staff_unbind = _account_action("staff_unbind", r"/staff/{staff_id:\d+}/unbind", lambda s: s.unbind_telegram, "unbound")


# -- confirmations --------------------------------------------------------------------------------------
# Stopping a member's use and taking a permission away act at once on the member's next message, so the
# member's page links to a page that says what will happen; its form (with the session's CSRF token) does it.
# A plain page and a form, so it works without JavaScript, as every page here does.


@route("GET", r"/staff/{staff_id:\d+}/deactivate", "staff_deactivate_confirm")
async def staff_deactivate_confirm(request: web.Request) -> web.StreamResponse:
    staff = await _staff_admin(request).get(request[ACTOR], staff_id_of(request))
    if not staff.active:
        raise _after(staff.id, "already_inactive")
    return render(
        request,
        "staff_confirm.html",
        staff=staff,
        title=t_plain(request_language(request), "admin.staff.confirm.deactivate_title", name=staff.name),
        consequences=("staff.confirm.deactivate_bot", "staff.confirm.deactivate_sessions", "staff.confirm.undo"),
        action=f"/staff/{staff.id}/deactivate",
        fields={},
        button="staff.deactivate",
    )


@route("GET", r"/staff/{staff_id:\d+}/revoke", "staff_revoke_confirm")
async def staff_revoke_confirm(request: web.Request) -> web.StreamResponse:
    staff = await _staff_admin(request).get(request[ACTOR], staff_id_of(request))
    wanted = request.query.get("permission", "")[:60]
    grant = next((g for g in staff.grants if g.permission == wanted), None)
    if grant is None:  # revoked meanwhile, or an address typed by hand: the member's page as it is now
        raise _after(staff.id, "already_revoked")
    lang = request_language(request)
    role = role_text(lambda key, **params: t_plain(lang, f"admin.{key}", **params), grant)
    consequences = ["staff.confirm.revoke_bot"]
    if grant.permission == "admin":
        consequences.append("staff.confirm.revoke_admin")
    return render(
        request,
        "staff_confirm.html",
        staff=staff,
        title=t_plain(lang, "admin.staff.confirm.revoke_title", name=staff.name, role=role),
        consequences=(*consequences, "staff.confirm.undo_grant"),
        action=f"/staff/{staff.id}/revoke",
        fields={"permission": grant.permission},
        button="roles.revoke",
    )


async def link_code_view(request: web.Request, issued: LinkCodeIssued) -> dict[str, Any]:
    link = await deep_link(request, issued.code)
    asked = link is None and request.app.get(BOT_LOOKUP) is not None  # a token is set, but Telegram did not say
    return {
        "code": issued.code,
        "expires": issued.expires_at.strftime("%Y-%m-%d %H:%M"),
        "link": link,
        "qr": qr_data_uri(link) if link else None,
        "no_link": "staff.link.lookup_failed" if asked else "staff.link.no_link",
    }


@route("POST", r"/staff/{staff_id:\d+}/link-code", "staff_link_code")
async def staff_link_code(request: web.Request) -> web.StreamResponse:
    staff_id = staff_id_of(request)
    try:
        issued = await _staff_admin(request).issue_link_code(request[ACTOR], staff_id)
    except FORM_ERRORS as error:
        return await _refused(request, staff_id, error)
    return render(request, "staff_link_code.html", staff=issued.staff, issued=await link_code_view(request, issued))


# -- permissions -----------------------------------------------------------------------------------------


async def _grant_form(request: web.Request, form: Mapping[str, str]) -> dict[str, Any]:
    """The grant form as entered. Several dongs come as repeated ``dong`` fields, which the one-value form
    mapping does not keep: they are read from the body aiohttp has already parsed."""
    posted = await request.post()
    raw_dongs = [value for value in posted.getall("dong", []) if isinstance(value, str)]
    dongs = [_int_or_none(value) for value in raw_dongs[:MAX_DONGS]]
    return {
        "permission": form.get("permission", "")[:60],
        "scope": form.get("scope", ScopeKind.NONE.value),
        "department": _int_or_none(form.get("department")),
        "dongs": frozenset(d for d in dongs if d is not None),
        "forged_dongs": len(raw_dongs) > MAX_DONGS or None in dongs,
    }


def _grant_request(entered: Mapping[str, Any]) -> GrantRequest:
    """What the form asks for: the scope's choice counts only for the scope picked."""
    if entered["forged_dongs"]:
        raise InvalidInput("grant_dong_unknown")
    scope, permission = entered["scope"], entered["permission"]
    if scope == ScopeKind.DEPARTMENT:
        if entered["department"] is None:
            raise InvalidInput("grant_scope_missing")
        return GrantRequest(permission, department_id=entered["department"])
    if scope == ScopeKind.DONGS:
        if not entered["dongs"]:
            raise InvalidInput("grant_scope_missing")
        return GrantRequest(permission, dong_ids=entered["dongs"])
    if scope != ScopeKind.NONE:
        raise InvalidInput("grant_scope_missing")
    return GrantRequest(permission)


@route("POST", r"/staff/{staff_id:\d+}/grants", "staff_grant")
async def staff_grant(request: web.Request) -> web.StreamResponse:
    staff_id = staff_id_of(request)
    entered = await _grant_form(request, await read_form(request))
    try:
        await _staff_admin(request).grant(request[ACTOR], staff_id, _grant_request(entered))
    except FORM_ERRORS as error:
        return await _refused(request, staff_id, error, grant_form=entered)
    raise _after(staff_id, "granted")


@route("POST", r"/staff/{staff_id:\d+}/revoke", "staff_revoke")
async def staff_revoke(request: web.Request) -> web.StreamResponse:
    staff_id = staff_id_of(request)
    form = await read_form(request)
    try:
        await _staff_admin(request).revoke(request[ACTOR], staff_id, form.get("permission", "")[:60])
    except FORM_ERRORS as error:
        return await _refused(request, staff_id, error)
    raise _after(staff_id, "revoked")


ROUTES: list[Route] = [
    staff_list,
    staff_new,
    staff_add,
    staff_detail,
    staff_edit,
    staff_deactivate_confirm,
    staff_deactivate,
    staff_activate,
    staff_unbind,
    staff_link_code,
    staff_grant,
    staff_revoke_confirm,
    staff_revoke,
]
