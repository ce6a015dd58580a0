"""Sign-in, sign-out and the home page."""

from __future__ import annotations

import math
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

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
from core.errors import DongneError
from core.staff.access import SESSION_LONGEST
from core.staff.throttle import SignInThrottled
from core.texts.i18n import t_plain

TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple[IPv4Network | IPv6Network, ...])


def parse_address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; the settings name them as IPv4.
    return address.ipv4_mapped or address if isinstance(address, IPv6Address) else address


def client_address(request: web.Request) -> str:
    """Who is signing in, for throttling and the audit log: the connecting peer, or, when that peer is one of
    our proxies, the right-most address in X-Forwarded-For that is not one. Each proxy appends the address it
    saw, so what a client writes there itself stays on the left, where the walk never believes it."""
    proxies = request.app[TRUSTED_PROXIES]

    def trusted(address: IPv4Address | IPv6Address) -> bool:
        return any(address in network for network in proxies)

    peer = parse_address(request.remote or "")
    if peer is None:
        return (request.remote or "unknown")[:64]
    client = peer
    if trusted(peer):
        hops = ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")
        for hop in map(parse_address, reversed(hops)):
            if hop is None:
                break  # not an address: the proxy to its right is the last hop known for sure
            client = hop
            if not trusted(hop):
                break
    return str(client)


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
        lang = request_language(request)
        message = error_message(lang, error)
        if isinstance(error, SignInThrottled) and error.seconds >= 60:
            message = t_plain(lang, "admin.error.sign_in_throttled_minutes", minutes=math.ceil(error.seconds / 60))
        page = render(request, "sign_in.html", status=status_of(error), username=username, message=message)
        if isinstance(error, SignInThrottled):
            page.headers["Retry-After"] = str(error.seconds)
        return page
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
