"""The community department's people in the chat: a clerk who keeps the records (without the right to see
personal data unless a test says so), and the dongs the report's examples live in."""

import pytest

from tests.builders import make_dong, make_staff

CLERK_TG, READER_TG = 3101, 3102


@pytest.fixture
async def dongs(uow_factory):
    return {
        "금호2.3가동": await make_dong(uow_factory, "금호2.3가동", "금2.3"),
        "성수1가제2동": await make_dong(uow_factory, "성수1가제2동", "성1-2"),
    }


@pytest.fixture
async def clerk(bot, services, emulator, dongs):
    """마을공동체과's clerk, bound to Telegram: reads and keeps the community records."""
    roles = ("community.read", "community.write")
    await make_staff(
        services, saeol_id="village01", name="마을담당", department="마을공동체과", roles=roles, telegram_id=CLERK_TG
    )
    return emulator.user(CLERK_TG, first_name="마을")
