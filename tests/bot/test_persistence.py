"""Conversation states and user data survive in the database, as the dialogue's own state values."""

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select

from bot.persistence import DatabasePersistence
from storage.bot_state.models import BotState


class Step(StrEnum):
    ASK = "ask"


async def test_states_and_user_data_round_trip(uow_factory, clock):
    first = DatabasePersistence(uow_factory, clock, state_types={"lookup": Step})
    await first.update_conversation("lookup", (1001, 1001), Step.ASK)
    await first.update_conversation("lookup", (1002, 1002), Step.ASK)
    await first.update_conversation("lookup", (1002, 1002), None)  # that dialogue ended
    await first.update_user_data(1001, {"complex_query": "쉐르빌"})
    second = DatabasePersistence(uow_factory, clock, state_types={"lookup": Step})
    conversations = await second.get_conversations("lookup")
    assert conversations == {(1001, 1001): Step.ASK}
    assert isinstance(conversations[(1001, 1001)], Step)
    assert await second.get_user_data() == {1001: {"complex_query": "쉐르빌"}}
    assert await second.get_conversations("other") == {}
    await second.drop_user_data(1001)
    assert await second.get_user_data() == {}


async def test_a_flush_writes_only_what_changed(uow_factory, clock):
    persistence = DatabasePersistence(uow_factory, clock, state_types={"lookup": Step})
    await persistence.update_conversation("lookup", (1001, 1001), Step.ASK)
    first = clock.now()
    clock.advance(timedelta(seconds=5))
    await persistence.update_conversation("lookup", (1001, 1001), Step.ASK)  # unchanged: no write
    async with uow_factory() as uow:
        [written] = (await uow._session.scalars(select(BotState.updated_at))).all()
    assert written.replace(tzinfo=None) == first.replace(tzinfo=None)


async def test_a_step_a_dialogue_no_longer_has_ends_that_conversation_only(uow_factory, clock, caplog):
    old = DatabasePersistence(uow_factory, clock, state_types={})
    await old.update_conversation("lookup", (1001, 1001), "ask")
    await old.update_conversation("lookup", (1002, 1002), "gone")  # a step of an earlier release
    new = DatabasePersistence(uow_factory, clock, state_types={"lookup": Step})
    assert await new.get_conversations("lookup") == {(1001, 1001): Step.ASK}
    assert "at a step it no longer has: 'gone'" in caplog.text
