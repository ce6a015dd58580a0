"""마을공동체 단체(기관): the community department registers 금옥마을 as the report shows it; readers find it by a
part of its name or by field, type and dong, and open its card, the representative's mobile masked unless they
may see personal data (and audited when they do)."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from core.community.values import OrganizationFilter
from core.errors import InvalidInput, NotFound, PermissionDenied
from storage.audit.models import AuditEntry
from tests.builders import grant, make_staff
from tests.core.community.test_validation import GEUMOK


async def actions(uow_factory, action):
    async with uow_factory() as uow:
        rows = await uow._session.execute(select(AuditEntry.details).where(AuditEntry.action == action))
        return [details for (details,) in rows]


async def test_the_reports_organization_is_registered_and_opened_whole(services, uow_factory, dongs, clerk, clock):
    saved = await services.organizations.register(clerk, GEUMOK)
    assert saved.organization == GEUMOK and saved.admin_dong_id == dongs["금호2.3가동"]
    assert (await actions(uow_factory, "community.organization.add"))[0]["name"] == "금옥마을"

    card = await services.organizations.card(clerk, saved.id)
    assert card.organization.mobile == "010-2286-1234" and not card.masked
    assert card.organization.facility is not None and str(card.organization.facility.floor_area) == "221.55"
    assert await actions(uow_factory, "pii.view") == [{"via": "community_card"}]


async def test_a_reader_without_pii_view_sees_the_mobile_masked_and_nothing_is_audited(
    services, uow_factory, dongs, clerk
):
    saved = await services.organizations.register(clerk, replace(GEUMOK, email="geumok@example.kr"))
    reader = await make_staff(services, saeol_id="village02", roles=("community.read",))
    card = await services.organizations.card(reader, saved.id)
    assert card.masked and card.organization.mobile != "010-2286-1234" and "*" in card.organization.mobile
    assert card.organization.email != "geumok@example.kr"
    assert await actions(uow_factory, "pii.view") == []


async def test_readers_find_organizations_by_name_or_by_field_type_and_dong(services, dongs, clerk):
    await services.organizations.register(clerk, GEUMOK)
    await services.organizations.register(
        clerk,
        replace(
            GEUMOK,
            name="성수 소셜벤처랩",
            field="social_venture",
            legal_type="social_economy",
            admin_dong="성수1가제2동",
        ),
    )
    found = await services.organizations.search(clerk, "금옥")
    assert [o.name for o in found.items] == ["금옥마을"] and found.total == 1
    assert (await services.organizations.search(clerk, "소셜 벤처")).items[0].name == "성수 소셜벤처랩"
    ventures = await services.organizations.browse(clerk, OrganizationFilter(field="social_venture"))
    assert [o.admin_dong for o in ventures.items] == ["성수1가제2동"]
    in_geumho = await services.organizations.browse(clerk, OrganizationFilter(admin_dong_id=dongs["금호2.3가동"]))
    assert [o.name for o in in_geumho.items] == ["금옥마을"]


async def test_a_grant_scoped_to_a_dong_reaches_only_that_dong(services, uow_factory, dongs, clerk):
    geumok = await services.organizations.register(clerk, GEUMOK)
    scoped = await make_staff(services, saeol_id="village03", roles=("community.read", "community.write"))
    scoped = await grant(uow_factory, scoped, "community.read", dongs=(dongs["성수1가제2동"],))
    scoped = await grant(uow_factory, scoped, "community.write", dongs=(dongs["성수1가제2동"],))
    assert (await services.organizations.search(scoped, "금옥")).total == 0
    with pytest.raises(PermissionDenied):
        await services.organizations.card(scoped, geumok.id)
    with pytest.raises(PermissionDenied):
        await services.organizations.browse(scoped, OrganizationFilter(admin_dong_id=dongs["금호2.3가동"]))
    with pytest.raises(InvalidInput) as refused:
        await services.organizations.register(scoped, GEUMOK)
    assert refused.value.code == "community_unknown_dong"


async def test_bad_registrations_change_nothing(services, dongs, clerk, clock):
    with pytest.raises(InvalidInput) as refused:
        await services.organizations.register(clerk, replace(GEUMOK, founded_on=date(2100, 1, 1)))
    assert refused.value.code == "founded_in_future"
    with pytest.raises(InvalidInput) as refused:
        await services.organizations.register(clerk, replace(GEUMOK, admin_dong="없는동"))
    assert refused.value.code == "community_unknown_dong"
    assert (await services.organizations.search(clerk, "금옥")).total == 0
    with pytest.raises(NotFound):
        await services.organizations.card(clerk, 999)
    housing_only = await make_staff(services, saeol_id="house01", roles=("housing.read", "housing.write"))
    with pytest.raises(PermissionDenied):
        await services.organizations.register(housing_only, GEUMOK)
