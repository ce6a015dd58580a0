"""Delivery reports pushed to POST /ums/reports: signed ones applied once; unsigned, forged, stale and
replayed ones refused."""

import asyncio
import contextlib
import io
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.admin.app import build_admin_app
from bot.ums.client import UmsGateway
from bot.ums.fake import FakeUms
from bot.ums.reports import INBOX, MAX_REPORT_BYTES, ROUTES, ReportInbox
from bot.ums.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signed_headers
from core.sms.dispatch import REPORT_MEMORY, DispatchSettings, SmsDispatch
from core.sms.gateway import UnconfiguredGateway
from core.sms.values import RecipientSelection
from storage.sms.reports import SmsReportRepository
from tests.builders import make_complex, make_staff

SECRET = b"shared-with-the-ums-operator"


@pytest.fixture
async def receiver(services, engine, uow_factory, clock):
    dispatch = SmsDispatch(uow_factory, clock, None, DispatchSettings())  # type: ignore[arg-type]
    app = build_admin_app(services, engine, routes=ROUTES)
    app[INBOX] = ReportInbox(dispatch, SECRET)
    async with TestClient(TestServer(app)) as client:
        yield client


async def queued(services, uow_factory, people=1):
    """A batch to the representatives of one complex, waiting for the dispatcher."""
    await make_complex(uow_factory, representatives=people)
    actor = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    batch = await services.sms.send(actor, RecipientSelection("representatives"), "안내")
    return actor, batch


@contextlib.asynccontextmanager
async def dispatch_to_fake(uow_factory, clock):
    """A dispatch submitting to a fake UMS that keeps its reports (none pushed)."""
    fake = FakeUms()
    await fake.start()
    gateway = UmsGateway(fake.url, secret=None, timeout=2)
    try:
        yield fake, SmsDispatch(uow_factory, clock, gateway, DispatchSettings())
    finally:
        await gateway.close()
        await fake.stop()


async def accepted_message(services, uow_factory, clock) -> tuple[Any, Any, str]:
    """One message the UMS has accepted, with the report the UMS would send for it."""
    actor, batch = await queued(services, uow_factory)
    async with dispatch_to_fake(uow_factory, clock) as (fake, dispatch):
        await dispatch.dispatch_once()
    return actor, batch, json.dumps({"reports": fake.reports})


async def post(client: TestClient, body: str, headers: dict[str, str]):
    return await client.post(
        "/ums/reports", data=body.encode(), headers={"Content-Type": "application/json", **headers}
    )


async def test_a_signed_report_is_applied_once_and_a_replay_refused(receiver, services, uow_factory, clock):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    headers = signed_headers(SECRET, body.encode())
    first = await post(receiver, body, headers)
    assert first.status == 200 and (await first.json())["applied"] == 1
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 1
    replay = await post(receiver, body, headers)
    assert replay.status == 409
    again = await post(receiver, body, signed_headers(SECRET, body.encode(), now=time.time() + 1))
    assert again.status == 200 and (await again.json())["applied"] == 0  # a repeated report, applied once


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TIMESTAMP_HEADER: str(int(time.time())), SIGNATURE_HEADER: "0" * 64},
        signed_headers(b"not the secret", b"{}"),
    ],
    ids=["unsigned", "forged", "wrong secret"],
)
async def test_unsigned_and_forged_reports_are_refused(receiver, services, uow_factory, clock, headers):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    response = await post(receiver, body, headers)
    assert response.status == 401
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 0


async def test_a_stale_report_is_refused(receiver, services, uow_factory, clock):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    response = await post(receiver, body, signed_headers(SECRET, body.encode(), now=time.time() - 600))
    assert response.status == 401
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 0


async def test_a_tampered_body_is_refused(receiver, services, uow_factory, clock):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    headers = signed_headers(SECRET, body.encode())
    response = await post(receiver, body.replace("delivered", "failed"), headers)
    assert response.status == 401
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 0


async def test_the_fake_ums_pushes_signed_reports_that_settle_messages(services, engine, uow_factory, clock):
    actor, batch = await queued(services, uow_factory, people=3)
    app = build_admin_app(services, engine, routes=ROUTES)
    fake = FakeUms(secret=SECRET)
    gateway = UmsGateway("http://placeholder", secret=SECRET, timeout=2)
    dispatch = SmsDispatch(uow_factory, clock, gateway, DispatchSettings())
    app[INBOX] = ReportInbox(dispatch, SECRET)
    async with TestClient(TestServer(app)) as client:
        fake.report_url = str(client.make_url("/ums/reports"))
        await fake.start()
        gateway._url = fake.url
        try:
            await dispatch.dispatch_once()
            for _ in range(50):
                if fake.pushed_ok == 3:
                    break
                await asyncio.sleep(0.05)
        finally:
            await gateway.close()
            await fake.stop()
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 3


async def trickle(body: bytes, chunk: int = 32 * 1024):
    """The body in pieces with pauses between them, as a slow link delivers it (chunked, no length)."""
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]
        await asyncio.sleep(0.001)


