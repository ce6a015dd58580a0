"""Two senders on one outbox (two bot processes, or a standby that has just taken over) send every
notification exactly once, and a sender stopped half-way through a batch hands back what it did not send."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import select

from bot.notifier import Notifier
from core.clock import FixedClock
from core.notifications.service import Notifications, OutboxSignal, enqueue
from core.services import Services
from storage.db import create_engine, create_session_factory
from storage.notifications.models import Notification
from storage.uow import UnitOfWorkFactory
from tests.builders import make_staff
from tests.waiting import eventually

NOTIFICATIONS = 60


@dataclass
class Sent:
    message_id: int


class CountingBot:
    """Stands in for Telegram: counts each text it is asked to send, and yields like a real request."""

    def __init__(self, sends: Counter[str], ids: count[int], gate: asyncio.Event | None = None) -> None:
        self._sends = sends
        self._ids = ids
        self._gate = gate

    async def send_message(self, chat_id: int, text: str, **_options: object) -> Sent:
        if self._gate is not None:
            await self._gate.wait()
        await asyncio.sleep(0)
        self._sends[text] += 1
        return Sent(next(self._ids))


@pytest.fixture
async def second_process(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """The same database through an engine of its own, as another process would reach it."""
    engine = create_engine(database_url)
    yield UnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


async def queue_cases(services: Services, uow_factory: UnitOfWorkFactory, clock: FixedClock, how_many: int) -> None:
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    async with uow_factory(write=True) as uow:
        for number in range(how_many):
            payload = {"case_no": f"2026-4-{number + 1}", "title": "구내식당"}
            await enqueue(uow, clock, recipients=[lee.id], kind="case_assigned", case_id=None, payload=payload)
        await uow.commit()


async def test_two_senders_draining_one_outbox_send_each_notification_once(
    services, uow_factory, second_process, clock
):
    await queue_cases(services, uow_factory, clock, NOTIFICATIONS)
    sends: Counter[str] = Counter()
    ids = count(1)
    senders = [
        Notifier(Notifications(uow, clock, OutboxSignal()), CountingBot(sends, ids))
        for uow in (uow_factory, second_process)
    ]
    for sender in senders:
        await sender.start()
    try:
        await eventually(lambda: drained(services), "the outbox to drain")
    finally:
        for sender in senders:
            await sender.stop()
    assert sorted(sends.values()) == [1] * NOTIFICATIONS  # every one sent, none twice


async def drained(services: Services) -> bool:
    return await services.notifications.undelivered_count() == 0


async def test_a_sender_stopped_mid_batch_hands_back_what_it_did_not_send(services, uow_factory, clock):
    await queue_cases(services, uow_factory, clock, 3)
    sends: Counter[str] = Counter()
    gate = asyncio.Event()  # Telegram does not answer: the stop comes while the first send is under way
    sender = Notifier(services.notifications, CountingBot(sends, count(1), gate))
    await sender.start()
    await eventually(lambda: nothing_due(uow_factory, clock), "the sender to claim the batch")
    await sender.stop()
    # Due again at once (not after the lease), their try uncounted.
    assert [n.attempts for n in await services.notifications.claim()] == [0, 0, 0]
    assert not sends


async def nothing_due(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> bool:
    async with uow_factory() as uow:
        return not await uow.notifications.any_due_notification(clock.now())


class EditingBot:
    """Stands in for Telegram: sends and edits, and keeps what each message says and its buttons."""

    def __init__(self) -> None:
        self.messages: dict[tuple[int, int], tuple[str, object]] = {}
        self.edits = 0

    async def send_message(self, chat_id: int, text: str, *, reply_markup: object = None, **_: object) -> Sent:
        message_id = len(self.messages) + 1
        self.messages[(chat_id, message_id)] = (text, reply_markup)
        return Sent(message_id)

    async def edit_message_text(
        self, text: str, *, chat_id: int, message_id: int, reply_markup: object = None, **_: object
    ) -> None:
        self.edits += 1
        self.messages[(chat_id, message_id)] = (text, reply_markup)


async def test_an_update_waits_for_the_notice_it_edits_then_edits_it_in_its_chat(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    request = {"case_no": "2026-4-1", "title": "구내식당", "round": 1}
    closed = {**request, "closed": {"outcome": "approved", "by": "기획관", "at": "2026-11-25 10:00"}}
    async with uow_factory(write=True) as uow:
        await enqueue(uow, clock, recipients=[lee.id], kind="approval_requested", case_id=None, payload=request)
        copy = await uow._session.scalar(select(Notification.id))
        await uow.notifications.add_notification(
            recipient_id=lee.id,
            kind="approval_requested",
            case_id=None,
            payload=closed,
            now=clock.now(),
            updates_id=copy,
        )
        await uow.commit()
    bot = EditingBot()
    notifier = Notifier(services.notifications, bot)
    assert await notifier.send_due() == 1  # the notice; its update found it not yet delivered and waits
    assert bot.edits == 0
    clock.advance(timedelta(seconds=10))
    assert await notifier.send_due() == 1
    [(text, buttons)] = bot.messages.values()
    assert text.endswith("✅ 기획관 님이 2026-11-25 10:00에 승인했습니다.") and buttons is None
    assert list(bot.messages) == [(7001, 1)]  # edited where it went, not sent again
    assert await services.notifications.undelivered_count() == 0


async def test_an_update_of_a_notice_never_delivered_is_set_aside(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    request = {"case_no": "2026-4-1", "title": "구내식당", "round": 1}
    async with uow_factory(write=True) as uow:
        await enqueue(uow, clock, recipients=[lee.id], kind="approval_requested", case_id=None, payload=request)
        await uow.commit()
    [notice] = await services.notifications.claim()
    await services.notifications.failed(notice, "Forbidden: bot was blocked by the user", permanent=True)
    async with uow_factory(write=True) as uow:
        closed = {**request, "closed": {"outcome": "returned", "by": "기획관", "at": "2026-11-25 10:00"}}
        await uow.notifications.add_notification(
            recipient_id=lee.id,
            kind="approval_requested",
            case_id=None,
            payload=closed,
            now=clock.now(),
            updates_id=notice.id,
        )
        await uow.commit()
    bot = EditingBot()
    assert await Notifier(services.notifications, bot).send_due() == 0
    assert bot.messages == {} and await services.notifications.undelivered_count() == 0
    async with uow_factory() as uow:
        reason = await uow._session.scalar(select(Notification.last_error).where(Notification.updates_id == notice.id))
    assert reason == "notice to update was never delivered"
