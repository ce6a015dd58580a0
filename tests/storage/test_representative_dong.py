"""A representative's dong is its complex's, kept so by the database: the statistics count representatives per
dong from it, so it must follow a complex moved to another dong and refuse to disagree."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from storage.housing.models import Complex, Representative
from tests.builders import make_complex, make_dong


async def dongs_of_representatives(uow_factory, complex_id):
    async with uow_factory() as uow:
        rows = await uow._session.scalars(
            select(Representative.admin_dong_id).where(Representative.complex_id == complex_id)
        )
        return set(rows)


async def test_a_complex_moved_to_another_dong_takes_its_representatives_along(uow_factory):
    complex_id = await make_complex(uow_factory, representatives=3)
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Complex).where(Complex.id == complex_id).values(admin_dong_id=oksu))
        await uow.commit()
    assert await dongs_of_representatives(uow_factory, complex_id) == {oksu}


async def test_a_representative_naming_another_dong_than_its_complexs_is_refused(uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    with pytest.raises(IntegrityError):
        async with uow_factory(write=True) as uow:
            await uow._session.execute(
                update(Representative).where(Representative.complex_id == complex_id).values(admin_dong_id=oksu)
            )
            await uow.commit()
