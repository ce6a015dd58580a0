"""A read without a snapshot (``uow_factory(snapshot=False)``, storage.uow.ReadUnit) runs on a Core connection
outside a transaction: the complex search and a masked card never touch the ORM session and send no BEGIN, read
what a unit of work reads, and a failed statement leaves the connection usable. An unmasked card, whose view is
audited, stays in its unit of work's transaction."""

import asyncio
from datetime import date

import aiosqlite
import pytest
from asyncpg.transaction import Transaction
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.housing.values import GeoPoint
from storage.audit.models import AuditEntry
from storage.db import create_engine, create_session_factory
from storage.uow import ReadUnit, UnitOfWorkFactory
from tests.builders import NOW, make_complex, make_staff
from tests.spying import spy


@pytest.fixture
def session_statements(monkeypatch):
    """The statements the ORM session ran (the read unit's Core connection runs its own)."""
    calls: list[object] = []
    execute = Session.execute

    def spied(self, statement, *args, **kwargs):
        calls.append(statement)
        return execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(Session, "execute", spied)
    return calls


async def test_the_search_and_a_masked_card_never_use_the_session(services, uow_factory, session_statements):
    complex_id = await make_complex(uow_factory, representatives=3, groups=1, with_office=True)
    reader = await make_staff(services, saeol_id="read01", roles=("housing.read",))
    session_statements.clear()

    found = await services.housing.search_complexes(reader, "쉐르빌")
    card = await services.housing.get_complex_card(reader, complex_id)

    assert [c.id for c in found.items] == [complex_id]
    assert card.personal_data_masked and len(card.representatives) == 3
    assert session_statements == []


async def test_an_unmasked_card_is_read_and_audited_in_one_transaction(services, uow_factory, session_statements):
    complex_id = await make_complex(uow_factory, representatives=2, with_office=True)
    viewer = await make_staff(services, saeol_id="pii01", roles=("housing.read", "pii.view"))
    session_statements.clear()

    card = await services.housing.get_complex_card(viewer, complex_id)

    assert not card.personal_data_masked
    assert len(session_statements) == 2  # the head and the sections, in the unit that then writes the audit entry
    async with uow_factory() as uow:
        audited = await uow.housing._session.scalar(select(AuditEntry.target_id).where(AuditEntry.action == "pii.view"))
    assert audited == complex_id


async def test_a_read_unit_sends_no_begin(engine, services, uow_factory, monkeypatch):
    complex_id = await make_complex(uow_factory, representatives=2)
    reader = await make_staff(services, saeol_id="read01", roles=("housing.read",))
    await services.housing.get_complex_card(reader, complex_id)  # the pool's connection is set up
    if engine.dialect.name == "sqlite":
        # No BEGIN and no trip at all: the reads run in place (storage/sqlite_driver.py); a BEGIN would go to the
        # connection's thread with the first statement.
        sent = spy(monkeypatch, aiosqlite.Connection, "_execute", lambda _, fn, *args: getattr(fn, "__name__", fn))
    else:
        sent = spy(monkeypatch, Transaction, "start", lambda transaction: transaction)

    await services.housing.search_complexes(reader, "쉐르빌")
    await services.housing.get_complex_card(reader, complex_id)

    assert sent == []


async def test_a_read_unit_reads_what_a_unit_of_work_reads(uow_factory):
    complex_id = await make_complex(uow_factory, representatives=4, groups=2, projects=2, with_office=True)
    await make_complex(uow_factory, name="성동쉐르빌2차")

    async with uow_factory() as uow:
        in_session = (
            await uow.housing.load_complex_sections(complex_id),
            await uow.housing.find_complexes_by_name("쉐르빌", offset=0, limit=8),
        )
    async with uow_factory(snapshot=False) as reads:
        assert isinstance(reads, ReadUnit)
        on_connection = (
            await reads.housing.load_complex_sections(complex_id),
            await reads.housing.find_complexes_by_name("쉐르빌", offset=0, limit=8),
        )

    assert on_connection == in_session
    assert in_session[0].detail.id == complex_id and in_session[1][1] == 2


async def test_the_cards_head_reads_every_field_as_written(uow_factory):
    complex_id = await make_complex(uow_factory, households=342, location=(37.5612, 127.0346))

    async with uow_factory(snapshot=False) as reads:
        detail = await reads.housing.load_complex_detail(complex_id)

    assert (detail.id, detail.name, detail.kind, detail.management_type) == (
        complex_id,
        "성동삼성쉐르빌(주상복합)",
        "apartment",
        "mandatory",
    )
    assert (detail.admin_dong, detail.admin_dong_short, detail.address) == ("왕십리도선동", "왕도", "무학로6길 50")
    assert (detail.building_count, detail.household_count, detail.floors_min, detail.floors_max) == (3, 342, 4, 27)
    assert detail.households_by_area == (0, 0, 171, 171, 0)
    assert (detail.approved_on, detail.version) == (date(2006, 9, 13), 1)
    assert detail.updated_at.replace(tzinfo=None) == NOW.replace(tzinfo=None)  # SQLite keeps no zone, as ever
    assert (detail.location, detail.kapt_code, detail.remarks) == (GeoPoint(37.5612, 127.0346), None, None)


async def test_a_failed_read_leaves_the_connection_usable(database_url):
    engine = create_engine(database_url, pool_size=1)  # every unit below on the same connection
    uow_factory = UnitOfWorkFactory(create_session_factory(engine))
    try:
        for _ in range(2):
            async with uow_factory(snapshot=False) as reads:
                with pytest.raises(DBAPIError):
                    await reads.housing._session.execute(text("SELECT * FROM nowhere"))
            async with uow_factory(snapshot=False) as reads:
                assert (await reads.housing.find_complexes_by_name("", offset=0, limit=8)) == ([], 0)
            assert engine.pool.checkedout() == 0  # given back, not left to the garbage collector
            async with uow_factory(write=True) as uow:  # and a writer's transaction after it
                await uow.housing._session.execute(text("DELETE FROM complex WHERE id < 0"))
                await uow.commit()
        assert engine.pool.checkedout() == 0
    finally:
        await uow_factory.close()
        await engine.dispose()


async def test_a_read_unit_is_entered_once(uow_factory):
    reads = uow_factory(snapshot=False)
    async with reads:
        with pytest.raises(RuntimeError):
            await reads.__aenter__()


async def test_a_read_unit_gives_its_connection_back_without_a_turn_of_the_loop(uow_factory):
    """No transaction is open after reads without a snapshot, so ending the unit makes no trip: it is awaited in
    place, and the other updates' work waits for no extra turn of the event loop."""
    async with uow_factory(snapshot=False) as reads:
        await reads.housing.find_complexes_by_name("쉐르빌", offset=0, limit=8)
        others: list[str] = []
        asyncio.get_running_loop().call_soon(others.append, "another update's step")
    assert others == []
    await asyncio.sleep(0)
    assert others == ["another update's step"]
