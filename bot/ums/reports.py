"""``POST /ums/reports``: delivery reports pushed by the UMS, signed with the shared secret (docs/ums.md).

The body is read whole before the signature is checked (a slow push arrives in pieces); one over
MAX_REPORT_BYTES gets 413. Unsigned, wrongly signed or stale requests get 401; the very same signed request
again (a replay) 409, and it is remembered in the transaction that applies its reports, so a request that
failed halfway is applied when retried. A report id already applied is acknowledged and changes nothing.
With no secret configured the receiver is off (503): an unsigned report is never trusted."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from aiohttp import web

from bot.admin.api_json import read_body
from bot.admin.routing import Access, Route, route
from bot.ums.client import parse_reports
from bot.ums.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from core.sms.dispatch import SmsDispatch

log = logging.getLogger(__name__)
# The largest push read (docs/ums.md): room for thousands of reports; a larger body is refused 413 unread, so
# a UMS splits its backlog into several pushes.
MAX_REPORT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ReportInbox:
    dispatch: SmsDispatch
    secret: bytes | None


INBOX = web.AppKey("ums_report_inbox", ReportInbox)


def _error(status: int, code: str) -> web.Response:
    return web.json_response({"error": code}, status=status)


@route("POST", "/ums/reports", "ums_reports", Access.PUBLIC)
async def receive_reports(request: web.Request) -> web.Response:
    inbox = request.app.get(INBOX)
    if inbox is None or not inbox.secret:
        return _error(503, "ums_reports_disabled")
    try:
        body = await read_body(request, MAX_REPORT_BYTES)
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "too_large")
    given = request.headers.get(SIGNATURE_HEADER)
    problem = verify(inbox.secret, request.headers.get(TIMESTAMP_HEADER), given, body)
    if problem is not None:
        log.warning("UMS report refused: %s", problem)
        return _error(401, "bad_signature")
    try:
        reports = parse_reports(json.loads(body))
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        return _error(400, f"malformed: {error}")
    assert given is not None
    applied = await inbox.dispatch.receive_reports(hashlib.sha256(given.encode()).hexdigest(), reports)
    if applied is None:
        return _error(409, "replayed")
    return web.json_response({"received": len(reports), "applied": applied})


ROUTES: list[Route] = [receive_reports]
