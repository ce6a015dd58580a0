"""Notifications to staff in Telegram, through an outbox.

A service that announces something (a case assigned, an approval requested) writes the notification in
the same transaction as the change itself; the bot sends it afterwards and marks it sent. A crash or
restart in between loses nothing: the row is still due. Sending is at least once: a crash after Telegram
accepted a message but before it was marked sent repeats that one message."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from core.clock import Clock
from storage.records_benchmark import NotificationRecord
from storage.uow import UnitOfWork, UnitOfWorkFactory

MAX_ATTEMPTS = 8
BATCH = 50  # notifications read per round of the sender
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(hours=1)

NotificationView = NotificationRecord


class OutboxSignal:
    """Wakes the sender as soon as a transaction with notifications has committed, so a notification
    goes out at once instead of at the next poll."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def fire(self) -> None:
        for listener in list(self._listeners):
            listener()


async def enqueue(
    uow: UnitOfWork,
    clock: Clock,
    *,
    recipients: Iterable[int],
    kind: str,
    case_id: int | None,
    payload: dict[str, object],
    skip: int | None = None,
) -> int:
    """Queue one notification per distinct recipient (but not ``skip``, the actor themselves, nor anyone
    who cannot receive it now: not bound to Telegram, or deactivated)."""
    count = 0
    for recipient in dict.fromkeys(recipients):
        if recipient == skip:
            continue
        staff = await uow.staff.get_staff(recipient)
        if staff is None or not staff.active or staff.telegram_user_id is None:
            continue
        await uow.notifications.add_notification(
            recipient_id=recipient, kind=kind, case_id=case_id, payload=payload, now=clock.now()
        )
        count += 1
    return count


def retry_delay(attempts: int, longest: timedelta = LONGEST_RETRY) -> timedelta:
    """The pause before the next try after ``attempts`` failed ones: doubling from FIRST_RETRY, up to ``longest``."""
    delay: timedelta = FIRST_RETRY * (2 ** min(attempts, 16))
    return min(delay, longest)


class Notifications:
    """The sender's side of the outbox (the bot process; no staff member acts here)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> None:
        self._uow = uow
        self._clock = clock
        self.signal = signal

    async def due(self, limit: int = BATCH) -> list[NotificationView]:
        """Notifications to send now. Those whose recipient can no longer receive them (unbound or
        deactivated since they were queued) are set aside with the reason instead. Reading comes first
        and alone: the sender polls, and an idle poll should not take SQLite's write lock."""
        async with self._uow() as uow:
            due = await uow.notifications.list_due_notifications(self._clock.now(), limit)
        unreachable = [n for n in due if n.telegram_user_id is None or not n.recipient_active]
        if unreachable:
            async with self._uow(write=True) as uow:
                for notification in unreachable:
                    reason = (
                        "recipient inactive" if not notification.recipient_active else "recipient not bound to Telegram"
                    )
                    await uow.notifications.abandon_notification(notification.id, reason, self._clock.now())
                await uow.commit()
        return [n for n in due if n not in unreachable]

    async def delivered(self, notification_id: int, message_id: int | None) -> None:
        async with self._uow(write=True) as uow:
            await uow.notifications.mark_notification_sent(notification_id, self._clock.now(), message_id)
            await uow.commit()

    async def failed(self, notification: NotificationView, error: str, *, permanent: bool) -> None:
        """A transient failure is retried with growing pauses; a permanent one (the staff member blocked
        the bot) or the last attempt sets the notification aside."""
        async with self._uow(write=True) as uow:
            if permanent or notification.attempts + 1 >= MAX_ATTEMPTS:
                await uow.notifications.abandon_notification(notification.id, error, self._clock.now())
            else:
                next_at = self._clock.now() + retry_delay(notification.attempts)
                await uow.notifications.postpone_notification(notification.id, error, next_at)
            await uow.commit()

    async def undelivered_count(self) -> int:
        async with self._uow() as uow:
            return await uow.notifications.count_undelivered_notifications()
