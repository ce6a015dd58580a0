"""A deterministic Seongdong-gu whose totals are the seed report's 공동주택 현황 table to the household.

How the totals come out exact: per category (의무관리, 임의관리, 연립) the fixed complexes (the report's
example card, the escaping test) are taken off the table's figures, the rest of the households are split
over the rest of the complexes in skewed shares within the category's size range, and the buildings are
then split in proportion to households within a believable density; both splits are whole-number exact
(``split_exact``). Rental complexes are split the same way, except that some are the rental flats of mixed
estates whose buildings the table counts twice (``bot.demo_data.rentals`` explains). The 563 council members
are split over the councils the same way."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from bot.demo_data.complexes import (
    MANDATORY,
    RENTAL,
    ROW_HOUSE,
    VOLUNTARY,
    Namer,
    building_counts,
    household_sizes,
    make_complex,
    short_name,
)
from bot.demo_data.locations import SEONGDONG_CENTRES, placed
from bot.demo_data.people import People
from bot.demo_data.rentals import MIXED_ESTATES, rental_complexes
from bot.demo_data.second_screen import OPEN_YEARS_END, PINNED_DONGS, SLICES, support_projects
from bot.demo_data.sections import community_group, council, office, other_group
from bot.demo_data.split import split_exact
from bot.demo_data.types import DemoDistrict
from bot.demo_data.vocabulary import APARTMENT_WEIGHT, PLACES, ROADS, ROW_HOUSE_WEIGHT, SEONGDONG_DONGS
from core.housing.validation import MANAGEMENT_TYPES
from core.housing.values import (
    AdminDongDraft,
    ComplexBundle,
    ComplexDraft,
    GeoPoint,
    GroupDraft,
    Office,
    RepresentativeDraft,
    SupportProjectDraft,
    Totals,
)

DEFAULT_SEED = 2016


# 공동주택 현황 (seed report, section II.1): 단지수 / 동(棟)수 / 세대수.
SEED_TOTALS: dict[str, Totals] = {
    "mandatory": Totals(79, 568, 45_190),
    "voluntary": Totals(30, 43, 2_724),
    "rental": Totals(20, 40, 7_300),
    "row_house": Totals(35, 71, 1_197),
}
SEED_APARTMENT_TOTALS = Totals(129, 630, 55_214)
SEED_GRAND_TOTALS = Totals(164, 701, 56_411)
# The type rows count 21 apartment buildings more than the subtotal: the buildings that rental flats share
# with their estate (see ``bot.demo_data.rentals``).
SEED_SHARED_BUILDINGS = sum(SEED_TOTALS[t].buildings for t in MANAGEMENT_TYPES) - SEED_APARTMENT_TOTALS.buildings
SEED_REPRESENTATIVES = 563  # 입주자대표 563명 (2016. 5. 2. 현재)

EXAMPLE_NAME = "성동삼성쉐르빌(주상복합)"
# A name with HTML's special characters, so every message that shows names proves it escapes them.
ESCAPING_NAME = "<김&이>빌라"
_VOLUNTARY_COUNCILS = 6  # 임의관리 complexes may form a council too; a few have
_EXAMPLE_TERM = (date(2016, 3, 14), date(2018, 3, 13))


def example_complex() -> ComplexBundle:
    """The seed's 공동주택 조회 screen, field for field; what the card hides (masked digits, blank names) is
    filled in with made-up values that fit what it shows (surnames, genders, the term)."""
    draft = ComplexDraft(
        name=EXAMPLE_NAME,
        kind="apartment",
        management_type=MANDATORY,
        admin_dong="왕십리도선동",
        address="무학로6길 50",
        building_count=3,
        household_count=342,
        households_by_area=(0, 0, 40, 302, 0),
        floors_min=4,
        floors_max=27,
        approved_on=date(2006, 9, 13),
        kapt_code="A13301001",
        kapt_management_mode="entrusted",
        location=GeoPoint(37.566105, 127.026472),  # 무학로6길 50, by 상왕십리역
    )
    manager = Office(
        phone="02-2297-3421",
        fax="02-2297-3422",
        manager_name="이상훈",
        manager_birth_date=date(1966, 5, 21),
        manager_mobile="010-4418-2307",
        manager_license_no="2012-7166",
        manager_license_grade="사",
        manager_assigned_on=date(2013, 4, 23),
    )
    start, end = _EXAMPLE_TERM
    members = (
        ("회장", "이정숙", "F", date(1954, 2, 11), "101동 1203호", "010-3291-4475"),
        ("감사", "오성호", "M", date(1951, 8, 3), "102동 804호", "010-5237-1186"),
        ("이사", "안병철", "M", date(1958, 11, 27), "103동 1501호", "010-8862-0394"),
        ("이사", "이미경", "F", date(1963, 4, 9), "101동 2102호", "010-2719-6650"),
        ("이사", "최영희", "F", date(1956, 12, 30), "102동 1105호", "010-9153-7742"),
        ("총무", "최순자", "F", date(1960, 6, 18), "103동 702호", "010-6604-2918"),
    )
    representatives = tuple(
        RepresentativeDraft(
            position=position,
            name=name,
            gender=gender,
            birth_date=born,
            building_unit=unit,
            phone=phone,
            term_start=start,
            term_end=end,
        )
        for position, name, gender, born, unit, phone in members
    )
    group = GroupDraft(
        kind="community_activation",
        name="쉐르빌사랑회",
        leader_position="회장",
        leader_name="김순희",
        leader_phone="010-7720-5813",
        member_count=0,
        formed_on=date(2016, 4, 29),
    )
    project = SupportProjectDraft(
        kind="공동체활성화",
        name="삼성쉐르빌",
        amount=1_590,
        period_start=date(2016, 3, 28),
        period_end=date(2016, 11, 30),
    )
    return ComplexBundle(draft, manager, representatives, (group,), (project,))


def escaping_row_house() -> ComplexBundle:
    draft = ComplexDraft(
        name=ESCAPING_NAME,
        kind="row_house",
        management_type=None,
        admin_dong="마장동",
        address="마장로 137",
        building_count=2,
        household_count=16,
        households_by_area=(4, 12, 0, 0, 0),
        floors_min=4,
        floors_max=4,
        approved_on=date(1992, 7, 15),
        remarks="관리인 연락처 <미등록> & 확인 필요",
    )
    return ComplexBundle(draft)


def build_demo_district(seed: int = DEFAULT_SEED) -> DemoDistrict:
    """Seongdong-gu as the seed report counts it; the same seed gives the same district, value for value."""
    rng = random.Random(seed)
    people = People(rng)
    dongs = tuple(AdminDongDraft(name, short, order) for order, (name, short) in enumerate(SEONGDONG_DONGS, 1))
    fixed = {MANDATORY: example_complex(), ROW_HOUSE: escaping_row_house()}
    namer = Namer(rng, taken=[b.complex.name for b in fixed.values()])
    addresses = {b.complex.address for b in fixed.values()}
    shapes: list[_Shape] = []
    for category in (MANDATORY, VOLUNTARY, ROW_HOUSE):
        totals = SEED_TOTALS[category]
        kept = [b.complex for c, b in fixed.items() if c == category]
        pinned = [s for s in SLICES if s.category == category]
        for piece in pinned:
            numbers = (piece.complexes, piece.households, piece.buildings)
            shapes += _shapes(rng, category, *numbers, dong=piece.dong, year=piece.year, dated=piece.dated)
        shapes += _shapes(
            rng,
            category,
            totals.complexes - len(kept) - sum(p.complexes for p in pinned),
            totals.households - sum(c.household_count for c in kept) - sum(p.households for p in pinned),
            totals.buildings - sum(c.building_count for c in kept) - sum(p.buildings for p in pinned),
        )
    standalone_rentals = SEED_TOTALS[RENTAL].complexes - MIXED_ESTATES
    categories = [shape.category for shape in shapes if shape.dong is None] + [RENTAL] * standalone_rentals
    held = [(b.complex.admin_dong, c) for c, b in fixed.items() if b.complex.admin_dong not in PINNED_DONGS]
    places = iter(_assign_dongs(rng, categories, held, closed=PINNED_DONGS))
    drafts = []
    for shape in shapes:
        dong = shape.dong or next(places)
        size = (shape.households, shape.buildings)
        drafts.append(
            make_complex(
                rng,
                namer,
                addresses,
                shape.category,
                size,
                dong,
                PLACES[dong],
                ROADS[dong],
                year=shape.year,
                latest=OPEN_YEARS_END,
                dated=shape.dated,
            )
        )
    # A mixed estate's rental flats share its dong and date, so the estates come from the unpinned complexes.
    open_estates = [d for d, shape in zip(drafts, shapes, strict=True) if d.management_type == MANDATORY and shape.open]
    rentals = rental_complexes(
        rng,
        namer,
        addresses,
        totals=SEED_TOTALS[RENTAL],
        shared_buildings=SEED_SHARED_BUILDINGS,
        estates=open_estates,
        dongs=list(places),
        places=PLACES,
        roads=ROADS,
        latest=OPEN_YEARS_END,
    )
    shares = {draft.name: estate for draft, estate in rentals}
    drafts = _with_kapt_codes(
        drafts + [draft for draft, _ in rentals],
        dongs,
        taken={b.complex.kapt_code for b in fixed.values() if b.complex.kapt_code},
    )
    granted = {p.period_start.year: p.amount for p in fixed[MANDATORY].projects if p.period_start}
    grants = support_projects(people, rng, drafts, granted)
    sizes = _council_sizes(rng, drafts, SEED_REPRESENTATIVES - len(fixed[MANDATORY].representatives))
    bundles = list(fixed.values())
    for draft in drafts:
        council_size, estate = sizes.get(draft.name, 0), shares.get(draft.name)
        bundles.append(_surroundings(people, rng, draft, council_size, grants.get(draft.name, ()), estate))
    order = {dong.name: dong.sort_order for dong in dongs}
    bundles.sort(key=lambda b: (order[b.complex.admin_dong], b.complex.name))
    return DemoDistrict(admin_dongs=dongs, complexes=tuple(placed(bundles, SEONGDONG_CENTRES, seed)))


def _shapes(
    rng: random.Random,
    category: str,
    count: int,
    households: int,
    buildings: int,
    *,
    dong: str | None = None,
    year: int | None = None,
    dated: bool = True,
) -> list[_Shape]:
    sizes = household_sizes(rng, category, count, households)
    counts = building_counts(rng, category, sizes, buildings)
    return [_Shape(category, h, b, dong, year, dated) for h, b in zip(sizes, counts, strict=True)]


def _assign_dongs(
    rng: random.Random, categories: list[str], kept: list[tuple[str, str]], closed: frozenset[str]
) -> list[str]:
    """A dong for every complex, none in the ``closed`` dongs (their complexes are pinned). Each other dong's
    share follows its weight, each has apartments, the fixed complexes (``kept``: dong and category) count
    towards their dong's share, and the order is shuffled so that sizes do not follow dongs."""
    names = [name for name, _ in SEONGDONG_DONGS]
    pools: dict[bool, list[str]] = {}
    for row_house, weights in ((False, APARTMENT_WEIGHT), (True, ROW_HOUSE_WEIGHT)):
        held = Counter(dong for dong, category in kept if (category == ROW_HOUSE) == row_house)
        count = sum(1 for c in categories if (c == ROW_HOUSE) == row_house) + sum(held.values())
        lows = [0 if n in closed else held[n] + (0 if row_house or held[n] else 1) for n in names]
        highs = [0 if n in closed else count for n in names]
        quotas = split_exact(count, [0 if n in closed else weights[n] for n in names], lows, highs)
        pool = [n for n, quota in zip(names, quotas, strict=True) for _ in range(quota - held[n])]
        rng.shuffle(pool)
        pools[row_house] = pool
    return [pools[c == ROW_HOUSE].pop() for c in categories]


