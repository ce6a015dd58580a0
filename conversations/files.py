"""Files staff send in the chat (documents, photos) and files the bot sends back."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Document, InputFile, Message, PhotoSize, Update

from conversations.context import DongneContext
from core.errors import InvalidInput
from core.files import MAX_FILE_BYTES, MAX_FILE_MB


@dataclass(frozen=True)
class IncomingFile:
    file_name: str | None
    content: bytes
    photo: bool
    telegram_file_id: str


async def receive_file(message: Message, context: DongneContext) -> IncomingFile:
    """Download what the message carries. The size is checked before downloading, so an oversized file
    costs nothing; the content itself is judged by core."""
    media: Document | PhotoSize
    if message.document is not None:
        media, name, photo = message.document, message.document.file_name, False
    elif message.photo:
        media, name, photo = message.photo[-1], None, True  # the largest size Telegram made
    else:
        raise InvalidInput("attachment_missing_file")
    if media.file_size is not None and media.file_size > MAX_FILE_BYTES:
        raise InvalidInput("attachment_too_large", limit_mb=MAX_FILE_MB)
    handle = await context.bot.get_file(media.file_id)
    content = bytes(await handle.download_as_bytearray())
    return IncomingFile(file_name=name, content=content, photo=photo, telegram_file_id=media.file_id)


async def send_file(update: Update, context: DongneContext, file_name: str, content: bytes, caption: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_document(chat.id, InputFile(content, filename=file_name), caption=caption, parse_mode="HTML")
