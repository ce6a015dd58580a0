"""A member whose housing grants are scoped to 성수 reaches 성수's complexes and people alone, by every path
core offers: the complex search, the dong list and a dong's complexes, a card and its sections, its history,
the representative search, and (under an sms.send grant scoped the same way) the SMS recipient picker,
its dongs, a selection by complex or dong, and the results export of what they sent."""

import pytest

from core.errors import OutsideScope, PermissionDenied
from core.sms.values import RecipientSelection
from core.staff.values import GrantRequest
from tests.builders import make_staff, make_two_dongs


@pytest.fixture
async def district(uow_factory):
    return await make_two_dongs(uow_factory)


@pytest.fixture
async def officer(services, uow_factory, district):
    """성수 officer: housing.read, housing.write, pii.view and sms.send, each scoped to 성수 by the admin."""
    admin = await make_staff(services, saeol_id="itadmin", name="임희철", department="전산정보과", roles=("admin",))
    roles = ("housing.read", "housing.write", "pii.view", "sms.send")
    member = await make_staff(services, saeol_id="seongsu1", name="성수담당", roles=roles)
    for permission in roles:
        await services.staff_admin.grant(
            admin, member.id, GrantRequest(permission, dong_ids=frozenset({district.seongsu}))
        )
    async with uow_factory() as uow:
        reread = await uow.staff.get_staff(member.id)
    assert reread is not None
    return reread


async def test_housing_reads_stay_within_the_members_dongs(services, district, officer):
    found = await services.housing.search_complexes(officer, "아파트")
    assert [c.name for c in found.items] == ["성수현대아파트"]
    assert (await services.housing.search_complexes(officer, "쉐르빌")).total == 0
    assert [d.name for d in await services.housing.list_admin_dongs(officer)] == ["성수1가제1동"]
    _, inside = await services.housing.list_complexes_in_dong(officer, district.seongsu)
    assert [c.id for c in inside.items] == [district.seongsu_complex]
    with pytest.raises(PermissionDenied):
        await services.housing.list_complexes_in_dong(officer, district.wangdo)
    card = await services.housing.get_complex_card(officer, district.seongsu_complex)
    assert card.writable and not card.personal_data_masked
    with pytest.raises(PermissionDenied):
        await services.housing.get_complex_card(officer, district.wangdo_complex)
    with pytest.raises(PermissionDenied):
        await services.housing_history.changes(officer, district.wangdo_complex)
    assert not (await services.housing_history.changes(officer, district.seongsu_complex)).personal_data_masked


async def test_the_representative_search_finds_no_one_beyond_the_members_dongs(services, district, officer):
    assert (await services.representatives.find_representatives(officer, "왕도대표")).total == 0
    found = await services.representatives.find_representatives(officer, "대표")
    assert {h.complex_id for h in found.items} == {district.seongsu_complex}
    assert all(not h.phone_masked for h in found.items)


async def test_sms_reaches_no_complex_or_dong_beyond_the_members_dongs(services, district, officer):
    assert [d.name for d in await services.sms.dongs(officer)] == ["성수1가제1동"]
    assert (await services.sms.find_complexes(officer, "쉐르빌")).total == 0
    with pytest.raises(OutsideScope):
        await services.sms.resolve(
            officer, RecipientSelection("representatives", complex_ids=(district.wangdo_complex,))
        )
    with pytest.raises(OutsideScope):
        await services.sms.resolve(officer, RecipientSelection("managers", admin_dong_id=district.wangdo))
    everyone = await services.sms.resolve(officer, RecipientSelection("representatives"))
    assert everyone.recipients and all(r.name.startswith("성수") for r in everyone.recipients)
