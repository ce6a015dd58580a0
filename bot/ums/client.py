"""The UMS adapter: the ``SmsGateway`` port over HTTP (aiohttp client), as specified in docs/ums.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.ums.signing import signed_headers
from core.sms.gateway import DeliveryReport, GatewayUnavailable, OutgoingSms, SubmitResult

# Statuses that say "try again later" rather than "this request is wrong".
TRANSIENT_STATUSES = frozenset({408, 425, 429})


def parse_reports(payload: Any) -> list[DeliveryReport]:
    """Delivery reports from a pushed or polled JSON document; raises ValueError when malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("reports"), list):
        raise ValueError('expected {"reports": [...]}')
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
                ums_message_id=_text(item.get("message_id")),
                idempotency_key=_text(item.get("idempotency_key")),
                delivered=status == "delivered",
                reason=_text(item.get("reason")),
            )
        )
    return reports


def _text(value: object) -> str | None:
    return str(value)[:300] if value is not None else None


class UmsGateway:
    configured = True

    def __init__(self, url: str, *, secret: bytes | None, timeout: float) -> None:
        self._url = url.rstrip("/")
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._cursor: str | None = None

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
        body = json.dumps(
            {
                "messages": [
                    {
                        "idempotency_key": m.idempotency_key,
                        "to": m.phone,
                        "from": m.sender_number,
                        "type": m.message_type,
                        "text": m.body,
                    }
                    for m in messages
                ]
            },
            ensure_ascii=False,
        ).encode("utf-8")
        try:
            async with self._client().post(f"{self._url}/messages", data=body, headers=self._headers(body)) as response:
                if response.status >= 500 or response.status in TRANSIENT_STATUSES:
                    raise GatewayUnavailable(f"UMS answered {response.status}")
                if response.status >= 400:
                    error = f"UMS refused the request ({response.status})"
                    return [SubmitResult(m.idempotency_key, None, error, permanent=True) for m in messages]
                payload = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise GatewayUnavailable(f"UMS unreachable: {type(error).__name__} {error}") from error
        return _submit_results(payload)

    async def fetch_reports(self) -> list[DeliveryReport]:
        params = {"after": self._cursor} if self._cursor else {}
        try:
            async with self._client().get(f"{self._url}/reports", params=params) as response:
                if response.status != 200:
                    raise GatewayUnavailable(f"UMS answered {response.status}")
                payload = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise GatewayUnavailable(f"UMS unreachable: {type(error).__name__}") from error
        try:
            reports = parse_reports(payload)
        except ValueError as error:
            raise GatewayUnavailable(f"UMS sent malformed reports: {error}") from error
        cursor = payload.get("cursor")
        if isinstance(cursor, str):
            self._cursor = cursor
        return reports


def _submit_results(payload: Any) -> list[SubmitResult]:
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise GatewayUnavailable("UMS answered without results")
    results = []
    for item in payload["results"]:
        if not isinstance(item, dict) or not isinstance(item.get("idempotency_key"), str):
            continue  # the message without an answer is retried under its key
        key = item["idempotency_key"]
        if item.get("status") == "accepted" and item.get("message_id") is not None:
            results.append(SubmitResult(key, str(item["message_id"])[:64]))
        else:
            permanent = bool(item.get("permanent", False))
            results.append(SubmitResult(key, None, _text(item.get("error")) or "rejected", permanent=permanent))
    return results
