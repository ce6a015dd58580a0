"""The UMS adapter: the ``SmsGateway`` port over HTTP (aiohttp client), as specified in docs/ums.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiohttp
from yarl import URL

from bot.ums.signing import signed_headers
from core.errors import InvalidInput
from core.safe_text import check_json
from core.sms.gateway import GatewayUnavailable, OutgoingSms, ReportPage, SubmitResult
from core.sms.values import DeliveryReport

# Statuses that say "try again later" rather than "this request is wrong".
TRANSIENT_STATUSES = frozenset({408, 425, 429})
# The most messages one submit call carries (docs/ums.md): with LMS texts at their longest, a call stays under
# MAX_SUBMIT_BYTES, a size any HTTP server takes.
MAX_SUBMIT_MESSAGES = 100
MAX_SUBMIT_BYTES = 1024 * 1024
# Reports asked for per poll (``limit``); a page this full means the UMS may hold more, asked for at once.
REPORT_PAGE_SIZE = 500
# A cursor is stored as the UMS gives it; a longer one is malformed.
MAX_CURSOR_LENGTH = 500
# Reports name messages by ids of at most this many characters (docs/ums.md).
MAX_ID_LENGTH = 64


def wire_number(number: str) -> str:
    """A phone number as the UMS receives it (``to`` and ``from``): its digits only, national form
    (02-2286-5114 -> 0222865114). Staff see and configure numbers with hyphens."""
    return "".join(ch for ch in number if ch.isdigit())


def parse_reports(payload: Any) -> list[DeliveryReport]:
    """Delivery reports from a pushed or polled JSON document; raises ValueError when malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("reports"), list):
        raise ValueError('expected {"reports": [...]}')
    try:  # the one text rule of every edge: NUL or a lone surrogate would fail in PostgreSQL, not here
        check_json(payload)
    except InvalidInput as refused:
        raise ValueError(str(refused)) from None
    reports = []
    for item in payload["reports"]:
        if not isinstance(item, dict) or not isinstance(item.get("report_id"), str):
            raise ValueError("each report needs a report_id")
        status = item.get("status")
        if status not in ("delivered", "failed"):
            raise ValueError("status must be delivered or failed")
        reports.append(
            DeliveryReport(
                report_id=item["report_id"][:64],
                ums_message_id=_text(item.get("message_id"), MAX_ID_LENGTH),
                idempotency_key=_text(item.get("idempotency_key"), MAX_ID_LENGTH),
                delivered=status == "delivered",
                reason=_text(item.get("reason")),
            )
        )
    return reports


def _text(value: object, limit: int = 300) -> str | None:
    return str(value)[:limit] if value is not None else None


class UmsGateway:
    configured = True

    def __init__(self, url: str, *, secret: bytes | None, timeout: float, page_size: int = REPORT_PAGE_SIZE) -> None:
        self._url = url.rstrip("/")
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._page_size = page_size

    @property
    def source(self) -> str:
        return self._url

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _headers(self, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self._secret:
            headers.update(signed_headers(self._secret, body))
        return headers

    async def submit(self, messages: Sequence[OutgoingSms]) -> list[SubmitResult]:
        """Submit in as many calls as the limits need; a failed call fails the whole submission (the
        messages an earlier call placed are resubmitted under their keys, which the UMS applies once)."""
        results: list[SubmitResult] = []
        start = 0
        for body, count in submit_bodies(messages):
            results += await self._submit_call(body, messages[start : start + count])
            start += count
        return results

    async def _submit_call(self, body: bytes, messages: Sequence[OutgoingSms]) -> list[SubmitResult]:
        call = f"POST {URL(self._url).path.rstrip('/')}/messages"
        try:
            async with self._client().post(f"{self._url}/messages", data=body, headers=self._headers(body)) as response:
                if response.status >= 500 or response.status in TRANSIENT_STATUSES:
                    raise GatewayUnavailable(f"{call} answered {response.status}")
                if response.status >= 400:
                    error = f"UMS refused the request ({response.status})"
                    return [SubmitResult(m.idempotency_key, None, error, permanent=True) for m in messages]
                payload = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise GatewayUnavailable(f"{call} failed: {type(error).__name__} {error}".rstrip()) from error
        return _submit_results(payload)

    async def fetch_reports(self, after: str | None) -> ReportPage:
        params = {"limit": str(self._page_size), **({"after": after} if after else {})}
        call = f"GET {URL(self._url).path.rstrip('/')}/reports"
        try:
            async with self._client().get(f"{self._url}/reports", params=params) as response:
                if response.status != 200:
                    raise GatewayUnavailable(f"{call} answered {response.status}")
                payload = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise GatewayUnavailable(f"{call} failed: {type(error).__name__} {error}".rstrip()) from error
        try:
            reports = parse_reports(payload)
        except ValueError as error:
            raise GatewayUnavailable(f"{call} sent malformed reports: {error}") from error
        cursor = payload.get("cursor")
        if cursor is not None and (not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH):
            raise GatewayUnavailable(f"{call} sent a cursor that is not a string of at most {MAX_CURSOR_LENGTH}")
        return ReportPage(reports, cursor or None, full=len(reports) >= self._page_size)


def submit_bodies(messages: Sequence[OutgoingSms]) -> list[tuple[bytes, int]]:
    """The JSON bodies of the submit calls for ``messages`` (each with how many it carries), exactly as
    docs/ums.md shows them: at most MAX_SUBMIT_MESSAGES and MAX_SUBMIT_BYTES each, in order."""
    head, tail, separator = b'{"messages": [', b"]}", b", "
    bodies: list[tuple[bytes, int]] = []
    items: list[bytes] = []
    size = len(head) + len(tail)
    for m in messages:
        message = {
            "idempotency_key": m.idempotency_key,
            "to": wire_number(m.phone),
            "from": wire_number(m.sender_number),
            "type": m.message_type,
            "text": m.body,
        }
        if m.message_type == "lms" and m.subject:  # an SMS has no subject on any phone
            message["subject"] = m.subject
        item = json.dumps(message, ensure_ascii=False).encode("utf-8")
        if items and (len(items) == MAX_SUBMIT_MESSAGES or size + len(separator) + len(item) > MAX_SUBMIT_BYTES):
            bodies.append((head + separator.join(items) + tail, len(items)))
            items, size = [], len(head) + len(tail)
        size += len(item) + (len(separator) if items else 0)
        items.append(item)
    if items or not bodies:  # no messages is one empty call (the round trip alone)
        bodies.append((head + separator.join(items) + tail, len(items)))
    return bodies


def _submit_results(payload: Any) -> list[SubmitResult]:
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise GatewayUnavailable("UMS answered without results")
    results = []
    for item in payload["results"]:
        if not isinstance(item, dict) or not isinstance(item.get("idempotency_key"), str):
            continue  # the message without an answer is retried under its key
        key = item["idempotency_key"]
        if item.get("status") == "accepted":
            results.append(SubmitResult(key, _text(item.get("message_id"), MAX_ID_LENGTH)))
        else:
            permanent = bool(item.get("permanent", False))
            results.append(SubmitResult(key, None, _text(item.get("error")) or "rejected", permanent=permanent))
    return results
