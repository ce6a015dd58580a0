"""마을공동체 단체(기관) 관리: organisations registered, found by a part of their name or browsed by field, type
and dong, and opened as the report's 단체(기관) 조회 card with its 시설현황.

Reading needs ``community.read`` and registering ``community.write``, each for the organisation's 관할동 when the
grant is scoped to dongs. The representative's mobile and the organisation's email are personal data: masked
for a reader without ``pii.view`` for that dong, and an unmasked card is audited (``pii.view``). A registration
is checked by ``core.community.validation`` and audited with its values (``community.organization.add``); a
change names the version it was made on (``core.community.changes``), is checked on the organisation as it would
stand and audited with its old → new values (``community.organization.edit``). Moving an organisation to another
dong needs ``community.write`` for both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.clock import Clock
from core.community.changes import ChangedMeanwhile, audit_edit, changed_fields
from core.community.fields import ORGANIZATION, organization_draft, organization_values, spec
from core.community.validation import check_organization
from core.community.values import (
    DongCount,
    OrganizationDraft,
    OrganizationFilter,
    OrganizationRecord,
    OrganizationSummary,
)
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.masking import mask_email, mask_phone
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.text_input import clean_query
from core.values import Page, StaffMember
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 10
PERSONAL = ("mobile", "email")


class Organizations:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def register(self, actor: StaffMember, draft: OrganizationDraft) -> OrganizationRecord:
        require(actor, Permission.COMMUNITY_WRITE)
        check_organization(draft, self._clock.today())
        async with self._uow(write=True) as uow:
            dong_id = await uow.community.dong_id(draft.admin_dong)
            if dong_id is None or not covers_dong(actor, Permission.COMMUNITY_WRITE, dong_id):
                raise InvalidInput("community_unknown_dong", value=draft.admin_dong)
            new_id = await uow.community.add_organization(draft, dong_id, at=self._clock.now(), by=actor.id or None)
            await uow.audit.record(
                at=self._clock.now(),
                actor_staff_id=actor.id or None,
                action="community.organization.add",
                target_type="community_organization",
                target_id=new_id,
                details={"name": draft.name, "dong": draft.admin_dong, "field": draft.field},
            )
            await uow.commit()
            saved = await uow.community.get_organization(new_id)
        assert saved is not None
        return self._as_seen(actor, saved)

    async def edit(
        self, actor: StaffMember, organization_id: int, version: int, changes: Mapping[str, object]
    ) -> OrganizationRecord:
        """Change some fields (flat names, ``core.community.fields``) of the organisation read at ``version``."""
        require(actor, Permission.COMMUNITY_WRITE)
        for name in changes:
            spec(ORGANIZATION, name)
        async with self._uow(write=True) as uow:
            current = await uow.community.get_organization(organization_id)
            if current is None:
                raise ChangedMeanwhile(None)
            if not covers_dong(actor, Permission.COMMUNITY_WRITE, current.admin_dong_id):
                raise PermissionDenied(
                    f"{actor.saeol_id} lacks community.write for organization {organization_id}",
                    permission=Permission.COMMUNITY_WRITE.value,
                )
            if current.version != version:
                raise ChangedMeanwhile(self._as_seen(actor, current))
            before = organization_values(current.organization)
            wanted = changed_fields(before, changes)
            if not wanted:
                return self._as_seen(actor, current)
            check_organization(organization_draft({**before, **wanted}), self._clock.today())
            written = dict(wanted)
            if "admin_dong" in wanted:
                dong_id = await uow.community.dong_id(str(wanted["admin_dong"]))
                if dong_id is None or not covers_dong(actor, Permission.COMMUNITY_WRITE, dong_id):
                    raise InvalidInput("community_unknown_dong", value=wanted["admin_dong"])
                written["admin_dong"] = dong_id
            at = self._clock.now()
            if not await uow.community.update_organization(
                organization_id, version, written, at=at, by=actor.id or None
            ):
                now = await uow.community.get_organization(organization_id)
                raise ChangedMeanwhile(self._as_seen(actor, now) if now is not None else None)
            await audit_edit(
                uow,
                self._clock,
                actor,
                action="community.organization.edit",
                target_type="community_organization",
                target_id=organization_id,
                before=before,
                changes=wanted,
            )
            await uow.commit()
            saved = await uow.community.get_organization(organization_id)
        assert saved is not None
        return self._as_seen(actor, saved)

    def writable(self, actor: StaffMember, record: OrganizationRecord) -> bool:
        """Whether the card offers ✏️ 수정 (the service checks again on every change)."""
        return covers_dong(actor, Permission.COMMUNITY_WRITE, record.admin_dong_id)

    async def dongs(self, actor: StaffMember, *, writing: bool = False) -> list[DongCount]:
        """The dongs the member browses (or, ``writing``, may register in), each with its organisations."""
        permission = Permission.COMMUNITY_WRITE if writing else Permission.COMMUNITY_READ
        require(actor, permission)
        async with self._uow() as uow:
            return await uow.community.list_dongs_with_counts(dong_scope(actor, permission))

    def _as_seen(self, actor: StaffMember, record: OrganizationRecord) -> OrganizationRecord:
        if covers_dong(actor, Permission.PII_VIEW, record.admin_dong_id):
            return record
        return _masked(record)

    async def card(self, actor: StaffMember, organization_id: int) -> OrganizationRecord:
        """The organisation as ``actor`` may see it; an unmasked view of personal data is audited."""
        require(actor, Permission.COMMUNITY_READ)
        # Only a member who may see personal data writes (the audit entry); the rest only read.
        async with self._uow(write=can(actor, Permission.PII_VIEW)) as uow:
            found = await uow.community.get_organization(organization_id)
            if found is None:
                raise NotFound(f"organization {organization_id}")
            if not covers_dong(actor, Permission.COMMUNITY_READ, found.admin_dong_id):
                raise PermissionDenied(
                    f"{actor.saeol_id} lacks community.read for organization {organization_id}",
                    permission=Permission.COMMUNITY_READ.value,
                )
            if not covers_dong(actor, Permission.PII_VIEW, found.admin_dong_id):
                return _masked(found)
            if any(getattr(found.organization, name) for name in PERSONAL):
                await uow.audit.record(
                    at=self._clock.now(),
                    actor_staff_id=actor.id or None,
                    action="pii.view",
                    target_type="community_organization",
                    target_id=organization_id,
                    details={"via": "community_card"},
                )
                await uow.commit()
        return found

    async def search(self, actor: StaffMember, text: str, page: int = 0) -> Page[OrganizationSummary]:
        require(actor, Permission.COMMUNITY_READ)
        query, page = clean_query(text), max(0, page)
        async with self._uow() as uow:
            items, total = await uow.community.find_organizations_by_name(
                query,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
                admin_dong_ids=dong_scope(actor, Permission.COMMUNITY_READ),
            )
        return Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)

    async def browse(self, actor: StaffMember, chosen: OrganizationFilter, page: int = 0) -> Page[OrganizationSummary]:
        require(actor, Permission.COMMUNITY_READ)
        covered = dong_scope(actor, Permission.COMMUNITY_READ)
        if chosen.admin_dong_id is not None and covered is not None and chosen.admin_dong_id not in covered:
            raise PermissionDenied(f"{actor.saeol_id} lacks community.read for dong {chosen.admin_dong_id}")
        page = max(0, page)
        async with self._uow() as uow:
            items, total = await uow.community.list_organizations(
                chosen, offset=page * PAGE_SIZE, limit=PAGE_SIZE, admin_dong_ids=covered
            )
        return Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)


def _masked(record: OrganizationRecord) -> OrganizationRecord:
    shown = record.organization
    masked = replace(shown, mobile=mask_phone(shown.mobile), email=mask_email(shown.email))
    return replace(record, organization=masked, masked=True)
