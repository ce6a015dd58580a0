"""변경 이력: a complex's changes, newest first, as the card's history button shows them.

Every change to a complex's ledger is in the audit log as ``housing.<record>.<add|edit|remove>`` about the
complex, with ``{"record_id", "changes": {field: [old, new]}}`` (``core.housing.values.RECORDS``), so the
history is one query of the log by target. A reader sees it for the complexes their ``housing.read`` covers;
the personal fields' old and new values (``PERSONAL_FIELDS``) are masked unless ``pii.view`` covers the
complex's dong, and a page that shows any of them unmasked is audited as a view of personal data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from core.audit import CONTACTS_REMOVED
from core.clock import Clock
from core.housing.records import audit_personal_view, covered_complex
from core.housing.values import PERSONAL_FIELDS
from core.masking import mask_email, mask_name, mask_names, mask_phone
from core.permissions import Permission, can, covers_dong, require
from core.values import AuditQuery, Page, StaffMember
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 5  # entries of a page: each a heading and a line per changed field, one phone screen
ACTION_PREFIX = "housing."


def _birth_year(value: object) -> object:
    """A stored birth date ("1960-01-15") shows only its year."""
    return str(value)[:4] if value else value


def _text(mask: Callable[[str | None], str | None]) -> Callable[[object], object]:
    return lambda value: mask(str(value)) if value else value


def _hidden(value: object) -> object:
    """A personal field without a mask of its own shows nothing of its value."""
    return "***" if value else value


# How each personal field's stored value is masked; a test keeps every field of PERSONAL_FIELDS here.
MASKS: dict[str, Callable[[object], object]] = {
    "phone": _text(mask_phone),
    "mobile": _text(mask_phone),
    "manager_mobile": _text(mask_phone),
    "leader_phone": _text(mask_phone),
    "contact": _text(mask_phone),
    "birth_date": _birth_year,
    "manager_birth_date": _birth_year,
    "leader_email": _text(mask_email),
    "complainant": _text(mask_name),
    "members": _text(mask_names),
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change: when (in the office's zone), by whom, to which record, and its fields' old and new values."""

    at: datetime
    actor: str | None
    record: str
    verb: str  # add, edit or remove
    record_id: int | None
    changes: tuple[FieldChange, ...]
    # Its contact values were removed once the retention period passed (core.retention).
    contacts_removed: bool = False


@dataclass(frozen=True, slots=True)
class ComplexHistory:
    complex_id: int
    complex_name: str
    page: Page[HistoryEntry]
    personal_data_masked: bool


class HousingHistory:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def changes(self, actor: StaffMember, complex_id: int, page: int = 0) -> ComplexHistory:
        require(actor, Permission.HOUSING_READ)
        page = max(0, page)
        query = AuditQuery(target=("complex", complex_id), action_prefix=ACTION_PREFIX)
        # Only a pii.view holder may need to write the audit entry of an unmasked page.
        async with self._uow(write=can(actor, Permission.PII_VIEW)) as uow:
            detail = await covered_complex(uow, actor, complex_id, Permission.HOUSING_READ)
            total = await uow.audit.count_entries(query)
            records = await uow.audit.list_entries(query, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
            masked = not covers_dong(actor, Permission.PII_VIEW, detail.admin_dong_id)
            entries = tuple(self._entry(r.at, r.actor_name, r.action, r.details, masked=masked) for r in records)
            if not masked and any(_shows_personal(e) for e in entries):
                await audit_personal_view(uow, self._clock, actor, complex_id, "complex_history", page=page)
                await uow.commit()
        return ComplexHistory(
            complex_id=complex_id,
            complex_name=detail.name,
            page=Page(items=entries, number=page, size=PAGE_SIZE, total=total),
            personal_data_masked=masked,
        )

    def _entry(
        self, at: datetime, actor: str | None, action: str, details: Mapping[str, object], *, masked: bool
    ) -> HistoryEntry:
        _, record, verb = [*action.split(".", 2), "", ""][:3]
        changes = details.get("changes")
        pairs = changes.items() if isinstance(changes, Mapping) else ()
        personal = PERSONAL_FIELDS.get(record, frozenset())
        shown = []
        for name, values in pairs:
            old, new = values if isinstance(values, list | tuple) and len(values) == 2 else (None, values)
            if masked and name in personal:
                mask = MASKS.get(name, _hidden)
                old, new = mask(old), mask(new)
            shown.append(FieldChange(field=str(name), old=old, new=new))
        record_id = details.get("record_id")
        return HistoryEntry(
            at=self._clock.local(at if at.tzinfo else at.replace(tzinfo=UTC)),
            actor=actor,
            record=record,
            verb=verb,
            record_id=record_id if isinstance(record_id, int) else None,
            changes=tuple(shown),
            contacts_removed=details.get(CONTACTS_REMOVED) is True,
        )


def _shows_personal(entry: HistoryEntry) -> bool:
    personal = PERSONAL_FIELDS.get(entry.record, frozenset())
    return any(c.field in personal and (c.old or c.new) for c in entry.changes)
