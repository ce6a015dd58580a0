"""The parts of a believable complex, shared by the Seongdong district and the national benchmark set:
sizes, names, addresses, ages, floors and area bands."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta

from bot.demo_data.split import split_exact
from bot.demo_data.vocabulary import (
    NEW_BRANDS,
    NEW_SUFFIXES,
    OLD_BRANDS,
    REMARKS,
    RENTAL_PATTERNS,
    ROW_HOUSE_SUFFIXES,
    ROW_HOUSE_WORDS,
    SMALL_APARTMENT_SUFFIXES,
    SMALL_APARTMENT_WORDS,
)
from core.housing.values import ComplexDraft

MANDATORY, VOLUNTARY, RENTAL, ROW_HOUSE = "mandatory", "voluntary", "rental", "row_house"
AS_OF = date(2016, 5, 2)  # the seed report counts its 563 representatives "2016. 5. 2. 현재"
LAST_APPROVAL = date(2016, 4, 30)

# Households a complex of each category may have, and households per building: 의무관리 applies by law
# from 150 households, so smaller apartments are 임의관리; 연립 are low houses of a few households each.
HOUSEHOLDS = {MANDATORY: (150, 3_000), VOLUNTARY: (20, 149), RENTAL: (40, 1_400), ROW_HOUSE: (8, 80)}
PER_BUILDING = {MANDATORY: (35, 250), VOLUNTARY: (15, 150), RENTAL: (40, 400), ROW_HOUSE: (4, 40)}
_SIZE_SPREAD = {MANDATORY: 0.75, VOLUNTARY: 0.5, RENTAL: 0.7, ROW_HOUSE: 0.45}
# Share of households per area band (≤33, 33–62.7, 66–95.7, 99–128.7, ≥132㎡) before jitter.
_BAND_PROFILE = {
    "old": (0.05, 0.45, 0.35, 0.15, 0.0),
    MANDATORY: (0.0, 0.2, 0.45, 0.25, 0.1),
    VOLUNTARY: (0.1, 0.5, 0.3, 0.1, 0.0),
    RENTAL: (0.5, 0.45, 0.05, 0.0, 0.0),
    ROW_HOUSE: (0.3, 0.55, 0.15, 0.0, 0.0),
}
_APPROVAL_YEARS = {MANDATORY: (1978, 2016), VOLUNTARY: (1975, 2005), RENTAL: (1995, 2016), ROW_HOUSE: (1980, 2003)}


def household_sizes(rng: random.Random, category: str, count: int, total: int) -> list[int]:
    """``count`` household counts adding up to ``total``, skewed like a real registry (many mid-sized, a few huge)."""
    low, high = HOUSEHOLDS[category]
    weights = [rng.lognormvariate(0, _SIZE_SPREAD[category]) for _ in range(count)]
    return split_exact(total, weights, [low] * count, [high] * count)


def building_counts(rng: random.Random, category: str, households: Sequence[int], total: int) -> list[int]:
    """Buildings per complex adding up to ``total``, roughly following size, within believable density."""
    fewest, most = PER_BUILDING[category]
    lows = [max(1, math.ceil(h / most)) for h in households]
    highs = [max(low, h // fewest) for low, h in zip(lows, households, strict=True)]
    weights = [h * rng.uniform(0.6, 1.4) for h in households]
    return split_exact(total, weights, lows, highs)


def approval_date(
    rng: random.Random, category: str, households: int, *, year: int | None = None, latest: date = LAST_APPROVAL
) -> date:
    """A use-approval date: in ``year`` if given, else in the category's years up to ``latest``."""
    if year is not None:
        latest = LAST_APPROVAL
    else:
        first, last = _APPROVAL_YEARS[category]
        last = min(last, latest.year)
        year = rng.randint(min(first, last), last)
        if category == MANDATORY and households >= 1_000:
            # the largest estates are the redevelopments of the 2000s
            year = max(year, rng.randint(min(1995, latest.year), latest.year))
    first_day = date(year, 1, 1)
    return first_day + timedelta(days=rng.randrange((min(date(year, 12, 31), latest) - first_day).days + 1))


