"""공동주택 현황: the housing department's statistics, each counted once by the database (see
``storage/housing/statistics.py``) and handed to the chat, the charts and the workbooks as values.

Every table is within the reader's ``housing.read`` dongs; a reader scoped to some dongs gets their figures
with the names of those dongs, so every screen can say whose figures they are. A table may be narrowed to one
dong the reader may read and, where a year means something, to one year (``Filters``).

What each table counts, as the report's two screens do:
- the type table (공동주택 현황) counts every complex on the register; a mixed estate's rental record shares
  the estate's buildings, which the subtotals count once (164 / 701 / 56,411 in the report);
- the 동별 and 년도별 tables count the complexes whose use-approval date (사용승인일) is on file, each with
  the buildings its own record lists, as the type table's rows do. A 년도별 table cannot place a complex
  without that date, and the report prints 동별 beside it under one 합계 (142 / 682 / 55,842), so both count
  the same complexes; the ones left out are counted apart (``undated``) and every screen says how many;
- 지원 현황 lists every year from the first grant to the last, a year without grants as 0."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from core.clock import Clock
from core.errors import InvalidInput, NotFound, OutsideScope
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
YEAR_WORD = re.compile(r"(\d{4})년?")
DONG_NAME_LIMIT = 30


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: the whole district (``dongs`` empty), the reader's dongs by name, or the one dong the
    reader picked (``picked``); ``year``: the one year the figures are narrowed to."""

    dongs: tuple[str, ...] = ()
    picked: bool = False
    year: int | None = None

    @property
    def district(self) -> bool:
        return not self.dongs


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrowing a table: to one dong (by id) and to one year (a use-approval year for the complexes' tables,
    the year a project started for the support tables). The type, dong and support tables take a year."""

    admin_dong_id: int | None = None
    year: int | None = None


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
    """동별 현황 of the complexes with a use-approval date; ``undated``: those without, left out."""

    scope: Scope
    rows: tuple[DongTotals, ...]
    total: Totals
    undated: Totals


@dataclass(frozen=True, slots=True)
class YearTable:
    """년도별 현황, newest first; ``undated``: the complexes without a use-approval date, left out."""

    scope: Scope
    rows: tuple[YearTotals, ...]
    total: Totals
    undated: Totals


@dataclass(frozen=True, slots=True)
class SupportTable:
    scope: Scope
    group: str  # year, kind, dong or complex
    rows: tuple[SupportTotals, ...]
    # When the rows are the first of many (``more`` left out): all the projects and amounts together.
    overall: SupportTotals | None = None
    more: int = 0

    @property
    def projects(self) -> int:
        return self.overall.projects if self.overall else sum(r.projects for r in self.rows)

    @property
    def granted(self) -> int:
        return self.overall.granted if self.overall else sum(r.granted for r in self.rows)

    @property
    def returned(self) -> int:
        return self.overall.returned if self.overall else sum(r.returned for r in self.rows)


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
# Every table by the key the chat's buttons, the charts and the workbook's sheets know it by, in the
# workbook's order; the support tables by what they group projects by.
SUPPORT_TABLES = {"support": "year", "kind": "kind", "by_dong": "dong", "by_complex": "complex"}
TABLE_KEYS = ("type", "dong", "year", *SUPPORT_TABLES, "reps")
# Tables a year does not narrow: the year table is the years, and the councils are today's.
YEARLESS = frozenset({"year", "reps"})
Statistic = TypeTable | DongTable | YearTable | SupportTable | RepresentativeTable


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

    async def table(
        self, actor: StaffMember, key: str, filters: Filters = Filters(), *, limit: int | None = None
    ) -> Statistic:
        """The table named ``key`` (``TABLE_KEYS``), narrowed by the filters it takes; ``limit``: the support
        table by complex, which grows with the register, lists its first groups only and counts the rest."""
        if key not in TABLE_KEYS:
            raise InvalidInput("statistics_group", group=key)
        if key in YEARLESS:
            filters = replace(filters, year=None)
        if key == "type":
            return await self.by_type(actor, filters)
        if key == "dong":
            return await self.by_dong(actor, filters)
        if key == "year":
            return await self.by_year(actor, filters)
        if key == "reps":
            return await self.representatives(actor, filters)
        return await self.support(actor, SUPPORT_TABLES[key], filters, limit=limit)

    async def tables(self, actor: StaffMember, filters: Filters = Filters()) -> tuple[tuple[str, Statistic], ...]:
        """Every table with its key, in ``TABLE_KEYS`` order: the workbook's sheets."""
        return tuple([(key, await self.table(actor, key, filters)) for key in TABLE_KEYS])

    async def by_type(self, actor: StaffMember, filters: Filters = Filters()) -> TypeTable:
        dongs = self._dongs(actor, filters)
        year = checked_year(filters.year)
        async with self._uow() as uow:
            rows = await uow.housing_statistics.totals_by_kind(dongs, year)
            scope = await self._scope(uow, dongs, filters, year)
        return type_table(scope, rows)

    async def by_dong(self, actor: StaffMember, filters: Filters = Filters()) -> DongTable:
        dongs = self._dongs(actor, filters)
        year = checked_year(filters.year)
        async with self._uow() as uow:
            rows = tuple(await uow.housing_statistics.totals_by_dong(dongs, year))
            # A complex without a date has no year either, so none is left out of a year's figures.
            undated = Totals(0, 0, 0) if year else await uow.housing_statistics.undated_totals(dongs)
            scope = await self._scope(uow, dongs, filters, year)
        return DongTable(scope=scope, rows=rows, total=summed([r.totals for r in rows]), undated=undated)

    async def by_year(self, actor: StaffMember, filters: Filters = Filters()) -> YearTable:
        """년도별 현황; a year filter does not apply (the table is the years)."""
        dongs = self._dongs(actor, filters)
        async with self._uow() as uow:
            rows = tuple(await uow.housing_statistics.totals_by_year(dongs))
            undated = await uow.housing_statistics.undated_totals(dongs)
            scope = await self._scope(uow, dongs, filters, None)
        return YearTable(scope=scope, rows=rows, total=summed([r.totals for r in rows]), undated=undated)

    async def support(
        self, actor: StaffMember, group: str = "year", filters: Filters = Filters(), *, limit: int | None = None
    ) -> SupportTable:
        """지원 현황 (by year) and 지원사업 통계 (by complex, year, kind or dong), amounts in 천원; ``limit``
        applies to the table by complex."""
        if group not in SUPPORT_GROUPS:
            raise InvalidInput("statistics_group", group=group)
        dongs = self._dongs(actor, filters)
        year = checked_year(filters.year)
        limit = limit if group == "complex" else None
        async with self._uow() as uow:
            rows = await uow.housing_statistics.support_by(group, dongs, year, limit)
            overall, more = None, 0
            if limit is not None and len(rows) == limit:
                groups, overall = await uow.housing_statistics.support_overall(group, dongs, year)
                more = groups - len(rows)
            scope = await self._scope(uow, dongs, filters, year)
        listed = tuple(every_year(rows) if group == "year" else rows)
        return SupportTable(scope=scope, group=group, rows=listed, overall=overall, more=more)

    async def representatives(self, actor: StaffMember, filters: Filters = Filters()) -> RepresentativeTable:
        """입주자대표 구성원 현황; a year filter does not apply (the councils are today's)."""
        dongs = self._dongs(actor, filters)
        today = self._clock.today()
        async with self._uow() as uow:
            counts = tuple(await uow.housing_statistics.representatives_by_dong_and_position(dongs))
            ending = tuple(await uow.housing.terms_ending(today, today + TERM_NOTICE, dongs))
            scope = await self._scope(uow, dongs, filters, None)
        return RepresentativeTable(scope=scope, counts=counts, ending_soon=ending)

    @staticmethod
    def _dongs(actor: StaffMember, filters: Filters) -> frozenset[int] | None:
        """The dongs to count: the reader's (None: all), or the one picked if the reader may read it."""
        require(actor, Permission.HOUSING_READ)
        readable = dong_scope(actor, Permission.HOUSING_READ)
        picked = filters.admin_dong_id
        if picked is None:
            return readable
        if readable is not None and picked not in readable:
            raise OutsideScope("dong_out_of_scope")
        return frozenset({picked})

    async def filters_from_text(self, actor: StaffMember, text: str) -> Filters:
        """What a reader typed after the command: a year (2015 or 2015년), a dong (its name or short name), or
        both, in either order. A dong outside the reader's dongs is refused."""
        require(actor, Permission.HOUSING_READ)
        year: int | None = None
        words: list[str] = []
        for word in text.split():
            found = YEAR_WORD.fullmatch(word)
            if found and year is None:
                year = checked_year(int(found.group(1)))
            else:
                words.append(word)
        if not words:
            return Filters(year=year)
        named = " ".join(words)
        if len(named) > DONG_NAME_LIMIT:
            raise InvalidInput("statistics_filter", text=named[:DONG_NAME_LIMIT] + "…")
        async with self._uow() as uow:
            dong = await uow.housing_statistics.find_dong(named)
        if dong is None:
            raise InvalidInput("statistics_filter", text=named)
        filters = Filters(admin_dong_id=dong, year=year)
        self._dongs(actor, filters)
        return filters

    @staticmethod
    async def _scope(uow: UnitOfWork, dongs: frozenset[int] | None, filters: Filters, year: int | None) -> Scope:
        if dongs is None:
            return Scope(year=year)
        named = await uow.housing_statistics.dong_names(dongs)
        if filters.admin_dong_id is not None and not named:
            raise NotFound("admin_dong")
        return Scope(dongs=tuple(named), picked=filters.admin_dong_id is not None, year=year)


def every_year(rows: list[SupportTotals]) -> list[SupportTotals]:
    """지원 현황's years, newest first, from the last grant back to the first, a year without any as 0 (the
    report prints 2014년 0); projects without a start date stay last."""
    dated = {int(r.key): r for r in rows if r.key}
    if not dated:
        return rows
    filled = [
        dated.get(year) or SupportTotals(key=str(year), label=str(year), projects=0, granted=0, returned=0)
        for year in range(max(dated), min(dated) - 1, -1)
    ]
    return filled + [r for r in rows if not r.key]


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
