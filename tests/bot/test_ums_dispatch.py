"""The dispatcher against the fake UMS: whatever fails (timeouts, 500s, slowness, a crash between submit
and commit, an outage), every message is sent exactly once (counted by idempotency key) and none is lost."""

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.ums.client import UmsGateway
from bot.ums.dispatcher import Dispatcher
from bot.ums.fake import FakeUms
from core.sms.dispatch import DispatchSettings, SmsDispatch
from core.sms.gateway import GatewayUnavailable
from core.sms.values import RecipientSelection
from storage.sms.models import SmsMessage
from tests.builders import make_complex, make_staff
from tests.waiting import eventually

LEASE = timedelta(seconds=60)


@pytest.fixture
async def ums():
    fake = FakeUms()
    await fake.start()
    fake.gateways = []
    yield fake
    for gateway in fake.gateways:
        await gateway.close()
    await fake.stop()


def dispatch_for(uow_factory, clock, ums, timeout=2.0):
    gateway = UmsGateway(ums.url, secret=None, timeout=timeout)
    ums.gateways.append(gateway)
    return SmsDispatch(uow_factory, clock, gateway, DispatchSettings(batch_size=50, lease=LEASE))


async def queue_batch(services, uow_factory, people=5):
    await make_complex(uow_factory, representatives=people)
    actor = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    batch = await services.sms.send(actor, RecipientSelection("representatives"), "{이름}님 회의 안내")
    return actor, batch


async def drain(dispatch, clock, rounds=30):
    """Dispatch until nothing is left, moving the clock past retries and leases as a day would."""
    for _ in range(rounds):
        await dispatch.dispatch_once()
        await dispatch.poll_reports()
        clock.advance(LEASE + timedelta(seconds=1))


