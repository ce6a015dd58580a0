"""The world the gallery is drawn in: the demo district on a throwaway SQLite database, a clock that stands
still, the real bot polling the local Bot API emulator, the fake UMS with its signed delivery reports, and
the admin endpoint on a loopback port. It is ``dongne demo``'s world, frozen, so that drawing the screens
twice from the same tree gives the same pictures."""

from __future__ import annotations

import base64
import contextlib
import os
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr

import core.staff.access
import core.staff.directory
from bot.admin.app import AdminServer, build_admin_app
from bot.app import Runtime, attach_report_inbox, build_runtime
from bot.demo import (
    BENCHMARK_ROLES,
    DEMO_DEPARTMENT,
    DEMO_FAILED_NUMBERS,
    DEMO_SAEOL_ID,
    DEMO_UMS_SECRET,
)
from bot.demo_data import load_demo_district
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.serving import DEMO_USER_ID, start_demo_chat
from bot.settings import Settings
from bot.ums.fake import FakeUms
from core.clock import FixedClock
from core.permissions import Permission
from core.staff.directory import SYSTEM_ACTOR
from core.texts.i18n import t_plain
from core.values import StaffMember
from storage.migrate import upgrade

HOST = "127.0.0.1"
# The tests' moment: 10:00 in Seoul on a working day (tests/conftest.py's clock), late in the demo's year so
# that its benchmarking office has cases in every state.
FROZEN_AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
DEMO_SEED = 2016  # dongne demo's default district
BOT_USERNAME = "dongne_demo_bot"
ADMIN_SAEOL_ID = "itadmin"
ADMIN_PASSWORD = "gallery-admin-password"
# Link codes, API tokens and session keys are drawn from ``secrets``; in the gallery they come from a seeded
# generator instead, so the link-code page (its code and QR) and the token list look the same on every run.
SECRETS_SEED = 11


class _SeededSecrets:
    """The two calls of ``secrets`` the services make, from a seeded generator: for pictures only, never for
    a running office."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def choice(self, sequence: Any) -> Any:
        return self._random.choice(sequence)

    def token_urlsafe(self, nbytes: int = 32) -> str:
        return base64.urlsafe_b64encode(self._random.randbytes(nbytes)).rstrip(b"=").decode("ascii")


@contextlib.contextmanager
def seeded_secrets() -> Iterator[None]:
    seeded = _SeededSecrets(SECRETS_SEED)
    fake = SimpleNamespace(choice=seeded.choice, token_urlsafe=seeded.token_urlsafe)
    modules = (core.staff.directory, core.staff.access)
    saved = [module.secrets for module in modules]
    for module in modules:
        module.secrets = fake  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.secrets = original  # type: ignore[attr-defined]


@contextlib.contextmanager
def office_environment_hidden() -> Iterator[None]:
    """Settings read ``DONGNE_*`` variables; the gallery must not show this machine's sender number or
    language, so they are out of sight while its settings are made."""
    hidden = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("DONGNE_")}
    try:
        yield
    finally:
        os.environ.update(hidden)


@dataclass
class World:
    runtime: Runtime
    emulator: BotApiEmulator
    officer: StaffMember
    admin: StaffMember
    chat: EmulatedUser
    admin_site: str
    ums: FakeUms


@contextlib.asynccontextmanager
async def frozen_world(workdir: Path, *, language: str = "ko") -> AsyncIterator[World]:
    """The demo persona (기획예산과, the housing ledger, both benchmarking roles, text messages, the village
    community's records, no right to see
    personal data, so the screens show masked numbers as most staff see them) in a chat with the bot, and
    전산정보과's admin."""
    clock = FixedClock(zone=ZoneInfo("Asia/Seoul"), instant=FROZEN_AT)
    async with contextlib.AsyncExitStack() as stack:
        stack.enter_context(seeded_secrets())
        ums = FakeUms(secret=DEMO_UMS_SECRET.encode())
        ums.faults.failed_numbers.update(DEMO_FAILED_NUMBERS)
        stack.push_async_callback(ums.stop)
        await ums.start(HOST)
        with office_environment_hidden():
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                database_url=f"sqlite+aiosqlite:///{workdir / 'gallery.sqlite3'}",
                persistence_interval=1.0,
                ums_url=ums.url,
                ums_secret=SecretStr(DEMO_UMS_SECRET),
                ums_messages_per_second=0.0,
                bot_username=BOT_USERNAME,
                housing_reminder_hour=None,  # a reminder would land in the chat between two screens
            )
        runtime = build_runtime(settings, clock=clock)
        stack.push_async_callback(runtime.close)
        await upgrade(runtime.engine)
        services = runtime.services
        officer, _ = await services.staff.add_staff(
            SYSTEM_ACTOR,
            saeol_id=DEMO_SAEOL_ID,
            name=t_plain(language, "demo.staff_name"),
            department=DEMO_DEPARTMENT,
            permissions=[
                Permission.HOUSING_READ.value,
                Permission.HOUSING_WRITE.value,
                *BENCHMARK_ROLES,
                Permission.SMS_SEND.value,
                Permission.COMMUNITY_READ.value,
                Permission.COMMUNITY_WRITE.value,
            ],
            telegram_user_id=DEMO_USER_ID,
        )
        await services.staff.set_language(officer, language)
        admin, _ = await services.staff.add_staff(
            SYSTEM_ACTOR,
            saeol_id=ADMIN_SAEOL_ID,
            name="임희철",
            department="전산정보과",
            # With the right to send text messages, so the results pages show the chat's batch.
            permissions=["admin", Permission.SMS_SEND.value],
        )
        await services.admin_access.set_password(SYSTEM_ACTOR, ADMIN_SAEOL_ID, ADMIN_PASSWORD)
        await load_demo_district(runtime.uow, clock, seed=DEMO_SEED, persona=officer.saeol_id)

        admin_app = build_admin_app(services, runtime.engine, bot_username=BOT_USERNAME, bot_running=lambda: True)
        attach_report_inbox(admin_app, runtime)
        server = AdminServer(admin_app, HOST, 0)
        await server.start()
        stack.push_async_callback(server.stop)
        admin_site = f"http://{HOST}:{server.port}"
        ums.report_url = f"{admin_site}/ums/reports"

        emulator, chat = await start_demo_chat(stack, runtime, language, bot_username=BOT_USERNAME)
        yield World(runtime, emulator, officer, admin, chat, admin_site, ums)