def floors(rng: random.Random, category: str, households: int, buildings: int, approved: date) -> tuple[int, int]:
    if category == ROW_HOUSE:
        top = rng.choice((3, 4, 4))
        return rng.randint(2, top), top
    per_floor = rng.choice((2, 3, 4, 4, 5, 6))
    top = math.ceil(households / max(1, buildings) / per_floor) + rng.randint(0, 3)
    # Height rules and land prices: five-storey blocks until the 1980s, 15 to 25 in the 1990s, towers since.
    ceiling = 15 if approved.year < 1990 or category == VOLUNTARY else 25 if approved.year < 2000 else 35
    top = min(max(top, 5), ceiling)
    return top - rng.randint(0, top // 2), top


def area_bands(rng: random.Random, category: str, households: int, approved: date) -> tuple[int, int, int, int, int]:
    profile = _BAND_PROFILE["old" if category == MANDATORY and approved.year < 1990 else category]
    weights = [share * rng.uniform(0.2, 1.8) for share in profile]
    if rng.random() < 0.4:  # many complexes have no flat at all in some sizes, like the seed's 0/0/40/302/0
        weights[weights.index(min(w for w in weights if w > 0))] = 0.0
    a, b, c, d, e = split_exact(households, weights, [0] * 5, [households] * 5)
    return a, b, c, d, e


class Namer:
    """Unique, believable complex names."""

    def __init__(self, rng: random.Random, taken: Sequence[str] = ()) -> None:
        self._rng = rng
        self._taken = set(taken)

    def name(self, category: str, place: str, approved: date) -> str:
        for _ in range(20):
            candidate = self._candidate(category, place, approved)
            if candidate not in self._taken:
                break
        return self.claim(candidate)

    def claim(self, name: str) -> str:
        """The name itself if free, else its next phase: builders number later phases 2차, 3차, …"""
        candidate, number = name, 1
        while candidate in self._taken:
            number += 1
            candidate = f"{name} {number}차"
        self._taken.add(candidate)
        return candidate

    def _candidate(self, category: str, place: str, approved: date) -> str:
        rng = self._rng
        if category == ROW_HOUSE:
            word = rng.choice(ROW_HOUSE_WORDS) + rng.choice(ROW_HOUSE_SUFFIXES)
            return place + word if rng.random() < 0.4 else word
        if category == VOLUNTARY:
            word = rng.choice(SMALL_APARTMENT_WORDS) + rng.choice(SMALL_APARTMENT_SUFFIXES)
            return place + word if rng.random() < 0.6 else word
        brand = rng.choice(NEW_BRANDS) if approved.year >= 2000 else rng.choice(OLD_BRANDS)
        if category == RENTAL:
            # 행복주택 (rental for the young) began in 2014; the older rentals are 국민임대 or estates' 임대동.
            patterns = RENTAL_PATTERNS if approved.year >= 2014 else RENTAL_PATTERNS[:-1]
            return rng.choice(patterns).format(place=place, brand=brand)
        if approved.year >= 2000:
            suffix = rng.choice(NEW_SUFFIXES)
            return f"{brand}{place}{suffix}" if rng.random() < 0.5 else f"{place}{brand}{suffix}"
        return f"{place}{brand}"


def address(rng: random.Random, roads: Sequence[str], taken: set[str]) -> str:
    """A road-name address not given out yet: a main road (무학로 42) or a numbered side street (무학로6길 50)."""
    while True:
        road = rng.choice(roads)
        number = rng.randint(1, 250)
        side_street = not road.endswith("길") and rng.random() < 0.55  # a 길 has no side streets of its own
        candidate = f"{road}{rng.randint(1, 40)}길 {number}" if side_street else f"{road} {number}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def make_complex(
    rng: random.Random,
    namer: Namer,
    addresses: set[str],
    category: str,
    size: tuple[int, int],
    dong: str,
    places: Sequence[str],
    roads: Sequence[str],
    *,
    year: int | None = None,
    latest: date = LAST_APPROVAL,
    dated: bool = True,
) -> ComplexDraft:
    """A complex of the category with ``size`` = (households, buildings) in the dong; the rest is drawn. It is
    approved in ``year``, or by ``latest``; ``dated`` False: its use-approval date is not on file (its age
    still shapes its name, height and flats)."""
    households, buildings = size
    approved = approval_date(rng, category, households, year=year, latest=latest)
    low, high = floors(rng, category, households, buildings, approved)
    row_house = category == ROW_HOUSE
    return ComplexDraft(
        name=namer.name(category, rng.choice(places), approved),
        kind="row_house" if row_house else "apartment",
        management_type=None if row_house else category,
        admin_dong=dong,
        address=address(rng, roads, addresses),
        building_count=buildings,
        household_count=households,
        households_by_area=area_bands(rng, category, households, approved),
        floors_min=low,
        floors_max=high,
        approved_on=approved if dated else None,
        kapt_management_mode=(("entrusted" if rng.random() < 0.85 else "self") if category == MANDATORY else None),
        remarks=rng.choice(REMARKS) if rng.random() < 0.15 else None,
    )


def short_name(name: str) -> str:
    """What a complex is called in a group's or project's name: no parenthetical, no 아파트."""
    return name.split("(")[0].replace("아파트", "").strip() or name
