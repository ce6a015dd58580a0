"""The JSON API for staff and roles (``/api/v1/``), for scripts and other systems: the same services as the
pages, authenticated with an admin's API token. Input is checked here only for its JSON shape; the rules
(Saeol ID format, duplicates, scopes, versions) are the services', and their refusals answer
``{"error": code, "message": text}`` with the status the error middleware gives them (422 for invalid input)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from bot.admin.api_json import invalid, json_body, query_integer, query_page
from bot.admin.keys import ACTOR
from bot.admin.openapi import Operation, Parameter, api_route, define_schemas, ref
from bot.admin.routing import Route
from bot.admin.security import SERVICES
from bot.admin.views_staff import MAX_DONGS, deep_link, staff_id_of
from core.permissions import Permission
from core.staff.administration import MAX_PAGE_SIZE, StaffAdministration
from core.staff.values import (
    PAGE_SIZE,
    GrantRequest,
    GrantView,
    ScopeKind,
    StaffDetail,
    StaffDraft,
    StaffEdit,
    StaffQuery,
    StaffSummary,
)

STAFF = "/api/v1/staff"
ONE = STAFF + r"/{staff_id:\d+}"
GRANT = ONE + "/grants/{permission}"
TAG_STAFF, TAG_ROLES = "staff", "roles"
PERMISSIONS = [p.value for p in Permission]
PERMISSION_IN_PATH = Parameter("permission", {"type": "string", "enum": PERMISSIONS}, "The permission", where="path")


define_schemas(
    {
        "Named": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "Grant": {
            "type": "object",
            "required": ["permission", "scope", "department", "dongs", "granted_at"],
            "properties": {
                "permission": {"type": "string", "enum": PERMISSIONS},
                "scope": {"type": "string", "enum": [k.value for k in ScopeKind]},
                "department": {"oneOf": [ref("Named"), {"type": "null"}]},
                "dongs": {"type": "array", "items": ref("Named")},
                "granted_at": {"type": "string", "format": "date-time"},
            },
        },
        "Staff": {
            "type": "object",
            "required": ["id", "saeol_id", "name", "department", "active", "telegram_bound", "version", "grants"],
            "properties": {
                "id": {"type": "integer"},
                "saeol_id": {"type": "string"},
                "name": {"type": "string"},
                "department": ref("Named"),
                "active": {"type": "boolean"},
                "telegram_bound": {"type": "boolean"},
                "language": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "version": {"type": "integer", "description": "Send it back with an update (optimistic lock)"},
                "grants": {"type": "array", "items": ref("Grant")},
            },
        },
        "StaffSummary": {
            "type": "object",
            "required": ["id", "saeol_id", "name", "department", "active", "telegram_bound"],
            "properties": {
                "id": {"type": "integer"},
                "saeol_id": {"type": "string"},
                "name": {"type": "string"},
                "department": {"type": "string"},
                "active": {"type": "boolean"},
                "telegram_bound": {"type": "boolean"},
            },
        },
        "StaffPage": {
            "type": "object",
            "required": ["items", "page", "size", "total", "pages"],
            "properties": {
                "items": {"type": "array", "items": ref("StaffSummary")},
                "page": {"type": "integer", "minimum": 1},
                "size": {"type": "integer"},
                "total": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        },
        "StaffCreate": {
            "type": "object",
            "required": ["saeol_id", "name", "department"],
            "properties": {
                "saeol_id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{1,29}$"},
                "name": {"type": "string", "maxLength": 50},
                "department": {"type": "string", "maxLength": 50, "description": "A new name adds a department"},
            },
        },
        "StaffUpdate": {
            "type": "object",
            "required": ["version"],
            "properties": {
                "version": {"type": "integer", "description": "The version last read; a newer one means 409"},
                "name": {"type": "string", "maxLength": 50},
                "department": {"type": "string", "maxLength": 50},
            },
        },
        "GrantScope": {
            "type": "object",
            "description": "Empty: everywhere. department_id or dong_ids (not both), as the permission allows",
            "properties": {
                "department_id": {"type": ["integer", "null"]},
                "dong_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": MAX_DONGS},
            },
        },
        "LinkCode": {
            "type": "object",
            "required": ["staff_id", "code", "expires_at", "deep_link"],
            "properties": {
                "staff_id": {"type": "integer"},
                "code": {"type": "string", "description": "Single use; shown only in this answer"},
                "expires_at": {"type": "string", "format": "date-time"},
                "deep_link": {
                    "type": ["string", "null"],
                    "description": "https://t.me/<bot>?start=<code>; null when the bot's username is not known",
                },
            },
        },
        "Roles": {
            "type": "object",
            "required": ["permissions", "departments", "dongs"],
            "properties": {
                "permissions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "permission": {"type": "string", "enum": PERMISSIONS},
                            "scope": {"type": "string", "enum": [k.value for k in ScopeKind]},
                        },
                    },
                },
                "departments": {"type": "array", "items": ref("Named")},
                "dongs": {"type": "array", "items": ref("Named")},
            },
        },
    }
)


def _staff_admin(request: web.Request) -> StaffAdministration:
    return request.app[SERVICES].staff_admin


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _grant_json(grant: GrantView) -> dict[str, Any]:
    department = {"id": grant.department_id, "name": grant.department} if grant.department_id is not None else None
    return {
        "permission": grant.permission,
        "scope": grant.scope.value,
        "department": department,
        "dongs": [{"id": i, "name": n} for i, n in zip(grant.dong_ids, grant.dongs, strict=True)],
        "granted_at": _when(grant.granted_at),
    }


def staff_json(staff: StaffDetail) -> dict[str, Any]:
    return {
        "id": staff.id,
        "saeol_id": staff.saeol_id,
        "name": staff.name,
        "department": {"id": staff.department_id, "name": staff.department},
        "active": staff.active,
        "telegram_bound": staff.telegram_bound,
        "language": staff.language,
        "created_at": _when(staff.created_at),
        "version": staff.version,
        "grants": [_grant_json(g) for g in staff.grants],
    }


def _summary_json(staff: StaffSummary) -> dict[str, Any]:
    return {
        "id": staff.id,
        "saeol_id": staff.saeol_id,
        "name": staff.name,
        "department": staff.department,
        "active": staff.active,
        "telegram_bound": staff.telegram_bound,
    }


# -- reading the request ---------------------------------------------------------------------------------


def text_field(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise invalid(name, "string")
    return value


def integer_field(body: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid(name, "integer")
    return value


# -- the routes ------------------------------------------------------------------------------------------

STAFF_ANSWER = {200: ("The staff member as now saved", "Staff")}


@api_route(
    "GET",
    STAFF,
    "api_staff_list",
    Operation(
        summary="List and search staff",
        tag=TAG_STAFF,
        description="By name, ordered by name; q matches name, Saeol ID or department (case ignored).",
        query=(
            Parameter("q", {"type": "string", "maxLength": 50}, "Part of a name, Saeol ID or department"),
            Parameter("active", {"type": "string", "enum": ["true", "false"]}, "Only active or deactivated staff"),
            Parameter("page", {"type": "integer", "minimum": 1, "default": 1}),
            Parameter("size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE}),
        ),
        answers={200: ("A page of staff", "StaffPage")},
        errors=(422,),
    ),
)
async def api_staff_list(request: web.Request) -> web.StreamResponse:
    active_raw = request.query.get("active")
    if active_raw not in (None, "true", "false"):
        raise invalid("active", "true or false")
    query = StaffQuery(
        text=request.query.get("q", "")[:200],
        active=None if active_raw is None else active_raw == "true",
        page=query_page(request),
        size=query_integer(request, "size", PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )
    page = await _staff_admin(request).list_staff(request[ACTOR], query)
    return web.json_response(
        {
            "items": [_summary_json(s) for s in page.items],
            "page": page.number + 1,
            "size": page.size,
            "total": page.total,
            "pages": page.count,
        }
    )


@api_route(
    "POST",
    STAFF,
    "api_staff_create",
    Operation(
        summary="Add a staff member",
        tag=TAG_STAFF,
        description="With no permissions and no Telegram account; grant permissions and issue a link code next.",
        body="StaffCreate",
        answers={201: ("Added; Location names the new member", "Staff")},
        errors=(409, 422),
    ),
)
async def api_staff_create(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    draft = StaffDraft(
        saeol_id=text_field(body, "saeol_id", required=True) or "",
        name=text_field(body, "name", required=True) or "",
        department=text_field(body, "department", required=True) or "",
    )
    staff = await _staff_admin(request).add(request[ACTOR], draft)
    return web.json_response(staff_json(staff), status=201, headers={"Location": f"{STAFF}/{staff.id}"})


@api_route(
    "GET",
    ONE,
    "api_staff_get",
    Operation(
        summary="One staff member with their grants",
        tag=TAG_STAFF,
        answers={200: ("The staff member", "Staff")},
        errors=(404,),
    ),
)
async def api_staff_get(request: web.Request) -> web.StreamResponse:
    staff = await _staff_admin(request).get(request[ACTOR], staff_id_of(request))
    return web.json_response(staff_json(staff))


@api_route(
    "PATCH",
    ONE,
    "api_staff_update",
    Operation(
        summary="Change a member's name and/or department",
        tag=TAG_STAFF,
        description="Send the version you read: if the member changed since, the answer is 409 stale_record.",
        body="StaffUpdate",
        answers=STAFF_ANSWER,
        errors=(404, 409, 422),
    ),
)
async def api_staff_update(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    change = StaffEdit(
        name=text_field(body, "name", required=False),
        department=text_field(body, "department", required=False),
        version=integer_field(body, "version", required=True) or 0,
    )
    staff = await _staff_admin(request).edit(request[ACTOR], staff_id_of(request), change)
    return web.json_response(staff_json(staff))


def _account_route(action: str, summary: str, description: str, errors: tuple[int, ...]) -> Route:
    async def handler(request: web.Request) -> web.StreamResponse:
        service = _staff_admin(request)
        call = {"deactivate": service.deactivate, "activate": service.activate, "unbind": service.unbind_telegram}
        staff = await call[action](request[ACTOR], staff_id_of(request))
        return web.json_response(staff_json(staff))

    handler.__name__ = f"api_staff_{action}"
    operation = Operation(summary=summary, tag=TAG_STAFF, description=description, answers=STAFF_ANSWER, errors=errors)
    return api_route("POST", f"{ONE}/{action}", f"api_staff_{action}", operation)(handler)


api_staff_deactivate = _account_route(
    "deactivate",
    "Deactivate a member",
    "The bot refuses them from their next update; their admin sessions end. 409 already_inactive if so.",
    (404, 409, 422),
)
api_staff_activate = _account_route(
    "activate", "Re-activate a member", "409 already_active if the member is active.", (404, 409)
)
api_staff_unbind = _account_route(
    "unbind",
    "Unlink the member's Telegram account",
    "For a lost or replaced phone; issue a new link code next. 409 already_unbound if none is linked.",
    (404, 409),
)


@api_route(
    "POST",
    f"{ONE}/link-code",
    "api_staff_link_code",
    Operation(
        summary="Issue a new one-time link code",
        tag=TAG_STAFF,
        description="The code binds the member's Telegram account once and expires; it is shown only here.",
        answers={201: ("The code, its expiry and the deep link", "LinkCode")},
        errors=(400, 404),
    ),
)
async def api_staff_link_code(request: web.Request) -> web.StreamResponse:
    issued = await _staff_admin(request).issue_link_code(request[ACTOR], staff_id_of(request))
    answer = {
        "staff_id": issued.staff.id,
        "code": issued.code,
        "expires_at": _when(issued.expires_at),
        "deep_link": await deep_link(request, issued.code),
    }
    return web.json_response(answer, status=201)


@api_route(
    "PUT",
    GRANT,
    "api_staff_grant",
    Operation(
        summary="Grant a permission, optionally scoped",
        tag=TAG_ROLES,
        description=(
            "Housing and personal-data permissions may be limited to administrative dongs, benchmarking ones to "
            "one department (GET /api/v1/roles lists which and the ids). Granting a held permission replaces "
            "its scope. An empty body grants it everywhere."
        ),
        query=(PERMISSION_IN_PATH,),
        body="GrantScope",
        answers=STAFF_ANSWER,
        errors=(404, 422),
    ),
)
async def api_staff_grant(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    dong_ids = body.get("dong_ids", [])
    if (
        not isinstance(dong_ids, list)
        or len(dong_ids) > MAX_DONGS
        or any(not isinstance(d, int) or isinstance(d, bool) for d in dong_ids)
    ):
        raise invalid("dong_ids", "array of integers")
    grant = GrantRequest(
        request.match_info["permission"][:60],
        department_id=integer_field(body, "department_id", required=False),
        dong_ids=frozenset(dong_ids),
    )
    staff = await _staff_admin(request).grant(request[ACTOR], staff_id_of(request), grant)
    return web.json_response(staff_json(staff))


@api_route(
    "DELETE",
    GRANT,
    "api_staff_revoke",
    Operation(
        summary="Revoke a permission",
        tag=TAG_ROLES,
        description="409 already_revoked when the member does not hold it (revoked twice).",
        query=(PERMISSION_IN_PATH,),
        answers=STAFF_ANSWER,
        errors=(404, 409, 422),
    ),
)
async def api_staff_revoke(request: web.Request) -> web.StreamResponse:
    staff = await _staff_admin(request).revoke(
        request[ACTOR], staff_id_of(request), request.match_info["permission"][:60]
    )
    return web.json_response(staff_json(staff))


@api_route(
    "GET",
    "/api/v1/roles",
    "api_roles",
    Operation(
        summary="Permissions, the scope each may carry, and the departments and dongs to scope to",
        tag=TAG_ROLES,
        answers={200: ("What a grant may name", "Roles")},
    ),
)
async def api_roles(request: web.Request) -> web.StreamResponse:
    choices = await _staff_admin(request).role_choices(request[ACTOR])
    return web.json_response(
        {
            "permissions": [{"permission": p, "scope": kind.value} for p, kind in choices.permissions],
            "departments": [{"id": d.id, "name": d.name} for d in choices.departments],
            "dongs": [{"id": d.id, "name": d.name} for d in choices.dongs],
        }
    )


ROUTES: list[Route] = [
    api_staff_list,
    api_staff_create,
    api_staff_get,
    api_staff_update,
    api_staff_deactivate,
    api_staff_activate,
    api_staff_unbind,
    api_staff_link_code,
    api_staff_grant,
    api_staff_revoke,
    api_roles,
]
