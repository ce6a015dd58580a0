"""python-telegram-bot's persisted state: conversations, user and chat data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class BotState(Base):
    """python-telegram-bot persistence: conversation states and per-user data, as JSON."""

    __tablename__ = "bot_state"
    __table_args__ = (UniqueConstraint("kind", "name", "key", name="uq_bot_state_kind_name_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    data: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
