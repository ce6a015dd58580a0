"""From a selection to the people it reaches: registry kinds within the sender's dong scope, or one of the
sender's saved lists. Numbers are checked every time, so a saved list never sends to a number that has
since become invalid.

An ``sms.send`` grant scoped to dongs bounds every selection, and so does a ``housing.read`` grant scoped
to dongs (``sending_dongs``): "every complex" means every complex in those dongs; a dong or a complex
beyond them is refused with ``OutsideScope`` (naming it), never quietly narrowed, so the sender knows why
the list is shorter than they asked. A saved list is judged at send time by where its complexes lie now:
people beyond the sender's current dongs are left out and counted, so a list saved under a wider grant
still reaches the people the sender may reach, and the preview says how many it
left out. People typed in by hand (no complex) are the sender's own, not the registry's, and stay."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import replace
from datetime import datetime

from core.clock import Clock
from core.errors import InvalidInput, NotFound, OutsideScope
from core.masking import mask_phone
from core.permissions import Permission, can, dong_scope, require
from core.sms.recipients import build_recipient_list
from core.sms.values import COMMUNITY_KINDS, RECIPIENT_KINDS, RecipientList, RecipientSelection, SmsCandidate
from core.values import StaffMember
from storage.uow import UnitOfWork

CHECKED_INLINE = 500
OUTSIDE_NAMED = 10  # complex ids a refusal names; more are counted


def sending_dongs(actor: StaffMember) -> frozenset[int] | None:
    """The dongs a sender reaches (None: every dong): their ``sms.send`` grant's, and no further than their
    ``housing.read`` grant's, since a dong-scoped housing member sees only their dongs' complexes everywhere,
    texts included, whatever an older or wider ``sms.send`` grant says. A sender who reads no housing at all
    is bounded by ``sms.send`` alone."""
    sending = dong_scope(actor, Permission.SMS_SEND)
    reading = dong_scope(actor, Permission.HOUSING_READ) if can(actor, Permission.HOUSING_READ) else None
    if reading is None:
        return sending
    return reading if sending is None else sending & reading


def community_sending_dongs(actor: StaffMember) -> frozenset[int] | None:
    """The dongs whose organisations a sender reaches: their ``sms.send`` grant's, and no further than their
    ``community.read`` grant's (required: a sender who may not read the community register texts none of it)."""
    require(actor, Permission.COMMUNITY_READ)
    sending = dong_scope(actor, Permission.SMS_SEND)
    reading = dong_scope(actor, Permission.COMMUNITY_READ)
    if reading is None:
        return sending
    return reading if sending is None else sending & reading


async def resolve_organization_leaders(
    uow: UnitOfWork, actor: StaffMember, selection: RecipientSelection
) -> RecipientList:
    """The representatives of the organisations chosen (by dong, 분야, 유형 or by name), within the sender's dongs."""
    scope = community_sending_dongs(actor)
    if selection.complex_ids or selection.position:
        raise InvalidInput("sms_selection_incomplete")
    if scope is not None and selection.admin_dong_id is not None and selection.admin_dong_id not in scope:
        raise OutsideScope("sms_dong_outside_scope", f"dong {selection.admin_dong_id}", dong=selection.admin_dong_id)
    if scope is not None and selection.organization_ids:
        if outside := await uow.sms.organizations_outside(selection.organization_ids, scope):
            named = ", ".join(str(i) for i in outside[:OUTSIDE_NAMED]) + ("…" if len(outside) > OUTSIDE_NAMED else "")
            raise OutsideScope(
                "sms_organizations_outside_scope", f"organizations {named}", ids=named, count=len(outside)
            )
    dongs = frozenset({selection.admin_dong_id}) if selection.admin_dong_id is not None else scope
    candidates = await uow.sms.list_organization_leaders(
        organization_ids=selection.organization_ids,
        admin_dong_ids=dongs,
        field=selection.field,
        legal_type=selection.legal_type,
    )
    return await check_numbers(candidates)


