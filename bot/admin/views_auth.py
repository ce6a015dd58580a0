"""Sign-in, sign-out and the home page."""

from __future__ import annotations

from aiohttp import web

from bot.admin.keys import PRE_CSRF
from bot.admin.pages import CSRF_FIELD, render, request_language
from bot.admin.routing import Access, Route, route
from bot.admin.security import (
    PRE_CSRF_COOKIE,
    SECURE_COOKIES,
    SERVICES,
    SESSION_COOKIE,
    error_message,
    pre_csrf_matches,
    read_form,
    status_of,
)
from core.admin.access import SESSION_LONGEST
from core.errors import DongneError


def client_address(request: web.Request) -> str:
    return (request.remote or "unknown")[:64]


@route("GET", "/sign-in", "sign_in_form", Access.PUBLIC)
async def sign_in_form(request: web.Request) -> web.StreamResponse:
    return render(request, "sign_in.html", username="", message=None)


@route("POST", "/sign-in", "sign_in", Access.PUBLIC)
async def sign_in(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    if not pre_csrf_matches(request, form.get(CSRF_FIELD)):
        raise web.HTTPForbidden()
    username = form.get("username", "")[:40]
    try:
        issued = await request.app[SERVICES].admin_access.sign_in(
            username, form.get("password", ""), client_address(request)
        )
    except DongneError as error:
        request[PRE_CSRF] = request.cookies.get(PRE_CSRF_COOKIE, "")
        message = error_message(request_language(request), error)
        return render(request, "sign_in.html", status=status_of(error), username=username, message=message)
    response = web.HTTPFound("/")
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        httponly=True,
        samesite="Strict",
        secure=request.app[SECURE_COOKIES],
        max_age=int(SESSION_LONGEST.total_seconds()),
        path="/",
    )
    raise response


@route("POST", "/sign-out", "sign_out")
async def sign_out(request: web.Request) -> web.StreamResponse:
    await request.app[SERVICES].admin_access.sign_out(request.cookies.get(SESSION_COOKIE))
    response = web.HTTPFound("/sign-in")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@route("GET", "/", "home")
async def home(request: web.Request) -> web.StreamResponse:
    return render(request, "home.html")


ROUTES: list[Route] = [sign_in_form, sign_in, sign_out, home]
