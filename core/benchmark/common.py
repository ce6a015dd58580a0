"""What the benchmarking services share: text rules, notices and history."""

from __future__ import annotations

import re
from datetime import datetime

from core.benchmark.values import Case
from core.clock import Clock
from core.errors import InvalidInput
from core.notifications.service import enqueue
from core.permissions import Permission
from core.values import StaffMember
from storage.uow import UnitOfWork

TITLE_LIMIT = 150
SOURCE_LIMIT = 200
LONG_TEXT_LIMIT = 2000  # a review opinion or progress report: a page of text, as the old web form allowed
REASON_LIMIT = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_line(value: str, *, limit: int, minimum: int = 1) -> str:
    text = " ".join(_CONTROL.sub("", value).split())
    return _measured(text, limit=limit, minimum=minimum)


def clean_block(value: str, *, limit: int, minimum: int = 1) -> str:
    """Multi-line text: line breaks kept, trailing spaces and runs of blank lines removed."""
    lines = [" ".join(line.split()) for line in _CONTROL.sub("", value).replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _measured(text, limit=limit, minimum=minimum)


def _measured(text: str, *, limit: int, minimum: int) -> str:
    if not text:
        raise InvalidInput("text_empty")
    if len(text) < minimum:
        raise InvalidInput("text_too_short", minimum=minimum)
    if len(text) > limit:
        raise InvalidInput("text_too_long", limit=limit, length=len(text))
    return text


def shown_at(clock: Clock, instant: datetime) -> str:
    """An instant as staff read it: the office's local time, to the minute."""
    return clock.local(instant).strftime("%Y-%m-%d %H:%M")


def case_payload(case: Case, actor: StaffMember, **extra: object) -> dict[str, object]:
    """What a notification about ``case`` says, fixed when it is queued."""
    return {
        "case_no": case.case_no,
        "title": case.title,
        "department": case.department.name,
        "officer": case.officer.name if case.officer else None,
        "actor": actor.name,
        "actor_department": actor.department,
        "round": case.approval_round,
        **extra,
    }


async def notify(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    case: Case,
    kind: str,
    recipients: list[int],
    **extra: object,
) -> int:
    return await enqueue(
        uow,
        clock,
        recipients=recipients,
        kind=kind,
        case_id=case.id,
        payload=case_payload(case, actor, **extra),
        skip=actor.id,
    )


async def coordinator_ids(uow: UnitOfWork) -> list[int]:
    coordinators = await uow.benchmark.list_staff_with_permission(Permission.BENCHMARK_COORDINATE.value)
    return [c.id for c in coordinators if c.bound]


async def record(
    uow: UnitOfWork,
    clock: Clock,
    actor: StaffMember,
    case_id: int,
    action: str,
    *,
    state_from: str | None,
    state_to: str | None,
    note: str | None = None,
    changes: dict[str, object] | None = None,
) -> None:
    """History of the case (shown to staff) and the office-wide audit log (read by admins)."""
    now = clock.now()
    await uow.benchmark.add_event(
        case_id,
        at=now,
        actor_id=actor.id or None,
        action=action,
        state_from=state_from,
        state_to=state_to,
        note=note,
        changes=changes,
    )
    details: dict[str, object] = {"state_from": state_from, "state_to": state_to}
    if changes:
        details["changes"] = changes
    await uow.audit.record(
        at=now,
        actor_staff_id=actor.id or None,
        action=f"benchmark.{action}",
        target_type="benchmark_case",
        target_id=case_id,
        details=details,
    )
