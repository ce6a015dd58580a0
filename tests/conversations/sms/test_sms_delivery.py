"""문자 보내기 with a UMS on the other end: a housing officer sends and schedules while the dispatcher runs beside
the bot, the fake UMS accepts and pushes signed delivery reports to ``POST /ums/reports``, and the results
screens follow each message from accepted to delivered or failed; a message is never called delivered
before its report, never sent twice, and cannot be cancelled once it went out."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.admin.app import AdminServer, build_admin_app
from bot.app import Runtime, attach_report_inbox, build_runtime
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.settings import Settings
from bot.ums import reports as ums_reports
from bot.ums.dispatcher import Dispatcher
from bot.ums.fake import FakeUms
from core.clock import FixedClock
from core.services import Services
from core.sms.values import StateCounts
from core.values import StaffMember
from storage.uow import UnitOfWorkFactory
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import RunningBot, shown
from tests.waiting import POLL, eventually

SENDER_TG = 3101
SECRET = "shared-with-the-fake-ums"
HOST = "127.0.0.1"
# Conditions are polled, never slept on: a short pause between looks, and a deadline far beyond what a
# healthy run needs (a round trip through the dispatcher, the fake and the receiver takes milliseconds).
# 김대표2's handset is unreachable at the fake UMS (representatives are on 010-1234-5000, -5001, -5002).
UNREACHABLE = "01012345001"
FAKE_REASON = "단말기 전원 꺼짐"
# Past the dispatcher's pause before a fourth try (40 s) and well within the overdue alert's 15 minutes.
RETRY_DUE = timedelta(minutes=1)


class CountingDispatcher(Dispatcher):
    """The background dispatcher of ``dongne run``, counting its rounds so that a test can wait until it has
    looked at the outbox again (to show that it did not send something) instead of sleeping."""

    rounds = 0

    async def tick(self) -> int:
        claimed = await super().tick()
        self.rounds += 1
        return claimed

    async def look_again(self, rounds: int = 2) -> None:
        target = self.rounds + rounds
        await eventually(lambda: self.rounds >= target, "the dispatcher's next rounds")


@pytest.fixture
async def ums() -> AsyncIterator[FakeUms]:
    fake = FakeUms(secret=SECRET.encode())
    fake.faults.failed_numbers.add(UNREACHABLE)
    await fake.start(HOST)
    yield fake
    await fake.stop()


@pytest.fixture
async def runtime(database_url: str, clock: FixedClock, ums: FakeUms) -> AsyncIterator[Runtime]:
    """The conversation tests' runtime, configured for the fake UMS as an office configures its real one."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        persistence_interval=0.2,
        ums_url=ums.url,
        ums_secret=SecretStr(SECRET),
        ums_messages_per_second=0,
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()


@pytest.fixture
async def reports_arrive(runtime: Runtime, ums: FakeUms) -> AsyncIterator[asyncio.Event]:
    """The admin endpoint's report receiver on a loopback port, where the fake UMS pushes its signed reports.
    Clearing the event holds the pushes at the door (the fake keeps waiting for its answer), so a test can read
    the screens while the UMS has accepted the messages and not yet reported on them; setting it lets them in."""
    door = asyncio.Event()
    door.set()
    receive = ums_reports.receive_reports

    async def held(request: web.Request) -> web.StreamResponse:
        await door.wait()
        return await receive.handler(request)

    app = build_admin_app(runtime.services, runtime.engine, routes=[dataclasses.replace(receive, handler=held)])
    attach_report_inbox(app, runtime)
    server = AdminServer(app, HOST, 0)
    await server.start()
    ums.report_url = f"http://{HOST}:{server.port}{receive.path}"
    yield door
    door.set()
    await server.stop()


@pytest.fixture
async def dispatcher(
    bot: RunningBot, runtime: Runtime, reports_arrive: asyncio.Event
) -> AsyncIterator[CountingDispatcher]:
    """Started beside the bot as ``dongne run`` does, with short pauses so that tests run fast."""
    assert runtime.sms_dispatch is not None
    running = CountingDispatcher(
        runtime.sms_dispatch, messages_per_second=0, idle_seconds=POLL, housekeeping_seconds=0.5
    )
    running.start()
    yield running
    await running.stop()


