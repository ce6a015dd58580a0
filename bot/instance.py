"""Which role this ``dongne run`` has: the active instance that serves the bot, or a standby that waits for
the lock (storage/instance_lock.py) and takes over when the active one dies.

Exclusive to the active instance: polling Telegram and the dialogues (their state is loaded when it takes
over, so it is current), the notifier and the SMS dispatcher. Both serve the admin endpoint and the UMS
report inbox, which keep no state outside the database."""

from __future__ import annotations

import asyncio
import contextlib
from enum import StrEnum

from storage.instance_lock import InstanceLock

# A standby tries the lock this often, so it takes over within about a second of the active one's death.
TAKEOVER_POLL = 1.0
# The active instance checks this often that the lock is still its own (PostgreSQL: that its connection lives).
CHECK_EVERY = 5.0


class Role(StrEnum):
    ACTIVE = "active"
    STANDBY = "standby"


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


class Instance:
    def __init__(self, lock: InstanceLock, *, poll: float = TAKEOVER_POLL, check: float = CHECK_EVERY) -> None:
        self._lock = lock
        self._poll = poll
        self._check = check
        self.role = Role.STANDBY
        self.lost = False

    async def activate(self) -> bool:
        """Take the lock now if it is free."""
        if await self._lock.acquire():
            self.role = Role.ACTIVE
        return self.role is Role.ACTIVE

    async def wait_until_active(self, stop: asyncio.Event) -> bool:
        """As a standby until the lock is free: True once active, False when told to stop first."""
        while not await self.activate():
            if await _stopped_within(stop, self._poll):
                return False
        return True

    async def watch(self, stop: asyncio.Event) -> None:
        """While active: end the run (set ``stop``) if the lock is no longer this process's, since another
        process may be serving the bot by now."""
        while not await _stopped_within(stop, self._check):
            if not await self._lock.held():
                self.lost = True
                stop.set()
