"""The bot's @username for the link-code page's t.me link and QR code, when ``DONGNE_BOT_USERNAME`` is not set:
asked of Telegram (``getMe``, at ``DONGNE_TELEGRAM_API_URL``, so tests ask the local emulator) the first time a
link code needs it, and kept. The endpoint may run alone (``dongne admin serve``) or as a standby whose bot has
not started, so the running bot's own knowledge is not always there to borrow."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

log = logging.getLogger("dongne.admin")

# getMe answers in milliseconds; a page waits no longer than this for it, then shows the code without a link.
ASK_TIMEOUT_SECONDS = 5.0
# After a failed answer (Telegram unreachable, a revoked token) the page does not ask again on every code:
# one try a minute is enough to notice that Telegram is back.
RETRY_AFTER_SECONDS = 60.0


class BotUsernameLookup:
    """Asks ``getMe`` once and keeps the answer; a failure is logged and asked again a minute later at most."""

    def __init__(self, api_url: str, token: str) -> None:
        self._url = f"{api_url.rstrip('/')}/bot{token}/getMe"
        self._username: str | None = None
        self._failed_at: float | None = None
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def http_session(self, app: web.Application) -> AsyncIterator[None]:
        """The endpoint's ``cleanup_ctx``: one HTTP session to Telegram, opened and closed with the web app."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=ASK_TIMEOUT_SECONDS)) as session:
            self._session = session
            try:
                yield
            finally:
                self._session = None

    async def username(self) -> str | None:
        if self._username is not None:
            return self._username
        async with self._lock:  # two link codes at once ask Telegram once
            if self._username is not None:
                return self._username
            if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_AFTER_SECONDS:
                return None
            self._username = await self._ask()
            self._failed_at = None if self._username else time.monotonic()
        return self._username

    async def _ask(self) -> str | None:
        if self._session is None:
            raise RuntimeError("the bot-username lookup is asked outside the endpoint that opens its session")
        try:
            async with self._session.get(self._url) as response:
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("could not ask Telegram for the bot's username (getMe): %s", type(error).__name__)
            return None
        result = answer.get("result") if isinstance(answer, dict) and answer.get("ok") else None
        username = result.get("username") if isinstance(result, dict) else None
        if not isinstance(username, str) or not username:
            description = answer.get("description") if isinstance(answer, dict) else None
            log.warning("Telegram did not tell the bot's username (getMe): %s", str(description)[:200])
            return None
        return username
