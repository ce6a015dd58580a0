"""Two dispatchers, each with its own engine and pool as two processes have, claim from one outbox at once:
every due message is claimed by exactly one of them (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write
transaction taken at BEGIN), so neither can hand the UMS a message the other holds."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from core.sms.values import RecipientSelection
from storage.db import create_engine, create_session_factory
from storage.sms.models import SmsMessage
from storage.uow import UnitOfWorkFactory
from tests.builders import make_complex, make_staff

LEASE = timedelta(seconds=60)
MESSAGES = 60


async def claim_until_empty(uow: UnitOfWorkFactory, now, claims: list[int]) -> None:
    """One dispatcher's rounds: claim a few, holding the transaction a moment (the other claims meanwhile),
    commit, then submit them (no transaction open) before the next claim."""
    while True:
        async with uow(write=True) as unit:
            claimed = await unit.sms.claim_due_messages(now, now + LEASE, 7)
            await asyncio.sleep(0.02)
            await unit.commit()
        if not claimed:
            return
        claims.extend(message.id for message in claimed)
        await asyncio.sleep(0.02)


async def test_two_dispatchers_with_their_own_engines_never_claim_one_message_twice(
    database_url, services, uow_factory, clock
):
    await make_complex(uow_factory, representatives=MESSAGES)
    sender = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    await services.sms.send(sender, RecipientSelection("representatives"), "안내")
    engines = [create_engine(database_url), create_engine(database_url)]
    factories = [UnitOfWorkFactory(create_session_factory(engine)) for engine in engines]
    first: list[int] = []
    second: list[int] = []
    try:
        await asyncio.gather(
            claim_until_empty(factories[0], clock.now(), first), claim_until_empty(factories[1], clock.now(), second)
        )
    finally:
        for factory, engine in zip(factories, engines, strict=True):
            await factory.close()
            await engine.dispose()

    assert len(first) + len(second) == MESSAGES
    assert set(first).isdisjoint(second)
    assert first and second  # both took part: the claims did race
    async with uow_factory() as unit:
        rows = (await unit._session.execute(select(SmsMessage.state, SmsMessage.attempts))).all()
    assert {(state, attempts) for state, attempts in rows} == {("queued", 1)}