def _with_kapt_codes(
    drafts: list[ComplexDraft], dongs: tuple[AdminDongDraft, ...], taken: set[str]
) -> list[ComplexDraft]:
    """K-apt lists the mandatory complexes; codes here are A133 + the dong's number + a serial, never reused."""
    order = {dong.name: dong.sort_order for dong in dongs}
    serials: Counter[str] = Counter()
    coded = []
    for draft in drafts:
        if draft.management_type == MANDATORY:
            code = ""
            while not code or code in taken:
                serials[draft.admin_dong] += 1
                code = f"A133{order[draft.admin_dong]:02d}{serials[draft.admin_dong]:03d}"
            taken.add(code)
            draft = replace(draft, kapt_code=code)
        coded.append(draft)
    return coded


def _council_sizes(rng: random.Random, drafts: list[ComplexDraft], total: int) -> dict[str, int]:
    """Members per council adding up to ``total``: every 의무관리 complex has a council, bigger with more
    buildings (each building elects its 동별 대표), and a few larger 임의관리 complexes have a small one."""
    mandatory = [d for d in drafts if d.management_type == MANDATORY]
    voluntary = sorted((d for d in drafts if d.management_type == VOLUNTARY), key=lambda d: -d.household_count)
    councils = mandatory + voluntary[:_VOLUNTARY_COUNCILS]
    weights = [(d.building_count + 3) * rng.uniform(0.7, 1.3) for d in councils]
    lows = [4 if d.management_type == MANDATORY else 3 for d in councils]
    highs = [min(20, max(6, d.building_count + 4)) if d.management_type == MANDATORY else 5 for d in councils]
    sizes = split_exact(total, weights, lows, highs)
    return {d.name: size for d, size in zip(councils, sizes, strict=True)}


