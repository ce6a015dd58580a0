"""The user side: a Telegram user who types, taps buttons, edits and uploads, as tests see it."""

# Every action takes timeout= so that a test can say how long a slow bot may take (ASYNC109).
# ruff: noqa: ASYNC109

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .state import ChatState, StoredMessage
from .updates import wait_until
from .world import World

# A ceiling, not an expected duration: a wait ends as soon as the bot is done (or the awaited message
# arrives), so it only bounds a bot that hangs. Generous, because a loaded machine may take many
# seconds over a first matplotlib import or a cold database.
WAIT_CEILING = 30.0
_START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LINK_HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"})


@dataclass
class InlineButton:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class BotMessage:
    """A bot message as the user sees it (a snapshot; `user.messages` always gives fresh ones)."""

    chat_id: int
    message_id: int
    text: str
    html: str | None = None
    parse_mode: str | None = None
    buttons: list[list[InlineButton]] = field(default_factory=list)
    kind: str = "text"
    file_name: str | None = None
    file_bytes: bytes | None = None
    mime_type: str | None = None
    edit_count: int = 0
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_keyboard: list[list[str]] = field(default_factory=list)
    # A location or venue's point (latitude, longitude), and a venue's title and address.
    location: tuple[float, float] | None = None
    venue_title: str | None = None
    venue_address: str | None = None

    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def has_button(self, text: str) -> bool:
        return text in self.button_texts()

    def button(self, text: str) -> InlineButton | None:
        return next((b for row in self.buttons for b in row if b.text == text), None)


