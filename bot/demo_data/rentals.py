"""The district's rental complexes, including the rental flats of mixed estates.

The seed's table counts 568 + 43 + 40 = 651 apartment buildings by management type but 630 in its subtotal
(and 701, not 722, in all). Households add up exactly (45,190 + 2,724 + 7,300 = 55,214), so the 21 extra
buildings are counted twice, not lived in twice: since the 1990s redevelopments mix rental flats into the
sold estate's buildings (소셜믹스), and those flats are registered as a rental complex whose buildings are the
estate's. Reproducing the table therefore means some rental records share 21 buildings with mandatory
estates: each type's row is its records' sum, and the subtotals count every building once."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from bot.demo_data.complexes import RENTAL, Namer, area_bands, make_complex, short_name
from bot.demo_data.split import split_exact
from core.housing.values import ComplexDraft, Totals

MIXED_ESTATES = 8  # how many mandatory estates hold rental flats of their own
_MOST_SHARED = 5  # buildings with rental flats in one estate
_STANDALONE_MOST_BUILDINGS = 4
# Households per building with rental flats: a mixed estate puts a few floors' worth in each.
_MIXED_PER_BUILDING = (25, 150)
_STANDALONE_PER_BUILDING = (40, 500)  # 영구임대 corridor blocks are dense


def rental_complexes(
    rng: random.Random,
    namer: Namer,
    addresses: set[str],
    *,
    totals: Totals,
    shared_buildings: int,
    estates: Sequence[ComplexDraft],
    dongs: Sequence[str],
    places: dict[str, tuple[str, ...]],
    roads: dict[str, tuple[str, ...]],
    latest: date,
) -> list[tuple[ComplexDraft, str | None]]:
    """``totals.complexes`` rental complexes, ``shared_buildings`` of whose buildings belong to mandatory
    estates chosen from ``estates``; the standalone ones go to ``dongs`` (one each). Each comes with the
    estate whose buildings it shares, if any; the standalone ones are approved by ``latest``."""
    candidates = sorted(
        (e for e in estates if e.approved_on and e.approved_on.year >= 1995 and e.building_count >= 3),
        key=lambda e: e.name,
    )
    if len(candidates) < MIXED_ESTATES or shared_buildings < MIXED_ESTATES:
        raise ValueError("too few estates, or shared buildings, to mix rental flats into")
    hosts = rng.sample(candidates, MIXED_ESTATES)
    standalone = totals.complexes - MIXED_ESTATES
    if len(dongs) != standalone:
        raise ValueError(f"{standalone} standalone rental complexes need as many dongs, not {len(dongs)}")
    shared = split_exact(
        shared_buildings,
        [e.building_count for e in hosts],
        [1] * len(hosts),
        [min(_MOST_SHARED, e.building_count) for e in hosts],
    )
    own = split_exact(
        totals.buildings - shared_buildings,
        [rng.lognormvariate(0, 0.5) for _ in range(standalone)],
        [1] * standalone,
        [_STANDALONE_MOST_BUILDINGS] * standalone,
    )
    # Households are bounded by buildings here (not the other way round) so the split is always feasible.
    bounds = [
        _household_bounds(b, _MIXED_PER_BUILDING, cap=e.household_count * 3 // 10)
        for e, b in zip(hosts, shared, strict=True)
    ]
    bounds += [_household_bounds(b, _STANDALONE_PER_BUILDING) for b in own]
    weights = [e.household_count * 0.2 for e in hosts] + [b * 250 * rng.lognormvariate(0, 0.4) for b in own]
    households = split_exact(totals.households, weights, [low for low, _ in bounds], [high for _, high in bounds])
    mixed = [
        (_rental_part(rng, namer, estate, buildings, count), estate.name)
        for estate, buildings, count in zip(hosts, shared, households[: len(hosts)], strict=True)
    ]
    alone: list[tuple[ComplexDraft, str | None]] = [
        (
            make_complex(
                rng, namer, addresses, RENTAL, (count, buildings), dong, places[dong], roads[dong], latest=latest
            ),
            None,
        )
        for dong, buildings, count in zip(dongs, own, households[len(hosts) :], strict=True)
    ]
    return mixed + alone


def _household_bounds(buildings: int, per_building: tuple[int, int], cap: int | None = None) -> tuple[int, int]:
    low, high = buildings * per_building[0], buildings * per_building[1]
    if cap is not None:
        high = min(high, cap)
    return low, max(low, high)


def _rental_part(
    rng: random.Random, namer: Namer, estate: ComplexDraft, buildings: int, households: int
) -> ComplexDraft:
    """The rental flats of a mixed estate: its address, age and height; its own households and area bands."""
    approved = estate.approved_on
    assert approved is not None  # hosts are chosen among estates with an approval date
    return ComplexDraft(
        name=namer.claim(f"{short_name(estate.name)}(임대)"),
        kind="apartment",
        management_type=RENTAL,
        admin_dong=estate.admin_dong,
        address=estate.address,
        building_count=buildings,
        household_count=households,
        households_by_area=area_bands(rng, RENTAL, households, approved),
        floors_min=estate.floors_min,
        floors_max=estate.floors_max,
        approved_on=approved,
        remarks=f"{estate.name} 단지 내 임대세대(동수는 분양 단지와 중복 집계)",
    )
