"""The community department's world in core tests: the dongs of the report's examples and a clerk who keeps the
records and may see personal data (a test that needs another member makes them)."""

import pytest

from tests.builders import make_dong, make_staff


@pytest.fixture
async def dongs(uow_factory):
    return {
        "금호2.3가동": await make_dong(uow_factory, "금호2.3가동", "금2.3"),
        "성수1가제2동": await make_dong(uow_factory, "성수1가제2동", "성1-2"),
    }


@pytest.fixture
async def clerk(services):
    roles = ("community.read", "community.write", "pii.view")
    return await make_staff(services, saeol_id="village01", name="마을담당", roles=roles)
