"""API tokens for scripts and other systems: list, create (the secret is shown once), revoke.

A token acts as the admin who created it, for as long as they are an active admin: taking ``admin`` away
or deactivating them revokes their tokens for good. Only its hash is stored, so a lost token cannot be
shown again, only revoked and replaced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from bot.admin.keys import ACTOR
from bot.admin.pages import render, request_language
from bot.admin.routing import NavLink, Route, path_id, route
from bot.admin.security import SERVICES, error_message, read_form, status_of
from core.errors import InvalidInput
from core.staff.access import TOKEN_NAME_LIMIT, IssuedToken
from core.staff.values import ApiTokenRecord

NAV = [NavLink("tokens.nav", "/tokens")]
NOTICES = {"revoked": "tokens.revoked_notice"}


def _when(request: web.Request, moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return request.app[SERVICES].clock.local(moment).strftime("%Y-%m-%d %H:%M")


def _row(request: web.Request, token: ApiTokenRecord) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "created_by": token.created_by,
        "created": _when(request, token.created_at),
        "last_used": _when(request, token.last_used_at),
        "revoked": _when(request, token.revoked_at),
    }


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    issued: IssuedToken | None = None,
    error: str | None = None,
    name: str = "",
) -> web.Response:
    tokens = await request.app[SERVICES].admin_access.list_tokens(request[ACTOR])
    notice = NOTICES.get(request.query.get("done", ""))
    return render(
        request,
        "tokens.html",
        status=status,
        tokens=[_row(request, token) for token in tokens],
        issued=issued,
        notice=notice,
        error=error,
        name=name,
        name_limit=TOKEN_NAME_LIMIT,
    )


@route("GET", "/tokens", "tokens")
async def tokens(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@route("POST", "/tokens", "token_create")
async def create_token(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    name = form.get("name", "")
    try:
        issued = await request.app[SERVICES].admin_access.create_token(request[ACTOR], name)
    except InvalidInput as error:
        message = error_message(request_language(request), error)
        return await _page(request, status=status_of(error), error=message, name=name[:TOKEN_NAME_LIMIT])
    # Rendered, not redirected: the secret exists only in this response (marked no-store) and is never kept.
    return await _page(request, issued=issued)


@route("POST", r"/tokens/{token_id:\d+}/revoke", "token_revoke")
async def revoke_token(request: web.Request) -> web.StreamResponse:
    token_id = path_id(request, "token_id")  # a longer number names no token and must not reach the database
    try:
        await request.app[SERVICES].admin_access.revoke_token(request[ACTOR], token_id)
    except InvalidInput as error:  # revoked already (a second tap, a colleague) or no such token
        return await _page(request, status=status_of(error), error=error_message(request_language(request), error))
    raise web.HTTPFound("/tokens?done=revoked")


ROUTES: list[Route] = [tokens, create_token, revoke_token]
