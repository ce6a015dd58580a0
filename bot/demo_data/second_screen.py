"""The report's second screen (공동주택 현황: 동별 · 년도별 · 지원 현황) as the demo district must show it.

That screen totals 142 complexes / 682 buildings / 55,842 households where the type table totals 164 / 701 /
56,411. What it counts, as Dongne decides it: the complexes whose use-approval date (사용승인일) is on file,
each with the buildings its own record lists. A 년도별 table cannot place a complex without that date, and the
screen sets 동별 beside it under one 합계, so both count the same complexes. The 22 it leaves out are old
연립(다세대) carried over from the paper ledger without a 사용승인일: 40 buildings by their records and
569 households, which is exactly the difference once the 21 buildings that rental flats share with their
estates are counted with each record, as the type table's own rows count them (568 + 43 + 40 + 31 = 682).

The demo meets the screen's printed rows by pinning groups of complexes (``SLICES``): each slice is a number
of complexes of one category with given buildings and households, in a given dong or approved in a given
year; the rest of each category is split as before over the other dongs and over the years up to
``OPEN_YEARS_END``, so no other complex lands in a printed row. Support follows ``SUPPORT_BY_YEAR``: grants
summing to the screen's figure in 2016 and 2015, none in 2014, and a small pilot the year before, which is
why the screen prints 2014 with 0."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.demo_data.complexes import MANDATORY, ROW_HOUSE, VOLUNTARY, short_name
from bot.demo_data.people import People
from bot.demo_data.sections import support_project
from bot.demo_data.split import split_exact
from bot.demo_data.vocabulary import PROJECT_KINDS
from core.housing.values import ComplexDraft, SupportProjectDraft, Totals

WANGSIMNI_DOSEON, WANGSIMNI_2 = "왕십리도선동", "왕십리제2동"
# No complex outside the pinned slices is approved after this: the screen's newest year row is 2015.
OPEN_YEARS_END = date(2013, 12, 31)

# What the second screen prints (seed report, 공동주택 현황).
SECOND_SCREEN_TOTALS = Totals(142, 682, 55_842)
SECOND_SCREEN_DONGS = {WANGSIMNI_DOSEON: Totals(7, 48, 4_625), WANGSIMNI_2: Totals(10, 39, 3_180)}
SECOND_SCREEN_YEARS = {2015: Totals(1, 18, 1_369), 2014: Totals(4, 21, 2_042)}
SUPPORT_BY_YEAR = {2016: 51_965, 2015: 2_000, 2014: 0}  # 지원금액(천원)
PILOT_YEAR, PILOT_PROJECTS = 2013, 4  # the 공동체 pilot before the programme paused for a year
PILOT_SMALLEST = 1_000  # the pilot funded small community projects (천원)
UNDATED = Totals(22, 40, 569)  # the 연립 without a 사용승인일 on file


@dataclass(frozen=True, slots=True)
class Slice:
    """``complexes`` complexes of ``category`` with these buildings and households in all, in ``dong`` (None:
    any dong the screen does not print) and approved in ``year`` (None: any year up to ``OPEN_YEARS_END``);
    ``dated`` False: no use-approval date on file."""

    category: str
    complexes: int
    buildings: int
    households: int
    dong: str | None = None
    year: int | None = None
    dated: bool = True


# 왕십리도선동's row also holds the report's example complex (3 buildings, 342 households), fixed elsewhere.
SLICES: tuple[Slice, ...] = (
    Slice(MANDATORY, 1, 18, 1_369, year=2015),
    Slice(MANDATORY, 3, 19, 1_922, year=2014),
    Slice(VOLUNTARY, 1, 2, 120, year=2014),
    Slice(MANDATORY, 4, 41, 4_080, dong=WANGSIMNI_DOSEON),
    Slice(VOLUNTARY, 1, 2, 135, dong=WANGSIMNI_DOSEON),
    Slice(ROW_HOUSE, 1, 2, 68, dong=WANGSIMNI_DOSEON),
    Slice(MANDATORY, 5, 30, 2_700, dong=WANGSIMNI_2),
    Slice(VOLUNTARY, 2, 3, 270, dong=WANGSIMNI_2),
    Slice(ROW_HOUSE, 3, 6, 210, dong=WANGSIMNI_2),
    Slice(ROW_HOUSE, UNDATED.complexes, UNDATED.buildings, UNDATED.households, dated=False),
)
PINNED_DONGS = frozenset(s.dong for s in SLICES if s.dong is not None)
PROJECT_RANGES = {kind: (low, high) for kind, low, high in PROJECT_KINDS}

GRANTS_2016 = 15  # projects granted in 2016, the example complex's among them


def support_projects(
    people: People, rng: random.Random, drafts: Sequence[ComplexDraft], granted: Mapping[int, int]
) -> dict[str, tuple[SupportProjectDraft, ...]]:
    """The district's grants by complex name: ``SUPPORT_BY_YEAR`` to the 천원 each year, less what ``granted``
    (year: 천원) already holds (the example complex's grant), and the pilot year's few. Amounts stay within
    their kind's usual range; a pilot grant now and then paid back in part."""
    per_year = {2016: GRANTS_2016 - (1 if granted.get(2016) else 0), 2015: 1, PILOT_YEAR: PILOT_PROJECTS}
    chosen = iter(rng.sample(sorted(drafts, key=lambda d: d.name), sum(per_year.values())))
    projects: dict[str, list[SupportProjectDraft]] = {}
    for year, count in per_year.items():
        picked = [next(chosen) for _ in range(count)]
        target = SUPPORT_BY_YEAR.get(year)
        # Kinds whose smallest grants leave room for the year's sum, so it can be met within their ranges.
        room = (target - granted.get(year, 0)) // count if target is not None else PILOT_SMALLEST
        drafted = [
            support_project(people, rng, short_name(d.name), year, row_house=d.kind == "row_house", least_from=room)
            for d in picked
        ]
        if target is not None:
            ranges = [PROJECT_RANGES[p.kind] for p in drafted]
            amounts = split_exact(
                target - granted.get(year, 0),
                [p.amount for p in drafted],
                [low for low, _ in ranges],
                [high for _, high in ranges],
            )
            drafted = [replace(p, amount=a) for p, a in zip(drafted, amounts, strict=True)]
        if year == PILOT_YEAR:
            first = drafted[0]
            drafted[0] = replace(first, returned_amount=max(1, round(first.amount * rng.uniform(0.05, 0.3))))
        for draft, project in zip(picked, drafted, strict=True):
            projects.setdefault(draft.name, []).append(project)
    return {name: tuple(sorted(p, key=lambda p: p.period_start or date.min)) for name, p in projects.items()}
