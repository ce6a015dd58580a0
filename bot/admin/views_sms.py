"""Text message pages: 전송결과 조회 (the batches, newest first, scheduled ones alone on request) and
전송결과 상세조회 (one batch: its text, sender number, type and counts, then each recipient's state), with the
results as an Excel workbook and, for a reservation none of which has gone out yet, a form to cancel it.

Counts never call a message "delivered" before the carrier said so: one the UMS accepted is shown as
accepted and waiting for its result. With no UMS configured every page says plainly that nothing was sent.
The views call ``services.sms``; its rules decide who sees which batch and whose phones are masked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.admin.keys import ACTOR
from bot.admin.pages import render, request_language
from bot.admin.routing import NavLink, Route, path_id, route
from bot.admin.security import SERVICES, error_message, status_of
from core.clock import Clock
from core.errors import InvalidInput
from core.permissions import Permission
from core.sms.labels import count_parts, export_labels, failure_text
from core.sms.service import SmsService
from core.sms.values import COMMUNITY_KINDS, BatchView, MessageState, StateCounts
from core.texts.i18n import has_text, t_plain

NAV = [NavLink("sms.nav", "/sms", Permission.SMS_SEND)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTICES = frozenset({"cancelled"})

# A screen holds more than a chat message: a council or a dong's managers fit on one or two pages.
BATCHES_PER_PAGE = 20
RECIPIENTS_PER_PAGE = 50


def _sms(request: web.Request) -> SmsService:
    return request.app[SERVICES].sms


def _clock(request: web.Request) -> Clock:
    return request.app[SERVICES].clock


def page_number(raw: str | None) -> int:
    """The 1-based ``page`` of the address as a 0-based number; anything odd is the first page."""
    return int(raw) - 1 if raw and raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0 else 0


class Labels:
    """The words the SMS pages share with the bot (states, types, counts, failure reasons), in one language."""

    def __init__(self, lang: str, clock: Clock) -> None:
        self.lang = lang
        self.clock = clock

    def at(self, moment: datetime | None) -> str:
        return self.clock.local(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else ""

    def state(self, state: MessageState) -> str:
        return t_plain(self.lang, f"sms.state.{state.value}")

    def type(self, message_type: object) -> str:
        return t_plain(self.lang, f"sms.type.{message_type}")

    def kind(self, kind: object) -> str:
        for key in (f"sms.kind.{kind}", f"admin.sms.kind_{kind}"):
            if kind and has_text(self.lang, key):
                return t_plain(self.lang, key)
        return str(kind)

    def place(self, description: Mapping[str, object]) -> str:
        """The header of the recipients' place: a community organisation's name stands where a complex's would."""
        key = "admin.sms.organization" if description.get("kind") in COMMUNITY_KINDS else "admin.sms.complex"
        return t_plain(self.lang, key)

    def reason(self, reason: str | None) -> str:
        return failure_text(self.lang, reason)

    def counts(self, counts: StateCounts) -> list[str]:
        return count_parts(self.lang, counts, t_plain)


def _labels(request: web.Request) -> Labels:
    return Labels(request_language(request), _clock(request))


@route("GET", "/sms", "sms_list")
async def sms_list(request: web.Request) -> web.StreamResponse:
    scheduled = request.query.get("scheduled") == "1"
    page = await _sms(request).list_batches(
        request[ACTOR], page_number(request.query.get("page")), scheduled_only=scheduled, size=BATCHES_PER_PAGE
    )

    def href(number: int) -> str:
        return "/sms?" + urlencode({**({"scheduled": "1"} if scheduled else {}), "page": number + 1})

    return render(
        request,
        "sms_list.html",
        page=page,
        scheduled=scheduled,
        labels=_labels(request),
        # What the listed batches were sent with, not this process's settings.
        ums_configured=all(b.ums_configured for b in page.items),
        previous_href=href(page.number - 1) if page.has_previous else None,
        next_href=href(page.number + 1) if page.has_next else None,
    )


def refusal(batch: BatchView) -> str | None:
    """Why the batch can no longer be cancelled (a catalog key under admin.), or None while it can."""
    if batch.cancellable:
        return None
    if batch.cancelled_at is not None:
        return "sms.not_cancellable_cancelled"
    if batch.scheduled_at is None:  # sent now: handed to the UMS within seconds, so never cancellable
        return "sms.not_cancellable_now"
    return "sms.not_cancellable_sent"


async def _detail(
    request: web.Request, batch_id: int, *, status: int = 200, message: str | None = None
) -> web.Response:
    service = _sms(request)
    batch = await service.batch(request[ACTOR], batch_id)
    number = page_number(request.query.get("page"))
    failed_only = request.query.get("failed") == "1"
    state = MessageState.FAILED if failed_only else None
    recipients = await service.recipients(request[ACTOR], batch_id, number, size=RECIPIENTS_PER_PAGE, state=state)
    notice = request.query.get("notice", "")

    def href(page: int) -> str:
        return f"/sms/{batch_id}?" + urlencode({**({"failed": "1"} if failed_only else {}), "page": page + 1})

    return render(
        request,
        "sms_detail.html",
        status=status,
        batch=batch,
        recipients=recipients,
        first=recipients.number * recipients.size + 1,
        failed_only=failed_only,
        labels=_labels(request),
        refusal=refusal(batch),
        message=message,
        notice=f"sms.notice.{notice}" if notice in NOTICES and message is None else None,
        previous_href=href(recipients.number - 1) if recipients.has_previous else None,
        next_href=href(recipients.number + 1) if recipients.has_next else None,
    )


@route("GET", r"/sms/{batch_id:\d+}", "sms_detail")
async def sms_detail(request: web.Request) -> web.StreamResponse:
    return await _detail(request, path_id(request, "batch_id"))


@route("POST", r"/sms/{batch_id:\d+}/cancel", "sms_cancel")
async def sms_cancel(request: web.Request) -> web.StreamResponse:
    batch_id = path_id(request, "batch_id")
    try:
        await _sms(request).cancel(request[ACTOR], batch_id)
    except InvalidInput as error:  # already sent or already cancelled: the page says so, fresh
        message = error_message(request_language(request), error)
        return await _detail(request, batch_id, status=status_of(error), message=message)
    raise web.HTTPFound(f"/sms/{batch_id}?notice=cancelled")


def content_disposition(readable: str, fallback: str) -> str:
    """An attachment with a Korean file name (RFC 6266 ``filename*``) and an ASCII one for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(readable, safe='')}"


async def results_workbook_response(request: web.Request, batch_id: int) -> web.Response:
    """전송결과 상세 as an Excel workbook; the pages and the API both answer with this."""
    workbook = await _sms(request).export_results(request[ACTOR], batch_id, export_labels(request_language(request)))
    day = _clock(request).local().strftime("%Y%m%d")
    readable = t_plain(request_language(request), "sms.results.file_name", id=batch_id, date=day)
    return web.Response(
        body=workbook,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition(readable, f"sms-results-{batch_id}-{day}.xlsx")},
    )


@route("GET", r"/sms/{batch_id:\d+}/results.xlsx", "sms_results_export")
async def sms_results_export(request: web.Request) -> web.StreamResponse:
    return await results_workbook_response(request, path_id(request, "batch_id"))


ROUTES: list[Route] = [sms_list, sms_detail, sms_cancel, sms_results_export]
