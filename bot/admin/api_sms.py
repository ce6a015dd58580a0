"""The JSON API for text messages (``/api/v1/sms``), for other district systems: the same preview, dispatch,
results and saved lists as the bot's /sms, through ``services.sms`` and ``services.sms_lists``, with an
admin's API token. The token's admin needs ``sms.send`` like anyone sending; an admin sees every batch.

A send must carry an ``Idempotency-Key`` header: a system that lost the answer sends the same request again
and gets the batch the first one made (200, ``replayed: true``) instead of texting everyone twice. The key
with a different request is refused (422 ``sms_request_key_reused``); no key at all is 428.

Shapes are read strictly (bot/admin/api_sms_json.py); refusals answer ``{"error": code, "message": text}``
with the error middleware's status: 422 for a rule broken (a batch that already went out cannot be
cancelled: 422 ``sms_already_sent``), 403 without ``sms.send``, 404 for a batch one may not see."""

from __future__ import annotations

from aiohttp import web

from bot.admin import api_sms_schema  # noqa: F401  (files the JSON shapes in the OpenAPI description)
from bot.admin.api_json import query_page
from bot.admin.api_sms_json import (
    batch_json,
    dispatch_request,
    list_request,
    message_json,
    page_json,
    preview_json,
    query_flag,
    query_size,
    query_state,
    read_json,
    saved_json,
    saved_result_json,
    summary_json,
)
from bot.admin.keys import ACTOR
from bot.admin.openapi import Operation, Parameter, api_route
from bot.admin.pages import request_language
from bot.admin.routing import Route, path_id
from bot.admin.security import SERVICES, json_error
from bot.admin.views_sms import results_workbook_response
from core.clock import Clock
from core.sms.lists import SavedLists
from core.sms.service import MAX_PAGE_SIZE, PAGE_SIZE, REQUEST_KEY, SmsService, check_request_key
from core.sms.values import MessageState
from core.texts.i18n import t_plain

SMS = "/api/v1/sms"
BATCHES = SMS + "/batches"
BATCH = BATCHES + r"/{batch_id:\d+}"
LISTS = SMS + "/lists"
TAG = "sms"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A saved list of the district's size (thousands of people) is larger than the endpoint's usual 64 KiB.
LIST_BODY_LIMIT = 2 * 1024 * 1024
BATCH_ANSWER = {200: ("The batch as it is now", "SmsBatch")}
PAGE = Parameter("page", {"type": "integer", "minimum": 1, "default": 1}, "1-based")
SCHEDULED = Parameter("scheduled", {"type": "string", "enum": ["true", "false"]}, "Only scheduled ones")
STATE = Parameter(
    "state", {"type": "string", "enum": [s.value for s in MessageState]}, "Only the messages in this state"
)
SIZE = Parameter(
    "size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE}, "Items per page"
)


def _sms(request: web.Request) -> SmsService:
    return request.app[SERVICES].sms


def _lists(request: web.Request) -> SavedLists:
    return request.app[SERVICES].sms_lists


def _clock(request: web.Request) -> Clock:
    return request.app[SERVICES].clock


@api_route(
    "POST",
    SMS + "/preview",
    "api_sms_preview",
    Operation(
        summary="Preview a batch without sending it",
        tag=TAG,
        description=(
            "Who the recipients are (counted; numbers that are not Korean mobiles listed and left out), the "
            "message type by EUC-KR bytes, characters phones will not show, the sender number, the text as the "
            "first recipient gets it and a warning for sends at night. Nothing is written."
        ),
        body="SmsRequest",
        answers={200: ("The preview", "SmsPreview")},
        errors=(404, 422),
    ),
)
async def api_sms_preview(request: web.Request) -> web.StreamResponse:
    selection, text, scheduled_at, subject = dispatch_request(await read_json(request))
    preview = await _sms(request).preview(request[ACTOR], selection, text, scheduled_at, subject=subject)
    return web.json_response(preview_json(_clock(request), preview))


