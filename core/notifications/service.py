"""Notifications to staff in Telegram, through an outbox.

A service that announces something (a case assigned, an approval requested) writes the notification in
the same transaction as the change itself; the bot sends it afterwards and marks it sent. A crash or
restart in between loses nothing: the row is still due. Senders claim rows with a lease (see
storage/notifications/repository.py), so two bot processes, or a standby that just took over, never send
one notification twice. Sending is at least once: a crash after Telegram accepted a message but before it
was marked sent repeats that one message, after the lease.

A notice can be updated later (an approval request closed by a decision loses its buttons in every
coordinator's chat): each delivered notice keeps its chat and message, and the update is an outbox row of its
own that edits that message, so it too survives a restart and is retried."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from core.clock import Clock
from core.notifications.values import Notice
from storage.uow import UnitOfWork, UnitOfWorkFactory

MAX_ATTEMPTS = 8
BATCH = 50  # notifications read per round of the sender
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(hours=1)
# How long a claimed notification stays out of the due set. Longer than a sender takes over one batch
# (BATCH sends at Telegram's 30 a second, each bounded by PTB's timeouts); a sender that died meanwhile
# leaves its rows to come due again after it.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message in a chat: the one a staff member pressed a button on."""

    chat_id: int
    message_id: int


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


async def update_notices(
    uow: UnitOfWork,
    clock: Clock,
    *,
    case_id: int,
    kind: str,
    belongs: Callable[[Mapping[str, object]], bool],
    changes: Mapping[str, object],
    updated_by_bot: MessageRef | None = None,
) -> int:
    """Rewrite every copy of the ``kind`` notices about a case for which ``belongs`` holds, with ``changes``
    merged into what it says. A copy not yet delivered goes out rewritten; every copy that may have gone
    (delivered, or taken by a sender that may be sending it right now) is edited in its chat by a queued
    update, except the message ``updated_by_bot``, which the bot has just turned into something else itself.
    Copies set aside undelivered stay so."""
    count = 0
    for copy in await uow.notifications.list_notice_copies(case_id, kind):
        if not belongs(copy.payload) or (copy.abandoned and copy.message_id is None):
            continue
        payload = {**copy.payload, **changes}
        await uow.notifications.set_notification_payload(copy.id, payload)
        pressed = updated_by_bot is not None and (copy.chat_id, copy.message_id) == (
            updated_by_bot.chat_id,
            updated_by_bot.message_id,
        )
        if pressed or (copy.message_id is None and not copy.taken):
            continue
        await uow.notifications.add_notification(
            recipient_id=copy.recipient_id,
            kind=kind,
            case_id=case_id,
            payload=payload,
            now=clock.now(),
            updates_id=copy.id,
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

    async def claim(self, limit: int = BATCH) -> list[Notice]:
        """Notifications to send now, taken from the outbox for ``LEASE`` so no other sender sends them too.
        Those whose recipient can no longer receive them (unbound or deactivated since they were queued) are
        set aside with the reason instead. An idle poll only reads: it should not take SQLite's write lock."""
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.notifications.any_due_notification(now):
                return []
        async with self._uow(write=True) as uow:
            claimed = await uow.notifications.claim_due_notifications(now, now + LEASE, limit)
            unreachable = [n for n in claimed if n.telegram_user_id is None or not n.recipient_active]
            for notification in unreachable:
                reason = (
                    "recipient inactive" if not notification.recipient_active else "recipient not bound to Telegram"
                )
                await uow.notifications.abandon_notification(notification.id, reason, now)
            await uow.commit()
        return [n for n in claimed if n not in unreachable]

    async def delivered(self, notification_id: int, message_id: int | None, chat_id: int | None = None) -> None:
        async with self._uow(write=True) as uow:
            await uow.notifications.mark_notification_sent(notification_id, self._clock.now(), message_id, chat_id)
            await uow.commit()

    async def failed(self, notification: Notice, error: str, *, permanent: bool) -> None:
        """A transient failure is retried with growing pauses; a permanent one (the staff member blocked
        the bot) or the last attempt sets the notification aside."""
        async with self._uow(write=True) as uow:
            if permanent or notification.attempts + 1 >= MAX_ATTEMPTS:
                await uow.notifications.abandon_notification(notification.id, error, self._clock.now())
            else:
                next_at = self._clock.now() + retry_delay(notification.attempts)
                await uow.notifications.postpone_notification(notification.id, error, next_at)
            await uow.commit()

    async def release(self, notification_ids: Iterable[int]) -> None:
        """Put claimed notifications that were not sent back in the due set at once, their try uncounted."""
        ids = list(notification_ids)
        if not ids:
            return
        async with self._uow(write=True) as uow:
            await uow.notifications.release_notifications(ids, self._clock.now())
            await uow.commit()

    async def undelivered_count(self) -> int:
        async with self._uow() as uow:
            return await uow.notifications.count_undelivered_notifications()
