"""What the emulated Telegram remembers: users, private chats, messages, files and callback queries.

Objects serialise themselves into the JSON shapes of the Bot API, since both the bot (through
HTTP) and python-telegram-bot's parsers must accept them exactly as they accept Telegram's.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def chat_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "document" | "photo"
    content: bytes
    file_name: str | None
    mime_type: str | None
    serial: int
    width: int = 0
    height: int = 0

    @property
    def file_path(self) -> str:
        suffix = ""
        if self.file_name and "." in self.file_name:
            suffix = "." + self.file_name.rsplit(".", 1)[1]
        elif self.kind == "photo":
            suffix = ".jpg"
        return f"{self.kind}s/file_{self.serial}{suffix}"

    def base_dict(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": len(self.content)}

    def message_dict(self) -> Any:
        if self.kind == "photo":
            return [{**self.base_dict(), "width": self.width, "height": self.height}]
        data = self.base_dict()
        if self.file_name is not None:
            data["file_name"] = self.file_name
        if self.mime_type is not None:
            data["mime_type"] = self.mime_type
        return data


def make_file(serial: int, kind: str, content: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
    digest = hashlib.sha256(content + kind.encode()).hexdigest()
    width, height = image_size(content) if kind == "photo" else (0, 0)
    # Real file_ids are opaque and differ per upload; file_unique_id is stable per content.
    return StoredFile(
        file_id=f"BQACAgIAAx{kind[:3].upper()}{serial:06d}{digest[:24]}",
        file_unique_id=f"AgAD{digest[:12]}",
        kind=kind,
        content=content,
        file_name=file_name,
        mime_type=mime_type,
        serial=serial,
        width=width,
        height=height,
    )


def image_size(content: bytes) -> tuple[int, int]:
    """Width and height from a PNG, GIF or JPEG header; (0, 0) if the bytes are not an image."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return 512, 512  # real dimensions are not needed by any caller, only "is an image"
    return 0, 0


def _jpeg_size(content: bytes) -> tuple[int, int]:
    i = 2
    while i + 9 < len(content):
        if content[i] != 0xFF:
            return 0, 0
        marker = content[i + 1]
        length = int.from_bytes(content[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return 0, 0


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    kind: str  # "text" | "photo" | "document" | "location" | "venue"
    text: str  # the text, or the caption of a photo/document
    entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    # A location or venue's point (latitude, longitude), and a venue's title and address.
    location: tuple[float, float] | None = None
    venue: tuple[str, str] | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False
    # Messages sent together as an album (sendMediaGroup, or several photos picked at once) share one.
    media_group_id: str | None = None

    def to_dict(self, sender: dict[str, Any], chat: dict[str, Any], reply_to: Any = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": sender,
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        if self.media_group_id is not None:
            data["media_group_id"] = self.media_group_id
        if self.kind == "text":
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        elif self.kind in ("location", "venue"):
            assert self.location is not None
            point = {"latitude": self.location[0], "longitude": self.location[1]}
            data["location"] = point  # Telegram gives a venue's point as its location too
            if self.venue is not None:
                data["venue"] = {"location": point, "title": self.venue[0], "address": self.venue[1]}
        else:
            assert self.file is not None
            data[self.kind] = self.file.message_dict()
            if self.text:
                data["caption"] = self.text
                if self.entities:
                    data["caption_entities"] = self.entities
        if self.reply_markup is not None and self.reply_markup.get("inline_keyboard"):
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class ChatState:
    """A private chat between the bot and one user (the chat id is the user id)."""

    user: UserInfo
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    started: bool = False
    blocked: bool = False
    # (message_id) of every send or edit, in order; interactions slice it to find their replies.
    activity: list[int] = field(default_factory=list)
    calls: int = 0  # bot calls that touched this chat
    last_call_at: float = 0.0
    last_call_was_action: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)  # (method, description) of failed calls
    callback_answers: list[tuple[str | None, bool]] = field(default_factory=list)

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def live(self, message_id: int) -> StoredMessage | None:
        message = self.messages.get(message_id)
        return None if message is None or message.deleted else message


@dataclass
class CallbackQueryState:
    user_id: int
    message_id: int
    created_at: float
    answered: bool = False
