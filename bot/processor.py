"""Concurrent updates, one at a time per conversation.

ConversationHandler assumes it sees one update at a time per conversation. Updates from different
staff run concurrently (up to an overall cap, python-telegram-bot's semaphore), while updates of the
same chat and user wait their turn in arrival order, so one person's slow step never stalls anyone else."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def update_key(update: object) -> tuple[int | None, int | None] | None:
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    user = update.effective_user
    return (chat.id if chat else None, user.id if user else None)


class PerConversationUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple[int | None, int | None], asyncio.Lock] = {}
        self._waiting: dict[tuple[int | None, int | None], int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
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
