"""Keeping community records current: an organisation or a grant project changes a field at a time, checked by
the same rules as a registration, named by the version read (a change on an old version is refused and says
who saved meanwhile), audited old → new, and within the member's dongs."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from core.community.changes import ChangedMeanwhile
from core.community.fields import organization_draft, organization_values, parse, project_draft, project_values
from core.errors import InvalidInput, NotFound, PermissionDenied
from tests.builders import grant, make_complex, make_dong, make_staff
from tests.core.community.test_organizations import actions
from tests.core.community.test_validation import BIRTH_OF_A_FAMILY, GEUMOK


@pytest.fixture
async def colleague(services):
    roles = ("community.read", "community.write")
    return await make_staff(services, saeol_id="village02", name="이웃담당", roles=roles)


def test_a_record_is_a_flat_mapping_of_its_fields_and_back():
    assert organization_draft(organization_values(GEUMOK)) == GEUMOK
    assert organization_values(GEUMOK)["floor_area"] == Decimal("221.55")
    assert project_draft(project_values(BIRTH_OF_A_FAMILY)) == BIRTH_OF_A_FAMILY


def test_typed_values_become_field_values_by_the_rules():
    assert parse("organization", "founded_on", "2012.05.01") == date(2012, 5, 1)
    assert parse("organization", "land_area", "175㎡") == Decimal("175")
    assert parse("organization", "homepage", "www.geumok.or.kr") == "http://www.geumok.or.kr"
    assert parse("organization", "member_count", "10명") == 10
    assert parse("project", "district_funds", "없음") == 0
    assert parse("project", "city_funds", "4,570천원") == 4570
    assert parse("project", "mobile", "01055123344") == "010-5512-3344"
    for record, name, typed, code in (
        ("organization", "founded_on", "작년 봄", "community_date"),
        ("organization", "mobile", "010-12", "community_phone"),
        ("organization", "member_count", "열 명", "community_count"),
        ("organization", "business_year", "이천십오", "community_year"),
        ("organization", "field", "동호회", "community_choice"),
        ("organization", "name", "가" * 101, "text_too_long"),
        ("organization", "name", "   ", "community_empty"),
        ("project", "city_funds", "4570.5", "funds_whole_thousand"),
        ("organization", "floor_area", "-3", "area_not_a_number"),
    ):
        with pytest.raises(InvalidInput) as refused:
            parse(record, name, typed)
        assert refused.value.code == code, (name, typed)
    with pytest.raises(InvalidInput) as refused:
        parse("organization", "no_such_field", "x")
    assert refused.value.code == "community_unknown_record_field"


async def test_an_organization_changes_a_field_and_the_change_is_audited(services, uow_factory, dongs, clerk):
    saved = await services.organizations.register(clerk, GEUMOK)
    changed = await services.organizations.edit(
        clerk, saved.id, saved.version, {"member_count": 12, "floor_area": Decimal("230.10")}
    )
    assert changed.version == saved.version + 1 and changed.updated_by == "마을담당"
    assert changed.organization.member_count == 12
    assert changed.organization.facility is not None and changed.organization.facility.floor_area == Decimal("230.10")
    entry = (await actions(uow_factory, "community.organization.edit"))[0]
    assert entry["changes"] == {"member_count": [10, 12], "floor_area": ["221.55", "230.10"]}
    same = await services.organizations.edit(clerk, changed.id, changed.version, {"member_count": 12})
    assert same.version == changed.version  # nothing to change: nothing written, nothing audited
    assert len(await actions(uow_factory, "community.organization.edit")) == 1


async def test_a_change_on_an_old_version_is_refused_and_says_who_saved(services, dongs, clerk, colleague):
    saved = await services.organizations.register(clerk, GEUMOK)
    await services.organizations.edit(clerk, saved.id, saved.version, {"address": "매봉18길 13"})
    with pytest.raises(ChangedMeanwhile) as refused:
        await services.organizations.edit(colleague, saved.id, saved.version, {"member_count": 11})
    assert refused.value.code == "community_changed_meanwhile" and refused.value.params["name"] == "마을담당"
    current = refused.value.current
    assert current is not None and current.organization.address == "매봉18길 13"
    assert current.masked and "*" in (current.organization.mobile or "")  # the colleague has no pii.view
    again = await services.organizations.edit(colleague, saved.id, current.version, {"member_count": 11})
    assert again.organization.member_count == 11 and again.organization.address == "매봉18길 13"
    with pytest.raises(ChangedMeanwhile) as gone:
        await services.organizations.edit(colleague, 99999, 1, {"member_count": 1})
    assert gone.value.code == "community_removed_meanwhile"


async def test_a_change_is_checked_as_the_whole_would_stand(services, dongs, clerk, clock):
    saved = await services.organizations.register(clerk, GEUMOK)
    for changes, code in (
        ({"founded_on": date(2099, 1, 1)}, "founded_in_future"),
        ({"name": ""}, "text_required"),
        ({"admin_dong": "없는동"}, "community_unknown_dong"),
        ({"legal_type": "재단"}, "community_unknown_legal_type"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await services.organizations.edit(clerk, saved.id, saved.version, changes)
        assert refused.value.code == code
    moved = await services.organizations.edit(clerk, saved.id, saved.version, {"admin_dong": "성수1가제2동"})
    assert moved.admin_dong_id == dongs["성수1가제2동"] and moved.organization.admin_dong == "성수1가제2동"
    renamed = await services.organizations.edit(clerk, saved.id, moved.version, {"name": "금옥 마을 도서관"})
    assert [o.name for o in (await services.organizations.search(clerk, "마을도서관")).items] == ["금옥 마을 도서관"]
    assert renamed.version == moved.version + 1


async def test_a_member_changes_only_organizations_of_their_dongs(services, uow_factory, dongs, clerk, colleague):
    saved = await services.organizations.register(clerk, GEUMOK)
    scoped = await grant(uow_factory, colleague, "community.write", dongs=(dongs["성수1가제2동"],))
    assert not services.organizations.writable(scoped, saved) and services.organizations.writable(clerk, saved)
    with pytest.raises(PermissionDenied):
        await services.organizations.edit(scoped, saved.id, saved.version, {"member_count": 1})
    ours = await services.organizations.register(
        clerk, replace(GEUMOK, name="성수 마을부엌", admin_dong="성수1가제2동")
    )
    with pytest.raises(InvalidInput) as refused:  # and may not move one to a dong beyond their grant
        await services.organizations.edit(scoped, ours.id, ours.version, {"admin_dong": "금호2.3가동"})
    assert refused.value.code == "community_unknown_dong"
    assert [d.name for d in await services.organizations.dongs(scoped, writing=True)] == ["성수1가제2동"]
    reader = await make_staff(services, saeol_id="reader01", roles=("community.read",))
    with pytest.raises(PermissionDenied):
        await services.organizations.edit(reader, saved.id, saved.version, {"member_count": 1})
    counts = {d.name: d.organizations for d in await services.organizations.dongs(reader)}
    assert counts == {"금호2.3가동": 1, "성수1가제2동": 1}


async def test_a_grant_project_changes_and_moves_to_a_housing_call_with_its_complex(services, uow_factory, clerk):
    complex_id = await make_complex(uow_factory)
    saved = await services.grant_projects.register(clerk, BIRTH_OF_A_FAMILY)
    changed = await services.grant_projects.edit(clerk, saved.id, saved.version, {"district_funds": 500})
    assert changed.project.district_funds == 500 and changed.version == saved.version + 1
    assert (await actions(uow_factory, "community.grant.edit"))[0]["changes"] == {"district_funds": [0, 500]}
    with pytest.raises(InvalidInput) as refused:
        await services.grant_projects.edit(clerk, saved.id, changed.version, {"sponsor": "housing"})
    assert refused.value.code == "grant_needs_complex"
    housing = await services.grant_projects.edit(
        clerk, saved.id, changed.version, {"sponsor": "housing", "complex_id": complex_id}
    )
    assert housing.complex_name == "성동삼성쉐르빌(주상복합)"
    assert [p.id for p in await services.grant_projects.of_complex(clerk, complex_id)] == [saved.id]
    back = await services.grant_projects.edit(clerk, saved.id, housing.version, {"sponsor": "district"})
    assert back.project.complex_id is None and back.complex_name is None  # the complex goes with the call
    with pytest.raises(InvalidInput) as refused:
        await services.grant_projects.edit(clerk, saved.id, back.version, {"sponsor": "housing", "complex_id": 9999})
    assert refused.value.code == "grant_unknown_complex"
    with pytest.raises(ChangedMeanwhile):
        await services.grant_projects.edit(clerk, saved.id, saved.version, {"remarks": "늦은 변경"})


async def test_complexes_are_found_by_name_within_the_members_dongs(services, uow_factory, clerk):
    await make_complex(uow_factory)
    await make_complex(uow_factory, name="성수쉐르빌", dong="성수1가제2동", dong_short="성1-2")
    found = await services.grant_projects.find_complexes(clerk, "쉐르 빌")
    assert [(c.name, c.admin_dong) for c in found] == [
        ("성동삼성쉐르빌(주상복합)", "왕십리도선동"),
        ("성수쉐르빌", "성수1가제2동"),
    ]
    seongsu = await make_dong(uow_factory, "성수1가제2동", "성1-2")
    scoped = await grant(uow_factory, clerk, "community.write", dongs=(seongsu,))
    assert [c.name for c in await services.grant_projects.find_complexes(scoped, "쉐르빌")] == ["성수쉐르빌"]
    reader = await make_staff(services, saeol_id="reader01", roles=("community.read",))
    with pytest.raises(PermissionDenied):
        await services.grant_projects.find_complexes(reader, "쉐르빌")


async def test_a_projects_mobile_is_masked_without_pii_view_and_an_unmasked_look_is_audited(
    services, uow_factory, clerk
):
    saved = await services.grant_projects.register(clerk, BIRTH_OF_A_FAMILY)
    assert (await services.grant_projects.project(clerk, saved.id)).project.mobile == "010-5512-3344"
    assert await actions(uow_factory, "pii.view") == [{"via": "grant_project"}]
    reader = await make_staff(services, saeol_id="reader01", roles=("community.read",))
    seen = await services.grant_projects.project(reader, saved.id)
    assert seen.masked and seen.project.mobile != "010-5512-3344" and "3344" in (seen.project.mobile or "")
    listed = await services.grant_projects.list_projects(reader, year=2015)
    assert listed.items[0].masked
    assert len(await actions(uow_factory, "pii.view")) == 1
    years = await services.grant_projects.years(reader)
    assert [(y.year, y.projects) for y in years] == [(2015, 1)]
    with pytest.raises(NotFound):
        await services.grant_projects.project(reader, 99999)
