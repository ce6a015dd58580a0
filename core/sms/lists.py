"""저장된 수신자 목록: a sender saves the people a selection reached (or, through the JSON API, people given
by hand) under a name, and texts them again later by choosing the list. A list is its owner's alone: it
holds phone numbers, and nobody else chose them."""

from __future__ import annotations

from collections.abc import Sequence

from core.clock import Clock
from core.errors import InvalidInput, NotFound
from core.permissions import Permission, require
from core.sms.recipients import build_recipient_list
from core.sms.selection import as_shown_to, resolve_selection, sees_phones
from core.sms.values import (
    COMMUNITY_KINDS,
    ListEntry,
    RecipientList,
    RecipientSelection,
    SavedList,
    SavedListResult,
    SmsCandidate,
)
from core.text_input import clean_text
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

NAME_LIMIT = 40
PERSON_NAME_LIMIT = 50
COMPLEX_NAME_LIMIT = 100
MAX_LISTS = 50  # per staff member
MAX_ENTRIES = 10_000


class SavedLists:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list_saved(self, actor: StaffMember) -> tuple[SavedList, ...]:
        require(actor, Permission.SMS_SEND)
        async with self._uow() as uow:
            return tuple(await uow.sms_lists.list_saved_lists_of(actor.id))

    async def save_selection(self, actor: StaffMember, name: str, selection: RecipientSelection) -> SavedListResult:
        """Save who ``selection`` reaches now (valid mobiles only) as a list named ``name``. Community
        organisations' representatives are not saved: a saved list is scoped by its complexes' dongs when it is
        sent, and theirs would escape that (choose them again by field, type or name instead)."""
        if selection.kind in COMMUNITY_KINDS:
            raise InvalidInput("sms_list_not_for_organizations")
        require(actor, Permission.SMS_SEND)
        label = clean_text(name, "sms_list_name", NAME_LIMIT)
        async with self._uow(write=True) as uow:
            found = await resolve_selection(uow, actor, selection)
            return await self._write(uow, actor, label, found, {"from": selection.kind})

    async def save_entries(self, actor: StaffMember, name: str, entries: Sequence[ListEntry]) -> SavedListResult:
        """Save people given by name and number; numbers that are not Korean mobiles are listed and left out."""
        require(actor, Permission.SMS_SEND)
        label = clean_text(name, "sms_list_name", NAME_LIMIT)
        if len(entries) > MAX_ENTRIES:
            raise InvalidInput("sms_list_too_large", limit=MAX_ENTRIES)
        candidates = []
        for entry in entries:
            person = clean_text(entry.name, "sms_list_person", PERSON_NAME_LIMIT)
            place = " ".join((entry.complex_name or "").split())[:COMPLEX_NAME_LIMIT] or None
            candidates.append(SmsCandidate(person, entry.phone.strip()[:20], None, place))
        async with self._uow(write=True) as uow:
            return await self._write(uow, actor, label, build_recipient_list(candidates), {"from": "entries"})

    async def _write(
        self, uow: UnitOfWork, actor: StaffMember, name: str, found: RecipientList, details: dict[str, object]
    ) -> SavedListResult:
        if not found.recipients:
            raise InvalidInput("sms_no_recipients")
        if len(found.recipients) > MAX_ENTRIES:
            raise InvalidInput("sms_list_too_large", limit=MAX_ENTRIES)
        if await uow.sms_lists.count_saved_lists_of(actor.id) >= MAX_LISTS:
            raise InvalidInput("sms_list_too_many", limit=MAX_LISTS)
        now = self._clock.now()
        entries = found.recipients
        list_id = await uow.sms_lists.add_saved_list(owner_id=actor.id, name=name, now=now, entries=entries)
        if list_id is None:
            raise InvalidInput("sms_list_name_taken", name=name)
        await uow.audit.record(
            at=now,
            actor_staff_id=actor.id,
            action="sms.list_save",
            target_type="sms_saved_list",
            target_id=list_id,
            details={
                "name": name,
                "entries": len(entries),
                "invalid": len(found.invalid),
                # The invalid numbers are listed back unmasked to a pii.view holder: this is that view's record.
                "invalid_unmasked": bool(found.invalid) and sees_phones(actor),
                **details,
            },
        )
        await uow.commit()
        saved = SavedList(id=list_id, owner_id=actor.id, name=name, created_at=now, entry_count=len(entries))
        shown = as_shown_to(actor, found)
        return SavedListResult(saved, shown.invalid, shown.without_phone, shown.duplicates_merged)

    async def delete(self, actor: StaffMember, list_id: int) -> SavedList:
        require(actor, Permission.SMS_SEND)
        async with self._uow(write=True) as uow:
            record = await uow.sms_lists.get_saved_list(list_id)
            if record is None or record.owner_id != actor.id or not await uow.sms_lists.delete_saved_list(list_id):
                raise NotFound(f"saved list {list_id}")
            await uow.audit.record(
                at=self._clock.now(),
                actor_staff_id=actor.id,
                action="sms.list_delete",
                target_type="sms_saved_list",
                target_id=list_id,
                details={"name": record.name, "entries": record.entry_count},
            )
            await uow.commit()
        return record
