"""Waiting for something a background task does, without fixed sleeps: poll a condition until a deadline."""

import asyncio
from collections.abc import Awaitable, Callable

WITHIN = 15.0
POLL = 0.02


async def eventually(condition: Callable[[], bool | Awaitable[bool]], what: str, within: float = WITHIN) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        outcome = condition()
        if outcome if isinstance(outcome, bool) else await outcome:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(POLL)
