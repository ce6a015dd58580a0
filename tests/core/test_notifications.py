"""The notification outbox: queued with the change, sent afterwards, retried with pauses, set aside when hopeless."""

from datetime import timedelta

from sqlalchemy import select, update

from core.notifications.service import LEASE, MAX_ATTEMPTS, OutboxSignal, enqueue, retry_delay
from storage.notifications.models import Notification
from storage.staff.models import Staff
from tests.builders import make_staff


async def queue(uow_factory, clock, recipients, *, kind="case_assigned", skip=None):
    async with uow_factory(write=True) as uow:
        count = await enqueue(
            uow, clock, recipients=recipients, kind=kind, case_id=None, payload={"title": "구내식당"}, skip=skip
        )
        await uow.commit()
    return count


async def change_staff(uow_factory, staff_id, **values):
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Staff).where(Staff.id == staff_id).values(**values))
        await uow.commit()


async def outbox(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(
                Notification.recipient_id,
                Notification.attempts,
                Notification.last_error,
                Notification.sent_at.is_not(None),
                Notification.abandoned_at.is_not(None),
                Notification.telegram_message_id,
            ).order_by(Notification.id)
        )
        return [tuple(row) for row in rows]


async def test_one_notification_per_reachable_recipient_and_never_to_the_actor(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    kim = await make_staff(services, saeol_id="kim01", name="김총무", telegram_id=7002)
    unbound = await make_staff(services, saeol_id="park01", name="박미연")
    retired = await make_staff(services, saeol_id="choi01", name="최퇴직", telegram_id=7003)
    await change_staff(uow_factory, retired.id, active=False)
    count = await queue(uow_factory, clock, [lee.id, kim.id, lee.id, unbound.id, retired.id, 424242], skip=kim.id)
    assert count == 1
    due = await services.notifications.claim()
    assert [(n.recipient_id, n.telegram_user_id, n.kind, n.payload, n.attempts) for n in due] == [
        (lee.id, 7001, "case_assigned", {"title": "구내식당"}, 0)
    ]


async def test_recipients_who_became_unreachable_are_set_aside_with_the_reason(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    kim = await make_staff(services, saeol_id="kim01", name="김총무", telegram_id=7002)
    park = await make_staff(services, saeol_id="park01", name="박미연", telegram_id=7003)
    await queue(uow_factory, clock, [lee.id, kim.id, park.id])
    await change_staff(uow_factory, kim.id, telegram_user_id=None)  # unbound, e.g. lost the phone
    await change_staff(uow_factory, park.id, active=False)
    assert [n.recipient_id for n in await services.notifications.claim()] == [lee.id]
    assert await outbox(uow_factory) == [
        (lee.id, 1, None, False, False, None),  # claimed: its first try is under way
        (kim.id, 1, "recipient not bound to Telegram", False, True, None),
        (park.id, 1, "recipient inactive", False, True, None),
    ]
    assert await services.notifications.undelivered_count() == 1


async def test_a_delivered_notification_is_marked_sent_and_not_sent_again(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    await queue(uow_factory, clock, [lee.id])
    [notification] = await services.notifications.claim()
    await services.notifications.delivered(notification.id, message_id=555)
    assert await services.notifications.claim() == []
    assert await services.notifications.undelivered_count() == 0
    assert await outbox(uow_factory) == [(lee.id, 1, None, True, False, 555)]


async def test_a_transient_failure_is_retried_after_growing_pauses_then_given_up(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    await queue(uow_factory, clock, [lee.id])
    for attempt in range(MAX_ATTEMPTS - 1):
        [notification] = await services.notifications.claim()
        assert notification.attempts == attempt
        await services.notifications.failed(notification, "TimedOut", permanent=False)
        pause = retry_delay(attempt)
        clock.advance(pause - timedelta(seconds=1))
        assert await services.notifications.claim() == []  # not before its time
        clock.advance(timedelta(seconds=1))
    assert [retry_delay(a).total_seconds() for a in range(3)] == [5, 10, 20]
    assert retry_delay(20) == timedelta(hours=1)
    [last] = await services.notifications.claim()
    await services.notifications.failed(last, "TimedOut", permanent=False)
    clock.advance(timedelta(days=1))
    assert await services.notifications.claim() == []
    assert await outbox(uow_factory) == [(lee.id, MAX_ATTEMPTS, "TimedOut", False, True, None)]


async def test_a_permanent_failure_is_given_up_at_once(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    await queue(uow_factory, clock, [lee.id])
    [notification] = await services.notifications.claim()
    await services.notifications.failed(notification, "Forbidden: bot was blocked by the user", permanent=True)
    clock.advance(timedelta(days=1))
    assert await services.notifications.claim() == []
    assert await outbox(uow_factory) == [(lee.id, 1, "Forbidden: bot was blocked by the user", False, True, None)]


async def test_due_hands_out_at_most_the_limit_oldest_first(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    for kind in ("case_assigned", "case_reviewed", "case_approved"):
        await queue(uow_factory, clock, [lee.id], kind=kind)
    assert [n.kind for n in await services.notifications.claim(limit=2)] == ["case_assigned", "case_reviewed"]


async def test_a_claimed_notification_is_handed_out_once_until_its_lease_ends(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    await queue(uow_factory, clock, [lee.id])
    [claimed] = await services.notifications.claim()
    assert await services.notifications.claim() == []  # another sender finds nothing to send
    # The sender died without a word: after the lease the notification is due again, the lost try counted.
    clock.advance(LEASE - timedelta(seconds=1))
    assert await services.notifications.claim() == []
    clock.advance(timedelta(seconds=1))
    [again] = await services.notifications.claim()
    assert (again.id, claimed.attempts, again.attempts) == (claimed.id, 0, 1)


async def test_a_released_notification_is_due_again_at_once_its_try_uncounted(services, uow_factory, clock):
    lee = await make_staff(services, saeol_id="lee01", name="이숙영", telegram_id=7001)
    await queue(uow_factory, clock, [lee.id], kind="case_assigned")
    await queue(uow_factory, clock, [lee.id], kind="case_reviewed")
    first, second = await services.notifications.claim()
    await services.notifications.delivered(first.id, message_id=555)
    await services.notifications.release([first.id, second.id])  # stopping: the sent one stays sent
    [again] = await services.notifications.claim()
    assert (again.id, again.attempts) == (second.id, 0)
    assert await outbox(uow_factory) == [(lee.id, 1, None, True, False, 555), (lee.id, 1, None, False, False, None)]


def test_the_signal_wakes_every_listener_until_it_unsubscribes():
    signal = OutboxSignal()
    heard: list[str] = []
    stop_first = signal.subscribe(lambda: heard.append("first"))

    def second() -> None:
        heard.append("second")
        stop_second()  # a listener may leave while being told

    stop_second = signal.subscribe(second)
    signal.fire()
    signal.fire()
    stop_first()
    signal.fire()
    assert heard == ["first", "second", "first"]