def _surroundings(
    people: People,
    rng: random.Random,
    draft: ComplexDraft,
    council_size: int,
    projects: tuple[SupportProjectDraft, ...],
    estate: str | None,
) -> ComplexBundle:
    """Office, council and groups of one complex, with its ``projects``; ``estate`` names the estate whose
    buildings (and office) the complex shares."""
    apartment = draft.kind == "apartment"
    short = short_name(draft.name)
    groups: list[GroupDraft] = []
    if apartment and rng.random() < 0.3:
        groups.append(community_group(people, rng, short))
    if rng.random() < (0.35 if apartment else 0.05):
        groups.append(other_group(people, rng, short))
    return ComplexBundle(
        complex=draft,
        office=office(people, rng, draft) if apartment and estate is None else None,
        representatives=council(people, rng, draft, council_size) if council_size else (),
        groups=tuple(groups),
        projects=projects,
        shares_buildings_with=estate,
    )


@dataclass(frozen=True, slots=True)
class _Shape:
    """A complex before it is drawn: its size, and its dong and approval year when the screen pins them."""

    category: str
    households: int
    buildings: int
    dong: str | None = None
    year: int | None = None
    dated: bool = True

    @property
    def open(self) -> bool:
        """Neither pinned to a printed row nor left without a date."""
        return self.dong is None and self.year is None and self.dated
