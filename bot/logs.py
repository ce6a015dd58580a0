"""The process's log: one line per event, as text or as JSON (``DONGNE_LOG_FORMAT``), each line carrying the
update it belongs to and the staff member acting, by id only.

The update processor opens an update's context (``update_context``) and the access gate names the member
(``name_staff``); every line logged while that update is handled, in whichever module, carries both, and the
processor's last line says how long the update took. Names and phone numbers never go in by this route: a staff
member is their id in the staff table, a Telegram account its numeric id.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(update_fields)s"
# Libraries that narrate every request or plugin at INFO would bury the office's own lines.
CHATTY = ("alembic", "httpx", "httpcore", "aiosqlite", "apscheduler")


@dataclass
class UpdateContext:
    update_id: int | None
    staff_id: int | None = None


_current: ContextVar[UpdateContext | None] = ContextVar("dongne_update", default=None)


@contextlib.contextmanager
def update_context(update_id: int | None) -> Iterator[UpdateContext]:
    """Lines logged inside carry ``update_id`` (and the staff id, once the gate names the member)."""
    context = UpdateContext(update_id)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def name_staff(staff_id: int) -> None:
    """The update being handled is this staff member's (by the staff table's id)."""
    context = _current.get()
    if context is not None:
        context.staff_id = staff_id


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class UpdateFields(logging.Filter):
    """Puts the current update's id and staff id on every record (None outside an update)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        fields = {}
        for field, label in (("update_id", "update"), ("staff_id", "staff"), ("duration_ms", "ms")):
            value = getattr(record, field, getattr(context, field, None))
            setattr(record, field, value)
            if value is not None:
                fields[label] = value
        shown = " ".join(f"{label}={value}" for label, value in fields.items())
        record.update_fields = f" [{shown}]" if shown else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the update's fields, and an error's traceback
    as one string (so a multi-line traceback stays one line of the log)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("update_id", "staff_id", "duration_ms"):
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, form: str = "text", stream: TextIO | None = None) -> None:
    """The root logger's one handler (``stream``, stderr by default), in ``form`` ("text" or "json"), at
    ``level``."""
    for chatty in CHATTY:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    root = logging.getLogger()
    if root.handlers:  # configured already (by whoever embeds the program, or a test run): as logging.basicConfig
        return
    handler = logging.StreamHandler(stream)
    handler.addFilter(UpdateFields())
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
