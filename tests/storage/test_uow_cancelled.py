"""A unit of work cancelled at any point (a background sender stopped, the process shutting down) puts its
connection back cleanly: nothing is logged as a failed reset and no connection stays checked out."""

import asyncio
import logging

from sqlalchemy import select

from storage.staff.models import Staff

CANCEL_POINTS = 80
STEP_S = 0.00005  # cancel 0, 50 µs, 100 µs … 4 ms in: across every await of the unit of work below


async def _read_then_leave(uow_factory, write: bool, snapshot: bool) -> None:
    async with uow_factory(write=write, snapshot=snapshot) as uow:
        await uow.housing._session.scalar(select(Staff.id).limit(1))


async def test_a_unit_of_work_cancelled_anywhere_returns_its_connection_quietly(engine, uow_factory, caplog):
    caplog.set_level(logging.WARNING)
    for write, snapshot in ((False, True), (True, True), (False, False)):
        for point in range(CANCEL_POINTS):
            task = asyncio.create_task(_read_then_leave(uow_factory, write, snapshot))
            await asyncio.sleep(point * STEP_S)  # its statements wait on the driver's thread or the server
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    await asyncio.sleep(0.05)
    assert engine.pool.checkedout() == 0
    assert not [r for r in caplog.records if r.name.startswith("sqlalchemy")], [r.getMessage() for r in caplog.records]
