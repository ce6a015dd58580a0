"""Concurrent updates, one at a time per conversation.

ConversationHandler assumes it sees one update at a time per conversation. Updates from different
staff run concurrently (up to an overall cap, python-telegram-bot's semaphore), while updates of the
same chat and user wait their turn in arrival order, so one person's slow step never stalls anyone else.

Whoever runs the bot may ask to hear when each update has been handled (every reply the handler
awaited has been sent by then): the local Bot API emulator uses it so that a test's action returns
exactly when the bot is done, rather than after a guessed quiet period."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.logs import elapsed_ms, update_context
from bot.metrics import ProcessMetrics
from bot.update_kinds import update_kind
from conversations.replies import acknowledgements

log = logging.getLogger("dongne.updates")


def update_key(update: object) -> tuple[int | None, int | None] | None:
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    user = update.effective_user
    return (chat.id if chat else None, user.id if user else None)


UpdateHandled = Callable[[int], None]


class PerConversationUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int,
        *,
        on_handled: UpdateHandled | None = None,
        timing: ProcessMetrics | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._on_handled = on_handled
        self._timing = timing
        self._locks: dict[tuple[int | None, int | None], asyncio.Lock] = {}
        self._waiting: dict[tuple[int | None, int | None], int] = {}
        self._in_hand: dict[asyncio.Task[Any], object] = {}  # the updates being handled, for a stop

    def cancel_in_hand(self) -> list[str]:
        """Cancel the updates still being handled (a stop whose grace ran out); their kinds, for the log."""
        kinds = sorted(update_kind(update) for update in self._in_hand.values())
        for task in list(self._in_hand):
            task.cancel()
        return kinds

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        task = asyncio.current_task()
        if task is not None:
            self._in_hand[task] = update
        with update_context(update_id):  # every line logged meanwhile carries the update and its staff member
            started = time.perf_counter()
            try:
                async with acknowledgements():  # a press is acknowledged beside the work, and done by the end
                    await self._serialised(update, coroutine)
            finally:
                if task is not None:
                    self._in_hand.pop(task, None)
                timing, logged = self._timing, log.isEnabledFor(logging.INFO)
                if timing is not None or logged:
                    kind = update_kind(update)
                    if timing is not None:
                        timing.handled(kind, time.perf_counter() - started)
                    if logged:
                        log.info("handled %s", kind, extra={"duration_ms": elapsed_ms(started)})
                if self._on_handled is not None and update_id is not None:
                    self._on_handled(update_id)

    async def _serialised(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:  # forget idle conversations so the map stays small
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
