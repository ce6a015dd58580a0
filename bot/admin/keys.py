"""What a request carries between the middlewares and the views."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from core.staff.access import ActiveSession
from core.values import StaffMember

ACTOR = web.RequestKey("actor", StaffMember)
SESSION = web.RequestKey("session", ActiveSession)
PRE_CSRF = web.RequestKey("pre_csrf", str)
FORM = web.RequestKey("form", Mapping[str, str])
