"""Reading a JSON API request's body, the same for every API: an object, or nothing."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from core.errors import InvalidInput


def parse_json(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput("api_json_invalid") from None
    if not isinstance(body, dict):
        raise InvalidInput("api_json_invalid")
    return body


async def json_body(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    return parse_json(await request.read())
