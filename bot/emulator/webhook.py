"""Telegram's side of a webhook: while one is registered, each update is POSTed to its URL, oldest first, with
the secret token in ``X-Telegram-Bot-Api-Secret-Token``. A delivery that fails (no connection, or an answer
other than 2xx) is kept and tried again, sooner after a new ``setWebhook``, as Telegram does; the last error
shows in ``getWebhookInfo``.

The emulator cannot speak TLS to the bot, and the URL a bot registers is public (https). ``routes`` stands in
for the office's TLS proxy: a registered URL starting with one of its public prefixes is delivered to the local
address it maps to (``https://dongne.test`` → ``http://127.0.0.1:8080``); any other URL cannot be reached.
One update is in flight at a time, so a chat's updates arrive in order."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import aiohttp

from .updates import QueuedUpdate, wait_until
from .world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DELIVERY_TIMEOUT = 10.0
FIRST_RETRY = 0.05
LAST_RETRY = 1.0
IDLE_WAIT = 3600.0


class WebhookDelivery:
    def __init__(self, world: World) -> None:
        self.world = world
        self.routes: dict[str, str] = {}
        # Every attempt: (update_id, HTTP status or 0 for no connection), oldest first.
        self.attempts: list[tuple[int, int]] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="emulator-webhook-delivery")

    async def stop(self) -> None:
        task, self._task = self._task, None
        # The flag, not only the cancel: Python 3.11's wait_for drops a cancel that meets a pulse at once.
        self._stopping = True
        self.world.pulse.fire()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def local_url(self, url: str) -> str | None:
        for public, local in self.routes.items():
            if url == public or url.startswith(public.rstrip("/") + "/"):
                return local.rstrip("/") + url[len(public.rstrip("/")) :]
        return None

    async def _run(self) -> None:
        world = self.world
        loop = asyncio.get_running_loop()
        retry = FIRST_RETRY
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)) as http:
            while not self._stopping:
                await wait_until(
                    world.pulse,
                    lambda: (
                        self._stopping
                        or (bool(world.webhook.get("url")) and world.updates.next_for_webhook() is not None)
                    ),
                    loop.time() + IDLE_WAIT,
                )
                registration = world.webhook
                update = world.updates.next_for_webhook()
                if self._stopping or not registration or update is None:
                    continue
                error = await self._post(http, registration, update)
                if error is None:
                    world.updates.delivered_by_webhook(update.update_id)
                    retry = FIRST_RETRY
                    continue
                registration["last_error_date"] = int(time.time())
                registration["last_error_message"] = error
                # Tried again after a pause, or at once when the bot registers (again).
                await self._pause(registration, loop.time() + retry)
                retry = min(retry * 2, LAST_RETRY)

    async def _pause(self, failed: dict[str, object], until: float) -> None:
        """Until ``until``, or until the bot registers (again): Telegram then tries at once."""
        await wait_until(self.world.pulse, lambda: self._stopping or self.world.webhook is not failed, until)

    async def _post(
        self, http: aiohttp.ClientSession, registration: dict[str, object], update: QueuedUpdate
    ) -> str | None:
        """None once delivered, else Telegram's wording of what went wrong."""
        target = self.local_url(str(registration["url"]))
        if target is None:
            self.attempts.append((update.update_id, 0))
            return "Connection refused"
        headers = {"Content-Type": "application/json"}
        if registration.get("secret_token"):
            headers[SECRET_HEADER] = str(registration["secret_token"])
        body = json.dumps(update.to_dict(), ensure_ascii=False).encode()
        try:
            async with http.post(target, data=body, headers=headers) as response:
                self.attempts.append((update.update_id, response.status))
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as error:
            self.attempts.append((update.update_id, 0))
            return "Connection refused" if isinstance(error, aiohttp.ClientConnectionError) else "Read timeout expired"
