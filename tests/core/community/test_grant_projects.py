"""우리마을 지원사업: the community department registers the year's projects of each open call; Seoul city's
「가족의 탄생」 as the report shows it, and a housing complex's call naming its complex, which then lists it."""

from dataclasses import replace

import pytest

from core.errors import InvalidInput, PermissionDenied
from tests.builders import grant, make_complex, make_dong, make_staff
from tests.core.community.test_organizations import actions
from tests.core.community.test_validation import BIRTH_OF_A_FAMILY


@pytest.fixture
async def clerk(services):
    return await make_staff(services, saeol_id="grant01", roles=("community.read", "community.write", "pii.view"))


async def test_a_years_projects_come_in_the_reports_order_of_sponsors(services, uow_factory, clerk):
    complex_id = await make_complex(uow_factory)
    housing = replace(
        BIRTH_OF_A_FAMILY,
        sponsor="housing",
        name="쉐르빌 이웃 만들기",
        city_funds=0,
        self_funds=300,
        complex_id=complex_id,
    )
    district = replace(
        BIRTH_OF_A_FAMILY, sponsor="district", name="마장동 골목 축제", city_funds=0, district_funds=1200
    )
    for draft in (housing, district, BIRTH_OF_A_FAMILY, replace(BIRTH_OF_A_FAMILY, year=2014, name="지난해 사업")):
        await services.grant_projects.register(clerk, draft)

    listed = await services.grant_projects.list_projects(clerk, year=2015)
    assert [p.project.sponsor for p in listed.items] == ["city", "district", "housing"] and listed.total == 3
    assert listed.items[2].complex_name == "성동삼성쉐르빌(주상복합)"
    city = await services.grant_projects.list_projects(clerk, year=2015, sponsor="city")
    assert [p.project for p in city.items] == [BIRTH_OF_A_FAMILY]
    assert [p.project.name for p in await services.grant_projects.of_complex(clerk, complex_id)] == [
        "쉐르빌 이웃 만들기"
    ]
    audited = await actions(uow_factory, "community.grant.add")
    assert {"name": "마장동 골목 축제", "district_funds": 1200}.items() <= audited[1].items()


async def test_a_housing_call_names_a_complex_the_member_covers(services, uow_factory, clerk):
    complex_id = await make_complex(uow_factory)
    other_dong = await make_dong(uow_factory, "성수1가제2동", "성1-2")
    housing = replace(BIRTH_OF_A_FAMILY, sponsor="housing", complex_id=999)
    with pytest.raises(InvalidInput) as refused:
        await services.grant_projects.register(clerk, housing)
    assert refused.value.code == "grant_unknown_complex"
    scoped = await grant(uow_factory, clerk, "community.write", dongs=(other_dong,))
    with pytest.raises(InvalidInput):
        await services.grant_projects.register(scoped, replace(housing, complex_id=complex_id))
    with pytest.raises(InvalidInput) as refused:
        await services.grant_projects.register(clerk, replace(BIRTH_OF_A_FAMILY, city_funds=-1))
    assert refused.value.code == "funds_out_of_range"
    assert (await services.grant_projects.list_projects(clerk)).total == 0
    reader = await make_staff(services, saeol_id="grant02", roles=("community.read",))
    with pytest.raises(PermissionDenied):
        await services.grant_projects.register(reader, BIRTH_OF_A_FAMILY)
    assert (await services.grant_projects.list_projects(reader, page=3)).total == 0
