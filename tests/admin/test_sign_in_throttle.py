"""Guessing passwords is slowed down per account and client address, with growing waits: a burst of guesses
sent at once is counted before any password is checked, another address is not locked out, and a
forwarded address is believed only from a configured proxy."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from ipaddress import ip_network
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import serving
from bot.admin.app import build_admin_app
from bot.app import Runtime, build_runtime
from bot.settings import Settings
from core.staff import access
from core.staff.throttle import (
    FREE_FAILURES_PER_ACCOUNT,
    FREE_FAILURES_PER_ADDRESS,
    LONGEST_WAIT,
    SignInThrottled,
)
from core.texts.i18n import t_plain
from storage.audit.models import AuditEntry
from tests.admin.conftest import ADMIN_PASSWORD, CSRF, csrf_of, make_admin, sign_in
from tests.waiting import eventually

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.20"
BURST = 40


ClientFactory = Callable[..., Any]


@pytest.fixture
async def client_behind(runtime: Runtime) -> AsyncIterator[ClientFactory]:
    """Clients of an endpoint that trusts the given proxies, as ``DONGNE_ADMIN_TRUSTED_PROXIES`` sets."""
    clients: list[TestClient[Any, Any]] = []

    async def make(*proxies: str) -> TestClient[Any, Any]:
        app = build_admin_app(runtime.services, runtime.engine, trusted_proxies=tuple(ip_network(p) for p in proxies))
        client: TestClient[Any, Any] = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def sign_in_from(client: TestClient[Any, Any], forwarded_for: str, password: str = "wrong guess") -> Any:
    token = await csrf_of(client, "/sign-in")
    return await client.post(
        "/sign-in",
        data={"csrf": token, "username": "itadmin", "password": password},
        headers={"X-Forwarded-For": forwarded_for},
        allow_redirects=False,
    )


async def audited(uow_factory: Any, action: str) -> list[dict[str, Any]]:
    async with uow_factory() as uow:
        rows = await uow._session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return [dict(details or {}) for details in rows]


def throttled_text(lang: str, seconds: int) -> str:
    return t_plain(lang, "admin.error.sign_in_throttled", seconds=seconds)


async def test_a_burst_of_guesses_is_counted_before_any_password_is_checked(client, services, monkeypatch):
    """39 wrong guesses and then the right password, all in flight at once: the guesses use up the free
    attempts before the first password check ends, so the right password waits like any other attempt."""
    await make_admin(services)
    checks_begun: list[str] = []
    release = asyncio.Event()
    real_check = access.password_matches

    async def held_check(stored: str, password: str) -> bool:
        checks_begun.append(password)
        await release.wait()  # every attempt of the burst arrives while the first checks still run
        return await real_check(stored, password)

    monkeypatch.setattr(access, "password_matches", held_check)
    token = await csrf_of(client, "/sign-in")

    def attempt(password: str) -> asyncio.Task[Any]:
        form = {"csrf": token, "username": "itadmin", "password": password}
        return asyncio.create_task(client.post("/sign-in", data=form, allow_redirects=False))

    try:
        wrong = [attempt(f"wrong guess {n}") for n in range(BURST - 1)]
        await eventually(lambda: len(checks_begun) + sum(t.done() for t in wrong) == len(wrong), "the guesses")
        right = attempt(ADMIN_PASSWORD)
        await eventually(lambda: right.done() or ADMIN_PASSWORD in checks_begun, "the right password's answer")
    finally:
        release.set()
    answers = [(await task).status for task in [*wrong, right]]
    assert answers[-1] == 429  # the right password came when the burst had already used the free attempts
    assert answers.count(401) == FREE_FAILURES_PER_ACCOUNT and len(checks_begun) == FREE_FAILURES_PER_ACCOUNT
    assert answers.count(429) == BURST - FREE_FAILURES_PER_ACCOUNT


async def test_each_further_failure_doubles_the_wait_up_to_a_ceiling(client, services, clock, uow_factory):
    await make_admin(services)
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        assert (await sign_in(client, password="wrong password")).status == 401
    held = await sign_in(client)  # even the right password waits its turn
    assert held.status == 429 and held.headers["Retry-After"] == "1"
    assert throttled_text("ko", 1) in await held.text()
    clock.advance(timedelta(seconds=1))
    assert (await sign_in(client, password="wrong password")).status == 401
    clock.advance(timedelta(seconds=1))
    assert (await sign_in(client)).status == 429  # now two seconds
    clock.advance(timedelta(seconds=1))
    assert (await sign_in(client)).status == 302
    # The admin proved who they are: the next mistyped password is free again.
    client.session.cookie_jar.clear()
    assert (await sign_in(client, password="wrong password")).status == 401
    throttled = await audited(uow_factory, "admin.sign_in_throttled")
    assert throttled == [
        {"username": "itadmin", "address": "127.0.0.1", "wait_seconds": 1},
        {"username": "itadmin", "address": "127.0.0.1", "wait_seconds": 1},
    ]


async def test_the_wait_grows_no_longer_than_its_ceiling(services, clock):
    ceiling = int(LONGEST_WAIT.total_seconds())
    waits: list[int] = []
    while len(waits) < 2 or waits[-2] != ceiling:
        try:
            await services.admin_access.sign_in("itadmin", "wrong password", OFFICE)
        except SignInThrottled as throttled:
            waits.append(throttled.seconds)
            clock.advance(timedelta(seconds=throttled.seconds))
        except access.SignInRefused:
            pass
    assert waits == [min(2**n, ceiling) for n in range(len(waits))]


async def test_an_english_admin_is_told_the_wait_in_english(client, services):
    await make_admin(services)
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        await sign_in(client, password="wrong password")
    token = await csrf_of(client, "/sign-in?lang=en")
    held = await client.post(
        "/sign-in?lang=en", data={"csrf": token, "username": "itadmin", "password": ADMIN_PASSWORD}
    )
    assert held.status == 429 and throttled_text("en", 1) in await held.text()


async def test_a_wait_of_a_minute_or_more_is_told_in_minutes(client, services, clock):
    await make_admin(services)
    wait = 0
    while wait < 60:
        try:
            await services.admin_access.sign_in("itadmin", "wrong password", "127.0.0.1")
        except SignInThrottled as throttled:
            wait = throttled.seconds
            if wait < 60:
                clock.advance(timedelta(seconds=wait))
        except access.SignInRefused:
            pass
    held = await sign_in(client)
    assert held.status == 429 and held.headers["Retry-After"] == str(wait)
    assert t_plain("ko", "admin.error.sign_in_throttled_minutes", minutes=math.ceil(wait / 60)) in await held.text()


async def test_guesses_from_another_address_do_not_lock_the_admin_out(client_behind, services):
    await make_admin(services)
    client = await client_behind("127.0.0.1")
    for _ in range(FREE_FAILURES_PER_ACCOUNT):
        assert (await sign_in_from(client, ATTACKER)).status == 401
    assert (await sign_in_from(client, ATTACKER)).status == 429
    assert (await sign_in_from(client, OFFICE, ADMIN_PASSWORD)).status == 302


async def test_one_address_cannot_try_many_accounts(services, uow_factory):
    await make_admin(services)
    for n in range(FREE_FAILURES_PER_ADDRESS):
        with pytest.raises(access.SignInRefused):
            await services.admin_access.sign_in(f"guess{n}", "wrong password", ATTACKER)
    with pytest.raises(SignInThrottled):
        await services.admin_access.sign_in("itadmin", ADMIN_PASSWORD, ATTACKER)
    assert (await services.admin_access.sign_in("itadmin", ADMIN_PASSWORD, OFFICE)).staff.saeol_id == "itadmin"


async def test_a_forwarded_address_is_believed_from_a_configured_proxy(client_behind, services, uow_factory):
    await make_admin(services)
    client = await client_behind("127.0.0.1", "10.0.0.0/8")
    # What the client wrote itself is on the left; the proxies append the address they saw.
    await sign_in_from(client, f"192.0.2.1, {ATTACKER}, 10.1.2.3")
    assert (await audited(uow_factory, "admin.sign_in_failed"))[-1]["address"] == ATTACKER


async def test_a_forwarded_address_from_anyone_else_is_ignored(client_behind, services, uow_factory):
    await make_admin(services)
    client = await client_behind("10.0.0.5")  # a proxy elsewhere: the test client is not it
    for n in range(FREE_FAILURES_PER_ACCOUNT):
        assert (await sign_in_from(client, f"192.0.2.{n}")).status == 401
    # A new made-up address per guess changes nothing: the guesses all came from the test client.
    assert (await sign_in_from(client, "192.0.2.200", ADMIN_PASSWORD)).status == 429
    addresses = {entry["address"] for entry in await audited(uow_factory, "admin.sign_in_failed")}
    assert addresses == {"127.0.0.1"}


async def test_the_proxies_of_the_settings_are_the_ones_served(database_url, clock):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, admin_port=0, admin_trusted_proxies="127.0.0.1"
    )
    runtime = build_runtime(settings, clock=clock)
    server = serving.admin_server(runtime)
    try:
        await make_admin(runtime.services)
        assert await serving.start_admin(server, settings)
        base = f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{base}/sign-in") as form:
                found = CSRF.search(await form.text())
            assert found
            fields = {"csrf": found[1], "username": "itadmin", "password": ADMIN_PASSWORD}
            async with http.post(
                f"{base}/sign-in", data=fields, headers={"X-Forwarded-For": OFFICE}, allow_redirects=False
            ) as signed_in:
                assert signed_in.status == 302
        assert (await audited(runtime.uow, "admin.sign_in"))[-1]["address"] == OFFICE
    finally:
        await server.stop()
        await runtime.close()
