"""The emulated Telegram's state and the rules shared by the Bot API methods and the user side."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable
from typing import Any

from .errors import bad_request, forbidden
from .html_entities import ParsedText, utf16_len
from .state import CallbackQueryState, ChatState, StoredFile, StoredMessage, UserInfo, make_file
from .updates import Pulse, UpdateQueue, wait_until

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])")


class World:
    def __init__(
        self,
        *,
        bot_id: int,
        bot_username: str,
        bot_name: str,
        strict_html: bool = True,
        callback_answer_deadline: float = 15.0,
    ) -> None:
        self.bot = UserInfo(id=bot_id, first_name=bot_name, username=bot_username, is_bot=True)
        self.strict_html = strict_html
        self.callback_answer_deadline = callback_answer_deadline
        # A chat action, or a silent callback answer (a handler acknowledging a press before it works),
        # announces a reply: wait at least this long after one before calling the chat quiet.
        self.chat_action_grace = 1.0
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.queries: dict[str, CallbackQueryState] = {}
        self.pulse = Pulse()
        # Real update ids start at an arbitrary large number; tests must not rely on a fixed one.
        self.updates = UpdateQueue(random.randint(100_000_000, 900_000_000), self.pulse)
        # The registered webhook (url, secret_token, max_connections, the last delivery error); empty: none.
        self.webhook: dict[str, Any] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.profile_texts: dict[tuple[str, str], str] = {}
        self._file_serial = 0
        self._media_group_serial = 0
        # Set once a bot in this process reports each update it has finished handling; until then the
        # user side can only guess that from a quiet chat.
        self.reports_handling = False
        self.handled: set[int] = set()

    def set_webhook(self, url: str, secret_token: str, max_connections: int) -> None:
        """Register (or, with no url, remove) the webhook; a pending delivery is tried again at once."""
        self.webhook = {"url": url, "secret_token": secret_token, "max_connections": max_connections} if url else {}
        self.pulse.fire()

    # -- shared helpers -------------------------------------------------------------------------

    @staticmethod
    def loop_time() -> float:
        return asyncio.get_running_loop().time()

    def new_media_group_id(self) -> str:
        self._media_group_serial += 1
        return str(13_000_000_000_000_000 + self._media_group_serial)

    def add_file(self, kind: str, content: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        self._file_serial += 1
        stored = make_file(self._file_serial, kind, content, file_name, mime_type)
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    def chat_for_bot(self, chat_id: int) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    def chat_of_call(self, params: dict[str, Any]) -> ChatState | None:
        """The chat a bot call concerns, so waiting users notice calls even when they fail."""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            return self.chats.get(chat_id)
        query = self.queries.get(str(params.get("callback_query_id")))
        return self.chats.get(query.user_id) if query is not None else None

    def touch(self, chat: ChatState, method: str, error: str | None = None, *, announces_more: bool = False) -> None:
        chat.calls += 1
        chat.last_call_at = self.loop_time()
        chat.last_call_was_action = announces_more
        if error is not None:
            chat.errors.append((method, error))
        self.pulse.fire()

    def message_dict(self, chat: ChatState, message: StoredMessage, *, nested: bool = True) -> dict[str, Any]:
        sender = self.bot.to_dict() if message.from_bot else chat.user.to_dict()
        reply_to = None
        if nested and message.reply_to is not None:
            original = chat.live(message.reply_to)
            if original is not None:
                reply_to = self.message_dict(chat, original, nested=False)
        return message.to_dict(sender, chat.user.chat_dict(), reply_to)

    def store_message(
        self,
        chat: ChatState,
        *,
        from_bot: bool,
        kind: str,
        parsed: ParsedText,
        html: str | None = None,
        parse_mode: str | None = None,
        reply_markup: dict[str, Any] | None = None,
        file: StoredFile | None = None,
        reply_to: int | None = None,
        location: tuple[float, float] | None = None,
        venue: tuple[str, str] | None = None,
        media_group_id: str | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            chat_id=chat.user.id,
            message_id=chat.new_message_id(),
            date=int(time.time()),
            from_bot=from_bot,
            kind=kind,
            text=parsed.text,
            entities=parsed.entities,
            html=html,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            file=file,
            location=location,
            venue=venue,
            reply_to=reply_to,
            media_group_id=media_group_id,
        )
        chat.messages[message.message_id] = message
        if from_bot:
            chat.activity.append(message.message_id)
        return message

    def connect_handling(self) -> Callable[[int], None]:
        """The callback a bot in this process calls with each update_id it has finished handling.

        Once connected, a user's action returns when the bot says so: every call the handler made is
        recorded by then, however slow the machine, instead of when the chat has been quiet a while."""
        self.reports_handling = True
        return self.update_handled

    def update_handled(self, update_id: int) -> None:
        self.handled.add(update_id)
        self.pulse.fire()

    # -- the user side --------------------------------------------------------------------------

    def user_chat(self, user: UserInfo) -> ChatState:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = ChatState(user=user)
        return chat

    def user_text_entities(self, text: str) -> list[dict[str, Any]]:
        # python-telegram-bot's CommandHandler only reacts to a bot_command entity at offset 0.
        match = _COMMAND.match(text)
        if match is None:
            return []
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]

    def user_message(
        self,
        chat: ChatState,
        *,
        kind: str = "text",
        text: str = "",
        file: StoredFile | None = None,
        reply_to: int | None = None,
        location: tuple[float, float] | None = None,
        media_group_id: str | None = None,
    ) -> tuple[StoredMessage, int]:
        chat.started = True
        chat.blocked = False
        entities = self.user_text_entities(text) if kind == "text" else []
        message = self.store_message(
            chat,
            from_bot=False,
            kind=kind,
            parsed=ParsedText(text, entities),
            file=file,
            reply_to=reply_to,
            location=location,
            media_group_id=media_group_id,
        )
        return message, self.updates.put("message", self.message_dict(chat, message))

    def user_edit(self, chat: ChatState, message_id: int, text: str) -> int:
        message = chat.live(message_id)
        if message is None or message.from_bot or message.kind != "text":
            raise LookupError(f"message {message_id} is not a text message this user sent in chat {chat.user.id}")
        message.text = text
        message.entities = self.user_text_entities(text)
        message.edit_date = int(time.time())
        message.edit_count += 1
        return self.updates.put("edited_message", self.message_dict(chat, message))

    def callback_query(self, chat: ChatState, message: StoredMessage, data: str) -> int:
        query_id = str(random.getrandbits(62))
        self.queries[query_id] = CallbackQueryState(chat.user.id, message.message_id, self.loop_time())
        payload = {
            "id": query_id,
            "from": chat.user.to_dict(),
            "message": self.message_dict(chat, message),
            "chat_instance": str(-(chat.user.id * 7919 + self.bot.id) % 10**18),
            "data": data,
        }
        return self.updates.put("callback_query", payload)

    async def await_response(
        self,
        chat: ChatState,
        update_id: int,
        *,
        calls_mark: int,
        activity_mark: int,
        timeout: float,  # noqa: ASYNC109 - a deadline spanning two waits, not one operation
        settle: float,
        expect_reply: bool,
    ) -> list[StoredMessage]:
        """Wait for the bot to fetch the update and finish handling it (or, for a bot that does not
        report that, to react in this chat and then go quiet for `settle` s); the bot's messages it touched."""
        start = self.loop_time()
        deadline = start + timeout
        queue = self.updates
        if not await wait_until(
            self.pulse, lambda: update_id in queue.delivered or update_id in queue.dropped, deadline
        ):
            raise TimeoutError(
                f"the bot did not fetch update {update_id} within {timeout}s "
                f"(getUpdates calls so far: {self.updates.polls}; is it polling this emulator?)"
            )
        if update_id in queue.dropped:
            raise TimeoutError(
                f"the bot will never see update {update_id}: its allowed_updates exclude "
                f"{queue.dropped[update_id]!r} (it asked for {sorted(queue.allowed_updates)})"
            )
        if self.reports_handling:
            await self._await_handled(chat, update_id, calls_mark=calls_mark, deadline=deadline, ceiling=timeout)
            if expect_reply and chat.calls == calls_mark:
                raise TimeoutError(
                    f"the bot handled update {update_id} without a call for chat {chat.user.id} "
                    "(did its handler fail or not match?)"
                )
        else:
            await self._await_quiet(
                chat,
                update_id,
                calls_mark=calls_mark,
                deadline=deadline,
                ceiling=timeout,
                settle=settle,
                expect_reply=expect_reply,
            )
        touched: dict[int, None] = dict.fromkeys(chat.activity[activity_mark:])
        return [m for m in (chat.live(mid) for mid in touched) if m is not None and m.from_bot]

    async def _await_handled(
        self, chat: ChatState, update_id: int, *, calls_mark: int, deadline: float, ceiling: float
    ) -> None:
        if not await wait_until(self.pulse, lambda: update_id in self.handled, deadline):
            raise TimeoutError(
                f"the bot fetched update {update_id} but did not finish handling it within {ceiling}s "
                f"({chat.calls - calls_mark} calls for chat {chat.user.id} so far)"
            )
        self.handled.discard(update_id)

    async def _await_quiet(
        self,
        chat: ChatState,
        update_id: int,
        *,
        calls_mark: int,
        deadline: float,
        ceiling: float,
        settle: float,
        expect_reply: bool,
    ) -> None:
        if expect_reply and not await wait_until(self.pulse, lambda: chat.calls > calls_mark, deadline):
            raise TimeoutError(
                f"the bot fetched update {update_id} but made no call for chat {chat.user.id} "
                f"within {ceiling}s (did its handler fail or not match?)"
            )
        # Bounded so that a bot that never stops talking still returns instead of hanging.
        hard_stop = max(deadline, self.loop_time()) + max(settle, self.chat_action_grace)
        while True:
            quiet = max(settle, self.chat_action_grace) if chat.last_call_was_action else settle
            quiet_at = max(chat.last_call_at, self.updates.delivered[update_id]) + quiet
            now = self.loop_time()
            if now >= quiet_at or now >= hard_stop:
                break
            await self.pulse.wait(min(quiet_at, hard_stop) - now)
