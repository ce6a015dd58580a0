"""Validating what the bot sends (text, captions, keyboards) against Telegram's limits."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .html_entities import HtmlParseError, ParsedText, parse_html, trim_formatted, utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
BUTTON_LIMIT = 100
CALLBACK_ANSWER_LIMIT = 200
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def prepare_text(
    text: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    caption: bool,
    strict_ampersand: bool = True,
) -> ParsedText:
    """Turn the bot's text/caption and parse_mode into what Telegram stores, or raise its error."""
    if text is None:
        text = ""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(text, strict_ampersand=strict_ampersand)
        except HtmlParseError as err:
            raise bad_request(f"can't parse entities: {err}") from err
    elif mode == "":
        parsed = ParsedText(text, _explicit_entities(entities))
    elif mode in ("markdown", "markdownv2"):
        raise bad_request(f"parse_mode {parse_mode} is not supported by the emulator; use HTML")
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    parsed = trim_formatted(parsed.text, parsed.entities)
    length = utf16_len(parsed.text)
    if caption:
        if length > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
    elif length == 0:
        raise bad_request("message text is empty")
    elif length > TEXT_LIMIT:
        raise bad_request("message is too long")
    return parsed


def _explicit_entities(entities: Any) -> list[dict[str, Any]]:
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(
        isinstance(e, dict) and isinstance(e.get("offset"), int) and isinstance(e.get("length"), int) for e in entities
    ):
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in rows:
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _validate_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard markup JSON object: field "inline_keyboard" must be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > BUTTON_LIMIT:
        raise bad_request("BUTTONS_TOO_MUCH")
    for row in rows:
        for button in row:
            _validate_inline_button(button)


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    label = button.get("text")
    if not isinstance(label, str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not label.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(f"can't parse inline keyboard button: exactly one of {', '.join(actions)} must be specified")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")) or " " in url:
            raise bad_request("BUTTON_URL_INVALID")
