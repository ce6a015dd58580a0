"""The SMS API's JSON: the strict reading of request bodies, and the answers (described in api_sms_schema.py).

Reading is strict because the callers are other systems: an unknown field, a wrong type, an unknown recipient
kind or an overlong value is refused with 422 and a message naming the field, rather than silently ignored
(a typo in ``scheduled_at`` must not turn a scheduled send into one that goes out now); so is a body that is
not JSON at all, as in the staff API. The rules themselves (text length, schedule window, scopes) stay the
services'."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.admin.api_json import invalid, parse_json, query_integer, read_body
from core.clock import Clock
from core.community.values import LEGAL_TYPES, ORGANIZATION_FIELDS
from core.errors import InvalidInput
from core.sms.lists import COMPLEX_NAME_LIMIT, MAX_ENTRIES, NAME_LIMIT, PERSON_NAME_LIMIT
from core.sms.service import MAX_PAGE_SIZE, PAGE_SIZE
from core.sms.values import (
    COMMUNITY_KINDS,
    SELECTION_KINDS,
    BatchSummary,
    BatchView,
    InvalidRecipient,
    ListEntry,
    MessageState,
    MessageView,
    RecipientSelection,
    SavedList,
    SavedListResult,
    SmsPreview,
    StateCounts,
)
from core.values import Page

LARGEST_ID = 2**31 - 1  # the database's integer ids; a larger number names nothing
ID_EXPECTED = f"integer 1-{LARGEST_ID}"
MAX_COMPLEX_IDS = 500  # more than the district's complexes (or organisations); a longer list is a mistake
SELECTION_FIELDS = ("kind", "complex_ids", "admin_dong_id", "position", "list_id")
COMMUNITY_FIELDS = ("field", "legal_type", "organization_ids")
POSITION_LIMIT = 50
PHONE_LIMIT = 30  # a number however written (+82 10-1234-5678, spaces) fits; longer is not a number
SCHEDULE_LIMIT = 40
# Invalid numbers listed one by one in an answer; all are counted.
INVALID_LISTED = 100
# ISO 8601 with a time of day (a bare date would mean midnight, which nobody schedules on purpose).
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
STATES = [s.value for s in MessageState]
COUNT_NAMES = (*STATES, "total", "sent", "pending")
KINDS_EXPECTED = "one of " + ", ".join(SELECTION_KINDS)
LEFT_OUT = ("invalid", "without_phone", "duplicates_merged", "outside_scope")


# -- reading ---------------------------------------------------------------------------------------------


async def read_json(request: web.Request, limit: int | None = None) -> dict[str, Any]:
    """The request's JSON object; ``limit`` reads a body larger than the endpoint's usual maximum."""
    if limit is None:
        return parse_json(await request.read())
    return parse_json(await read_body(request, limit))


def only(body: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidInput("api_field_unknown", field=prefix + unknown[0])


def obj(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(field, "object")
    return value


def string(value: Any, field: str, limit: int, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(field, f"string of at most {limit} characters")
    return value


def identifier(value: Any, field: str, *, required: bool = False) -> int | None:
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= LARGEST_ID:
        raise invalid(field, ID_EXPECTED)
    return value


def selection_of(value: Any, field: str = "recipients") -> RecipientSelection:
    body = obj(value, field)
    only(body, (*SELECTION_FIELDS, *COMMUNITY_FIELDS), f"{field}.")
    kind = body.get("kind")
    if kind not in SELECTION_KINDS:
        raise invalid(f"{field}.kind", KINDS_EXPECTED)
    if kind in COMMUNITY_KINDS:
        return organization_selection(body, field)
    for name in COMMUNITY_FIELDS:
        if body.get(name) not in (None, []):
            raise invalid(f"{field}.{name}", "nothing unless kind is organization_leaders")
    if kind == "saved":
        for name in ("complex_ids", "admin_dong_id", "position"):
            if body.get(name) not in (None, []):
                raise invalid(f"{field}.{name}", "nothing with kind saved")
        return RecipientSelection("saved", list_id=identifier(body.get("list_id"), f"{field}.list_id", required=True))
    if body.get("list_id") is not None:
        raise invalid(f"{field}.list_id", "nothing unless kind is saved")
    raw_ids = body.get("complex_ids", [])
    if raw_ids is None:
        raw_ids = []
    if not isinstance(raw_ids, list) or len(raw_ids) > MAX_COMPLEX_IDS:
        raise invalid(f"{field}.complex_ids", f"array of at most {MAX_COMPLEX_IDS} integers")
    complex_ids = [identifier(i, f"{field}.complex_ids", required=True) for i in raw_ids]
    position = string(body.get("position"), f"{field}.position", POSITION_LIMIT, required=False)
    position = " ".join(position.split()) if position else None
    if position and kind != "representatives":
        raise invalid(f"{field}.position", "nothing unless kind is representatives")
    return RecipientSelection(
        kind,
        complex_ids=tuple(dict.fromkeys(i for i in complex_ids if i is not None)),
        admin_dong_id=identifier(body.get("admin_dong_id"), f"{field}.admin_dong_id"),
        position=position or None,
    )


def organization_selection(body: Mapping[str, Any], field: str) -> RecipientSelection:
    """Community organisations' representatives: narrowed by dong, 분야, 유형 and/or chosen organisations."""
    for name in ("complex_ids", "position", "list_id"):
        if body.get(name) not in (None, []):
            raise invalid(f"{field}.{name}", "nothing with kind organization_leaders")
    raw_ids = body.get("organization_ids") or []
    if not isinstance(raw_ids, list) or len(raw_ids) > MAX_COMPLEX_IDS:
        raise invalid(f"{field}.organization_ids", f"array of at most {MAX_COMPLEX_IDS} integers")
    ids = [identifier(i, f"{field}.organization_ids", required=True) for i in raw_ids]
    chosen_field, legal_type = body.get("field"), body.get("legal_type")
    if chosen_field is not None and chosen_field not in ORGANIZATION_FIELDS:
        raise invalid(f"{field}.field", "one of " + ", ".join(ORGANIZATION_FIELDS))
    if legal_type is not None and legal_type not in LEGAL_TYPES:
        raise invalid(f"{field}.legal_type", "one of " + ", ".join(LEGAL_TYPES))
    return RecipientSelection(
        "organization_leaders",
        admin_dong_id=identifier(body.get("admin_dong_id"), f"{field}.admin_dong_id"),
        field=chosen_field,
        legal_type=legal_type,
        organization_ids=tuple(dict.fromkeys(i for i in ids if i is not None)),
    )


