"""마을공동체 현황: the community department's yearly dashboard, as the report's screen shows it.

Three tables for the chosen year: the organisations per 분야 beside the grant projects per 사업구분 (the
screen's top row: 소통공간 · 공모사업 서울시/성동구/공동주택 · 단체(기관) · 소셜벤처 · 기타), the funds per sponsor
(공모수, 시비, 구비, 자부담 in 천원), and the organisations per administrative dong in the district's order,
under the short names the report uses (왕도, 왕2, …).

An organisation counts in year Y when its 사업년도 is Y. The organisations of a reader whose
``community.read`` is scoped to dongs are those dongs' only, and the figures say so. The grant projects are
the district's whole: the city's and the district's calls name no dong, only an activity area, and the funds
are the budget's figures, not anyone's personal data."""

from __future__ import annotations

from core.clock import Clock
from core.community.values import (
    ORGANIZATION_FIELDS,
    SPONSORS,
    CommunityDashboard,
    DongFigure,
    SponsorFunds,
)
from core.permissions import Permission, dong_scope, require
from core.values import StaffMember
from storage.uow import UnitOfWorkFactory


class CommunityStatistics:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def dashboard(self, actor: StaffMember, year: int | None = None) -> CommunityDashboard:
        """The year's dashboard; without a year, the latest year with records (this year when there are none)."""
        require(actor, Permission.COMMUNITY_READ)
        scope = dong_scope(actor, Permission.COMMUNITY_READ)
        async with self._uow() as uow:
            stats = uow.community_statistics
            years = tuple(await stats.years_with_records())
            chosen = year if year is not None else (years[0] if years else self._clock.today().year)
            fields = await stats.organizations_by_field_and_dong(chosen, scope)
            funds = await stats.projects_by_sponsor(chosen)
            dongs = await stats.dongs(scope)
        per_field = {f: 0 for f in ORGANIZATION_FIELDS}
        per_dong: dict[int, int] = {}
        for field, dong_id, count in fields:
            per_field[field] = per_field.get(field, 0) + count
            per_dong[dong_id] = per_dong.get(dong_id, 0) + count
        given = {f.sponsor: f for f in funds}
        return CommunityDashboard(
            year=chosen,
            by_field=tuple(per_field.items()),
            funds=tuple(given.get(s, SponsorFunds(s)) for s in SPONSORS),
            by_dong=tuple(DongFigure(name, short, per_dong.get(dong_id, 0)) for dong_id, name, short in dongs),
            years=years,
            dongs_only=tuple(name for _, name, _ in dongs) if scope is not None else None,
        )