@pytest.fixture
async def sender_staff(bot: RunningBot, services: Services, uow_factory: UnitOfWorkFactory) -> StaffMember:
    """공동주택과's officer with sms.send; one complex whose manager and three representatives have mobiles."""
    await make_complex(uow_factory, with_office=True, representatives=3)
    return await make_staff(
        services, saeol_id="sms01", name="문자담당", roles=("housing.read", "sms.send"), telegram_id=SENDER_TG
    )


@pytest.fixture
async def sender(sender_staff: StaffMember, dispatcher: CountingDispatcher, emulator: BotApiEmulator) -> EmulatedUser:
    chat = emulator.user(SENDER_TG, first_name="문자")
    await chat.send("/start")
    return chat


def counts(total: int, *, sent: int = 0, delivered: int = 0, failed: int = 0, pending: int = 0, **extra: int) -> str:
    """전송결과's counts line as the chat shows it; ``extra`` are the columns shown only when not zero."""
    line = shown("ko", "sms.counts", total=total, sent=sent, delivered=delivered, failed=failed, pending=pending)
    return " · ".join([line, *(shown("ko", f"sms.counts_extra.{name}", count=n) for name, n in extra.items())])


async def batch_counts(services: Services, staff: StaffMember, batch_id: int = 1) -> StateCounts:
    view = await services.sms.batch(staff, batch_id)
    return view.counts


async def submitted(services: Services, staff: StaffMember, count: int) -> bool:
    return (await batch_counts(services, staff)).submitted == count


async def delivered(services: Services, staff: StaffMember, count: int) -> bool:
    return (await batch_counts(services, staff)).delivered == count


async def attempted(services: Services, staff: StaffMember, attempts: int) -> bool:
    page = await services.sms.recipients(staff, 1)
    return all(m.attempts >= attempts and m.state.value == "queued" for m in page.items) and bool(page.items)


async def compose(chat: EmulatedUser, kind: str, text: str) -> None:
    """/sms up to the preview: every ``kind`` in every complex (all positions, for representatives)."""
    await chat.send("/sms")
    await chat.press(kind)
    await chat.press("전체 단지")
    if kind == "👥 입주자대표":
        await chat.press("전체 직위")
    preview = (await chat.send(text))[-1]
    assert shown("ko", "sms.ums_not_configured_yet") not in preview.text  # a UMS is configured


async def schedule_at_ten_past_ten(chat: EmulatedUser) -> None:
    """From the preview: 🕘 예약 발송 for today 10:10, ten minutes after the test clock's 10:00, and confirm."""
    await chat.press("🕘 예약 발송")
    await chat.press("11/25(수) 오늘")
    await chat.press("10시")
    confirm = (await chat.press("10:10"))[-1]
    assert "예약 발송: 2026-11-25 10:10" in confirm.text
    done = (await chat.press("✅ 보내기"))[-1]
    assert done.text.startswith("🕘 문자 #1을 2026-11-25 10:10에 1명에게")