def schedule_of(value: Any) -> datetime | None:
    text = string(value, "scheduled_at", SCHEDULE_LIMIT, required=False)
    if text is None:
        return None
    try:
        if not DATE_TIME.match(text):
            raise ValueError(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise invalid("scheduled_at", "ISO 8601 date-time, e.g. 2026-11-26T10:00:00+09:00") from None


def dispatch_request(body: Mapping[str, Any]) -> tuple[RecipientSelection, str, datetime | None, str | None]:
    """What a preview or a send asks for: recipients, text, (optionally) when and an LMS's subject. The
    subject's rules (length, one line) are core's, as in the chat: only its type is checked here."""
    only(body, ("recipients", "text", "scheduled_at", "subject"))
    selection = selection_of(body.get("recipients"))
    text = body.get("text")
    if not isinstance(text, str):
        raise invalid("text", "string")
    subject = body.get("subject")
    if subject is not None and not isinstance(subject, str):
        raise invalid("subject", "string or null")
    return selection, text, schedule_of(body.get("scheduled_at")), subject


def entries_of(value: Any) -> list[ListEntry]:
    if not isinstance(value, list) or len(value) > MAX_ENTRIES:
        raise invalid("entries", f"array of at most {MAX_ENTRIES} objects")
    entries = []
    for number, item in enumerate(value):
        field = f"entries[{number}]"
        entry = obj(item, field)
        only(entry, ("name", "phone", "complex_name"), f"{field}.")
        entries.append(
            ListEntry(
                name=string(entry.get("name"), f"{field}.name", PERSON_NAME_LIMIT, required=True) or "",
                phone=string(entry.get("phone"), f"{field}.phone", PHONE_LIMIT, required=True) or "",
                complex_name=string(
                    entry.get("complex_name"), f"{field}.complex_name", COMPLEX_NAME_LIMIT, required=False
                ),
            )
        )
    return entries


def list_request(body: Mapping[str, Any]) -> tuple[str, list[ListEntry] | RecipientSelection]:
    """A list to save: a name and either people given by hand or a selection."""
    only(body, ("name", "entries", "recipients"))
    name = string(body.get("name"), "name", NAME_LIMIT, required=True) or ""
    if ("entries" in body) == ("recipients" in body):
        raise invalid("entries", "either entries or recipients (not both)")
    return name, entries_of(body["entries"]) if "entries" in body else selection_of(body["recipients"])


def query_size(request: web.Request) -> int:
    """How many items a page holds (``size``), within what the service allows."""
    return query_integer(request, "size", PAGE_SIZE, 1, MAX_PAGE_SIZE)


def query_state(request: web.Request) -> MessageState | None:
    """``state``: only the messages in that state (e.g. ``failed``)."""
    raw = request.query.get("state")
    if raw is None:
        return None
    if raw not in {s.value for s in MessageState}:
        raise invalid("state", "one of " + ", ".join(s.value for s in MessageState))
    return MessageState(raw)


def query_flag(request: web.Request, name: str) -> bool:
    raw = request.query.get(name, "false")
    if raw not in ("true", "false"):
        raise invalid(name, "true or false")
    return raw == "true"


# -- answering -------------------------------------------------------------------------------------------


def when(clock: Clock, moment: datetime | None) -> str | None:
    """ISO 8601 in the office's time zone, with its offset (SQLite's naive UTC read as UTC)."""
    return clock.local(moment).isoformat(timespec="seconds") if moment is not None else None


def counts_json(counts: StateCounts) -> dict[str, int]:
    return {name: int(getattr(counts, name)) for name in COUNT_NAMES}


def page_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "page": page.number + 1, "size": page.size, "total": page.total, "pages": page.count}


