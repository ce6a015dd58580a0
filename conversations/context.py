"""The callback context our handlers receive: who is acting (set by the access gate for this very
update), in which language, and the core services."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from core.services import Services
from core.texts.i18n import language_of
from core.values import StaffMember

SERVICES_KEY = "services"


class DongneContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB makes one context per update and hands it to every handler group in turn, so what the
    gate (group -1) stores here is seen by the dialogue handlers of the same update and no other."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.actor: StaffMember | None = None
        self.telegram_language: str | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    @property
    def lang(self) -> str:
        if self.actor is not None:
            return language_of(self.actor.language)
        return language_of(self.telegram_language)

    def staff(self) -> StaffMember:
        """The acting staff member; the gate guarantees one for every handler behind it."""
        if self.actor is None:
            raise RuntimeError("handler reached without an identified staff member")
        return self.actor


CONTEXT_TYPES = ContextTypes(context=DongneContext)