async def test_a_message_sent_now_is_accepted_then_reported_delivered_or_failed_with_the_reason(
    sender: EmulatedUser, sender_staff: StaffMember, services: Services, ums: FakeUms, reports_arrive: asyncio.Event
) -> None:
    reports_arrive.clear()  # the UMS accepts at once; its reports wait at the door for now
    await compose(sender, "👥 입주자대표", "{이름}님, 입주자대표회의 안내드립니다.")
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    assert confirm.text.endswith(shown("ko", "sms.confirm.ask"))
    done = (await sender.press("✅ 보내기"))[-1]
    assert done.text == shown("ko", "sms.new.sent", id=1, count=3)

    await eventually(lambda: len(ums.sent) == 3, "the fake UMS to accept three messages")
    await eventually(lambda: submitted(services, sender_staff, 3), "the acceptances to be recorded")
    accepted = (await sender.send("/sms_results"))[-1]
    assert accepted.text.startswith(shown("ko", "sms.results.head", total=1))
    assert counts(3, sent=3, submitted=3) in accepted.text  # accepted is sent, and not delivered
    detail = (await sender.press("#1 상세"))[-1]
    assert detail.text.count(" — " + shown("ko", "sms.state.submitted")) == 3
    assert not any(f" — {shown('ko', f'sms.state.{state}')}" in detail.text for state in ("delivered", "failed"))

    reports_arrive.set()
    await eventually(lambda: ums.pushed_ok == 3, "three signed reports to be acknowledged")
    refreshed = (await sender.press("🔄 새로고침"))[-1]
    assert counts(3, sent=3, delivered=2, failed=1) in refreshed.text
    assert "1. 김대표1 (성동삼성쉐르빌(주상복합)) 010-****-5000 — 전달 완료" in refreshed.text
    assert f"2. 김대표2 (성동삼성쉐르빌(주상복합)) 010-****-5001 — 실패\n   사유: {FAKE_REASON}" in refreshed.text
    assert "3. 김대표3 (성동삼성쉐르빌(주상복합)) 010-****-5002 — 전달 완료" in refreshed.text
    failures = (await sender.press("❗ 실패만 보기 (1)"))[-1]
    assert shown("ko", "sms.detail.failed_only") in failures.text
    assert f"1. 김대표2 (성동삼성쉐르빌(주상복합)) 010-****-5001 — 실패\n   사유: {FAKE_REASON}" in failures.text
    assert "김대표1" not in failures.text and "김대표3" not in failures.text
    everyone = (await sender.press("📋 전체 보기"))[-1]
    assert "1. 김대표1" in everyone.text and "3. 김대표3" in everyone.text
    listed = (await sender.send("/sms_results"))[-1]
    assert counts(3, sent=3, delivered=2, failed=1) in listed.text
    assert shown("ko", "sms.ums_not_configured") not in listed.text
    assert sorted(ums.sent.values()) == [1, 1, 1]
    assert sorted(ums.texts.values())[0] == "김대표1님, 입주자대표회의 안내드립니다."


async def test_a_scheduled_message_waits_for_its_time_then_goes_out_once(
    sender: EmulatedUser,
    sender_staff: StaffMember,
    services: Services,
    ums: FakeUms,
    dispatcher: CountingDispatcher,
    clock: FixedClock,
) -> None:
    await compose(sender, "🏢 관리소장", "내일 점검이 있습니다.")
    await schedule_at_ten_past_ten(sender)
    await dispatcher.look_again()
    assert not ums.submissions  # not yet due
    waiting = (await sender.send("/sms_results"))[-1]
    assert counts(1, pending=1) in waiting.text and "🕘 예약 2026-11-25 10:10" in waiting.text

    clock.advance(timedelta(minutes=11))  # 10:11: due
    await eventually(lambda: delivered(services, sender_staff, 1), "the scheduled message to be delivered")
    await dispatcher.look_again()
    results = (await sender.send("/sms_results"))[-1]
    assert counts(1, sent=1, delivered=1) in results.text
    (key,) = ums.sent
    assert ums.sent[key] == 1 and ums.submissions[key] == 1
    assert ums.texts[key] == "내일 점검이 있습니다."


async def test_a_message_cancelled_while_scheduled_never_reaches_the_ums(
    sender: EmulatedUser, ums: FakeUms, dispatcher: CountingDispatcher, clock: FixedClock
) -> None:
    await compose(sender, "🏢 관리소장", "내일 점검이 있습니다.")
    await schedule_at_ten_past_ten(sender)
    listed = (await sender.press("🕘 전송예약 조회", message=(await sender.send("/sms_results"))[-1]))[-1]
    await sender.press("✖ #1 예약 취소", message=listed)
    cancelled = await sender.press("✅ 예, 취소합니다")
    assert cancelled[0].text == shown("ko", "sms.results.cancelled", id=1)

    clock.advance(timedelta(minutes=11))  # past the time it would have gone out
    await dispatcher.look_again()
    assert not ums.submissions
    results = (await sender.send("/sms_results"))[-1]
    assert counts(1, cancelled=1) in results.text


