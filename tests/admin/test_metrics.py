"""``/metrics`` as the office's Prometheus reads it: every family from this machine; from anywhere else only
with the token, a wrong token or none refused with a bare status; a request relayed from the internet by a
proxy on this machine is not mistaken for this machine. What waits in the outboxes is read at each scrape."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.admin.app import build_admin_app
from bot.admin.health import BOT_ROLE
from bot.app import Runtime
from core.sms.values import RecipientSelection
from tests.builders import make_case, make_complex, make_coordinator, make_executor, make_staff
from tests.scraping import scraped, value

TOKEN = "f3c1a9d27e5b48c6a0d4e8b2c7f1a3d5"
INTERNET = "203.0.113.9"
LOOPBACK_PROXY = (ip_network("127.0.0.0/8"), ip_network("::1/128"))

Serve = Callable[..., Any]


@pytest.fixture
async def serve(runtime: Runtime) -> AsyncIterator[Serve]:
    """The endpoint over the test's runtime, built as ``build_admin_app`` is told; each is closed at the end."""
    clients: list[TestClient[Any, Any]] = []

    async def start(**options: Any) -> TestClient[Any, Any]:
        role = options.pop("bot_role", None)
        app = build_admin_app(runtime.services, runtime.engine, process_metrics=runtime.metrics, **options)
        app[BOT_ROLE] = role
        client: TestClient[Any, Any] = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


async def test_this_machine_reads_every_family(serve):
    client = await serve()
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert "Set-Cookie" not in response.headers
    families = {family.name for family in text_string_to_metric_families(await response.text())}
    assert families >= {
        "dongne_updates_handled",
        "dongne_update_duration_seconds",
        "dongne_update_errors",
        "dongne_notification_outbox_depth",
        "dongne_notification_outbox_oldest_age_seconds",
        "dongne_sms_outbox_depth",
        "dongne_sms_outbox_oldest_due_age_seconds",
        "dongne_sms_messages",
        "dongne_db_pool_size",
        "dongne_db_pool_max_overflow",
        "dongne_db_pool_checked_out",
        "dongne_db_pool_overflow",
        "dongne_build_info",
        "dongne_metrics_database_up",
        "process_start_time_seconds",
    }
    samples = scraped(await response.text())
    assert value(samples, "dongne_metrics_database_up") == 1
    assert value(samples, "dongne_notification_outbox_depth") == 0
    assert value(samples, "dongne_db_pool_size") >= 1
    (build,) = samples["dongne_build_info"]
    assert dict(build)["version"] not in ("", "unknown")  # the installed package's own version
    # Without a bot (the endpoint alone) there is no role, and without a backup job no backup time.
    assert "dongne_bot_role" not in samples and "dongne_last_backup_timestamp_seconds" not in samples


async def test_a_client_relayed_from_the_internet_is_refused_with_a_bare_403(serve):
    client = await serve(trusted_proxies=LOOPBACK_PROXY)
    response = await client.get("/metrics", headers={"X-Forwarded-For": INTERNET})
    assert response.status == 403
    assert await response.text() == "" and "Set-Cookie" not in response.headers
    # The internet client cannot pass for this machine by naming loopback itself: the proxy appends the truth.
    spoofed = await client.get("/metrics", headers={"X-Forwarded-For": f"127.0.0.1, {INTERNET}"})
    assert spoofed.status == 403
    # Nor when what the proxy appended is not an address: the client is then unknown.
    garbled = await client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1, unknown"})
    assert garbled.status == 403


async def test_this_machine_through_its_own_proxy_is_still_this_machine(serve):
    client = await serve(trusted_proxies=LOOPBACK_PROXY)
    assert (await client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})).status == 200
    # A proxy that says nothing of its client leaves the client unknown.
    assert (await client.get("/metrics")).status == 403


async def test_a_proxy_nobody_declared_makes_its_requests_strangers(serve):
    """A proxy on this machine that is not in DONGNE_ADMIN_TRUSTED_PROXIES still says it relays."""
    client = await serve()
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        response = await client.get("/metrics", headers={header: INTERNET if header != "Forwarded" else "for=1.2.3.4"})
        assert response.status == 403, header


