"""업무 인계 (인사발령): from a member's page, the admin finds the successor, sees what would move, and hands it
over in one step (``core.handover``). The preview is a plain GET; the handover a POST with the session's CSRF
token and the preview's fingerprint, so what happens is exactly what the admin saw, or nothing."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.admin.keys import ACTOR
from bot.admin.pages import render, request_language
from bot.admin.routing import Route, route
from bot.admin.security import SERVICES, error_message, read_form, status_of
from bot.admin.views_staff import ID_DIGITS, permission_key, staff_id_of
from core.errors import DongneError
from core.handover import Handover, HandoverPlan
from core.staff.administration import SEARCH_LIMIT
from core.staff.values import StaffQuery

SUCCESSORS_SHOWN = 20  # search results offered as successors; a longer list is narrowed by typing more
FINGERPRINT_LENGTH = 16


def _handover(request: web.Request) -> Handover:
    return request.app[SERVICES].handover


def _id(value: str | None) -> int | None:
    return int(value) if value and ID_DIGITS.fullmatch(value) else None


async def _page(
    request: web.Request,
    staff_id: int,
    *,
    q: str,
    successor_id: int | None,
    status: int = 200,
    message: str | None = None,
    end_roles: bool = False,
) -> web.Response:
    actor = request[ACTOR]
    services = request.app[SERVICES]
    departing = await services.staff_admin.get(actor, staff_id)
    candidates = None
    if q:
        found = await services.staff_admin.list_staff(actor, StaffQuery(text=q, active=True, size=SUCCESSORS_SHOWN))
        candidates = [c for c in found.items if c.id != staff_id]
    plan: HandoverPlan | None = None
    if successor_id is not None:
        # After a refused handover the preview is drawn afresh, under the reason it was refused.
        try:
            plan = await _handover(request).preview(actor, staff_id, successor_id)
        except DongneError as error:
            if message is None:
                status, message = status_of(error), error_message(request_language(request), error)
    return render(
        request,
        "handover.html",
        status=status,
        staff=departing,
        q=q,
        candidates=candidates,
        search_limit=SEARCH_LIMIT,
        plan=plan,
        message=message,
        end_roles=end_roles,
        permission_key=permission_key,
        preview_href=lambda successor: f"/staff/{staff_id}/handover?" + urlencode({"q": q, "to": successor}),
    )


@route("GET", r"/staff/{staff_id:\d+}/handover", "staff_handover")
async def staff_handover(request: web.Request) -> web.StreamResponse:
    q = request.query.get("q", "")[:SEARCH_LIMIT].strip()
    return await _page(request, staff_id_of(request), q=q, successor_id=_id(request.query.get("to")))


@route("POST", r"/staff/{staff_id:\d+}/handover", "staff_handover_do")
async def staff_handover_do(request: web.Request) -> web.StreamResponse:
    staff_id = staff_id_of(request)
    form = await read_form(request)
    successor_id = _id(form.get("to"))
    end_roles = form.get("end_roles") == "on"
    fingerprint = form.get("fingerprint", "")[:FINGERPRINT_LENGTH]
    q = form.get("q", "")[:SEARCH_LIMIT]
    if successor_id is None:
        raise web.HTTPFound(f"/staff/{staff_id}/handover")
    try:
        await _handover(request).hand_over(
            request[ACTOR], staff_id, successor_id, fingerprint=fingerprint, end_roles=end_roles
        )
    except DongneError as error:
        message = error_message(request_language(request), error)
        return await _page(
            request, staff_id, q=q, successor_id=successor_id, status=status_of(error), message=message,
            end_roles=end_roles,
        )  # fmt: skip
    raise web.HTTPFound(f"/staff/{staff_id}?{urlencode({'notice': 'handed_over'})}")


ROUTES: list[Route] = [staff_handover, staff_handover_do]
