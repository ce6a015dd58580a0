"""The admin endpoint under aiohttp's test client, over the real services and database."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Page, async_playwright

from bot.admin.app import AdminServer, build_admin_app
from bot.app import Runtime, build_runtime
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from core.clock import FixedClock
from core.services import Services
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from tests.builders import make_staff
from tests.conversations.conftest import TOKEN, RunningBot

ADMIN_PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def runtime(database_url: str, clock: FixedClock) -> AsyncIterator[Runtime]:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()


@pytest.fixture
def services(runtime: Runtime) -> Services:
    return runtime.services


@pytest.fixture
def uow_factory(runtime: Runtime) -> Any:
    return runtime.uow


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[TestClient[Any, Any]]:
    app = build_admin_app(runtime.services, runtime.engine)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def make_admin(services: Services, *, saeol_id: str = "itadmin", name: str = "임희철") -> StaffMember:
    """전산정보과's admin, with a password for the endpoint."""
    staff = await make_staff(services, saeol_id=saeol_id, name=name, department="전산정보과", roles=("admin",))
    await services.admin_access.set_password(SYSTEM_ACTOR, saeol_id, ADMIN_PASSWORD)
    return staff


async def csrf_of(client: TestClient[Any, Any], path: str) -> str:
    page = await client.get(path)
    match = CSRF.search(await page.text())
    assert match, f"no CSRF field on {path}"
    return match[1]


async def sign_in(client: TestClient[Any, Any], username: str = "itadmin", password: str = ADMIN_PASSWORD) -> Any:
    token = await csrf_of(client, "/sign-in")
    return await client.post(
        "/sign-in", data={"csrf": token, "username": username, "password": password}, allow_redirects=False
    )


@pytest.fixture
async def admin(services: Services, client: TestClient[Any, Any]) -> StaffMember:
    """An admin already signed in on ``client``."""
    staff = await make_admin(services)
    response = await sign_in(client)
    assert response.status == 302, await response.text()
    return staff


# --- The real thing: the bot against the local Bot API emulator, the endpoint on a loopback port, and
# Debian's chromium driven by Playwright (tests/admin/test_browser.py).

CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Playwright's own defaults already keep chromium off the network (no background networking, component
# updates, sync or first-run); these two quiet what is left on a machine without a GPU or outside access.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic"]


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot") as emu:
        yield emu


@pytest.fixture
async def bot(runtime: Runtime, emulator: BotApiEmulator) -> AsyncIterator[RunningBot]:
    running = RunningBot(runtime, emulator)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def admin_site(runtime: Runtime) -> AsyncIterator[str]:
    """The endpoint served on a free loopback port, as ``dongne run`` serves it: its base address."""
    server = AdminServer(build_admin_app(runtime.services, runtime.engine), "127.0.0.1", 0)
    await server.start()
    yield f"http://127.0.0.1:{server.port}"
    await server.stop()


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    """A tab in headless Debian chromium. Playwright never downloads a browser here: it starts the one apt
    installed (``python3 dev.py test`` installs it where it may), and the test skips where there is none."""
    executable = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if executable is None:
        reason = (
            f"no Chromium on PATH (looked for {' and '.join(CHROMIUM_NAMES)}): install Debian's package with "
            "`sudo apt-get install chromium`, or run `python3 dev.py test` as root or with password-less sudo"
        )
        if os.environ.get("DONGNE_REQUIRE_BROWSER") == "1":  # CI: a browser that could not be installed fails
            pytest.fail(reason)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="ko-KR")
        tab = await context.new_page()
        tab.set_default_timeout(10_000)  # a missing element fails in seconds, not after Playwright's 30 s
        yield tab
        await browser.close()
