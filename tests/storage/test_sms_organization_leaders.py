"""The SMS candidates of 마을공동체 단체(기관) (the report's 2-다) as storage.sms reads them from the community
register, on SQLite and PostgreSQL alike: each organisation's representative with its name, narrowed by the
organisations chosen, the dongs, 분야 and 유형 together; an organisation without a representative reaches nobody, one
without a mobile is a candidate without a number; and the chosen ids beyond the sender's dongs are named back."""

from dataclasses import replace

import pytest

from tests.builders import make_dong, make_staff
from tests.core.community.test_validation import GEUMOK


@pytest.fixture
async def world(services, uow_factory):
    """Five organisations over two dongs: names out of insertion order, so the query's own order shows."""
    geumho = await make_dong(uow_factory, "금호2.3가동", "금2.3")
    seongsu = await make_dong(uow_factory, "성수1가제2동", "성1-2")
    clerk = await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))
    drafts = [
        replace(GEUMOK, name="하늘 공부방", representative="최하늘", mobile="010-5555-0001"),
        GEUMOK,  # 금옥마을: space, nonprofit_civic_group, 금호2.3가동, 고은정
        replace(
            GEUMOK,
            name="성수 협동조합",
            field="social_venture",
            legal_type="social_economy",
            admin_dong="성수1가제2동",
            representative="박성수",
            mobile="010-3333-4444",
        ),
        replace(GEUMOK, name="대표 없는 모임", representative=None, mobile=None),
        replace(GEUMOK, name="번호 없는 모임", legal_type="residents_group", representative="이무번", mobile=None),
    ]
    ids = {d.name: (await services.organizations.register(clerk, d)).id for d in drafts}
    return {"금호": geumho, "성수": seongsu, **ids}


async def leaders(uow_factory, *, organization_ids=(), admin_dong_ids=None, field=None, legal_type=None):
    async with uow_factory() as uow:
        found = await uow.sms.list_organization_leaders(
            organization_ids=organization_ids, admin_dong_ids=admin_dong_ids, field=field, legal_type=legal_type
        )
    return [(c.name, c.phone, c.complex_id, c.complex_name) for c in found]


async def test_every_representative_in_name_order_with_the_organisations_name(uow_factory, world):
    assert await leaders(uow_factory) == [
        ("고은정", "010-2286-1234", None, "금옥마을"),
        ("이무번", None, None, "번호 없는 모임"),
        ("박성수", "010-3333-4444", None, "성수 협동조합"),
        ("최하늘", "010-5555-0001", None, "하늘 공부방"),
    ]


async def test_the_narrowing_choices_apply_together(uow_factory, world):
    assert [n for n, *_ in await leaders(uow_factory, admin_dong_ids=[world["성수"]])] == ["박성수"]
    assert [n for n, *_ in await leaders(uow_factory, admin_dong_ids=[])] == []
    assert [n for n, *_ in await leaders(uow_factory, field="space", legal_type="nonprofit_civic_group")] == [
        "고은정",
        "최하늘",
    ]
    assert [n for n, *_ in await leaders(uow_factory, legal_type="residents_group")] == ["이무번"]
    assert await leaders(uow_factory, field="social_venture", admin_dong_ids=[world["금호"]]) == []
    chosen = (world["하늘 공부방"], world["성수 협동조합"], world["대표 없는 모임"])
    assert [n for n, *_ in await leaders(uow_factory, organization_ids=chosen)] == ["박성수", "최하늘"]
    assert [n for n, *_ in await leaders(uow_factory, organization_ids=chosen, admin_dong_ids=[world["금호"]])] == [
        "최하늘"
    ]


async def test_the_chosen_organisations_beyond_the_dongs_are_named_in_the_order_given(uow_factory, world):
    chosen = [world["성수 협동조합"], 999_999, world["금옥마을"]]
    async with uow_factory() as uow:
        assert await uow.sms.organizations_outside(chosen, [world["금호"]]) == [world["성수 협동조합"], 999_999]
        assert await uow.sms.organizations_outside(chosen, [world["금호"], world["성수"]]) == [999_999]
