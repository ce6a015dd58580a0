"""The background SMS dispatcher that ``dongne run`` starts beside the bot and the notifier: submits due
messages at the configured rate, does housekeeping (unreported → unknown, retries past their window
stopped, overdue alerts) and, when the UMS does not push reports, polls them. All state is in the database,
so the task can be cancelled at any instant (see core/sms/dispatch.py for why that is safe). A stop still lets
the round in hand end, within a grace period: a UMS call in flight is answered and its result recorded, rather
than left for the claim's lease to run out and the message to be submitted again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from bot.ums.client import MAX_SUBMIT_MESSAGES
from core.notifications.service import OutboxSignal
from core.sms.dispatch import SmsDispatch
from core.sms.gateway import GatewayUnavailable

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 2.0
# Housekeeping and, when reports are not pushed, polling them (docs/ums.md): each poll drains what is waiting.
HOUSEKEEPING_SECONDS = 30.0


class Dispatcher:
    def __init__(
        self,
        dispatch: SmsDispatch,
        *,
        messages_per_second: float,
        poll_reports: bool = False,
        idle_seconds: float = IDLE_POLL_SECONDS,
        housekeeping_seconds: float = HOUSEKEEPING_SECONDS,
        wake: OutboxSignal | None = None,
    ) -> None:
        self._dispatch = dispatch
        self._rate = messages_per_second
        self._poll_reports = poll_reports
        self._idle = idle_seconds
        self._housekeeping = housekeeping_seconds
        self._task: asyncio.Task[None] | None = None
        # A batch to send now wakes the dispatcher, so it goes out at once instead of after the idle pause.
        self._signal = wake
        self._woken = asyncio.Event()
        self._stopping = asyncio.Event()
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            loop = asyncio.get_running_loop()

            def wake() -> None:
                loop.call_soon_threadsafe(self._woken.set)

            if self._signal is not None:
                self._unsubscribe = self._signal.subscribe(wake)
            self._task = asyncio.create_task(self._run(), name="sms-dispatcher")

    def wind_down(self) -> None:
        """Claim nothing more; the round in hand goes on to its end. ``stop`` then waits for it."""
        self._stopping.set()
        self._woken.set()

    async def stop(self, grace: float = 0.0) -> None:
        """Stop after the round in hand, waiting for it at most ``grace`` seconds (then it is cancelled)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        task, self._task = self._task, None
        if task is None:
            return
        self.wind_down()
        try:
            if grace > 0 and not task.done():
                await asyncio.wait({task}, timeout=grace)
                if not task.done():
                    log.warning("SMS dispatch round still running after %.1f s: cancelled", grace)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        last_housekeeping = 0.0
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_housekeeping >= self._housekeeping:
                    last_housekeeping = time.monotonic()
                    await self._dispatch.housekeeping()
                    if self._poll_reports:
                        with contextlib.suppress(GatewayUnavailable):
                            await self._dispatch.poll_reports()
                claimed = await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the dispatcher; the rows wait for the next round
                log.exception("SMS dispatch round failed")
                claimed = 0
            if claimed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), self._idle)
                self._woken.clear()

    async def tick(self) -> int:
        """One round at the configured rate: claim at most a second's worth, submit, and wait out the rest of
        the second. Returns how many messages were claimed."""
        started = time.monotonic()
        # One claim is one submit call, so the claim's lease covers one call's timeout.
        limit = min(max(1, int(self._rate)), MAX_SUBMIT_MESSAGES) if self._rate > 0 else MAX_SUBMIT_MESSAGES
        claimed = await self._dispatch.dispatch_once(limit)
        if claimed and self._rate > 0 and not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):  # the pause ends early when the dispatcher stops
                await asyncio.wait_for(
                    self._stopping.wait(), max(0.0, claimed / self._rate - (time.monotonic() - started))
                )
        return claimed
