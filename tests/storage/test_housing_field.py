"""The housing repository's location and reminder reads and writes, on SQLite and PostgreSQL alike."""

import asyncio
from datetime import date

from sqlalchemy import update

from core.housing.values import GeoPoint
from storage.db import create_engine, create_session_factory
from storage.housing.models import ManagementOffice
from storage.uow import UnitOfWorkFactory
from tests.builders import NOW, make_complex, make_dong


async def test_a_box_holds_the_complexes_on_and_inside_its_edges(uow_factory):
    inside = await make_complex(uow_factory, name="안", location=(37.55, 127.03))
    edge = await make_complex(uow_factory, name="모서리", location=(37.56, 127.04))
    await make_complex(uow_factory, name="밖", location=(37.5601, 127.03))
    await make_complex(uow_factory, name="위치없음")
    other = await make_complex(uow_factory, name="옥수", dong="옥수동", dong_short="옥수", location=(37.551, 127.031))
    async with uow_factory() as uow:
        everywhere = await uow.housing.complexes_in_box(37.54, 37.56, 127.02, 127.04)
        wangdo = await uow.housing.complexes_in_box(
            37.54, 37.56, 127.02, 127.04, admin_dong_ids=frozenset({await make_dong(uow_factory)})
        )
        summaries = await uow.housing.complex_summaries([edge, inside, 99999])
    assert sorted(p.id for p in everywhere) == sorted([inside, edge, other])
    assert sorted(p.id for p in wangdo) == sorted([inside, edge])
    assert next(p for p in everywhere if p.id == edge).location == GeoPoint(37.56, 127.04)
    assert set(summaries) == {inside, edge} and summaries[edge].name == "모서리"


async def test_a_location_is_set_only_at_the_version_read(uow_factory):
    complex_id = await make_complex(uow_factory)
    async with uow_factory(write=True) as uow:
        detail = await uow.housing.load_complex_detail(complex_id)
        assert detail is not None and detail.location is None
        assert await uow.housing.set_complex_location(
            complex_id, version=detail.version, location=GeoPoint(37.5, 127.0), now=NOW
        )
        assert not await uow.housing.set_complex_location(
            complex_id, version=detail.version, location=GeoPoint(37.6, 127.1), now=NOW
        )
        await uow.commit()
    async with uow_factory() as uow:
        saved = await uow.housing.load_complex_detail(complex_id)
    assert saved is not None and (saved.location, saved.version) == (GeoPoint(37.5, 127.0), detail.version + 1)


async def test_terms_ending_and_managers_without_licence(uow_factory):
    complex_id = await make_complex(uow_factory, representatives=2, with_office=True)
    await make_complex(uow_factory, name="소장없음", representatives=0)  # no office: nothing to say about one
    async with uow_factory() as uow:
        # make_complex's terms end on 2018-03-13.
        assert await uow.housing.terms_ending(date(2018, 3, 13), date(2018, 4, 12)) != []
        assert await uow.housing.terms_ending(date(2018, 3, 14), date(2018, 4, 12)) == []
        assert await uow.housing.terms_ending(date(2018, 2, 11), date(2018, 3, 12)) == []
        licensed = await uow.housing.managers_without_licence()
    assert licensed == []
    for blank in (None, ""):
        async with uow_factory(write=True) as uow:
            await uow._session.execute(
                update(ManagementOffice)
                .where(ManagementOffice.complex_id == complex_id)
                .values(manager_license_no=blank)
            )
            await uow.commit()
        async with uow_factory() as uow:
            [manager] = await uow.housing.managers_without_licence()
        assert (manager.complex_id, manager.manager) == (complex_id, "이정호")


async def test_a_reminder_day_is_taken_once_even_by_two_processes_at_once(uow_factory, database_url):
    other_engine = create_engine(database_url)
    other = UnitOfWorkFactory(create_session_factory(other_engine))
    try:

        async def claim(factory: UnitOfWorkFactory) -> bool:
            async with factory(write=True) as uow:
                taken = await uow.housing.claim_reminder_day(date(2026, 11, 25), recipients=3, now=NOW)
                await asyncio.sleep(0.05)  # both transactions open at once
                await uow.commit()
                return taken

        assert sorted(await asyncio.gather(claim(uow_factory), claim(other))) == [False, True]
        assert not await claim(other)
        async with uow_factory(write=True) as uow:
            assert await uow.housing.claim_reminder_day(date(2026, 11, 26), recipients=0, now=NOW)
    finally:
        await other_engine.dispose()
