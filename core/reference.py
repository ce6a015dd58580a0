"""Reference lists (관리자 기능: 직위등록, 지원기준 등록, …): the representatives' positions, the support
criteria, the departments and the administrative dongs, kept by admins.

Every list refuses duplicates and an entry still in use (a position held by representatives, a department
with staff, cases or scoped grants, a dong with complexes or scoped grants), saying how many records use
it. Every change is audited as ``reference.<add|edit|move|delete>`` with old and new values in
``details["changes"]`` (field -> [old, new]), the shape the benchmarking history uses too."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from enum import StrEnum

from core.clock import Clock
from core.errors import DongneError, InvalidInput, NotFound, StaleRecord
from core.permissions import Permission, require
from core.values import ReferenceDraft, ReferenceEntry, StaffMember
from storage.reference.repository import is_ordered
from storage.uow import UnitOfWork, UnitOfWorkFactory

# The column widths of the schema (storage/reference/models.py): longer text would be refused by
# PostgreSQL with an error that cannot say which field.
NAME_LIMITS = {"position": 20, "support_criterion": 100, "department": 50, "admin_dong": 30}
SHORT_NAME_LIMIT = 10
# The column is unlimited text; a criterion is a paragraph or two, and the form field holds 2000.
DESCRIPTION_LIMIT = 1000
# Thousand won: 1억 천원 = 1,000억 원, beyond any grant a district makes, inside a 32-bit integer column.
MAX_AMOUNT = 100_000_000
# Ids are 32-bit database integers; a larger one names nothing (and PostgreSQL would refuse to compare it).
LARGEST_ID = 2**31 - 1
# A support criterion's rule for a project above its maximum: refused, or saved once the officer confirms.
ENFORCEMENTS = ("refuse", "warn")


class ReferenceKind(StrEnum):
    POSITION = "position"  # 직위
    SUPPORT_CRITERION = "support_criterion"  # 지원기준
    DEPARTMENT = "department"  # 부서
    ADMIN_DONG = "admin_dong"  # 행정동

    @property
    def ordered(self) -> bool:
        """Admins set the order (departments are listed by name)."""
        return is_ordered(self.value)

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields of ``ReferenceDraft`` this list has, in the order the audit log shows them."""
        if self is ReferenceKind.ADMIN_DONG:
            return ("name", "short_name")
        if self is ReferenceKind.SUPPORT_CRITERION:
            return ("name", "description", "max_amount", "enforcement")
        return ("name",)


class DuplicateReference(DongneError):
    """Another entry of the list already has this name (or short name)."""

    code = "duplicate_reference"


class ReferenceInUse(DongneError):
    """Records still use the entry; ``code`` names the list so the message can say what uses it, with
    counts in the parameters (``representatives``, ``staff``, ``cases``, ``grants``, ``complexes``)."""

    def __init__(self, kind: ReferenceKind, **params: object) -> None:
        super().__init__("", **params)
        self.code = f"already_in_use_{kind.value}"


def clean_line(value: str | None, *, field: str, limit: int, required: bool = True) -> str | None:
    """One line of text as stored: composed Hangul (NFC, so a name typed on another system is not a
    look-alike duplicate), spaces collapsed, control and invisible format characters removed."""
    text = _visible(value or "")
    text = " ".join(text.split())
    if not text:
        if required:
            raise InvalidInput("reference_required", field=field)
        return None
    if len(text) > limit:
        raise InvalidInput("reference_too_long", field=field, limit=limit, length=len(text))
    return text