async def resolve_selection(uow: UnitOfWork, actor: StaffMember, selection: RecipientSelection) -> RecipientList:
    if selection.kind in COMMUNITY_KINDS:
        return await resolve_organization_leaders(uow, actor, selection)
    if selection.field or selection.legal_type or selection.organization_ids:
        raise InvalidInput("sms_selection_incomplete")
    scope = sending_dongs(actor)
    if selection.kind == "saved":
        saved = await uow.sms_lists.get_saved_list(selection.list_id) if selection.list_id is not None else None
        if saved is None or saved.owner_id != actor.id:
            raise NotFound(f"saved list {selection.list_id}")
        within = await uow.sms_lists.list_saved_candidates(saved.id, scope)
        return replace(await check_numbers(within), outside_scope=saved.entry_count - len(within))
    if selection.kind not in RECIPIENT_KINDS:
        raise InvalidInput("sms_unknown_recipient_kind", kind=selection.kind)
    if scope is not None and selection.admin_dong_id is not None and selection.admin_dong_id not in scope:
        raise OutsideScope("sms_dong_outside_scope", f"dong {selection.admin_dong_id}", dong=selection.admin_dong_id)
    if scope is not None and selection.complex_ids:
        if outside := await uow.sms.complexes_outside(selection.complex_ids, scope):
            named = ", ".join(str(i) for i in outside[:OUTSIDE_NAMED]) + ("…" if len(outside) > OUTSIDE_NAMED else "")
            raise OutsideScope("sms_complexes_outside_scope", f"complexes {named}", ids=named, count=len(outside))
    dongs = frozenset({selection.admin_dong_id}) if selection.admin_dong_id is not None else scope
    candidates = await uow.sms.list_sms_candidates(
        selection.kind,
        complex_ids=selection.complex_ids,
        admin_dong_ids=dongs,
        position=selection.position,
    )
    return await check_numbers(candidates)


async def check_numbers(candidates: list[SmsCandidate]) -> RecipientList:
    """Checking a number takes ~20 µs; a large selection is checked in a thread so the bot keeps answering."""
    if len(candidates) > CHECKED_INLINE:
        return await asyncio.to_thread(build_recipient_list, candidates)
    return build_recipient_list(candidates)


def sees_phones(actor: StaffMember) -> bool:
    """Numbers are shown unmasked only to ``pii.view`` over every dong: one batch's people come from many."""
    return can(actor, Permission.PII_VIEW) and dong_scope(actor, Permission.PII_VIEW) is None


def as_shown_to(actor: StaffMember, found: RecipientList) -> RecipientList:
    """The invalid numbers listed back to the sender, masked unless they may see them."""
    if sees_phones(actor):
        return found
    return replace(found, invalid=tuple(replace(i, phone=mask_phone(i.phone) or "") for i in found.invalid))


async def record_phone_view(
    uow: UnitOfWork, clock: Clock, actor: StaffMember, *, via: str, target_type: str, target_id: int | None, count: int
) -> None:
    """An unmasked look at people's numbers, for the audit log (the caller commits)."""
    await uow.audit.record(
        at=clock.now(),
        actor_staff_id=actor.id,
        action="pii.view",
        target_type=target_type,
        target_id=target_id,
        details={"via": via, "phones": count},
    )


def describe(selection: RecipientSelection) -> dict[str, object]:
    """The selection as the batch keeps it (and the audit log records it)."""
    described: dict[str, object] = {
        "kind": selection.kind,
        "complex_ids": list(selection.complex_ids),
        "admin_dong_id": selection.admin_dong_id,
        "position": selection.position,
    }
    if selection.list_id is not None:
        described["list_id"] = selection.list_id
    # Only when given, so that a request of the housing kinds keeps the fingerprint it always had.
    if selection.field is not None:
        described["field"] = selection.field
    if selection.legal_type is not None:
        described["legal_type"] = selection.legal_type
    if selection.organization_ids:
        described["organization_ids"] = list(selection.organization_ids)
    return described


def request_digest(
    selection: RecipientSelection, text: str, scheduled_at: datetime | None, subject: str | None = None
) -> str:
    """A fingerprint of one send request, to tell a retried request from a different one under the same key.
    A subject counts only when given, so requests made before subjects existed keep their fingerprints."""
    request = {**describe(selection), "text": text, "scheduled_at": scheduled_at.isoformat() if scheduled_at else None}
    if subject is not None:
        request["subject"] = subject
    return hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
