"""Bot API methods that send, edit and delete messages, upload files and answer callback queries."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from .content import CALLBACK_ANSWER_LIMIT, prepare_text, validate_reply_markup
from .errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError, bad_request
from .html_entities import ParsedText
from .params import Params, Upload
from .state import ChatState, StoredFile, StoredMessage, image_size
from .world import World

Handler = Callable[[World, Params], Awaitable[Any]]

_DOCUMENT_LIMIT = 50 * 1024 * 1024
_PHOTO_LIMIT = 10 * 1024 * 1024
_DOWNLOAD_LIMIT = 20 * 1024 * 1024
_ALBUM_LIMIT = 10
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def _reply_to(chat: ChatState, p: Params) -> int | None:
    parameters = p.obj("reply_parameters")
    target = parameters.get("message_id") if isinstance(parameters, dict) else p.integer("reply_to_message_id")
    if target is None:
        return None
    lenient = p.flag("allow_sending_without_reply") or (
        isinstance(parameters, dict) and parameters.get("allow_sending_without_reply") is True
    )
    if chat.live(int(target)) is None:
        if lenient:
            return None
        raise bad_request("message to be replied not found")
    return int(target)


async def send_message(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.chat_id())
    text = p.text("text")
    parsed = prepare_text(
        text, p.text("parse_mode"), p.obj("entities"), caption=False, strict_ampersand=world.strict_html
    )
    markup = validate_reply_markup(p.obj("reply_markup"))
    html = text if (p.text("parse_mode") or "").lower() == "html" else None
    message = world.store_message(
        chat,
        from_bot=True,
        kind="text",
        parsed=parsed,
        html=html,
        parse_mode=p.text("parse_mode"),
        reply_markup=markup,
        reply_to=_reply_to(chat, p),
    )
    return world.message_dict(chat, message)


def _point(p: Params) -> tuple[float, float]:
    """The latitude and longitude of a location or venue, refused where Telegram refuses them."""
    latitude, longitude = p.number("latitude"), p.number("longitude")
    if latitude is None or longitude is None:
        raise bad_request("there is no latitude or longitude in the request")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    return latitude, longitude


async def send_location(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.chat_id())
    message = world.store_message(
        chat,
        from_bot=True,
        kind="location",
        parsed=ParsedText("", []),
        reply_markup=validate_reply_markup(p.obj("reply_markup")),
        location=_point(p),
        reply_to=_reply_to(chat, p),
    )
    return world.message_dict(chat, message)


async def send_venue(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.chat_id())
    point = _point(p)
    title, address = (p.text("title") or "").strip(), (p.text("address") or "").strip()
    if not title:
        raise bad_request("VENUE_TITLE_EMPTY")
    if not address:
        raise bad_request("VENUE_ADDRESS_EMPTY")
    message = world.store_message(
        chat,
        from_bot=True,
        kind="venue",
        parsed=ParsedText("", []),
        reply_markup=validate_reply_markup(p.obj("reply_markup")),
        location=point,
        venue=(p.text("title") or "", p.text("address") or ""),
        reply_to=_reply_to(chat, p),
    )
    return world.message_dict(chat, message)


def _resolve_media(world: World, p: Params, field: str, kind: str) -> StoredFile:
    return _resolve_media_value(world, p, p.values.get(field), field, kind)


def _resolve_media_value(world: World, p: Params, value: Any, field: str, kind: str) -> StoredFile:
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.values.get(value.removeprefix("attach://"))
    if isinstance(value, Upload):
        if not value.content:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            if len(value.content) > _PHOTO_LIMIT:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            if image_size(value.content) == (0, 0):
                raise bad_request("IMAGE_PROCESS_FAILED")
        elif len(value.content) > _DOCUMENT_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        return world.add_file(kind, value.content, value.filename, value.content_type)
    if isinstance(value, str) and value:
        stored = world.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored
    raise bad_request(f"there is no {field} in the request")


def _send_media(kind: str) -> Handler:
    async def send(world: World, p: Params) -> Any:
        chat = world.chat_for_bot(p.chat_id())
        stored = _resolve_media(world, p, kind, kind)
        caption = p.text("caption")
        mode = p.text("parse_mode")
        parsed = prepare_text(
            caption, mode, p.obj("caption_entities"), caption=True, strict_ampersand=world.strict_html
        )
        message = world.store_message(
            chat,
            from_bot=True,
            kind=kind,
            parsed=parsed,
            html=caption if (mode or "").lower() == "html" else None,
            parse_mode=mode,
            reply_markup=validate_reply_markup(p.obj("reply_markup")),
            file=stored,
            reply_to=_reply_to(chat, p),
        )
        return world.message_dict(chat, message)

    return send


async def send_media_group(world: World, p: Params) -> Any:
    """An album: 2–10 photos (or 2–10 documents; the two do not mix), each with its own caption. Telegram
    checks every item before sending any, and an album carries no keyboard."""
    chat = world.chat_for_bot(p.chat_id())
    media = p.obj("media")
    if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
        raise bad_request("can't parse media JSON object")
    if not 2 <= len(media) <= _ALBUM_LIMIT:
        raise bad_request("wrong number of items in the media group")
    kinds = {item.get("type") for item in media}
    if not kinds <= {"photo", "document"}:
        raise bad_request("unsupported media type in the media group")
    if len(kinds) > 1:
        raise bad_request("documents can't be mixed with other media types")
    if p.has("reply_markup"):
        raise bad_request("a media group can't have a reply markup")
    prepared = []
    for index, item in enumerate(media):
        kind = str(item["type"])
        stored = _resolve_media_value(world, p, item.get("media"), f"media #{index}", kind)
        mode = item.get("parse_mode")
        caption = item.get("caption")
        parsed = prepare_text(
            caption if isinstance(caption, str) else None,
            mode if isinstance(mode, str) else None,
            item.get("caption_entities"),
            caption=True,
            strict_ampersand=world.strict_html,
        )
        html = caption if isinstance(caption, str) and isinstance(mode, str) and mode.lower() == "html" else None
        prepared.append((kind, stored, parsed, html, mode if isinstance(mode, str) else None))
    reply_to = _reply_to(chat, p)
    group = world.new_media_group_id()
    sent = [
        world.store_message(
            chat,
            from_bot=True,
            kind=kind,
            parsed=parsed,
            html=html,
            parse_mode=mode,
            file=stored,
            reply_to=reply_to,
            media_group_id=group,
        )
        for kind, stored, parsed, html, mode in prepared
    ]
    return [world.message_dict(chat, message) for message in sent]


def _editable(world: World, p: Params) -> tuple[ChatState, StoredMessage]:
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat = world.chat_for_bot(p.chat_id())
    message = chat.live(p.message_id())
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    world: World,
    chat: ChatState,
    message: StoredMessage,
    *,
    parsed: tuple[str, list[dict[str, Any]]] | None,
    html: str | None,
    parse_mode: str | None,
    markup: dict[str, Any] | None,
) -> Any:
    # Omitting reply_markup in an edit removes the inline keyboard, exactly as on Telegram.
    new_text, new_entities = parsed if parsed is not None else (message.text, message.entities)
    if new_text == message.text and new_entities == message.entities and markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities = new_text, new_entities
    if parsed is not None:
        message.html, message.parse_mode = html, parse_mode
    message.reply_markup = markup
    message.edit_date = int(time.time())
    message.edit_count += 1
    chat.activity.append(message.message_id)
    return world.message_dict(chat, message)


async def edit_message_text(world: World, p: Params) -> Any:
    chat, message = _editable(world, p)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    text, mode = p.text("text"), p.text("parse_mode")
    parsed = prepare_text(text, mode, p.obj("entities"), caption=False, strict_ampersand=world.strict_html)
    markup = validate_reply_markup(p.obj("reply_markup"), inline_only=True)
    html = text if (mode or "").lower() == "html" else None
    return _apply_edit(
        world, chat, message, parsed=(parsed.text, parsed.entities), html=html, parse_mode=mode, markup=markup
    )


async def edit_message_caption(world: World, p: Params) -> Any:
    chat, message = _editable(world, p)
    if message.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    caption, mode = p.text("caption"), p.text("parse_mode")
    parsed = prepare_text(caption, mode, p.obj("caption_entities"), caption=True, strict_ampersand=world.strict_html)
    markup = validate_reply_markup(p.obj("reply_markup"), inline_only=True)
    html = caption if (mode or "").lower() == "html" else None
    return _apply_edit(
        world, chat, message, parsed=(parsed.text, parsed.entities), html=html, parse_mode=mode, markup=markup
    )


async def edit_message_reply_markup(world: World, p: Params) -> Any:
    chat, message = _editable(world, p)
    markup = validate_reply_markup(p.obj("reply_markup"), inline_only=True)
    return _apply_edit(world, chat, message, parsed=None, html=None, parse_mode=None, markup=markup)


async def delete_message(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.chat_id())
    message = chat.live(p.message_id())
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    chat.activity.append(message.message_id)
    return True


async def send_chat_action(world: World, p: Params) -> Any:
    world.chat_for_bot(p.chat_id())
    if p.text("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def answer_callback_query(world: World, p: Params) -> Any:
    query = world.queries.get(p.text("callback_query_id") or "")
    too_late = query is not None and world.loop_time() - query.created_at > world.callback_answer_deadline
    if query is None or query.answered or too_late:
        raise bad_request(QUERY_TOO_OLD)
    text = p.text("text")
    if text is not None and len(text) > CALLBACK_ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    world.chats[query.user_id].callback_answers.append((text, p.flag("show_alert")))
    return True


async def get_file(world: World, p: Params) -> Any:
    stored = world.files.get(p.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > _DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {**stored.base_dict(), "file_path": stored.file_path}


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": _send_media("photo"),
    "sendDocument": _send_media("document"),
    "sendLocation": send_location,
    "sendVenue": send_venue,
    "sendMediaGroup": send_media_group,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
}
# Calls that show the user something; a waiting EmulatedUser counts these as the bot's reaction.
OUTPUT_METHODS = frozenset(METHODS) - {"getFile"}
