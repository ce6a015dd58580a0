"""Webhook mode (``DONGNE_WEBHOOK_URL``): Telegram POSTs each update to an unguessable path of the admin
endpoint, with a secret token in a header, instead of the bot polling ``getUpdates``.

The path and the secret token are derived from the bot token with HMAC-SHA256, each under its own label: they
are the same in every process serving that token (a restart, a standby that takes over), so the registration
at Telegram stays valid, and neither says anything about the token. A new token (BotFather's /revoke) gives
a new path and secret, which the next start registers.

The receiver answers, in this order: 403 with an empty body to a request without the right secret (nothing
read, nothing processed); 503 while this process does not serve the bot (a standby, or one that is stopping),
so Telegram keeps the update and retries; 400 to a body that is not an update (logged, no traceback); else it
hands the update to the Application's queue, where ``getUpdates`` polling would have put it, and answers 200."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ExtBot

from bot.admin.api_json import read_body

log = logging.getLogger("dongne.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A Telegram update is a few kilobytes (4,096 characters of text, a replied-to message, entities); this leaves
# room without letting a stranger with the secret make us buffer much.
MAX_UPDATE_BYTES = 1024 * 1024
ROUTE_NAME = "telegram_webhook"
PATH_PREFIX = "/telegram/"


def _derived(token: str, label: str) -> str:
    return hmac.new(token.encode(), f"dongne webhook {label}".encode(), hashlib.sha256).hexdigest()


class WebhookReceiver:
    """The webhook's route on the admin endpoint, and whether it takes updates now (``open``/``close``)."""

    def __init__(self, token: str, public_url: str) -> None:
        self.path = PATH_PREFIX + _derived(token, "path")
        # Telegram allows 1–256 characters of A-Z, a-z, 0-9, _ and -: hex is within that.
        self.secret_token = _derived(token, "secret token")
        # The public URL is where a TLS proxy publishes the admin endpoint; the path is appended to it.
        self.url = public_url.rstrip("/") + self.path
        self._app: Application[Any, Any, Any, Any, Any, Any] | None = None

    def open(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """From now on updates go to ``app`` (it runs, so its queue is being read)."""
        self._app = app

    def close(self) -> None:
        """From now on updates are answered 503: Telegram keeps them and delivers them again later."""
        self._app = None

    @property
    def is_open(self) -> bool:
        return self._app is not None

    def add_route(self, admin: web.Application) -> None:
        """Serve the webhook from the admin endpoint. It stays out of the endpoint's route table (the API
        description, the menu): its path is a secret. Its own check is the secret token header."""
        admin.router.add_route("POST", self.path, self.receive, name=ROUTE_NAME)

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
            log.warning("webhook request from %s refused: missing or wrong secret token", request.remote)
            return web.Response(status=403)
        app = self._app
        if app is None:
            return web.Response(status=503)
        try:
            body = await read_body(request, MAX_UPDATE_BYTES)
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook update refused: larger than %d bytes", MAX_UPDATE_BYTES)
            return web.Response(status=413)
        update = _update_from(body, app)
        if update is None:
            return web.Response(status=400)
        if isinstance(app.bot, ExtBot):  # as PTB's own webhook handler does, for arbitrary callback data
            app.bot.insert_callback_data(update)
        await app.update_queue.put(update)
        return web.Response(status=200)


def _update_from(body: bytes, app: Application[Any, Any, Any, Any, Any, Any]) -> Update | None:
    """The update in ``body``, or None (logged in one line: what was wrong, never the body) if there is none."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        log.warning("webhook update refused: the body is not JSON (%d bytes)", len(body))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        log.warning("webhook update refused: the body is not an update (no update_id)")
        return None
    try:
        return Update.de_json(data, app.bot)
    except Exception as error:  # PTB's parsers raise whatever a malformed field makes them raise
        # The error's type only: its message may quote what someone typed.
        log.warning("webhook update %s refused: not a valid update (%s)", data["update_id"], type(error).__name__)
        return None


async def register(app: Application[Any, Any, Any, Any, Any, Any], receiver: WebhookReceiver) -> None:
    """Open the receiver, then tell Telegram where to deliver: the same update types as polling asks for, and
    what Telegram kept while no process served the bot is delivered, not dropped."""
    receiver.open(app)
    try:
        await app.bot.set_webhook(
            url=receiver.url,
            secret_token=receiver.secret_token,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
    except BaseException:
        receiver.close()
        raise
    log.info("webhook registered with Telegram; updates arrive at the admin endpoint")