async def states(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(select(SmsMessage.idempotency_key, SmsMessage.state))
        return {key: state for key, state in rows}


async def assert_each_sent_once_and_delivered(uow_factory, ums, count):
    final = await states(uow_factory)
    assert len(final) == count
    assert set(final.values()) == {"delivered"}
    assert set(ums.sent) == set(final)
    assert all(n == 1 for n in ums.sent.values())


async def test_messages_are_submitted_and_reports_settle_them(services, uow_factory, clock, ums):
    actor, batch = await queue_batch(services, uow_factory)
    dispatch = dispatch_for(uow_factory, clock, ums)
    await dispatch.dispatch_once()
    view = await services.sms.batch(actor, batch.id)
    assert view.counts.submitted == 5 and view.counts.delivered == 0  # accepted is not delivered
    await dispatch.poll_reports()
    await assert_each_sent_once_and_delivered(uow_factory, ums, 5)
    assert sorted(ums.texts.values())[0].endswith("님 회의 안내")


async def test_server_errors_are_retried_until_accepted(services, uow_factory, clock, ums):
    await queue_batch(services, uow_factory)
    ums.faults.fail_next = 3
    await drain(dispatch_for(uow_factory, clock, ums), clock)
    await assert_each_sent_once_and_delivered(uow_factory, ums, 5)


async def test_timeouts_and_slow_answers_do_not_double_a_message(services, uow_factory, clock, ums):
    await queue_batch(services, uow_factory)
    ums.faults.delay_seconds = 0.5
    dispatch = dispatch_for(uow_factory, clock, ums, timeout=0.2)
    await dispatch.dispatch_once()  # times out; the fake accepted them anyway
    await asyncio.sleep(0.5)
    ums.faults.delay_seconds = 0.05  # slow but within the timeout
    clock.advance(LEASE)
    await dispatch.dispatch_once()  # resubmitted under the same keys
    await drain(dispatch_for(uow_factory, clock, ums), clock)
    await assert_each_sent_once_and_delivered(uow_factory, ums, 5)
    assert max(ums.submissions.values()) >= 2  # resubmitted, applied once


async def test_an_answer_lost_after_acceptance_is_harmless(services, uow_factory, clock, ums):
    await queue_batch(services, uow_factory)
    ums.faults.lose_answer_next = 1
    await drain(dispatch_for(uow_factory, clock, ums), clock)
    await assert_each_sent_once_and_delivered(uow_factory, ums, 5)


async def test_a_dispatcher_killed_between_submit_and_commit_loses_and_doubles_nothing(
    services, uow_factory, clock, ums
):
    await queue_batch(services, uow_factory)
    dispatch = dispatch_for(uow_factory, clock, ums)
    claimed = await dispatch.claim()
    submitting = asyncio.create_task(dispatch.submit(claimed))
    ums.faults.delay_seconds = 0.3
    await asyncio.sleep(0.1)
    submitting.cancel()  # the process dies mid-call
    with pytest.raises(asyncio.CancelledError):
        await submitting
    await asyncio.sleep(0.3)
    ums.faults.delay_seconds = 0
    await drain(dispatch_for(uow_factory, clock, ums), clock)  # a restarted dispatcher
    await assert_each_sent_once_and_delivered(uow_factory, ums, 5)


async def test_an_outage_delays_messages_without_losing_them(services, uow_factory, clock, ums):
    await queue_batch(services, uow_factory)
    ums.faults.down = True
    dispatch = dispatch_for(uow_factory, clock, ums)
    await drain(dispatch, clock, rounds=5)
    assert set((await states(uow_factory)).values()) == {"queued"}
    assert not ums.sent
    ums.faults.down = False
    await drain(dispatch, clock, rounds=20)
    await assert_each_sent_once_and_delivered(uow_factory, ums, 5)


async def test_a_permanently_refused_number_fails_with_the_reason(services, uow_factory, clock, ums):
    actor, batch = await queue_batch(services, uow_factory, people=2)
    ums.faults.reject_numbers.add("01012345000")
    await drain(dispatch_for(uow_factory, clock, ums), clock, rounds=3)
    page = await services.sms.recipients(actor, batch.id)
    reasons = {m.name: (m.state.value, m.failure_reason) for m in page.items}
    assert reasons["김대표1"] == ("failed", "invalid_number")
    assert reasons["김대표2"] == ("delivered", None)


async def test_two_dispatchers_never_submit_the_same_row(services, uow_factory, clock, ums):
    await make_complex(uow_factory, representatives=60)
    actor = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    await services.sms.send(actor, RecipientSelection("representatives"), "안내")
    ums.faults.delay_seconds = 0.05
    first, second = dispatch_for(uow_factory, clock, ums), dispatch_for(uow_factory, clock, ums)

    async def run(dispatch):
        while await dispatch.dispatch_once(7):
            pass

    await asyncio.gather(run(first), run(second))
    assert len(ums.submissions) == 60
    assert all(n == 1 for n in ums.submissions.values())


async def test_a_message_due_and_not_sent_alerts_the_sender_and_admins(services, uow_factory, clock, ums):
    await make_complex(uow_factory, representatives=1)
    actor = await make_staff(services, saeol_id="sms01", roles=("sms.send",), telegram_id=101)
    await make_staff(services, saeol_id="adm01", roles=("admin",), telegram_id=102)
    await services.sms.send(actor, RecipientSelection("representatives"), "안내")
    ums.faults.down = True
    dispatch = dispatch_for(uow_factory, clock, ums)
    await dispatch.dispatch_once()
    clock.advance(timedelta(minutes=20))
    await dispatch.housekeeping()
    await dispatch.housekeeping()  # once per batch
    due = await services.notifications.claim(limit=10)
    assert sorted(n.recipient_id for n in due if n.kind == "sms_overdue") == sorted([actor.id, actor.id + 1])


async def test_accepted_messages_without_a_report_become_unknown(services, uow_factory, clock, ums):
    actor, batch = await queue_batch(services, uow_factory, people=1)
    await dispatch_for(uow_factory, clock, ums).dispatch_once()
    clock.advance(timedelta(hours=25))
    await dispatch_for(uow_factory, clock, ums).housekeeping()
    assert (await services.sms.batch(actor, batch.id)).counts.unknown == 1


async def test_a_batch_to_send_now_wakes_an_idle_dispatcher(services, uow_factory, clock, ums):
    # Idle for a minute between empty rounds: only the wake-up can make it submit within the wait below.
    dispatcher = Dispatcher(
        dispatch_for(uow_factory, clock, ums),
        messages_per_second=0,
        idle_seconds=60,
        housekeeping_seconds=3600,
        wake=services.sms.signal,
    )
    dispatcher.start()
    try:
        await asyncio.sleep(0.2)  # the first, empty round is over and the dispatcher waits
        await queue_batch(services, uow_factory, people=2)
        await eventually(lambda: len(ums.sent) == 2, "the batch at the UMS", within=10)
    finally:
        await dispatcher.stop()
    assert all(n == 1 for n in ums.sent.values())


async def test_polling_continues_after_a_restart_from_the_stored_cursor(services, uow_factory, clock, ums):
    actor, batch = await queue_batch(services, uow_factory, people=3)
    first = dispatch_for(uow_factory, clock, ums)
    await first.dispatch_once()
    assert await first.poll_reports() == 3
    restarted = dispatch_for(uow_factory, clock, ums)  # a new process: nothing in memory
    assert await restarted.poll_reports() == 0
    assert ums.polls[-1]["after"] == "3"  # not from the start
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 3


async def test_one_poll_drains_a_backlog_of_full_pages(services, uow_factory, clock, ums):
    actor, batch = await queue_batch(services, uow_factory, people=11)
    gateway = UmsGateway(ums.url, secret=None, timeout=2, page_size=4)
    ums.gateways.append(gateway)
    dispatch = SmsDispatch(uow_factory, clock, gateway, DispatchSettings(batch_size=50, lease=LEASE))
    await dispatch.dispatch_once()
    assert await dispatch.poll_reports() == 11  # pages of 4, 4 and 3, in one poll
    assert [p.get("after") for p in ums.polls] == [None, "4", "8"]
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 11


@pytest.mark.parametrize(
    ("fault", "limit", "expected"),
    [
        ("fail_next", 2.0, "POST /messages answered 500"),
        ("drop_next", 2.0, "POST /messages failed: ServerDisconnectedError"),
        ("delay_seconds", 0.2, "POST /messages failed: TimeoutError"),
    ],
    ids=["server error", "dropped connection", "timeout"],
)
async def test_a_failed_submit_is_logged_with_the_messages_it_concerned(
    services, uow_factory, clock, ums, caplog, fault, limit, expected
):
    actor, batch = await queue_batch(services, uow_factory, people=2)
    setattr(ums.faults, fault, 1 if fault != "delay_seconds" else 0.5)
    with caplog.at_level(logging.WARNING, logger="core.sms.dispatch"):
        await dispatch_for(uow_factory, clock, ums, timeout=limit).dispatch_once()
    page = await services.sms.recipients(actor, batch.id)
    [line] = [r.getMessage() for r in caplog.records if r.name == "core.sms.dispatch"]
    assert expected in line
    assert f"batch {batch.id};" in line and "attempt 1" in line
    assert all(str(m.id) in line for m in page.items)


async def test_a_failed_poll_is_logged_with_its_cursor(uow_factory, clock, ums, caplog):
    dispatch = dispatch_for(uow_factory, clock, ums)
    await ums.stop()
    with caplog.at_level(logging.WARNING, logger="core.sms.dispatch"), pytest.raises(GatewayUnavailable):
        await dispatch.poll_reports()
    [line] = [r.getMessage() for r in caplog.records if r.name == "core.sms.dispatch"]
    assert "GET /reports failed: ClientConnectorError" in line and "after cursor None" in line


async def test_a_stop_lets_the_ums_call_in_flight_finish_and_records_it(services, uow_factory, clock, ums):
    actor, batch = await queue_batch(services, uow_factory)
    ums.faults.delay_seconds = 0.5  # the UMS accepts, then takes its time to answer
    dispatcher = Dispatcher(dispatch_for(uow_factory, clock, ums), messages_per_second=0)
    dispatcher.start()
    await eventually(lambda: bool(ums.calls), "the dispatcher to submit")
    await dispatcher.stop(grace=5.0)
    assert not dispatcher.running
    # The answer was waited for and recorded: nothing is left claimed to be submitted again later.
    assert (await services.sms.batch(actor, batch.id)).counts.submitted == 5
    assert len(ums.calls) == 1
