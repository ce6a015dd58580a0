"""마을공동체's tables keep the report's rules as a last line of defence: only a housing complex's call names a
complex, funds are never negative, a facility's areas are positive, and a complex a project was granted for
cannot be removed from under it."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from storage.community.models import CommunityOrganization, GrantProject
from storage.housing.models import Complex
from tests.builders import make_complex, make_dong

NOW = datetime(2016, 5, 2, 9, 0, tzinfo=UTC)


def project(**values):
    fields = {"sponsor": "city", "year": 2015, "name": "가족의 탄생", "updated_at": NOW, "version": 1}
    return GrantProject(**(fields | values))


async def saved(uow_factory, *rows):
    async with uow_factory(write=True) as uow:
        uow._session.add_all(rows)
        await uow.commit()


async def refused(uow_factory, *rows):
    with pytest.raises(IntegrityError):
        await saved(uow_factory, *rows)


async def test_only_a_housing_call_names_a_complex_and_funds_are_never_negative(uow_factory):
    complex_id = await make_complex(uow_factory)
    await saved(uow_factory, project(city_funds=4570), project(sponsor="housing", complex_id=complex_id))
    await refused(uow_factory, project(sponsor="housing"))
    await refused(uow_factory, project(complex_id=complex_id))
    await refused(uow_factory, project(sponsor="national"))
    await refused(uow_factory, project(self_funds=-1))


async def test_a_complex_with_a_granted_project_cannot_be_removed(uow_factory):
    complex_id = await make_complex(uow_factory)
    await saved(uow_factory, project(sponsor="housing", complex_id=complex_id))
    with pytest.raises(IntegrityError):
        async with uow_factory(write=True) as uow:
            await uow._session.execute(delete(Complex).where(Complex.id == complex_id))
            await uow.commit()


async def test_an_organizations_codes_are_the_reports_and_its_areas_positive(uow_factory):
    dong = await make_dong(uow_factory, "금호2.3가동", "금2.3")

    def organization(**values):
        fields = {
            "field": "space",
            "legal_type": "nonprofit_civic_group",
            "name": "금옥마을",
            "name_key": "금옥마을",
            "admin_dong_id": dong,
            "land_area": Decimal("175"),
            "floor_area": Decimal("221.55"),
            "updated_at": NOW,
            "version": 1,
        }
        return CommunityOrganization(**(fields | values))

    await saved(uow_factory, organization())
    await refused(uow_factory, organization(field="club"))
    await refused(uow_factory, organization(legal_type="재단"))
    await refused(uow_factory, organization(floor_area=Decimal("0")))
