"""Plain values of the staff notification outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Notice:
    """A notification taken from the outbox to be sent: a new notice, or the update of an earlier one."""

    id: int
    recipient_id: int
    telegram_user_id: int | None
    language: str
    recipient_active: bool
    kind: str
    case_id: int | None
    payload: dict[str, object]
    attempts: int
    created_at: datetime
    # For a row that updates an earlier notice (``updates_id``): that notice's chat and message, and whether
    # it is still to be delivered (then the update waits for it).
    updates_id: int | None = None
    target_chat_id: int | None = None
    target_message_id: int | None = None
    target_waiting: bool = False


@dataclass(frozen=True, slots=True)
class NoticeCopy:
    """One staff member's copy of a notice: where it went, if it went."""

    id: int
    recipient_id: int
    payload: dict[str, object]
    chat_id: int | None
    message_id: int | None
    abandoned: bool
    # Claimed by a sender at least once: it may be on its way although not yet marked sent.
    taken: bool