@pytest.mark.parametrize("size", [160 * 1024, 480 * 1024, MAX_REPORT_BYTES - 1024])
async def test_a_large_signed_report_arriving_slowly_is_read_whole(receiver, services, uow_factory, clock, size):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    padded = (body[:-1] + " " * (size - len(body.encode())) + body[-1]).encode()  # JSON allows the whitespace
    headers = {"Content-Type": "application/json", **signed_headers(SECRET, padded)}
    response = await receiver.post("/ums/reports", data=trickle(padded), headers=headers)
    assert response.status == 200 and (await response.json())["applied"] == 1
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 1


@pytest.mark.parametrize("chunked", [True, False], ids=["streamed", "with length"])
async def test_a_report_body_over_the_limit_is_refused_as_too_large(receiver, services, uow_factory, clock, chunked):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    padded = (body[:-1] + " " * (1400 * 1024) + body[-1]).encode()
    headers = {"Content-Type": "application/json", **signed_headers(SECRET, padded)}
    response = await receiver.post(
        "/ums/reports", data=trickle(padded) if chunked else io.BytesIO(padded), headers=headers
    )
    assert response.status == 413
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 0


async def test_a_push_that_failed_while_being_applied_is_applied_when_retried(
    receiver, services, uow_factory, clock, monkeypatch
):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    apply = SmsReportRepository.apply_report

    async def crash_once(self, report, now):
        monkeypatch.setattr(SmsReportRepository, "apply_report", apply)
        raise ConnectionResetError("the database went away after the request was recorded")

    monkeypatch.setattr(SmsReportRepository, "apply_report", crash_once)
    headers = signed_headers(SECRET, body.encode())
    failed = await post(receiver, body, headers)
    assert failed.status == 500
    retry = await post(receiver, body, headers)  # the very same request: the UMS retries until 200 or 409
    assert retry.status == 200 and (await retry.json())["applied"] == 1
    assert (await services.sms.batch(actor, batch.id)).counts.delivered == 1


async def test_a_report_that_arrives_before_the_accept_is_recorded_settles_the_message_then(
    receiver, services, uow_factory, clock
):
    actor, batch = await queued(services, uow_factory, people=5)
    async with dispatch_to_fake(uow_factory, clock) as (fake, dispatch):
        fake.faults.lose_answer_next = 1
        await dispatch.dispatch_once()  # the UMS took all five; Dongne never heard so
        only_ids = [{k: v for k, v in r.items() if k != "idempotency_key"} for r in fake.reports]
        body = json.dumps({"reports": only_ids})
        early = await post(receiver, body, signed_headers(SECRET, body.encode()))
        assert early.status == 200 and await early.json() == {"received": 5, "applied": 0}
        assert (await services.sms.batch(actor, batch.id)).counts.delivered == 0
        clock.advance(timedelta(minutes=1))
        await dispatch.dispatch_once()  # resubmitted: the UMS names the same message ids
    counts = (await services.sms.batch(actor, batch.id)).counts
    assert counts.delivered == 5 and counts.submitted == 0
    async with uow_factory() as uow:
        assert await uow.sms_reports.count_kept_reports() == 0


async def test_a_kept_report_whose_message_never_comes_is_forgotten_with_the_report_ids(
    receiver, services, uow_factory, clock
):
    body = json.dumps({"reports": [{"report_id": "r-1", "message_id": "ums-unknown", "status": "delivered"}]})
    response = await post(receiver, body, signed_headers(SECRET, body.encode()))
    assert response.status == 200
    dispatch = SmsDispatch(uow_factory, clock, UnconfiguredGateway(), DispatchSettings())
    clock.advance(REPORT_MEMORY - timedelta(minutes=1))
    await dispatch.housekeeping()
    async with uow_factory() as uow:
        assert await uow.sms_reports.count_kept_reports() == 1
    clock.advance(timedelta(minutes=2))
    await dispatch.housekeeping()
    async with uow_factory() as uow:
        assert await uow.sms_reports.count_kept_reports() == 0


@pytest.mark.parametrize("reason", ["전원\x00꺼짐", "전원\ud800꺼짐"])
async def test_a_signed_report_carrying_a_control_character_is_refused_as_malformed(
    receiver, services, uow_factory, clock, reason
):
    actor, batch, body = await accepted_message(services, uow_factory, clock)
    reports = json.loads(body)["reports"]
    for report in reports:
        report.update(status="failed", reason=reason)
    tainted = json.dumps({"reports": reports})  # ensure_ascii: NUL and the surrogate travel as \u escapes
    answer = await post(receiver, tainted, signed_headers(SECRET, tainted.encode()))
    assert answer.status == 400 and (await answer.json())["error"].startswith("malformed")
    # Nothing was applied, and the honest report that follows still is.
    assert (await services.sms.batch(actor, batch.id)).counts.failed == 0
    clean = await post(receiver, body, signed_headers(SECRET, body.encode()))
    assert clean.status == 200 and (await clean.json())["applied"] == 1
