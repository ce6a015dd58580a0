"""docs/ums.md as an outside implementer reads it, held against the code: its table of numbers, its example
submit, the wire format of numbers, an accept without a message id, conflicting reports, the retry schedule
and when retries stop, the size of a submit call, and reservations that reach the UMS only when due."""

import importlib
import json
import re
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.settings import Settings
from bot.ums.client import MAX_SUBMIT_BYTES, MAX_SUBMIT_MESSAGES, UmsGateway, submit_bodies
from bot.ums.fake import FakeUms
from bot.ums.signing import signature, verify
from core.notifications.service import FIRST_RETRY
from core.sms.dispatch import GAVE_UP, KEY_RETENTION, LONGEST_RETRY, RETRY_WINDOW, DispatchSettings, SmsDispatch
from core.sms.gateway import OutgoingSms
from core.sms.values import DeliveryReport, RecipientSelection
from storage.sms.models import SmsMessage
from tests.builders import make_complex, make_staff

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "ums.md"
UNITS = {"s": timedelta(seconds=1), "min": timedelta(minutes=1), "days": timedelta(days=1)}


def section(title: str) -> str:
    text = CONTRACT.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def documented_numbers() -> list[tuple[str, str, str]]:
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| `([\w.]+)` \|$", section("The numbers"), re.MULTILINE)
    assert len(rows) >= 10
    return rows


def constant(dotted: str) -> object:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(("what", "value", "name"), documented_numbers(), ids=lambda v: str(v)[:40])
def test_every_number_the_contract_names_is_the_one_the_code_uses(what, value, name):
    actual = constant(name)
    amount, _, unit = value.replace(",", "").partition(" ")
    if isinstance(actual, timedelta):
        assert actual == int(amount) * UNITS[unit], what
    elif unit == "s":
        assert actual == float(amount), what
    else:
        assert actual == int(amount) and not unit, what


def test_the_last_retry_of_a_message_falls_well_inside_the_key_retention():
    longest_timeout = next(m.le for m in Settings.model_fields["ums_timeout_seconds"].metadata if hasattr(m, "le"))
    longest_lease = timedelta(seconds=longest_timeout * 2 + 30)  # as bot/ums/wiring.py sets it
    assert RETRY_WINDOW + LONGEST_RETRY + longest_lease < KEY_RETENTION - timedelta(days=1)


def test_the_documented_submit_is_exactly_what_dongne_sends():
    example = json.loads(re.search(r"```json\n(.*?)```", section("1. Submit"), re.DOTALL).group(1))
    short, long = example["messages"]
    messages = [
        OutgoingSms(short["idempotency_key"], "010-1234-5678", short["text"], short["type"], "02-2286-5114"),
        # An LMS carries its subject; an SMS none, even were one given.
        OutgoingSms(long["idempotency_key"], "01098765432", long["text"], long["type"], "0222865114", long["subject"]),
    ]
    [(body, count)] = submit_bodies(messages)
    assert count == 2 and json.loads(body) == example
    assert "subject" not in submit_bodies([replace(messages[0], subject="제목")])[0][0].decode()
    assert Settings.model_fields["ums_sender_number"].default == "02-2286-5114"  # the example's "from"


async def test_a_round_too_large_for_one_call_is_split_within_the_documented_limits():
    # The widest text an LMS may carry on the wire: 2,000 EUC-KR bytes, each a control character JSON
    # writes as six bytes.
    widest = "\x01" * 2000
    messages = [OutgoingSms(f"k{i:03}", "01012345678", widest, "lms", "0222865114") for i in range(250)]
    fake = FakeUms()
    await fake.start()
    gateway = UmsGateway(fake.url, secret=None, timeout=10)
    try:
        results = await gateway.submit(messages)
    finally:
        await gateway.close()
        await fake.stop()
    assert [r.idempotency_key for r in results if r.accepted] == [m.idempotency_key for m in messages]
    assert len(fake.calls) > 250 / MAX_SUBMIT_MESSAGES
    assert all(count <= MAX_SUBMIT_MESSAGES and size <= MAX_SUBMIT_BYTES for count, size in fake.calls)
    assert any(size > MAX_SUBMIT_BYTES * 0.9 for _, size in fake.calls)  # the byte limit did the splitting


async def test_a_fake_without_reports_sends_and_reports_nothing():
    fake = FakeUms(reports=False)
    await fake.start()
    gateway = UmsGateway(fake.url, secret=None, timeout=10)
    try:
        results = await gateway.submit([OutgoingSms("k1", "01012345678", "안내", "sms", "0222865114")])
        page = await gateway.fetch_reports(None)
    finally:
        await gateway.close()
        await fake.stop()
    assert [r.accepted for r in results] == [True] and fake.sent == {"k1": 1}
    assert page.reports == [] and fake.reports == []


def test_a_timestamp_with_a_fraction_of_a_second_is_refused():
    body, secret = b"{}", b"s"
    assert verify(secret, "1764806400", signature(secret, "1764806400", body), body, now=1764806400) is None
    fraction = "1764806400.5"
    assert verify(secret, fraction, signature(secret, fraction, body), body, now=1764806400) is not None