async def test_cancelling_is_refused_with_the_reason_once_the_message_went_out(
    sender: EmulatedUser, sender_staff: StaffMember, services: Services, ums: FakeUms, clock: FixedClock
) -> None:
    await compose(sender, "🏢 관리소장", "내일 점검이 있습니다.")
    await schedule_at_ten_past_ten(sender)
    # Two screens left open from before it went out: the cancel question, and the list with its cancel button.
    first = (await sender.press("🕘 전송예약 조회", message=(await sender.send("/sms_results"))[-1]))[-1]
    ask = (await sender.press("✖ #1 예약 취소", message=first))[-1]
    assert ask.text == shown("ko", "sms.results.cancel_ask", id=1, count=1, at="2026-11-25 10:10")
    stale_list = (await sender.press("🕘 전송예약 조회", message=(await sender.send("/sms_results"))[-1]))[-1]
    assert stale_list.has_button("✖ #1 예약 취소")

    clock.advance(timedelta(minutes=11))
    await eventually(lambda: delivered(services, sender_staff, 1), "the scheduled message to go out")

    refused = await sender.press("✅ 예, 취소합니다", message=ask)
    assert refused[0].text == shown("ko", "error.sms_already_sent")
    assert counts(1, sent=1, delivered=1) in refused[-1].text and not refused[-1].has_button("✖ 예약 취소")
    again = await sender.press("✖ #1 예약 취소", message=stale_list)
    assert again[0].text == shown("ko", "sms.results.not_cancellable", id=1)
    assert counts(1, sent=1, delivered=1) in again[-1].text

    batch = await services.sms.batch(sender_staff, 1)
    assert batch.cancelled_at is None and batch.counts == StateCounts(delivered=1)
    assert list(ums.sent.values()) == [1]


async def test_an_outage_of_the_ums_delays_messages_and_doubles_none(
    sender: EmulatedUser,
    sender_staff: StaffMember,
    services: Services,
    ums: FakeUms,
    dispatcher: CountingDispatcher,
    clock: FixedClock,
) -> None:
    ums.faults.down = True
    await compose(sender, "👥 입주자대표", "{이름}님, 입주자대표회의 안내드립니다.")
    await sender.press("📤 지금 보내기")
    await sender.press("✅ 보내기")
    for attempt in (1, 2, 3):  # down for a while: each retry comes due, is tried and is refused
        if attempt > 1:
            clock.advance(RETRY_DUE)
        await eventually(functools.partial(attempted, services, sender_staff, attempt), f"attempt {attempt}")
        await dispatcher.look_again()  # the refusal is recorded: the retry waits for the clock
    pending = (await sender.send("/sms_results"))[-1]
    assert counts(3, pending=3) in pending.text
    detail = (await sender.press("#1 상세"))[-1]
    assert detail.text.count(" — " + shown("ko", "sms.state.queued")) == 3
    assert not ums.sent

    ums.faults.down = False
    clock.advance(RETRY_DUE)
    await eventually(lambda: ums.pushed_ok == 3, "the three reports after the UMS is back")
    refreshed = (await sender.press("🔄 새로고침"))[-1]
    assert counts(3, sent=3, delivered=2, failed=1) in refreshed.text
    await dispatcher.look_again()
    assert sorted(ums.sent.values()) == [1, 1, 1] and sorted(ums.submissions.values()) == [1, 1, 1]
    final = await batch_counts(services, sender_staff)
    assert (final.delivered, final.failed, final.pending, final.submitted) == (2, 1, 0, 0)


async def test_an_lms_reaches_the_ums_with_its_subject_and_an_sms_without_one(
    sender: EmulatedUser, sender_staff: StaffMember, ums: FakeUms
) -> None:
    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    asked = (
        await sender.send("관리비 점검 안내\n" + "다음 주 화요일 오전 10시에 관리비 부과 내역을 함께 점검합니다. " * 2)
    )[-1]
    assert shown("ko", "sms.subject.default", subject="관리비 점검 안내") in asked.text
    await sender.press("👍 기본 제목으로 하기")
    await sender.press("📤 지금 보내기")
    await sender.press("✅ 보내기")
    await eventually(lambda: len(ums.sent) == 1, "the fake UMS to accept the LMS")
    [received] = ums.received.values()
    assert received["type"] == "lms" and received["subject"] == "관리비 점검 안내"

    await sender.send("/sms")
    await sender.press("🏢 관리소장")
    await sender.press("전체 단지")
    await sender.send("짧은 안내")
    await sender.press("📤 지금 보내기")
    await sender.press("✅ 보내기")
    await eventually(lambda: len(ums.sent) == 2, "the fake UMS to accept the SMS")
    short = next(m for m in ums.received.values() if m["type"] == "sms")
    assert "subject" not in short
