"""The HTTP face of the emulator: routes, authentication, fault injection and the call log."""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from . import methods_bot, methods_messages
from .errors import FAULT_KINDS, ApiError, fault
from .methods_messages import OUTPUT_METHODS, Handler
from .params import Params, read_params
from .state import UserInfo
from .user import EmulatedUser
from .webhook import WebhookDelivery
from .world import World

_TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]{20,}")
_METHODS: dict[str, Handler] = {**methods_bot.METHODS, **methods_messages.METHODS}
# Telegram resolves method names case-insensitively.
_CANONICAL = {name.lower(): name for name in _METHODS}


class BotApiEmulator:
    """A local Bot API server for one bot, plus the users who talk to it.

    ``async with BotApiEmulator(...) as emu`` starts it on a free loopback port; point the bot at
    ``emu.api_root`` (``f"{api_root}/bot"`` as base_url, ``f"{api_root}/file/bot"`` as base_file_url).
    """

    def __init__(
        self,
        token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
        bot_username: str = "dongne_test_bot",
        bot_name: str = "동네",
        *,
        strict_html: bool = True,
        callback_answer_deadline: float = 15.0,
    ) -> None:
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ValueError("token must look like a Telegram token: '<digits>:<20+ chars>'")
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(match.group(1))
        self.world = World(
            bot_id=self.bot_id,
            bot_username=bot_username,
            bot_name=bot_name,
            strict_html=strict_html,
            callback_answer_deadline=callback_answer_deadline,
        )
        self.call_log: list[tuple[str, dict[str, Any], bool]] = []
        self.errors: list[tuple[str, str]] = []  # (method, description) of every failed call
        self._faults: dict[str, deque[tuple[str, int]]] = {}
        self._holds: dict[str, deque[float]] = {}
        self.holding = 0  # calls being held right now (hold_next)
        self._users: dict[int, EmulatedUser] = {}
        # Updates go by POST while the bot has a webhook registered; ``webhook.routes`` plays the TLS proxy.
        self.webhook = WebhookDelivery(self.world)
        self._runner: web.AppRunner | None = None
        self._api_root: str | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        self.world.updates.reopen()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away must not keep (and then
        # swallow) updates meant for the next poll.
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self._api_root = f"http://{shown_host}:{bound_port}"
        self.webhook.start()

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.world.updates.close()  # wakes long polls so that shutdown does not wait for them
        await self.webhook.stop()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def api_root(self) -> str:
        if self._api_root is None:
            raise RuntimeError("emulator not started")
        return self._api_root

    @property
    def bot_name(self) -> str:
        return self.world.bot.first_name

    @property
    def callback_answer_deadline(self) -> float:
        return self.world.callback_answer_deadline

    @callback_answer_deadline.setter
    def callback_answer_deadline(self, seconds: float) -> None:
        self.world.callback_answer_deadline = seconds

    # -- the test's handles ---------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "테스트",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ko",
    ) -> EmulatedUser:
        """The user with this id (created on first use; later calls return the same object)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        if user_id <= 0:
            raise ValueError("user ids are positive")
        info = UserInfo(user_id, first_name, last_name, username, language_code)
        user = self._users[user_id] = EmulatedUser(self.world, self.world.user_chat(info), self.bot_username)
        return user

    def connect_handling(self) -> Callable[[int], None]:
        """For a bot running in this process: pass the returned callback to the bot's update processor,
        which calls it with each update_id once handled, so a user's action returns exactly then."""
        return self.world.connect_handling()

    def fail_next(self, method: str, kind: str, count: int = 1, retry_after: int = 1) -> None:
        """Make the next `count` calls of `method` fail with an injected error of `kind`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        canonical = _CANONICAL.get(method.lower())
        if canonical is None:
            raise ValueError(f"unknown method {method!r}")
        self._faults.setdefault(canonical, deque()).extend([(kind, retry_after)] * count)

    def hold_next(self, method: str, seconds: float) -> None:
        """Make the next call of `method` take `seconds` before it is answered (a slow Telegram): the bot's
        handler stays in the middle of its work meanwhile."""
        canonical = _CANONICAL.get(method.lower())
        if canonical is None:
            raise ValueError(f"unknown method {method!r}")
        self._holds.setdefault(canonical, deque()).append(seconds)

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of `method` (any outcome), oldest first."""
        wanted = _CANONICAL.get(method.lower(), method)
        return [params for name, params, _ok in self.call_log if name == wanted]

    def commands(self, language_code: str | None = None, scope: str = "default") -> list[tuple[str, str]]:
        stored = self.world.commands.get((scope, language_code or ""), [])
        return [(c["command"], c["description"]) for c in stored]

    @property
    def chat_action_grace(self) -> float:
        """After a sendChatAction a waiting user allows at least this many seconds for the reply."""
        return self.world.chat_action_grace

    @chat_action_grace.setter
    def chat_action_grace(self, seconds: float) -> None:
        self.world.chat_action_grace = seconds

    @property
    def webhook_url(self) -> str:
        return str(self.world.webhook.get("url", ""))

    def route_webhooks(self, public_prefix: str, local_origin: str) -> None:
        """Deliver webhooks registered under ``public_prefix`` (https) to ``local_origin`` (http, this machine),
        as the office's TLS proxy in front of the admin endpoint does."""
        self.webhook.routes[public_prefix] = local_origin

    def profile_text(self, field: str, language_code: str | None = None) -> str | None:
        """What setMyDescription/setMyShortDescription/setMyName stored: field is their parameter."""
        return self.world.profile_texts.get((field, language_code or ""))

    # -- HTTP -----------------------------------------------------------------------------------

    @staticmethod
    def _reply(status: int, payload: dict[str, Any]) -> web.Response:
        return web.Response(
            status=status, text=json.dumps(payload, ensure_ascii=False), content_type="application/json"
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._reply(401, ApiError(401, "Unauthorized").payload())
        method = _CANONICAL.get(request.match_info["method"].lower())
        if method is None:
            return self._reply(404, ApiError(404, "Not Found").payload())
        params: dict[str, Any] = {}
        held = self._holds.get(method)
        if held:
            self.holding += 1
            try:
                await asyncio.sleep(held.popleft())
            finally:
                self.holding -= 1
        try:
            params = await read_params(request)
            injected = self._faults.get(method)
            if injected:
                kind, retry_after = injected.popleft()
                raise fault(kind, retry_after)
            result = await _METHODS[method](self.world, Params(params))
        except ApiError as err:
            self._record(method, params, ok=False, error=err.description)
            return self._reply(err.status, err.payload())
        self._record(method, params, ok=True)
        return self._reply(200, {"ok": True, "result": result})

    def _record(self, method: str, params: dict[str, Any], *, ok: bool, error: str | None = None) -> None:
        self.call_log.append((method, params, ok))
        if error is not None:
            self.errors.append((method, error))
        if method in OUTPUT_METHODS:
            chat = self.world.chat_of_call(params)
            if chat is not None:
                announces_more = method == "sendChatAction" or (
                    method == "answerCallbackQuery" and ok and not params.get("text")
                )
                self.world.touch(chat, method, error, announces_more=announces_more)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._reply(401, ApiError(401, "Unauthorized").payload())
        stored = self.world.file_by_path(request.match_info["path"])
        if stored is None:
            return self._reply(404, ApiError(404, "Not Found").payload())
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")