def snapshot(message: StoredMessage) -> BotMessage:
    markup = message.reply_markup or {}
    buttons = [
        [InlineButton(b["text"], b.get("callback_data"), b.get("url")) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]
    keyboard = [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in markup.get("keyboard", [])]
    stored_file = message.file
    return BotMessage(
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=message.text,
        html=message.html,
        parse_mode=message.parse_mode,
        buttons=buttons,
        kind=message.kind,
        file_name=stored_file.file_name if stored_file else None,
        file_bytes=stored_file.content if stored_file else None,
        mime_type=stored_file.mime_type if stored_file else None,
        edit_count=message.edit_count,
        entities=[dict(e) for e in message.entities],
        reply_keyboard=keyboard,
        location=message.location,
        venue_title=message.venue[0] if message.venue else None,
        venue_address=message.venue[1] if message.venue else None,
    )


def parse_start_link(url: str, bot_username: str) -> str:
    """The start payload of a bot deep link, or ValueError where Telegram would not start the bot."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme == "tg":
        if parts.netloc != "resolve":
            raise ValueError(f"not a bot link: {url!r}")
        name = (query.get("domain") or [""])[0]
    elif parts.scheme in ("http", "https") and parts.netloc.lower() in _LINK_HOSTS:
        name = parts.path.strip("/")
    else:
        raise ValueError(f"not a Telegram link: {url!r}")
    if name.lower() != bot_username.lower():
        raise ValueError(f"link is for @{name}, not @{bot_username}")
    if "start" not in query:
        raise ValueError(f"link has no start parameter: {url!r}")
    payload = query["start"][0]
    if not _START_PAYLOAD.fullmatch(payload):
        raise ValueError(f"start payload {payload!r} breaks Telegram's rule: 1-64 characters of A-Z a-z 0-9 _ -")
    return payload


class EmulatedUser:
    """One user in a private chat with the bot (chat id == user id); get it from `emu.user(...)`."""

    def __init__(self, world: World, chat: ChatState, bot_username: str) -> None:
        self._world = world
        self._chat = chat
        self._bot_username = bot_username
        self._seen_upto = 0  # message id up to which wait_for_message considers messages seen

    @property
    def id(self) -> int:
        return self._chat.user.id

    @property
    def first_name(self) -> str:
        return self._chat.user.first_name

    @property
    def messages(self) -> list[BotMessage]:
        return [snapshot(m) for m in self._chat.messages.values() if m.from_bot and not m.deleted]

    @property
    def last_message(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    def command_menu(self) -> list[tuple[str, str]]:
        """The commands this user's client lists under "/", chosen as Telegram does for a private chat: the
        most specific scope with any commands (this chat, then all private chats, then the default), and in
        it the list for the client's language before the one for every language."""
        language = (self._chat.user.language_code or "").split("-")[0]
        for scope in (f"chat:{self.id}", "all_private_chats", "default"):
            for code in (language, ""):
                stored = self._world.commands.get((scope, code))
                if stored:
                    return [(c["command"], c["description"]) for c in stored]
        return []

    @property
    def sent_message_ids(self) -> list[int]:
        return [m.message_id for m in self._chat.messages.values() if not m.from_bot]

    @property
    def callback_answers(self) -> list[tuple[str | None, bool]]:
        return self._chat.callback_answers

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(method, description) of every bot call about this chat that Telegram would refuse."""
        return self._chat.errors

    def block(self) -> None:
        """Block the bot: its sends to this user fail with 403 until the user writes again."""
        self._chat.blocked = True

    async def _interact(
        self, update_id: Callable[[], int], timeout: float, settle: float, expect_reply: bool
    ) -> list[BotMessage]:
        calls_mark, activity_mark = self._chat.calls, len(self._chat.activity)
        queued = update_id()
        stored = await self._world.await_response(
            self._chat,
            queued,
            calls_mark=calls_mark,
            activity_mark=activity_mark,
            timeout=timeout,
            settle=settle,
            expect_reply=expect_reply,
        )
        if stored:
            self._seen_upto = max(self._seen_upto, *(m.message_id for m in stored))
        return [snapshot(m) for m in stored]

    async def send(
        self,
        text: str,
        *,
        reply_to: int | None = None,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        return await self._interact(
            lambda: self._world.user_message(self._chat, text=text, reply_to=reply_to)[1],
            timeout,
            settle,
            expect_reply,
        )

    def send_nowait(self, text: str) -> int:
        """Queue a text message without waiting for the bot; returns its update_id.

        For driving the emulator with a hand-written client, or for overlapping user actions.
        """
        if not text:
            raise ValueError("Telegram clients cannot send an empty message")
        return self._world.user_message(self._chat, text=text)[1]

    def _find_button(self, text: str, message: BotMessage | None) -> tuple[StoredMessage, InlineButton]:
        if message is not None:
            if message.chat_id != self.id:
                raise ValueError(f"message {message.message_id} belongs to chat {message.chat_id}, not {self.id}")
            stored = self._chat.live(message.message_id)
            if stored is None:
                raise LookupError(f"message {message.message_id} was deleted; its buttons are gone")
            # The current keyboard first; else the one on the (stale) snapshot, as a client that
            # has not yet received an edit still shows it.
            button = snapshot(stored).button(text) or message.button(text)
            candidates = [(stored, button)] if button else []
        else:
            live = [m for m in reversed(self._chat.messages.values()) if m.from_bot and not m.deleted]
            candidates = [(m, b) for m in live if (b := snapshot(m).button(text)) is not None][:1]
        if not candidates:
            latest = self.last_message
            shown = latest.button_texts() if latest else []
            raise LookupError(f"no button {text!r} in chat {self.id}; the latest message has {shown}")
        stored, found = candidates[0]
        assert found is not None
        if found.callback_data is None:
            raise ValueError(f"button {text!r} opens {found.url!r}; it sends nothing to the bot")
        return stored, found

    async def press(
        self,
        text: str,
        *,
        message: BotMessage | None = None,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        stored, button = self._find_button(text, message)
        data = button.callback_data or ""
        return await self._interact(
            lambda: self._world.callback_query(self._chat, stored, data), timeout, settle, expect_reply
        )

    async def press_data(
        self,
        message: BotMessage,
        data: str,
        *,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Send any callback_data as if from a button on `message` (forged or replayed data)."""
        stored = self._chat.live(message.message_id)
        if stored is None or not stored.from_bot or message.chat_id != self.id:
            raise LookupError(f"no bot message {message.message_id} in chat {self.id}")
        return await self._interact(
            lambda: self._world.callback_query(self._chat, stored, data), timeout, settle, expect_reply
        )

    async def edit(
        self,
        message_id: int,
        text: str,
        *,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        return await self._interact(
            lambda: self._world.user_edit(self._chat, message_id, text), timeout, settle, expect_reply
        )

    async def send_document(
        self,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        *,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        stored = self._world.add_file("document", content, filename, mime_type)
        return await self._interact(
            lambda: self._world.user_message(self._chat, kind="document", text=caption or "", file=stored)[1],
            timeout,
            settle,
            expect_reply,
        )

    async def send_photo(
        self,
        content: bytes,
        caption: str | None = None,
        *,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        stored = self._world.add_file("photo", content, None, None)
        return await self._interact(
            lambda: self._world.user_message(self._chat, kind="photo", text=caption or "", file=stored)[1],
            timeout,
            settle,
            expect_reply,
        )

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Share a location (📎 → 위치), as a phone sends its position or a point picked on the map."""
        return await self._interact(
            lambda: self._world.user_message(self._chat, kind="location", location=(latitude, longitude))[1],
            timeout,
            settle,
            expect_reply,
        )

    async def send_album(
        self,
        items: Sequence[bytes | tuple[str, bytes]],
        captions: Sequence[str | None] = (),
        *,
        timeout: float = WAIT_CEILING,
        settle: float = 0.15,
        expect_reply: bool = True,
    ) -> list[BotMessage]:
        """Several photos (bytes) or files (``(name, bytes)``) picked at once: as on Telegram, each arrives as
        its own message, all sharing one media_group_id, with the caption typed for it (if any). Returns once
        the bot has handled them all, with every bot message sent or edited meanwhile."""
        if not 2 <= len(items) <= 10:
            raise ValueError("Telegram clients send 2 to 10 items as one album")
        if len({isinstance(item, tuple) for item in items}) > 1:
            raise ValueError("Telegram clients do not mix photos and files in one album")
        group = self._world.new_media_group_id()
        calls_mark, activity_mark = self._chat.calls, len(self._chat.activity)
        queued = []
        for index, item in enumerate(items):
            if isinstance(item, tuple):
                stored = self._world.add_file("document", item[1], item[0], None)
            else:
                stored = self._world.add_file("photo", item, None, None)
            caption = captions[index] if index < len(captions) else None
            queued.append(
                self._world.user_message(
                    self._chat, kind=stored.kind, text=caption or "", file=stored, media_group_id=group
                )[1]
            )
        for update_id in queued:
            await self._world.await_response(
                self._chat,
                update_id,
                calls_mark=calls_mark,
                activity_mark=activity_mark,
                timeout=timeout,
                settle=settle,
                expect_reply=False,
            )
        if expect_reply and self._chat.calls == calls_mark:
            raise TimeoutError(f"the bot made no call for chat {self.id} after an album of {len(items)}")
        touched: dict[int, None] = dict.fromkeys(self._chat.activity[activity_mark:])
        stored_messages = [m for m in (self._chat.live(mid) for mid in touched) if m is not None and m.from_bot]
        if stored_messages:
            self._seen_upto = max(self._seen_upto, *(m.message_id for m in stored_messages))
        return [snapshot(m) for m in stored_messages]

    async def open_start_link(
        self, url: str, *, timeout: float = WAIT_CEILING, settle: float = 0.15, expect_reply: bool = True
    ) -> list[BotMessage]:
        payload = parse_start_link(url, self._bot_username)
        return await self.send(f"/start {payload}", timeout=timeout, settle=settle, expect_reply=expect_reply)

    async def wait_for_answers(self, count: int, timeout: float = WAIT_CEILING) -> None:
        """Until ``count`` of this user's button presses have been answered (the bot has decided them),
        for presses sent with ``expect_reply=False``."""
        deadline = self._world.loop_time() + timeout
        if not await wait_until(self._world.pulse, lambda: len(self.callback_answers) >= count, deadline):
            raise TimeoutError(f"only {len(self.callback_answers)} of {count} presses answered in chat {self.id}")

    async def wait_for_message(
        self, predicate: Callable[[BotMessage], bool] | None = None, timeout: float = WAIT_CEILING
    ) -> BotMessage:
        """The oldest bot message not yet seen by this user's calls (and matching `predicate`).

        Messages returned by send/press/... count as seen, so this finds notifications that
        arrived because of other users' actions, even ones that arrived before the call.
        """
        found: list[BotMessage] = []

        def arrived() -> bool:
            for message in self.messages:
                if message.message_id > self._seen_upto and (predicate is None or predicate(message)):
                    found.append(message)
                    return True
            return False

        deadline = self._world.loop_time() + timeout
        if not await wait_until(self._world.pulse, arrived, deadline):
            raise TimeoutError(f"no new matching bot message in chat {self.id} within {timeout}s")
        self._seen_upto = found[0].message_id
        return found[0]
