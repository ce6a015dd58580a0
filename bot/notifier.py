"""Sends queued staff notifications (core.notifications.service) through the bot.

Woken at once when a transaction queues something, and every ``POLL`` seconds otherwise to retry what
failed and to pick up what another process queued (the admin endpoint shares the database). It runs
beside the Application in the same event loop, started after it and stopped before it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from conversations.benchmark.notices import render_notification
from conversations.housing import complaint_notices
from conversations.housing.reminders import render_reminders
from conversations.staff import notices as handover_notices
from core.housing.reminders import KIND as HOUSING_REMINDERS
from core.notifications.service import BATCH, Notifications
from core.notifications.values import Notice

log = logging.getLogger(__name__)

POLL = 5.0


class Notifier:
    def __init__(self, notifications: Notifications, bot: Any) -> None:
        self._notifications = notifications
        self._bot = bot
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Any = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()

        # Services may fire from any task of this loop; setting the event is thread-safe this way too.
        def wake_from_anywhere() -> None:
            loop.call_soon_threadsafe(self._wake.set)

        self._unsubscribe = self._notifications.signal.subscribe(wake_from_anywhere)
        self._task = asyncio.create_task(self._run(), name="dongne-notifier")

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.send_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the sender; the next round retries
                log.exception("sending notifications failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL)
            self._wake.clear()

    async def send_due(self) -> int:
        sent = 0
        while claimed := await self._notifications.claim():
            unsent = {n.id for n in claimed}
            try:
                for notification in claimed:
                    sent += await self._send(notification)
                    unsent.discard(notification.id)
            except asyncio.CancelledError:
                # A clean stop (or a hand-over) puts back what it claimed and did not send, so it goes out
                # at once from the next sender rather than when the lease ends.
                await self._notifications.release(unsent)
                raise
            if len(claimed) < BATCH:
                break
        return sent

    async def _send(self, notification: Notice) -> int:
        if notification.kind in complaint_notices.KINDS:
            text, keyboard = complaint_notices.render_notification(notification)
        elif notification.kind == HOUSING_REMINDERS:
            text, keyboard = render_reminders(notification)
        elif notification.kind in handover_notices.KINDS:
            text, keyboard = handover_notices.render_notification(notification)
        else:
            text, keyboard = render_notification(notification)
        if notification.updates_id is not None:
            return await self._update(notification, text, keyboard)
        try:
            message = await self._bot.send_message(
                notification.telegram_user_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                disable_web_page_preview=True,
            )
        except (Forbidden, BadRequest) as error:
            # Blocked the bot, or a chat that no longer exists: retrying cannot help.
            log.warning("notification %s abandoned: %s", notification.id, error)
            await self._notifications.failed(notification, str(error), permanent=True)
            return 0
        except TelegramError as error:
            log.warning("notification %s failed, will retry: %s", notification.id, error)
            await self._notifications.failed(notification, str(error), permanent=False)
            return 0
        await self._notifications.delivered(notification.id, message.message_id, notification.telegram_user_id)
        return 1

    async def _update(self, notification: Notice, text: str, keyboard: InlineKeyboardMarkup | None) -> int:
        """Edit the message of an earlier notice (a request closed by a decision) to say ``text``."""
        chat_id, message_id = notification.target_chat_id, notification.target_message_id
        if message_id is None or chat_id is None:
            # Still on its way (it goes out rewritten; this edit then finds nothing to change), or never sent.
            waiting = notification.target_waiting
            reason = "notice to update not yet delivered" if waiting else "notice to update was never delivered"
            await self._notifications.failed(notification, reason, permanent=not waiting)
            return 0
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                disable_web_page_preview=True,
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():  # deleted by the staff member: nothing to edit
                log.warning("notice update %s abandoned: %s", notification.id, error)
                await self._notifications.failed(notification, str(error), permanent=True)
                return 0
        except Forbidden as error:
            await self._notifications.failed(notification, str(error), permanent=True)
            return 0
        except TelegramError as error:
            log.warning("notice update %s failed, will retry: %s", notification.id, error)
            await self._notifications.failed(notification, str(error), permanent=False)
            return 0
        await self._notifications.delivered(notification.id, message_id, chat_id)
        return 1
