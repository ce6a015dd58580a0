"""What every request passes through: errors turned into polite pages (never a traceback), security
headers on every response (error pages and JSON refusals too), who is asking (session cookie or API
token), the CSRF check on every form, and the one rule for text (core/safe_text.py) on the address and
every form; JSON bodies meet it in bot/admin/api_json.py."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Mapping

import jinja2
from aiohttp import web

from bot.admin.keys import ACTOR, FORM, PRE_CSRF, SESSION
from bot.admin.pages import CSRF_FIELD, render, request_language
from bot.admin.routing import Access, Handler
from core.errors import DongneError, InvalidInput, NotFound, PermissionDenied, StaleRecord
from core.safe_text import check_fields
from core.services import Services
from core.texts.i18n import has_text, t_plain

log = logging.getLogger("dongne.admin")

SESSION_COOKIE = "dongne_session"
PRE_CSRF_COOKIE = "dongne_csrf"
SERVICES = web.AppKey("services", Services)
ACCESS = web.AppKey("access", dict[str, Access])
SECURE_COOKIES = web.AppKey("secure_cookies", bool)
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FIELD = 2000  # no form field of ours is longer; longer input is refused before any parsing


def status_of(error: DongneError) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, StaleRecord):
        return 409
    if error.code in {"sign_in_refused"}:
        return 401
    if error.code in {"sign_in_throttled"}:
        return 429
    if isinstance(error, InvalidInput) or error.code.startswith(("duplicate", "already")):
        return 422 if isinstance(error, InvalidInput) else 409
    return 400


def error_message(lang: str, error: DongneError) -> str:
    permission = error.params.get("permission")
    if type(error) is PermissionDenied and isinstance(permission, str):
        # Whoever reads this is an admin of 전산정보과 already: "ask 전산정보과" would send them to themselves.
        role_key = "admin.roles.short." + permission.replace(".", "_")
        if has_text(lang, role_key):
            return t_plain(lang, "admin.error.permission_needed", role=t_plain(lang, role_key))
    for key in (f"admin.error.{error.code}", f"error.{error.code}"):
        if has_text(lang, key):
            try:
                return t_plain(lang, key, **error.params)
            except (KeyError, IndexError):
                break
    return t_plain(lang, "admin.error.unexpected")


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """The error page; plain text when the templates themselves cannot load, so a 404 stays a 404 (and /healthz
    says what is broken) instead of every answer becoming a 500."""
    try:
        return render(request, "error.html", status=status, message=message)
    except jinja2.TemplateError as error:
        log.error("admin error page unavailable (%s): answering %s as plain text", error, status)
        return web.Response(text=message, status=status, content_type="text/plain", charset="utf-8")


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DongneError as error:
        lang = request_language(request)
        status, message = status_of(error), error_message(lang, error)
        log.info("refused %s %s: %s (%s)", request.method, request.path, error.code, error)
        if wants_json(request):
            return json_error(status, error.code, message)
        return error_page(request, status, message)
    except web.HTTPException as exc:
        if exc.status < 400 or (exc.status == 401 and "Location" in exc.headers):
            raise
        lang = request_language(request)
        key = {404: "not_found", 405: "method", 413: "too_large", 403: "forbidden", 401: "unauthorised"}.get(
            exc.status, "unexpected"
        )
        message = t_plain(lang, f"admin.error.{key}")
        if wants_json(request):
            return json_error(exc.status, key, message)
        return error_page(request, exc.status, message)
    except Exception:
        log.exception("admin request failed: %s %s", request.method, request.path)
        message = t_plain(request_language(request), "admin.error.unexpected")
        if wants_json(request):
            return json_error(500, "unexpected", message)
        return error_page(request, 500, message)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """An ``on_response_prepare`` signal, not a middleware: it sees every response aiohttp sends, including
    the ones built from an exception that left every middleware (a redirect, a 405 before any handler)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


@web.middleware
async def refuse_unsafe_text(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The address's parameters and query meet the text rule before any view reads them."""
    check_fields([*request.match_info.items(), *request.query.items()])
    return await handler(request)


def _access_of(request: web.Request) -> Access:
    access: dict[str, Access] = request.app[ACCESS]
    resource = request.match_info.route.resource
    name = resource.name if resource is not None else None
    # A path no route serves: the 404 page, which shows nothing.
    return access.get(name or "", Access.PUBLIC)


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def sign_in_redirect(request: web.Request) -> web.HTTPFound:
    return web.HTTPFound("/sign-in")


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    services = request.app[SERVICES]
    access = _access_of(request)
    if access is Access.SESSION:
        session = await services.admin_access.resume(request.cookies.get(SESSION_COOKIE))
        if session is None:
            if request.method in UNSAFE:
                raise web.HTTPForbidden()
            raise sign_in_redirect(request)
        request[SESSION], request[ACTOR] = session, session.staff
        if request.method in UNSAFE:
            form = await read_form(request)
            if not session.csrf_matches(form.get(CSRF_FIELD)):
                log.warning("CSRF token missing or wrong: %s %s", request.method, request.path)
                raise web.HTTPForbidden()
    elif access is Access.TOKEN:
        actor = await services.admin_access.authenticate_token(bearer(request))
        if actor is None:
            lang = request_language(request)
            return json_error(401, "unauthorised", t_plain(lang, "admin.error.unauthorised"))
        request[ACTOR] = actor
    elif access is Access.PUBLIC and request.method == "GET":
        # Forms shown before sign-in carry a token tied to a cookie (double submit).
        request[PRE_CSRF] = request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = await handler(request)
    if PRE_CSRF in request and request.cookies.get(PRE_CSRF_COOKIE) != request[PRE_CSRF]:
        response.set_cookie(
            PRE_CSRF_COOKIE,
            request[PRE_CSRF],
            httponly=True,
            samesite="Strict",
            secure=request.app[SECURE_COOKIES],
            path="/",
        )
    return response


async def read_form(request: web.Request) -> Mapping[str, str]:
    """The submitted form, read once and kept; overlong fields and text the edges refuse are refused (every
    value, repeated fields too)."""
    if FORM not in request:
        data = await request.post()
        check_fields([(key, value) for key, value in data.items() if isinstance(value, str)])
        form = {key: value for key, value in data.items() if isinstance(value, str)}
        if any(len(value) > MAX_FIELD for value in form.values()):
            raise InvalidInput("field_too_long", limit=MAX_FIELD)
        request[FORM] = form
    return request[FORM]


def pre_csrf_matches(request: web.Request, candidate: str | None) -> bool:
    expected = request.cookies.get(PRE_CSRF_COOKIE)
    return bool(expected and candidate) and hmac.compare_digest(str(candidate).encode(), str(expected).encode())
