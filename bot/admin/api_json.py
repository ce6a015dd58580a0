"""Reading a JSON API request, the same for every API: the body (an object, or nothing) and the query's
numbers; a refusal names the field and what was expected."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from core.errors import InvalidInput
from core.safe_text import check_json


def parse_json(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object. Text the edges refuse (core/safe_text.py)
    is refused here, wherever in the document it is."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput("api_json_invalid") from None
    if not isinstance(body, dict):
        raise InvalidInput("api_json_invalid")
    check_json(body)
    return body


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole body, however slowly it arrives, or 413 once it grows past ``limit`` (a declared length is
    refused before reading). ``request.content.read(n)`` would stop at what has arrived so far."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    return bytes(body)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    return parse_json(await request.read())


def invalid(field: str, expected: str) -> InvalidInput:
    return InvalidInput("api_field_invalid", field, field=field, expected=expected)


def query_integer(request: web.Request, name: str, default: int, lowest: int, highest: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or not lowest <= int(raw) <= highest:
        raise invalid(name, f"integer {lowest}-{highest}")
    return int(raw)


def query_page(request: web.Request) -> int:
    """The 1-based ``page`` of the address, as the services' 0-based number."""
    return query_integer(request, "page", 1, 1, 999_999) - 1
