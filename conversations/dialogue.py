"""Which dialogue a staff member's typed text belongs to.

Each dialogue is its own persistent ConversationHandler, and one left half-way (a search never
finished, a registration abandoned for a phone call) would otherwise keep claiming every text typed
afterwards. The dialogue opened last holds the focus: it is stored in the user's data (so it survives
a restart) and only that dialogue's text, file and /cancel handlers see the user's messages. Buttons
carry their own namespace and need no focus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler

from conversations.context import DongneContext

FOCUS_KEY = "dialogue"


class DialogueFocus:
    def __init__(self) -> None:
        self._user_data: Mapping[int, Mapping[str, Any]] | None = None

    def attach(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._user_data = application.user_data

    def allows(self, name: str, user_id: int) -> bool:
        data = self._user_data.get(user_id) if self._user_data is not None else None
        current = data.get(FOCUS_KEY) if data else None
        return current is None or current == name


def enter(context: DongneContext, name: str) -> None:
    """Called by a dialogue's entry points: from now on the user's text is for this dialogue."""
    if context.user_data is not None:
        context.user_data[FOCUS_KEY] = name


class Focused(BaseHandler[Update, DongneContext, object]):
    """A dialogue's message handler that stands aside while another dialogue holds the focus."""

    def __init__(self, focus: DialogueFocus, name: str, inner: BaseHandler[Update, DongneContext, object]) -> None:
        super().__init__(inner.callback, block=inner.block)
        self.focus = focus
        self.name = name
        self.inner = inner

    def check_update(self, update: object) -> bool | object | None:
        if isinstance(update, Update) and update.effective_user is not None:
            if not self.focus.allows(self.name, update.effective_user.id):
                return None
        return self.inner.check_update(update)

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, DongneContext, Any, Any, Any, Any],
        check_result: object,
        context: DongneContext,
    ) -> object:
        return await self.inner.handle_update(update, application, check_result, context)