def invalid_json(people: tuple[InvalidRecipient, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "complex_name": p.complex_name,
            "phone": p.phone,  # masked by core unless the admin may see it
        }
        for p in people[:INVALID_LISTED]
    ]


def preview_json(clock: Clock, preview: SmsPreview) -> dict[str, Any]:
    size = preview.size
    return {
        "recipient_count": preview.recipient_count,
        "invalid_count": len(preview.invalid),
        "without_phone": preview.without_phone,
        "duplicates_merged": preview.duplicates_merged,
        "outside_scope": preview.outside_scope,
        "invalid": invalid_json(preview.invalid),
        "message_type": size.message_type.value,
        "byte_length": size.byte_length,
        "byte_limit": size.byte_limit,
        "unencodable": list(size.unencodable),
        "sender_number": preview.sender_number,
        "sample": preview.sample,
        "subject": preview.subject,
        "scheduled_at": when(clock, preview.scheduled_at),
        "night_warning": preview.night_warning,
        "ums_configured": preview.ums_configured,
    }


def _selection_json(description: Mapping[str, object]) -> dict[str, Any]:
    keys = ("kind", "complex_ids", "admin_dong_id", "position", "list_id")
    return {key: description.get(key, [] if key == "complex_ids" else None) for key in keys}


def batch_json(clock: Clock, batch: BatchView) -> dict[str, Any]:
    described = batch.description
    return {
        "id": batch.id,
        "created_at": when(clock, batch.created_at),
        "created_by": {"id": batch.created_by_id, "name": batch.created_by_name},
        "text": batch.text,
        "message_type": batch.message_type.value,
        "subject": batch.subject,
        "byte_length": batch.byte_length,
        "sender_number": batch.sender_number,
        "scheduled_at": when(clock, batch.scheduled_at),
        "cancelled_at": when(clock, batch.cancelled_at),
        "recipients": _selection_json(described),
        "left_out": {name: described.get(name, 0) for name in LEFT_OUT},
        "counts": counts_json(batch.counts),
        "cancellable": batch.cancellable,
        "ums_configured": batch.ums_configured,
        "replayed": batch.replayed,
    }


def summary_json(clock: Clock, batch: BatchSummary) -> dict[str, Any]:
    return {
        "id": batch.id,
        "created_at": when(clock, batch.created_at),
        "created_by": batch.created_by_name,
        "text_head": batch.text_head,
        "message_type": batch.message_type.value,
        "scheduled_at": when(clock, batch.scheduled_at),
        "cancelled_at": when(clock, batch.cancelled_at),
        "counts": counts_json(batch.counts),
        "ums_configured": batch.ums_configured,
    }


def message_json(clock: Clock, message: MessageView) -> dict[str, Any]:
    return {
        "id": message.id,
        "name": message.name,
        "complex_name": message.complex_name,
        "phone": message.phone,
        "state": message.state.value,
        "state_changed_at": when(clock, message.state_changed_at),
        "attempts": message.attempts,
        "failure_reason": message.failure_reason,
        "due_at": when(clock, message.due_at),
    }


def saved_json(clock: Clock, saved: SavedList) -> dict[str, Any]:
    return {
        "id": saved.id,
        "name": saved.name,
        "created_at": when(clock, saved.created_at),
        "entries": saved.entry_count,
    }


def saved_result_json(clock: Clock, result: SavedListResult) -> dict[str, Any]:
    return {
        "list": saved_json(clock, result.saved),
        "invalid_count": len(result.invalid),
        "invalid": invalid_json(result.invalid),
        "without_phone": result.without_phone,
        "duplicates_merged": result.duplicates_merged,
    }
