"""Reading Bot API parameters from any of the request forms Telegram accepts.

python-telegram-bot 22 (httpx) always POSTs: ``application/x-www-form-urlencoded`` when no file is
sent (an empty body for parameterless calls like getMe) and ``multipart/form-data`` when one is.
In both, every value is a string and nested objects (reply_markup, entities, commands, scope,
allowed_updates) are JSON-encoded strings. Other clients send JSON bodies or GET query strings.
Values are normalised here once, so method handlers and ``call_log`` see ints, bools and objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from aiohttp import BodyPartReader, web

from .errors import bad_request

_JSON_FIELDS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "commands", "scope", "allowed_updates",
        "reply_parameters", "link_preview_options", "menu_button", "rights", "media",
    }
)  # fmt: skip
_INT_FIELDS = frozenset(
    {
        "chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "user_id",
        "reply_to_message_id", "message_thread_id", "max_connections", "from_chat_id",
    }
)  # fmt: skip
_BOOL_FIELDS = frozenset(
    {
        "show_alert", "disable_notification", "protect_content", "drop_pending_updates",
        "disable_web_page_preview", "allow_sending_without_reply", "disable_content_type_detection",
        "has_spoiler", "show_caption_above_media", "for_channels",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str | None


def _normalise(name: str, value: Any) -> Any:
    if isinstance(value, Upload) or not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as err:
            raise bad_request(f"can't parse {name} JSON object") from err
    if name in _INT_FIELDS and value.lstrip("-").isdigit():
        return int(value)
    if name in _BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


async def read_params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    if request.can_read_body:
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as err:
                raise bad_request("can't parse JSON request body") from err
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            raw.update(body)
        elif content_type == "multipart/form-data":
            raw.update(await _read_multipart(request))
        elif content_type == "application/x-www-form-urlencoded":
            raw.update(parse_qsl(await request.text(), keep_blank_values=True))
        else:
            await request.read()
    return {name: _normalise(name, value) for name, value in raw.items()}


async def _read_multipart(request: web.Request) -> dict[str, Any]:
    # Reading parts directly (instead of request.post()) keeps uploads in memory and avoids the
    # temporary files aiohttp would otherwise leave for us to close.
    fields: dict[str, Any] = {}
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            return fields
        if not isinstance(part, BodyPartReader) or part.name is None:
            raise bad_request("unsupported multipart part")
        data = await part.read(decode=True)
        if part.filename is not None:
            content_type = part.headers.get("Content-Type")
            # aiohttp's client percent-encodes non-ASCII file names; httpx sends raw UTF-8.
            fields[part.name] = Upload(unquote(part.filename), bytes(data), content_type)
        else:
            fields[part.name] = data.decode(part.get_charset(default="utf-8"))


class Params:
    """Typed access to normalised parameters, raising Telegram's errors for bad values."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        raise bad_request(f"field {name!r} must be a string")

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"invalid {name} specified")
        return value

    def number(self, name: str) -> float | None:
        """A float field (a latitude, say), given as a JSON number or a form's text; None when absent."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            number = float(value)
        except (TypeError, ValueError) as err:
            raise bad_request(f"invalid {name} specified") from err
        if number != number:  # NaN
            raise bad_request(f"invalid {name} specified")
        return number

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, "true", "True", 1)

    def obj(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str) and name in _JSON_FIELDS:
            return _normalise(name, value)
        return value

    def chat_id(self) -> int:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            # Usernames (@name) address channels and groups, which the emulator does not model.
            raise bad_request("chat not found")
        return value

    def message_id(self) -> int:
        value = self.values.get("message_id")
        if value is None or value == "":
            raise bad_request("message identifier is not specified")
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request("invalid message_id specified")
        return value
