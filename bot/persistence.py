"""python-telegram-bot persistence in our database, so a restart loses no dialogue.

PTB keeps conversation states and user data in memory and hands changes to us every
``update_interval`` seconds and once more on a clean stop; we write each change in its own short
transaction. A killed process loses at most that interval."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, MutableMapping
from copy import deepcopy
from enum import Enum
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from core.clock import Clock
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

# The shapes BasePersistence's documentation gives; PTB names them only in a private module (telegram.ext._utils).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

CONVERSATION = "conversation"
USER_DATA = "user_data"


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        state_types: Mapping[str, type[Enum]],
        update_interval: float = 2.0,
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self._uow = uow
        self._clock = clock
        # What was last written per row, so a flush skips the many conversations and users whose data did
        # not change (PTB hands over every one it touched); saves the database a write per update.
        self._written: dict[tuple[str, str, str], object] = {}
        # States are stored by value; they come back as the dialogue's own Enum members, which is
        # what ConversationHandler looks its handlers up by.
        self._state_types = dict(state_types)

    # -- reading, once at start ------------------------------------------------------------------------

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._uow() as uow:
            rows = await uow.bot_state.load_kind(CONVERSATION)
        state_type = self._state_types.get(name)
        conversations: dict[ConversationKey, object] = {}
        for row_name, key, data in rows:
            if row_name != name:
                continue
            try:
                state = state_type(data) if state_type is not None else data
            except ValueError:
                # A step this dialogue no longer has (a release changed its steps and no migration moved
                # it): that one conversation ends, rather than the bot refusing to start.
                log.warning("dropping a saved %s conversation %s at a step it no longer has: %r", name, key, data)
                continue
            conversations[tuple(json.loads(key))] = state
        return conversations

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        async with self._uow() as uow:
            rows = await uow.bot_state.load_kind(USER_DATA)
        return {int(key): dict(data) for _name, key, data in rows if isinstance(data, dict)}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    # -- writing -----------------------------------------------------------------------------------------

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        value = new_state.value if isinstance(new_state, Enum) else new_state
        await self._write(CONVERSATION, name, json.dumps(list(key)), value)

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._write(USER_DATA, "", str(user_id), deepcopy(data))

    async def drop_user_data(self, user_id: int) -> None:
        await self._write(USER_DATA, "", str(user_id), None)

    async def _write(self, kind: str, name: str, key: str, value: object | None) -> None:
        """Save (or, for None, drop) one row in its own short transaction, unless it is what we last wrote."""
        row = (kind, name, key)
        if row in self._written and self._written[row] == value:
            return
        async with self._uow(write=True) as uow:
            if value is None:
                await uow.bot_state.drop(kind, name, key)
            else:
                await uow.bot_state.save(kind, name, key, value, self._clock.now())
            await uow.commit()
        self._written[row] = deepcopy(value)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        # Every change is committed as it is handed over; nothing is buffered here.
        log.debug("persistence flushed")
