"""우리마을 지원(공모)사업 관리: the grant projects of Seoul city's, the district's and housing complexes' open
calls, registered and listed by year and sponsor (the report's order: 서울시, 성동구, 공동주택).

Listing needs ``community.read`` and registering ``community.write``. A housing call's project names its
complex, which must exist and, for a grant scoped to dongs, be in one of the member's dongs. A registration is
checked by ``core.community.validation`` and audited with its funds (``community.grant.add``); a change names
the version it was made on and is audited with its old → new values (``community.grant.edit``).

The representative's mobile is personal data. A housing call's project lies in its complex's dong; the city's
and the district's calls name only an activity area, so their mobiles are shown to ``pii.view`` over every
dong. A project read unmasked is audited (``pii.view``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.clock import Clock
from core.community.changes import ChangedMeanwhile, audit_edit, changed_fields
from core.community.fields import PROJECT, project_draft, project_values, spec
from core.community.validation import check_grant_project
from core.community.values import HOUSING, ComplexChoice, GrantProjectDraft, GrantProjectRecord, YearCount
from core.errors import InvalidInput, NotFound
from core.masking import mask_phone
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.text_input import clean_query
from core.values import Page, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

PAGE_SIZE = 10
COMPLEX_CHOICES = 8  # a housing call's complex is picked from this many matches; a longer name narrows


class GrantProjects:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def register(self, actor: StaffMember, draft: GrantProjectDraft) -> GrantProjectRecord:
        require(actor, Permission.COMMUNITY_WRITE)
        check_grant_project(draft, self._clock.today())
        async with self._uow(write=True) as uow:
            await self._check_complex(uow, actor, draft)
            new_id = await uow.grant_projects.add_grant_project(draft, at=self._clock.now(), by=actor.id or None)
            await uow.audit.record(
                at=self._clock.now(),
                actor_staff_id=actor.id or None,
                action="community.grant.add",
                target_type="grant_project",
                target_id=new_id,
                details={
                    "name": draft.name,
                    "sponsor": draft.sponsor,
                    "year": draft.year,
                    "city_funds": draft.city_funds,
                    "district_funds": draft.district_funds,
                    "self_funds": draft.self_funds,
                },
            )
            await uow.commit()
            saved = await uow.grant_projects.get_grant_project(new_id)
        assert saved is not None
        return _as_seen(actor, saved)

    async def project(self, actor: StaffMember, project_id: int) -> GrantProjectRecord:
        """One project as ``actor`` may see it; an unmasked look at its representative's mobile is audited."""
        require(actor, Permission.COMMUNITY_READ)
        async with self._uow(write=can(actor, Permission.PII_VIEW)) as uow:
            found = await uow.grant_projects.get_grant_project(project_id)
            if found is None:
                raise NotFound(f"grant project {project_id}")
            if not sees_mobile(actor, found):
                return _masked(found)
            if found.project.mobile:
                await uow.audit.record(
                    at=self._clock.now(),
                    actor_staff_id=actor.id or None,
                    action="pii.view",
                    target_type="grant_project",
                    target_id=project_id,
                    details={"via": "grant_project"},
                )
                await uow.commit()
        return found

    async def edit(
        self, actor: StaffMember, project_id: int, version: int, changes: Mapping[str, object]
    ) -> GrantProjectRecord:
        """Change some fields of the project read at ``version``; ``ChangedMeanwhile`` if it has moved on.
        Changing the sponsor away from 공동주택 lets go of its complex; to 공동주택, a complex must come too."""
        require(actor, Permission.COMMUNITY_WRITE)
        for name in changes:
            spec(PROJECT, name)
        async with self._uow(write=True) as uow:
            current = await uow.grant_projects.get_grant_project(project_id)
            if current is None:
                raise ChangedMeanwhile(None)
            await self._check_complex(uow, actor, current.project)
            if current.version != version:
                raise ChangedMeanwhile(_as_seen(actor, current))
            before = project_values(current.project)
            wanted = dict(changes)
            if wanted.get("sponsor", before["sponsor"]) != HOUSING:
                wanted["complex_id"] = None
            wanted = changed_fields(before, wanted)
            if not wanted:
                return _as_seen(actor, current)
            whole = project_draft({**before, **wanted})
            check_grant_project(whole, self._clock.today())
            if "complex_id" in wanted:
                await self._check_complex(uow, actor, whole)
            at = self._clock.now()
            if not await uow.grant_projects.update_grant_project(
                project_id, version, wanted, at=at, by=actor.id or None
            ):
                now = await uow.grant_projects.get_grant_project(project_id)
                raise ChangedMeanwhile(_as_seen(actor, now) if now is not None else None)
            await audit_edit(
                uow,
                self._clock,
                actor,
                action="community.grant.edit",
                target_type="grant_project",
                target_id=project_id,
                before=before,
                changes=wanted,
            )
            await uow.commit()
            saved = await uow.grant_projects.get_grant_project(project_id)
        assert saved is not None
        return _as_seen(actor, saved)

    async def find_complexes(self, actor: StaffMember, text: str) -> tuple[ComplexChoice, ...]:
        """Complexes a housing call's project may name: by a part of the name, in the member's dongs."""
        require(actor, Permission.COMMUNITY_WRITE)
        query = clean_query(text)
        async with self._uow() as uow:
            found = await uow.grant_projects.find_complexes_by_name(
                query, admin_dong_ids=dong_scope(actor, Permission.COMMUNITY_WRITE), limit=COMPLEX_CHOICES
            )
        return tuple(found)

    async def years(self, actor: StaffMember) -> tuple[YearCount, ...]:
        """The years that have projects, newest first."""
        require(actor, Permission.COMMUNITY_READ)
        async with self._uow() as uow:
            return tuple(await uow.grant_projects.list_project_years())

    def writable(self, actor: StaffMember, record: GrantProjectRecord) -> bool:
        """Whether the project's screen offers ✏️ 수정 (the service checks again on every change)."""
        if record.admin_dong_id is not None:
            return covers_dong(actor, Permission.COMMUNITY_WRITE, record.admin_dong_id)
        return can(actor, Permission.COMMUNITY_WRITE)

    async def _check_complex(self, uow: UnitOfWork, actor: StaffMember, draft: GrantProjectDraft) -> None:
        """A housing call's complex exists and lies in the member's dongs (for a grant scoped to dongs)."""
        if draft.sponsor == HOUSING and draft.complex_id is not None:
            dong = await uow.grant_projects.complex_dong(draft.complex_id)
            if dong is None or not covers_dong(actor, Permission.COMMUNITY_WRITE, dong):
                raise InvalidInput("grant_unknown_complex")

    async def list_projects(
        self, actor: StaffMember, *, year: int | None = None, sponsor: str | None = None, page: int = 0
    ) -> Page[GrantProjectRecord]:
        """A year's projects (every year's, newest first, without one), of one sponsor or all."""
        require(actor, Permission.COMMUNITY_READ)
        page = max(0, page)
        async with self._uow() as uow:
            items, total = await uow.grant_projects.list_grant_projects(
                year=year, sponsor=sponsor, complex_id=None, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
        return Page(items=tuple(_as_seen(actor, i) for i in items), number=page, size=PAGE_SIZE, total=total)

    async def of_complex(self, actor: StaffMember, complex_id: int) -> tuple[GrantProjectRecord, ...]:
        """The housing calls' projects granted for a complex, newest first (what its card will list)."""
        require(actor, Permission.COMMUNITY_READ)
        async with self._uow() as uow:
            items, _ = await uow.grant_projects.list_grant_projects(
                year=None, sponsor=HOUSING, complex_id=complex_id, offset=0, limit=100
            )
        return tuple(_as_seen(actor, i) for i in items)


def sees_mobile(actor: StaffMember, record: GrantProjectRecord) -> bool:
    """Whether the reader sees a project's mobile unmasked (shared by the screens and the workbook export)."""
    if record.admin_dong_id is not None:
        return covers_dong(actor, Permission.PII_VIEW, record.admin_dong_id)
    return can(actor, Permission.PII_VIEW) and dong_scope(actor, Permission.PII_VIEW) is None


def _as_seen(actor: StaffMember, record: GrantProjectRecord) -> GrantProjectRecord:
    return record if sees_mobile(actor, record) else _masked(record)


def _masked(record: GrantProjectRecord) -> GrantProjectRecord:
    shown = replace(record.project, mobile=mask_phone(record.project.mobile))
    return replace(record, project=shown, masked=True)
