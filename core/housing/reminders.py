"""The daily reminders to the housing staff (공동주택 담당자 알림).

Once an office day, at the hour the office chose, each member who keeps the ledger (bound to Telegram,
active, holding ``housing.write``) gets one message about their dongs (all of them, for a district-wide
grant): representatives whose terms end within 30 days, managers without a licence number and complaints
open longer than 14 days. A member with nothing to report gets nothing. The messages go through the
notification outbox, queued in the same transaction as the day's row in ``housing_reminder_day``: a restart,
or a second process the same day, finds the day taken and queues nothing again, and a message queued but not
yet sent survives a restart.

Each kind of item is one ``ReminderSection``: a query over the whole district (each item carries its
complex's dong, so each member's digest is cut from one read however many members there are) and the
parameters of its line in the catalogs (``reminder.<key>.heading`` and ``reminder.<key>.line``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

from core.clock import Clock
from core.housing.complaints import OVERDUE_DAYS
from core.notifications.service import OutboxSignal, enqueue
from core.permissions import Permission, can, dong_scope
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

KIND = "housing_reminders"  # the notification's kind, rendered by conversations.housing.reminders
DEFAULT_HOUR = 8  # before the office opens at nine
TERM_NOTICE = timedelta(days=30)
# Items of one section shown in a message (a message holds 4,096 characters); the rest are counted.
MOST_ITEMS = 25

# An item as the reminder lists it: the dong of its complex, and its line's parameters.
Item = tuple[int, dict[str, str]]


@dataclass(frozen=True, slots=True)
class ReminderSection:
    """One kind of thing the housing staff are reminded of. ``key`` names its texts; ``find`` reads every such
    item in the district on the office day given."""

    key: str
    find: Callable[[UnitOfWork, date], Awaitable[list[Item]]]


async def _terms_ending(uow: UnitOfWork, today: date) -> list[Item]:
    return [
        (
            t.admin_dong_id,
            {
                "complex": t.complex,
                "position": t.position,
                "name": t.name,
                "term_end": t.term_end.strftime("%Y.%m.%d"),
                "days": str((t.term_end - today).days),
            },
        )
        for t in await uow.housing.terms_ending(today, today + TERM_NOTICE)
    ]


async def _managers_without_licence(uow: UnitOfWork, today: date) -> list[Item]:
    return [
        (m.admin_dong_id, {"complex": m.complex, "manager": m.manager})
        for m in await uow.housing.managers_without_licence()
    ]


async def _complaints_overdue(uow: UnitOfWork, today: date) -> list[Item]:
    """Open complaints received more than ``OVERDUE_DAYS`` days ago, the oldest first within each dong. The line
    names the complex, the day, how long and who has it: not the complainant (personal data) nor the content."""
    return [
        (
            c.admin_dong_id,
            {
                "complex": c.complex_name,
                "received_on": c.received_on.strftime("%Y.%m.%d"),
                "days": str((today - c.received_on).days),
                "assignee": c.assignee_name,
            },
        )
        for c in await uow.complaints.list_open_received_before(today - timedelta(days=OVERDUE_DAYS))
    ]


SECTIONS: tuple[ReminderSection, ...] = (
    ReminderSection("terms_ending", _terms_ending),
    ReminderSection("unlicensed_managers", _managers_without_licence),
    ReminderSection("complaints_overdue", _complaints_overdue),
)


@dataclass(frozen=True, slots=True)
class DigestSection:
    key: str
    items: tuple[dict[str, str], ...]  # the first MOST_ITEMS
    total: int


@dataclass(frozen=True, slots=True)
class Digest:
    """One member's reminder: every section with something in their dongs."""

    recipient: StaffMember
    sections: tuple[DigestSection, ...]

    def payload(self, day: date) -> dict[str, object]:
        return {
            "day": day.isoformat(),
            "sections": [{"key": s.key, "items": list(s.items), "total": s.total} for s in self.sections],
        }


def is_keeper(member: StaffMember) -> bool:
    """Whether a member keeps the housing ledger, and so gets its reminders."""
    return member.active and member.telegram_user_id is not None and can(member, Permission.HOUSING_WRITE)


def digest_for(member: StaffMember, found: list[tuple[str, list[Item]]]) -> Digest:
    dongs = dong_scope(member, Permission.HOUSING_WRITE)
    sections = []
    for key, items in found:
        mine = [params for dong, params in items if dongs is None or dong in dongs]
        if mine:
            sections.append(DigestSection(key=key, items=tuple(mine[:MOST_ITEMS]), total=len(mine)))
    return Digest(recipient=member, sections=tuple(sections))


class HousingReminders:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal

    async def digests(self, today: date | None = None) -> list[Digest]:
        """What each housing staff member would be told on ``today`` (the office's today by default), leaving
        out those with nothing to report: for the operator's preview and the daily job."""
        async with self._uow() as uow:
            return await self._digests(uow, today or self._clock.today())

    async def _digests(self, uow: UnitOfWork, today: date) -> list[Digest]:
        keepers = [m for m in await uow.staff.list_members_in_telegram() if is_keeper(m)]
        if not keepers:
            return []
        found = [(section.key, await section.find(uow, today)) for section in SECTIONS]
        digests = [digest_for(member, found) for member in keepers]
        return [d for d in digests if d.sections]

    async def queue_daily(self, hour: int) -> int | None:
        """Queue today's reminders once it is ``hour`` o'clock or later in the office and they are not queued
        yet: how many members get one. None when it is too early, or today's are queued already."""
        now = self._clock.now()
        local = self._clock.local(now)
        if local.hour < hour:
            return None
        today = local.date()
        async with self._uow(write=True) as uow:
            digests = await self._digests(uow, today)
            if not await uow.housing.claim_reminder_day(today, recipients=len(digests), now=now):
                return None
            for digest in digests:
                await enqueue(
                    uow,
                    self._clock,
                    recipients=[digest.recipient.id],
                    kind=KIND,
                    case_id=None,
                    payload=digest.payload(today),
                )
            await uow.commit()
        if digests:
            self._signal.fire()
        return len(digests)