@pytest.fixture
async def ums():
    fake = FakeUms()
    await fake.start()
    gateway = UmsGateway(fake.url, secret=None, timeout=2)
    fake.gateway = gateway
    yield fake
    await gateway.close()
    await fake.stop()


async def sending(services, uow_factory, people=2, scheduled_at=None):
    await make_complex(uow_factory, representatives=people)
    actor = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    services.sms.sender_number = "02-2286-5114"
    batch = await services.sms.send(actor, RecipientSelection("representatives"), "안내", scheduled_at)
    return actor, batch


async def messages(uow_factory):
    columns = (SmsMessage.state, SmsMessage.failure_reason, SmsMessage.next_attempt_at, SmsMessage.idempotency_key)
    async with uow_factory() as uow:
        return list(await uow._session.execute(select(*columns).order_by(SmsMessage.id)))


async def next_attempt(uow_factory):
    [message] = await messages(uow_factory)
    return message.next_attempt_at.replace(tzinfo=UTC)  # SQLite gives it back without its zone


async def test_numbers_reach_the_ums_as_digits_only(services, uow_factory, clock, ums):
    await sending(services, uow_factory)
    await SmsDispatch(uow_factory, clock, ums.gateway, DispatchSettings()).dispatch_once()
    sent = list(ums.received.values())
    assert {m["from"] for m in sent} == {"0222865114"}
    assert all(re.fullmatch(r"01\d{8,9}", m["to"]) for m in sent)


async def test_an_accept_without_a_message_id_is_an_accept_and_a_report_by_key_settles_it(
    services, uow_factory, clock, ums
):
    actor, batch = await sending(services, uow_factory)
    ums.faults.no_message_id = True
    dispatch = SmsDispatch(uow_factory, clock, ums.gateway, DispatchSettings())
    await dispatch.dispatch_once()
    assert (await services.sms.batch(actor, batch.id)).counts.submitted == 2
    clock.advance(timedelta(hours=1))
    assert await dispatch.dispatch_once() == 0  # nothing is submitted again
    await dispatch.poll_reports()
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 2
    assert set(ums.submissions.values()) == {1}


async def test_the_first_of_two_conflicting_reports_wins(services, uow_factory, clock, ums):
    actor, batch = await sending(services, uow_factory, people=1)
    dispatch = SmsDispatch(uow_factory, clock, ums.gateway, DispatchSettings())
    await dispatch.dispatch_once()
    [message_id] = ums.accepted.values()
    delivered = DeliveryReport("r-1", message_id, None, delivered=True)
    failed = DeliveryReport("r-2", message_id, None, delivered=False, reason="결번")
    assert await dispatch.receive_reports("push-1", [delivered]) == 1
    assert await dispatch.receive_reports("push-2", [failed]) == 0
    counts = (await services.sms.batch(actor, batch.id)).counts
    assert counts.delivered == 1 and counts.failed == 0


async def test_the_pause_after_a_failed_try_starts_at_the_documented_first_pause(services, uow_factory, clock, ums):
    await sending(services, uow_factory, people=1)
    dispatch = SmsDispatch(uow_factory, clock, ums.gateway, DispatchSettings())
    ums.faults.fail_next = 2
    await dispatch.dispatch_once()
    assert await next_attempt(uow_factory) == clock.now() + FIRST_RETRY
    clock.advance(FIRST_RETRY)
    await dispatch.dispatch_once()
    assert await next_attempt(uow_factory) == clock.now() + 2 * FIRST_RETRY


async def test_retries_stop_after_the_window_and_a_late_report_still_settles(services, uow_factory, clock, ums):
    actor, batch = await sending(services, uow_factory, people=1)
    dispatch = SmsDispatch(uow_factory, clock, ums.gateway, DispatchSettings())
    ums.faults.down = True
    await dispatch.dispatch_once()
    clock.advance(RETRY_WINDOW - LONGEST_RETRY)
    await dispatch.housekeeping()
    assert await dispatch.dispatch_once() == 1  # still tried inside the window
    clock.advance(2 * LONGEST_RETRY)
    ums.faults.down = False
    await dispatch.housekeeping()
    assert await dispatch.dispatch_once() == 0  # past it: given up, not submitted
    assert not ums.submissions
    [message] = await messages(uow_factory)
    assert (message.state, message.failure_reason) == ("unknown", GAVE_UP)
    late = DeliveryReport("r-late", None, message.idempotency_key, delivered=True)
    assert await dispatch.receive_reports("push-late", [late]) == 1
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 1


async def test_a_reservation_reaches_the_ums_only_when_it_is_due(services, uow_factory, clock, ums):
    actor, batch = await sending(services, uow_factory, scheduled_at=clock.now() + timedelta(hours=2))
    dispatch = SmsDispatch(uow_factory, clock, ums.gateway, DispatchSettings())
    clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    assert await dispatch.dispatch_once() == 0 and not ums.submissions
    clock.advance(timedelta(seconds=1))
    assert await dispatch.dispatch_once() == 2 and len(ums.sent) == 2
    assert (await services.sms.batch(actor, batch.id)).counts.submitted == 2