@api_route(
    "POST",
    BATCHES,
    "api_sms_send",
    Operation(
        summary="Send or schedule a batch",
        tag=TAG,
        description=(
            "Writes the batch and one message per recipient; the dispatcher hands them to the UMS (at "
            "scheduled_at, if given). The Idempotency-Key header is required: the same request again with the "
            "same key answers 200 with the batch it made (replayed: true) and sends nothing more."
        ),
        query=(
            Parameter(
                IDEMPOTENCY_HEADER,
                {"type": "string", "pattern": f"^{REQUEST_KEY.pattern}$"},
                "A key of your own for this request (printable ASCII, at most 80), e.g. a UUID",
                where="header",
                required=True,
            ),
        ),
        body="SmsRequest",
        answers={
            201: ("A new batch; Location names it", "SmsBatch"),
            200: ("The batch an earlier request with this key made (replayed: true)", "SmsBatch"),
            428: ("No Idempotency-Key header", "Error"),
        },
        errors=(404, 422),
    ),
)
async def api_sms_send(request: web.Request) -> web.StreamResponse:
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if not key.strip():
        message = t_plain(request_language(request), "admin.error.sms_request_key_missing")
        return json_error(428, "sms_request_key_missing", message)
    check_request_key(key)
    selection, text, scheduled_at, subject = dispatch_request(await read_json(request))
    batch = await _sms(request).send(request[ACTOR], selection, text, scheduled_at, request_key=key, subject=subject)
    answer = batch_json(_clock(request), batch)
    if batch.replayed:
        return web.json_response(answer)
    return web.json_response(answer, status=201, headers={"Location": f"{BATCHES}/{batch.id}"})


@api_route(
    "GET",
    BATCHES,
    "api_sms_batches",
    Operation(
        summary="The batches sent, newest first",
        tag=TAG,
        description="An admin sees every batch. scheduled=true lists only batches scheduled for later.",
        query=(
            PAGE,
            SIZE,
            Parameter("scheduled", {"type": "string", "enum": ["true", "false"]}, "Only scheduled ones"),
        ),
        answers={200: ("A page of batches with their counts", "SmsBatchPage")},
        errors=(422,),
    ),
)
async def api_sms_batches(request: web.Request) -> web.StreamResponse:
    page_number, scheduled = query_page(request), query_flag(request, "scheduled")
    page = await _sms(request).list_batches(
        request[ACTOR], page_number, scheduled_only=scheduled, size=query_size(request)
    )
    clock = _clock(request)
    return web.json_response(page_json(page, [summary_json(clock, b) for b in page.items]))


@api_route(
    "GET",
    BATCH,
    "api_sms_batch",
    Operation(summary="One batch with its counts", tag=TAG, answers=BATCH_ANSWER, errors=(404,)),
)
async def api_sms_batch(request: web.Request) -> web.StreamResponse:
    batch = await _sms(request).batch(request[ACTOR], path_id(request, "batch_id"))
    return web.json_response(batch_json(_clock(request), batch))


@api_route(
    "GET",
    BATCH + "/messages",
    "api_sms_messages",
    Operation(
        summary="Each recipient's message: state, attempts, failure reason",
        tag=TAG,
        description="Phones are masked unless the token's admin holds pii.view.",
        query=(PAGE, SIZE, STATE),
        answers={200: ("A page of messages", "SmsMessagePage")},
        errors=(404, 422),
    ),
)
async def api_sms_messages(request: web.Request) -> web.StreamResponse:
    batch_id, page_number = path_id(request, "batch_id"), query_page(request)
    page = await _sms(request).recipients(
        request[ACTOR], batch_id, page_number, size=query_size(request), state=query_state(request)
    )
    clock = _clock(request)
    return web.json_response(page_json(page, [message_json(clock, m) for m in page.items]))


