"""What the operator's monitoring reads from the database (the admin endpoint's ``/metrics``): how far the
staff notifications and the text messages are behind. The figures are counts and times only, never whom a
message is for or what it says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from core.clock import Clock
from core.permissions import Permission, require
from core.sms.values import MessageState
from core.values import StaffMember
from storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class OutboxBacklog:
    read_at: datetime
    # Notifications to staff neither sent nor given up on, and when the oldest was queued.
    notifications_waiting: int
    oldest_notification_at: datetime | None
    # Text messages due and not yet accepted by the UMS, and the earliest time one of them was due.
    sms_due: int
    oldest_sms_due_at: datetime | None
    # Every message state with its count, zero included, so a series never vanishes when its last message moves.
    sms_states: Mapping[str, int]

    def seconds_behind(self, since: datetime | None) -> float:
        """How long ago ``since`` was, at the time of reading; 0 when nothing waits."""
        if since is None:
            return 0.0
        aware = since if since.tzinfo is not None else since.replace(tzinfo=UTC)
        return max(0.0, (self.read_at - aware).total_seconds())


class Monitoring:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def outbox_backlog(self, actor: StaffMember) -> OutboxBacklog:
        require(actor, Permission.ADMIN)
        now = self._clock.now()
        # Three statements, each a figure of its own: no snapshot needed, so none is paid for.
        async with self._uow(snapshot=False) as uow:
            notifications, oldest_notification = await uow.outboxes.notification_backlog()
            sms_due, oldest_sms = await uow.outboxes.sms_backlog(now)
            counted = await uow.outboxes.count_sms_by_state()
        states = {state.value: 0 for state in MessageState}
        states.update(counted)
        return OutboxBacklog(
            read_at=now,
            notifications_waiting=notifications,
            oldest_notification_at=oldest_notification,
            sms_due=sms_due,
            oldest_sms_due_at=oldest_sms,
            sms_states=states,
        )
