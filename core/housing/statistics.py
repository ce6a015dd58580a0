"""공동주택 현황: the housing department's statistics, each counted once by the database (see
``storage/housing/statistics.py``) and handed to the chat, the charts and the workbooks as values.

Every table is within the reader's ``housing.read`` dongs; a reader scoped to some dongs gets their figures
with the names of those dongs, so every screen can say whose figures they are. The type table counts every
complex on the register; a mixed estate's rental record shares the estate's buildings, which count once."""

from __future__ import annotations

from dataclasses import dataclass

from core.clock import Clock
from core.errors import InvalidInput
from core.housing.reminders import TERM_NOTICE
from core.housing.values import (
    SUPPORT_GROUPS,
    DongTotals,
    KindTotals,
    PositionCount,
    SupportTotals,
    TermEnding,
    Totals,
    YearTotals,
)
from core.permissions import Permission, dong_scope, require
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

EARLIEST_YEAR, LATEST_YEAR = 1960, 2100  # a use-approval or project year outside is a typing mistake


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: the whole district (``dongs`` empty), or the reader's dongs by name."""

    dongs: tuple[str, ...] = ()

    @property
    def district(self) -> bool:
        return not self.dongs


@dataclass(frozen=True, slots=True)
class TypeTable:
    """공동주택 현황: 합계, 아파트 (소계, 의무관리, 임의관리, 임대), 연립(다세대)."""

    scope: Scope
    total: Totals
    apartments: Totals
    by_management: tuple[tuple[str, Totals], ...]  # mandatory, voluntary, rental, in that order
    row_houses: Totals


@dataclass(frozen=True, slots=True)
class DongTable:
    scope: Scope
    rows: tuple[DongTotals, ...]
    total: Totals
    approved_in: int | None = None


@dataclass(frozen=True, slots=True)
class YearTable:
    scope: Scope
    rows: tuple[YearTotals, ...]  # newest first; a row of year None holds complexes without a date
    total: Totals


@dataclass(frozen=True, slots=True)
class SupportTable:
    scope: Scope
    group: str  # year, kind, dong or complex
    rows: tuple[SupportTotals, ...]
    year: int | None = None

    @property
    def granted(self) -> int:
        return sum(r.granted for r in self.rows)

    @property
    def returned(self) -> int:
        return sum(r.returned for r in self.rows)


@dataclass(frozen=True, slots=True)
class RepresentativeTable:
    """입주자대표 구성원 현황: counts per dong and position, and the terms that end within 30 days."""

    scope: Scope
    counts: tuple[PositionCount, ...]
    ending_soon: tuple[TermEnding, ...]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


MANAGEMENT_ORDER = ("mandatory", "voluntary", "rental")


def summed(totals: list[Totals] | tuple[Totals, ...]) -> Totals:
    return Totals(
        complexes=sum(t.complexes for t in totals),
        buildings=sum(t.buildings for t in totals),
        households=sum(t.households for t in totals),
    )


def checked_year(year: int | None) -> int | None:
    if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidInput("statistics_year", year=year, earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
    return year


class HousingStatistics:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def by_type(self, actor: StaffMember) -> TypeTable:
        dongs = self._dongs(actor)
        async with self._uow() as uow:
            rows = await uow.housing_statistics.totals_by_kind(dongs)
            scope = await self._scope(uow, dongs)
        return type_table(scope, rows)

    async def by_dong(self, actor: StaffMember, approved_in: int | None = None) -> DongTable:
        dongs = self._dongs(actor)
        async with self._uow() as uow:
            rows = tuple(await uow.housing_statistics.totals_by_dong(dongs, checked_year(approved_in)))
            scope = await self._scope(uow, dongs)
        return DongTable(scope=scope, rows=rows, total=summed([r.totals for r in rows]), approved_in=approved_in)

    async def by_year(self, actor: StaffMember) -> YearTable:
        dongs = self._dongs(actor)
        async with self._uow() as uow:
            rows = tuple(await uow.housing_statistics.totals_by_year(dongs))
            scope = await self._scope(uow, dongs)
        return YearTable(scope=scope, rows=rows, total=summed([r.totals for r in rows]))

    async def support(self, actor: StaffMember, group: str = "year", year: int | None = None) -> SupportTable:
        """지원 현황 (by year) and 지원사업 통계 (by complex, year, kind or dong), amounts in 천원."""
        if group not in SUPPORT_GROUPS:
            raise InvalidInput("statistics_group", group=group)
        dongs = self._dongs(actor)
        async with self._uow() as uow:
            rows = tuple(await uow.housing_statistics.support_by(group, dongs, checked_year(year)))
            scope = await self._scope(uow, dongs)
        return SupportTable(scope=scope, group=group, rows=rows, year=year)

    async def representatives(self, actor: StaffMember) -> RepresentativeTable:
        dongs = self._dongs(actor)
        today = self._clock.today()
        async with self._uow() as uow:
            counts = tuple(await uow.housing_statistics.representatives_by_dong_and_position(dongs))
            ending = await uow.housing.terms_ending(today, today + TERM_NOTICE)
            scope = await self._scope(uow, dongs)
        soon = tuple(t for t in ending if dongs is None or t.admin_dong_id in dongs)
        return RepresentativeTable(scope=scope, counts=counts, ending_soon=soon)

    @staticmethod
    def _dongs(actor: StaffMember) -> frozenset[int] | None:
        require(actor, Permission.HOUSING_READ)
        return dong_scope(actor, Permission.HOUSING_READ)

    @staticmethod
    async def _scope(uow: UnitOfWork, dongs: frozenset[int] | None) -> Scope:
        if dongs is None:
            return Scope()
        named = await uow.housing.list_admin_dongs_with_counts(dongs)
        return Scope(dongs=tuple(d.name for d in named))


def type_table(scope: Scope, rows: list[KindTotals]) -> TypeTable:
    """The report's table: each management type's row counts its records' buildings, and the subtotals count a
    building shared by a mixed estate's rental record once (79+30+20 complexes, 568+43+40−21 = 630 buildings)."""

    def of(kind: str, management: str | None = None, *, distinct: bool = False) -> Totals:
        chosen = [r for r in rows if r.kind == kind and (management is None or r.management_type == management)]
        whole = summed([r.totals for r in chosen])
        shared = sum(r.shared_buildings for r in chosen) if distinct else 0
        return Totals(complexes=whole.complexes, buildings=whole.buildings - shared, households=whole.households)

    by_management = tuple((m, of("apartment", m)) for m in MANAGEMENT_ORDER)
    apartments, row_houses = of("apartment", distinct=True), of("row_house", distinct=True)
    return TypeTable(
        scope=scope,
        total=summed([apartments, row_houses]),
        apartments=apartments,
        by_management=by_management,
        row_houses=row_houses,
    )