@api_route(
    "POST",
    BATCH + "/cancel",
    "api_sms_cancel",
    Operation(
        summary="Cancel a scheduled batch before any of it goes out",
        tag=TAG,
        description=(
            "Only a batch sent with scheduled_at, while every message still waits for its time. Otherwise 422: "
            "sms_not_scheduled (sent now: it reaches the UMS within seconds), sms_already_sent (the dispatcher "
            "has started on it) or sms_already_cancelled."
        ),
        answers=BATCH_ANSWER,
        errors=(404, 422),
    ),
)
async def api_sms_cancel(request: web.Request) -> web.StreamResponse:
    batch = await _sms(request).cancel(request[ACTOR], path_id(request, "batch_id"))
    return web.json_response(batch_json(_clock(request), batch))


@api_route(
    "GET",
    BATCH + "/results.xlsx",
    "api_sms_results",
    Operation(
        summary="The batch's per-recipient results as an Excel workbook (전송결과 상세)",
        tag=TAG,
        answers={200: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None)},
        errors=(404,),
    ),
)
async def api_sms_results(request: web.Request) -> web.StreamResponse:
    return await results_workbook_response(request, path_id(request, "batch_id"))


@api_route(
    "GET",
    SMS + "/positions",
    "api_sms_positions",
    Operation(
        summary="The representatives' positions (직위) recipients.position may name",
        tag=TAG,
        answers={200: ("The positions in the office's order", "SmsPositions")},
    ),
)
async def api_sms_positions(request: web.Request) -> web.StreamResponse:
    return web.json_response({"positions": list(await _sms(request).positions(request[ACTOR]))})


@api_route(
    "GET",
    LISTS,
    "api_sms_lists",
    Operation(
        summary="The token's admin's saved recipient lists",
        tag=TAG,
        description="A list is its owner's alone; send to one with recipients {kind: saved, list_id}.",
        answers={200: ("The saved lists", "SmsSavedLists")},
    ),
)
async def api_sms_lists(request: web.Request) -> web.StreamResponse:
    saved = await _lists(request).list_saved(request[ACTOR])
    clock = _clock(request)
    return web.json_response({"items": [saved_json(clock, s) for s in saved]})


@api_route(
    "POST",
    LISTS,
    "api_sms_list_save",
    Operation(
        summary="Save a recipient list",
        tag=TAG,
        description=(
            "From people given by name and number (entries), or from who a selection reaches now "
            "(recipients). Numbers that are not Korean mobiles are listed in the answer and left out; the same "
            "number twice is kept once. The body may be up to 2 MiB."
        ),
        body="SmsListCreate",
        answers={201: ("Saved; with the people left out", "SmsSavedListResult")},
        errors=(404, 413, 422),
    ),
)
async def api_sms_list_save(request: web.Request) -> web.StreamResponse:
    name, people = list_request(await read_json(request, LIST_BODY_LIMIT))
    lists = _lists(request)
    if isinstance(people, list):
        result = await lists.save_entries(request[ACTOR], name, people)
    else:
        result = await lists.save_selection(request[ACTOR], name, people)
    answer = saved_result_json(_clock(request), result)
    return web.json_response(answer, status=201, headers={"Location": f"{LISTS}/{result.saved.id}"})


@api_route(
    "DELETE",
    LISTS + r"/{list_id:\d+}",
    "api_sms_list_delete",
    Operation(
        summary="Delete a saved list",
        tag=TAG,
        description="Batches already sent to it keep their recipients.",
        answers={200: ("The list as it was", "SmsSavedList")},
        errors=(404,),
    ),
)
async def api_sms_list_delete(request: web.Request) -> web.StreamResponse:
    deleted = await _lists(request).delete(request[ACTOR], path_id(request, "list_id"))
    return web.json_response(saved_json(_clock(request), deleted))


ROUTES: list[Route] = [
    api_sms_preview,
    api_sms_send,
    api_sms_batches,
    api_sms_batch,
    api_sms_messages,
    api_sms_cancel,
    api_sms_results,
    api_sms_positions,
    api_sms_lists,
    api_sms_list_save,
    api_sms_list_delete,
]
