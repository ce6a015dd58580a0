"""The route table: every route says how it is authenticated, so a test can walk the table and prove
that none is open by mistake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from aiohttp import web

from core.errors import NotFound
from core.permissions import Permission
from core.staff.administration import LARGEST_ID

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Access(StrEnum):
    PUBLIC = "public"  # sign-in, health, the API description
    SESSION = "session"  # HTML pages: a signed-in admin; forms carry the session's CSRF token
    TOKEN = "token"  # the JSON API: an admin's API token (Authorization: Bearer dn_…)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    name: str
    access: Access


@dataclass(frozen=True)
class NavLink:
    """A menu item: its catalog key (under admin.), its address, and the permission the page's service asks
    for, so the menu offers an admin only what they may open."""

    key: str
    href: str
    permission: Permission = Permission.ADMIN


def route(method: str, path: str, name: str, access: Access = Access.SESSION) -> Callable[[Handler], Route]:
    def register(handler: Handler) -> Route:
        return Route(method, path, handler, name, access)

    return register


def path_id(request: web.Request, name: str) -> int:
    """The path's id (digits only, by the route); a longer number than an id can be names nothing, and is
    refused before ``int`` meets it (Python refuses to convert more than 4,300 digits)."""
    digits = request.match_info[name]
    if len(digits) > len(str(LARGEST_ID)) or not 0 < int(digits) <= LARGEST_ID:
        raise NotFound(f"{name} {digits[:20]}")
    return int(digits)
