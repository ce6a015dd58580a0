"""우리마을 지원(공모)사업 관리: the grant projects of Seoul city's, the district's and housing complexes' open
calls, registered and listed by year and sponsor (the report's order: 서울시, 성동구, 공동주택).

Listing needs ``community.read`` and registering ``community.write``. A housing call's project names its
complex, which must exist and, for a grant scoped to dongs, be in one of the member's dongs. A registration is
checked by ``core.community.validation`` and audited with its funds (``community.grant.add``)."""

from __future__ import annotations

from core.clock import Clock
from core.community.validation import check_grant_project
from core.community.values import HOUSING, GrantProjectDraft, GrantProjectRecord
from core.errors import InvalidInput
from core.permissions import Permission, covers_dong, require
from core.values import Page, StaffMember
from storage.uow import UnitOfWorkFactory

PAGE_SIZE = 10


class GrantProjects:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def register(self, actor: StaffMember, draft: GrantProjectDraft) -> GrantProjectRecord:
        require(actor, Permission.COMMUNITY_WRITE)
        check_grant_project(draft, self._clock.today())
        async with self._uow(write=True) as uow:
            if draft.sponsor == HOUSING and draft.complex_id is not None:
                dong = await uow.grant_projects.complex_dong(draft.complex_id)
                if dong is None or not covers_dong(actor, Permission.COMMUNITY_WRITE, dong):
                    raise InvalidInput("grant_unknown_complex")
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
        return saved

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
        return Page(items=tuple(items), number=page, size=PAGE_SIZE, total=total)

    async def of_complex(self, actor: StaffMember, complex_id: int) -> tuple[GrantProjectRecord, ...]:
        """The housing calls' projects granted for a complex, newest first (what its card will list)."""
        require(actor, Permission.COMMUNITY_READ)
        async with self._uow() as uow:
            items, _ = await uow.grant_projects.list_grant_projects(
                year=None, sponsor=HOUSING, complex_id=complex_id, offset=0, limit=100
            )
        return tuple(items)