def clean_block(value: str | None, *, field: str, limit: int) -> str | None:
    """A paragraph: line breaks kept, everything else as ``clean_line``."""
    lines = [" ".join(_visible(line).split()) for line in (value or "").replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if not text:
        return None
    if len(text) > limit:
        raise InvalidInput("reference_too_long", field=field, limit=limit, length=len(text))
    return text


def _visible(value: str) -> str:
    normal = unicodedata.normalize("NFC", value)
    return "".join(ch for ch in normal if ch in "\n\t" or not unicodedata.category(ch).startswith("C"))


def check_id(kind: ReferenceKind, entry_id: int) -> int:
    if not 0 < entry_id <= LARGEST_ID:
        raise NotFound(f"{kind.value} {entry_id}")
    return entry_id


def check_amount(amount: int | None) -> int | None:
    if amount is not None and not 0 <= amount <= MAX_AMOUNT:
        raise InvalidInput("reference_amount", limit=MAX_AMOUNT)
    return amount


def check_enforcement(enforcement: str | None) -> str:
    """Whether a project above the criterion's maximum is refused (the default) or only warned about."""
    chosen = enforcement or ENFORCEMENTS[0]
    if chosen not in ENFORCEMENTS:
        raise InvalidInput("reference_enforcement", value=chosen[:20])
    return chosen


def cleaned(kind: ReferenceKind, draft: ReferenceDraft) -> ReferenceDraft:
    """The draft as written: checked and cleaned, and without the fields this list does not have."""
    name = clean_line(draft.name, field="name", limit=NAME_LIMITS[kind.value])
    assert name is not None  # a required line is never empty
    if kind is ReferenceKind.ADMIN_DONG:
        short_name = clean_line(draft.short_name, field="short_name", limit=SHORT_NAME_LIMIT)
        return ReferenceDraft(name=name, short_name=short_name)
    if kind is ReferenceKind.SUPPORT_CRITERION:
        description = clean_block(draft.description, field="description", limit=DESCRIPTION_LIMIT)
        return ReferenceDraft(
            name=name,
            description=description,
            max_amount=check_amount(draft.max_amount),
            enforcement=check_enforcement(draft.enforcement),
        )
    return ReferenceDraft(name=name)


def _fields(kind: ReferenceKind, draft: ReferenceDraft) -> dict[str, object]:
    """The list's fields of a cleaned draft by name, as the audit log records them."""
    return {name: getattr(draft, name) for name in kind.fields}


def fingerprint(entry: ReferenceEntry) -> str:
    """What an edit form saw of the entry; an edit naming another fingerprint was made on stale data."""
    seen = repr((entry.name, entry.short_name, entry.description, entry.max_amount, entry.enforcement))
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def _current(entry: ReferenceEntry, columns: list[str]) -> dict[str, object]:
    return {column: getattr(entry, column) for column in columns}


class ReferenceLists:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def entries(self, actor: StaffMember, kind: ReferenceKind) -> list[ReferenceEntry]:
        """The list in its order, each entry with how many records use it."""
        require(actor, Permission.ADMIN)
        async with self._uow() as uow:
            return await uow.reference.list_entries(kind.value)

    async def get(self, actor: StaffMember, kind: ReferenceKind, entry_id: int) -> ReferenceEntry:
        require(actor, Permission.ADMIN)
        check_id(kind, entry_id)
        async with self._uow() as uow:
            entry = await uow.reference.get_entry(kind.value, entry_id)
        if entry is None:
            raise NotFound(f"{kind.value} {entry_id}")
        return entry

    async def add(self, actor: StaffMember, kind: ReferenceKind, draft: ReferenceDraft) -> ReferenceEntry:
        """A new entry, at the end of an ordered list."""
        require(actor, Permission.ADMIN)
        clean = cleaned(kind, draft)
        values = _fields(kind, clean)
        async with self._uow(write=True) as uow:
            repository = uow.reference
            await self._refuse_clash(uow, kind, values, except_id=None)
            if kind.ordered:
                values["sort_order"] = sort_order = await repository.next_sort_order(kind.value)
            else:
                sort_order = None
            entry_id = await repository.add_entry(kind.value, clean, sort_order=sort_order)
            if entry_id is None:  # another admin added the same name between our check and our insert
                raise DuplicateReference(clean.name, field="name", value=clean.name)
            await self._audit(
                uow,
                actor,
                "reference.add",
                kind,
                entry_id,
                clean.name,
                {k: [None, v] for k, v in values.items() if v is not None},
            )
            entry = await repository.get_entry(kind.value, entry_id)
            await uow.commit()
        assert entry is not None
        return entry

    async def edit(
        self,
        actor: StaffMember,
        kind: ReferenceKind,
        entry_id: int,
        draft: ReferenceDraft,
        *,
        seen: str | None = None,
    ) -> ReferenceEntry:
        """Rename or change an entry; records using it show the new name at once (they refer by id).
        ``seen`` is the fingerprint of the entry the form showed: if another admin changed it since, the
        edit is refused rather than silently overwriting theirs."""
        require(actor, Permission.ADMIN)
        check_id(kind, entry_id)
        clean = cleaned(kind, draft)
        values = _fields(kind, clean)
        async with self._uow(write=True) as uow:
            repository = uow.reference
            entry = await repository.get_entry(kind.value, entry_id, lock=True)
            if entry is None:
                raise NotFound(f"{kind.value} {entry_id}")
            if seen is not None and seen != fingerprint(entry):
                raise StaleRecord(f"{kind.value} {entry_id} changed since the form was shown")
            before = _current(entry, list(values))
            changes = {k: [before[k], v] for k, v in values.items() if before[k] != v}
            if not changes:
                return entry
            await self._refuse_clash(uow, kind, {k: values[k] for k in changes}, except_id=entry_id)
            if not await repository.update_entry(kind.value, entry_id, clean):
                raise DuplicateReference(clean.name, field="name", value=clean.name)
            await self._audit(uow, actor, "reference.edit", kind, entry_id, clean.name, changes)
            updated = await repository.get_entry(kind.value, entry_id)
            await uow.commit()
        assert updated is not None
        return updated

    async def move(self, actor: StaffMember, kind: ReferenceKind, entry_id: int, offset: int) -> list[ReferenceEntry]:
        """Move an entry up (negative ``offset``) or down the list; the list is renumbered 1, 2, 3, … so
        two entries never share a place. Moving past either end leaves the list as it is."""
        require(actor, Permission.ADMIN)
        if not kind.ordered:
            raise InvalidInput("reference_not_ordered")
        if offset not in (-1, 1):
            raise InvalidInput("reference_move")
        check_id(kind, entry_id)
        async with self._uow(write=True) as uow:
            repository = uow.reference
            if await repository.get_entry(kind.value, entry_id, lock=True) is None:
                raise NotFound(f"{kind.value} {entry_id}")
            entries = await repository.list_entries(kind.value)
            index = next(i for i, e in enumerate(entries) if e.id == entry_id)
            target = index + offset
            if not 0 <= target < len(entries):
                return entries
            moved = list(entries)
            moved[index], moved[target] = moved[target], moved[index]
            orders = {e.id: place for place, e in enumerate(moved, start=1) if e.sort_order != place}
            await repository.set_sort_orders(kind.value, orders)
            changes = {"order": [[e.name for e in entries], [e.name for e in moved]]}
            await self._audit(uow, actor, "reference.move", kind, entry_id, entries[index].name, changes)
            result = await repository.list_entries(kind.value)
            await uow.commit()
        return result

    async def delete(self, actor: StaffMember, kind: ReferenceKind, entry_id: int) -> ReferenceEntry:
        """Delete an entry nothing uses; one in use is refused with the counts of what uses it."""
        require(actor, Permission.ADMIN)
        check_id(kind, entry_id)
        async with self._uow(write=True) as uow:
            repository = uow.reference
            entry = await repository.get_entry(kind.value, entry_id, lock=True)
            if entry is None:
                raise NotFound(f"{kind.value} {entry_id}")
            if entry.in_use:
                raise ReferenceInUse(kind, name=entry.name, **entry.usage)
            if not await repository.delete_entry(kind.value, entry_id):
                raise ReferenceInUse(kind, name=entry.name, **entry.usage)
            columns = ["name", "short_name", "description", "max_amount"]
            old = {k: v for k, v in _current(entry, columns).items() if v is not None}
            await self._audit(
                uow, actor, "reference.delete", kind, entry_id, entry.name, {k: [v, None] for k, v in old.items()}
            )
            await uow.commit()
        return entry

    async def _refuse_clash(
        self, uow: UnitOfWork, kind: ReferenceKind, values: dict[str, object], *, except_id: int | None
    ) -> None:
        for column in ("name", "short_name"):
            value = values.get(column)
            if isinstance(value, str):
                clash = await uow.reference.find_clash(kind.value, column, value, except_id=except_id)
                if clash is not None:
                    raise DuplicateReference(value, field=column, value=value)

    async def _audit(
        self,
        uow: UnitOfWork,
        actor: StaffMember,
        action: str,
        kind: ReferenceKind,
        entry_id: int,
        name: str,
        changes: Mapping[str, object],
    ) -> None:
        await uow.audit.record(
            at=self._clock.now(),
            actor_staff_id=actor.id or None,
            action=action,
            target_type=kind.value,
            target_id=entry_id,
            details={"name": name, "changes": dict(changes)},
        )
