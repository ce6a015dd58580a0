"""Every dialogue's handlers, in the order they are tried."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from conversations import complex_lookup, start
from conversations.context import DongneContext


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [complex_lookup.build_handler(), *start.build_handlers(), *start.build_fallbacks()]


# What each persistent dialogue's states are, so persisted states come back as the same members.
STATE_TYPES = {complex_lookup.NAME: complex_lookup.State}
