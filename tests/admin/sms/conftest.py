"""The office as deployed with a UMS, for the SMS API and page tests: the fake UMS, polled for reports (no
shared secret), and the runtime wired to it, in place of the admin tests' runtime without a UMS."""

import pytest

from bot.app import build_runtime
from bot.settings import Settings
from bot.ums.fake import FakeUms


@pytest.fixture
async def fake_ums():
    ums = FakeUms()
    await ums.start()
    yield ums
    await ums.stop()


@pytest.fixture
async def runtime(database_url, clock, fake_ums):
    settings = Settings(_env_file=None, database_url=database_url, ums_url=fake_ums.url)  # type: ignore[call-arg]
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()