async def test_with_a_token_a_remote_prometheus_reads_and_anyone_else_is_refused(serve):
    client = await serve(trusted_proxies=LOOPBACK_PROXY, metrics_token=TOKEN)
    remote = {"X-Forwarded-For": INTERNET}
    allowed = await client.get("/metrics", headers={**remote, "Authorization": f"Bearer {TOKEN}"})
    assert allowed.status == 200 and "dongne_sms_outbox_depth" in await allowed.text()
    wrong = await client.get("/metrics", headers={**remote, "Authorization": f"Bearer {TOKEN[:-1]}0"})
    assert wrong.status == 403 and await wrong.text() == ""
    missing = await client.get("/metrics", headers=remote)
    assert missing.status == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert await missing.text() == ""
    # A wrong token is refused from this machine too: whoever sent it is misconfigured.
    assert (await client.get("/metrics", headers={"Authorization": "Bearer nope"})).status == 403
    assert (await client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})).status == 200


async def test_a_token_is_no_use_when_none_is_set(serve):
    client = await serve(trusted_proxies=LOOPBACK_PROXY)
    response = await client.get("/metrics", headers={"X-Forwarded-For": INTERNET, "Authorization": "Bearer "})
    assert response.status == 403
    guessed = await client.get("/metrics", headers={"X-Forwarded-For": INTERNET, "Authorization": f"Bearer {TOKEN}"})
    assert guessed.status == 403


async def test_the_outboxes_show_what_waits_and_for_how_long(serve, services, uow_factory, clock):
    await make_complex(uow_factory, representatives=3)
    sender = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    await services.sms.send(sender, RecipientSelection("representatives"), "{이름}님, 회의에 참석해 주십시오.")
    await services.sms.send(
        sender, RecipientSelection("representatives"), "내일 안내입니다.", clock.now() + timedelta(days=1)
    )
    coordinator = await make_coordinator(services, telegram_id=3001)
    officer = await make_executor(services, telegram_id=3002)
    await make_case(services, coordinator, officer)  # the officer is told of the new case
    clock.advance(timedelta(minutes=5))

    client = await serve()
    samples = scraped(await (await client.get("/metrics")).text())
    assert value(samples, "dongne_notification_outbox_depth") == 1
    assert value(samples, "dongne_notification_outbox_oldest_age_seconds") == 300
    assert value(samples, "dongne_sms_outbox_depth") == 3  # tomorrow's three are not due yet
    assert value(samples, "dongne_sms_outbox_oldest_due_age_seconds") == 300
    assert value(samples, "dongne_sms_messages", state="queued") == 3
    assert value(samples, "dongne_sms_messages", state="scheduled") == 3
    assert value(samples, "dongne_sms_messages", state="delivered") == 0  # every state, even with none in it


async def test_an_unreadable_database_still_answers_and_says_so(serve, services, monkeypatch):
    async def unreachable(actor):
        raise ConnectionRefusedError("the database went away")

    monkeypatch.setattr(services.monitoring, "outbox_backlog", unreachable)
    client = await serve()
    response = await client.get("/metrics")
    assert response.status == 200
    samples = scraped(await response.text())
    assert value(samples, "dongne_metrics_database_up") == 0
    assert "dongne_sms_outbox_depth" not in samples and "dongne_updates_handled_total" not in samples


async def test_the_role_and_the_last_backup_when_the_process_has_them(serve):
    finished = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    client = await serve(bot_role=lambda: "standby", bot_running=lambda: False, last_backup=lambda: finished)
    samples = scraped(await (await client.get("/metrics")).text())
    assert value(samples, "dongne_bot_role", role="standby") == 1
    assert value(samples, "dongne_bot_role", role="active") == 0
    assert value(samples, "dongne_bot_running") == 0
    assert value(samples, "dongne_last_backup_timestamp_seconds") == finished.timestamp()

    never = await serve(bot_role=lambda: "active", bot_running=lambda: True, last_backup=lambda: None)
    samples = scraped(await (await never.get("/metrics")).text())
    assert value(samples, "dongne_bot_role", role="active") == 1 and value(samples, "dongne_bot_running") == 1
    assert "dongne_last_backup_timestamp_seconds" not in samples  # absent, so "no backup in 26 h" fires


async def test_two_endpoints_in_one_process_keep_their_own_registries(runtime):
    """Tests, and two apps in one process, never collide in prometheus-client's global registry."""
    first = build_admin_app(runtime.services, runtime.engine)
    second = build_admin_app(runtime.services, runtime.engine)
    for app in (first, second):
        async with TestClient(TestServer(app)) as client:
            assert (await client.get("/metrics")).status == 200
