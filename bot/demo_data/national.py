"""A nation-sized registry for performance runs: tens of thousands of complexes over hundreds of made-up
neighbourhoods, built the same way as the Seongdong district but with sizes drawn freely, not to a table."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from bot.demo_data.complexes import (
    HOUSEHOLDS,
    MANDATORY,
    PER_BUILDING,
    RENTAL,
    ROW_HOUSE,
    VOLUNTARY,
    Namer,
    make_complex,
    short_name,
)
from bot.demo_data.locations import placed, seoul_centres
from bot.demo_data.people import People
from bot.demo_data.sections import community_group, council, office, other_group, support_project
from bot.demo_data.split import split_exact
from bot.demo_data.types import DemoDistrict
from core.housing.values import AdminDongDraft, ComplexBundle, ComplexDraft

# Native words that serve as neighbourhood names; numbered (가람1동, 가람2동, …) as far as needed.
_DONG_WORDS = (
    "가람", "나래", "다솜", "도담", "마루", "바름", "새솔", "아라", "한울", "누리", "하늘", "별빛", "솔내", "늘봄",
    "다온", "라온", "미리", "보람", "여울", "은솔", "채움", "푸름", "한결", "해솔", "가온", "고운", "너울", "단비",
    "드림", "로아", "맑음", "모아", "물빛", "빛솔", "사랑", "새벽", "소담", "시내", "아름", "온새", "이슬", "정든",
    "초롱", "큰솔", "태양", "풀잎", "한빛", "햇살", "호수", "희망",
)  # fmt: skip
# In the seed's proportions.
_CATEGORIES = (MANDATORY, VOLUNTARY, RENTAL, ROW_HOUSE)
_CATEGORY_WEIGHTS = (79, 30, 20, 35)
_MEDIAN_HOUSEHOLDS = {MANDATORY: 480, VOLUNTARY: 80, RENTAL: 300, ROW_HOUSE: 30}
_MEDIAN_PER_BUILDING = {MANDATORY: 80, VOLUNTARY: 60, RENTAL: 180, ROW_HOUSE: 17}
COMPLEXES_PER_DONG = 40


def build_national_dataset(complexes: int = 20_000, representatives: int = 200_000, seed: int = 1) -> DemoDistrict:
    """``complexes`` complexes holding exactly ``representatives`` council members in all."""
    if complexes < 1 or representatives < 0:
        raise ValueError("need at least one complex and no negative count")
    rng = random.Random(seed)
    people = People(rng)
    dongs = _dongs(math.ceil(complexes / COMPLEXES_PER_DONG))
    namer = Namer(rng)
    addresses: set[str] = set()
    drafts = []
    for number in range(complexes):
        index = number % len(dongs)
        category = rng.choices(_CATEGORIES, weights=_CATEGORY_WEIGHTS)[0]
        place = _DONG_WORDS[index % len(_DONG_WORDS)]
        drafts.append(_complex(rng, namer, addresses, category, dongs[index].name, place))
    sizes = _council_sizes(rng, drafts, representatives)
    bundles = []
    serial = 0
    for draft, size in zip(drafts, sizes, strict=True):
        if draft.management_type == MANDATORY:
            serial += 1
            draft = replace(draft, kapt_code=f"A{10_000_000 + serial}")
        bundles.append(_bundle(people, rng, draft, size))
    centres = seoul_centres((d.name for d in dongs), seed)
    return DemoDistrict(admin_dongs=dongs, complexes=tuple(placed(bundles, centres, seed)))


def _dongs(count: int) -> tuple[AdminDongDraft, ...]:
    names = []
    for index in range(count):
        word, number = _DONG_WORDS[index % len(_DONG_WORDS)], index // len(_DONG_WORDS) + 1
        names.append((f"{word}{number}동", f"{word}{number}"))
    return tuple(AdminDongDraft(name, short, order) for order, (name, short) in enumerate(names, 1))


def _complex(
    rng: random.Random, namer: Namer, addresses: set[str], category: str, dong: str, place: str
) -> ComplexDraft:
    low, high = HOUSEHOLDS[category]
    households = min(high, max(low, round(_MEDIAN_HOUSEHOLDS[category] * rng.lognormvariate(0, 0.6))))
    fewest, most = PER_BUILDING[category]
    per_building = min(most, max(fewest, _MEDIAN_PER_BUILDING[category] * rng.uniform(0.6, 1.4)))
    buildings = max(1, min(households, round(households / per_building)))
    roads = (f"{place}로", f"{place}대로", f"{place}길")
    return make_complex(rng, namer, addresses, category, (households, buildings), dong, (place,), roads)


def _council_sizes(rng: random.Random, drafts: list[ComplexDraft], total: int) -> list[int]:
    """Council sizes adding up to ``total``, over the managed apartments (or every complex if there are none)."""
    managed = [i for i, d in enumerate(drafts) if d.management_type in (MANDATORY, VOLUNTARY)]
    councils = managed or list(range(len(drafts)))
    average = total / len(councils)
    low = min(3, total // len(councils))
    high = max(6, math.ceil(3 * average))
    weights = [(drafts[i].building_count + 3) * rng.uniform(0.7, 1.3) for i in councils]
    split = split_exact(total, weights, [low] * len(councils), [high] * len(councils))
    sizes = [0] * len(drafts)
    for index, size in zip(councils, split, strict=True):
        sizes[index] = size
    return sizes


def _bundle(people: People, rng: random.Random, draft: ComplexDraft, council_size: int) -> ComplexBundle:
    apartment = draft.kind == "apartment"
    short = short_name(draft.name)
    groups = []
    if apartment and rng.random() < 0.2:
        groups.append(community_group(people, rng, short))
    if rng.random() < 0.2:
        groups.append(other_group(people, rng, short))
    projects = [support_project(people, rng, short, 2016, row_house=not apartment)] if rng.random() < 0.2 else []
    return ComplexBundle(
        complex=draft,
        office=office(people, rng, draft) if apartment else None,
        representatives=council(people, rng, draft, council_size) if council_size else (),
        groups=tuple(groups),
        projects=tuple(projects),
    )
