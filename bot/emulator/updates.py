"""The update queue behind getUpdates and the webhook: offsets, limits, long polling and poll conflicts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import POLL_CONFLICT, ApiError

# Update types Telegram sends when allowed_updates is empty or never set.
DEFAULT_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "my_chat_member", "channel_post"}
)


class Pulse:
    """Wakes every waiter whenever something changes; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


async def wait_until(pulse: Pulse, predicate: Callable[[], bool], deadline: float) -> bool:
    loop = asyncio.get_running_loop()
    while not predicate():
        remaining = deadline - loop.time()
        if remaining <= 0:
            return False
        await pulse.wait(remaining)
    return True


@dataclass
class QueuedUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    def __init__(self, first_update_id: int, pulse: Pulse) -> None:
        self._pending: list[QueuedUpdate] = []
        self._next_id = first_update_id
        self._pulse = pulse
        self._generation = 0
        self._closed = False
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        # update_id -> loop time it was handed to the bot in a getUpdates response
        self.delivered: dict[int, float] = {}
        self.dropped: dict[int, str] = {}  # update_id -> type, for updates allowed_updates excluded
        self.polls = 0

    def put(self, kind: str, payload: dict[str, Any]) -> int:
        update = QueuedUpdate(self._next_id, kind, payload)
        self._next_id += 1
        self._pending.append(update)
        self._pulse.fire()
        return update.update_id

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def drop_all(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        self._closed = True
        self._pulse.fire()

    def reopen(self) -> None:
        self._closed = False

    def set_allowed(self, allowed: Any) -> None:
        if isinstance(allowed, list):
            # Telegram remembers the last non-empty list; an empty list restores the default.
            self.allowed_updates = frozenset(str(a) for a in allowed) or DEFAULT_UPDATE_TYPES

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _available(self, limit: int) -> list[QueuedUpdate]:
        # Updates of types the bot did not ask for are dropped, as Telegram never creates them.
        for update in self._pending:
            if update.kind not in self.allowed_updates:
                self.dropped[update.update_id] = update.kind
        self._pending = [u for u in self._pending if u.kind in self.allowed_updates]
        return self._pending[:limit]

    def next_for_webhook(self) -> QueuedUpdate | None:
        """The oldest update a webhook should deliver now (the bot's allowed_updates apply as to polling)."""
        batch = self._available(1)
        return batch[0] if batch else None

    def delivered_by_webhook(self, update_id: int) -> None:
        """The webhook answered 2xx: the update is the bot's now, as a confirmed getUpdates offset makes it."""
        self._pending = [u for u in self._pending if u.update_id != update_id]
        self.delivered.setdefault(update_id, asyncio.get_running_loop().time())
        self._pulse.fire()

    async def get(self, offset: int, limit: int, wait_seconds: float) -> list[dict[str, Any]]:
        self.polls += 1
        self._generation += 1
        generation = self._generation
        self._pulse.fire()  # an older long poll still waiting is terminated with 409 below
        self._confirm(offset)
        limit = min(max(limit, 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(wait_seconds, 0.0)
        while True:
            batch = self._available(limit)
            if batch or self._closed or loop.time() >= deadline:
                break
            await self._pulse.wait(deadline - loop.time())
            if generation != self._generation:
                raise ApiError(409, POLL_CONFLICT)
        now = loop.time()
        for update in batch:
            self.delivered.setdefault(update.update_id, now)
        if batch:
            self._pulse.fire()
        return [u.to_dict() for u in batch]
