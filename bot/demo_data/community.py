"""The demo district's village community: organisations and grant projects whose 2015 dashboard is the report's
마을공동체 현황 figure for figure, and a few years around it.

2015, as the report's screen gives it: 소통공간 15, 단체(기관) 22, 소셜벤처 12, 기타 2 organisations, spread over
the dongs 3 0 7 0 7 2 0 4 1 1 3 3 16 1 2 0 1 in the district's order; 21 projects of Seoul city's call with
100,805 thousand won of city funds, 17 of the district's with 12,560 of district funds, none of a housing
complex's. The report's own examples are among them: 금옥마을 in 금호2.3가동 with its facility, and the city's
「가족의 탄생 (국경을 넘어 마을로)」 of 4,570. 2014 and 2016 add smaller years, and 2016 has housing-call
projects for four demo complexes (성동삼성쉐르빌 among them), so their cards show them.

Deterministic for a seed; every draft passes the same checks as typed-in records."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.demo_data.people import People
from bot.demo_data.split import split_exact
from bot.demo_data.vocabulary import PLACES, ROADS, SEONGDONG_DONGS
from core.community.values import CITY, DISTRICT, HOUSING, Facility, GrantProjectDraft, OrganizationDraft

# The report's 2015 figures.
DONG_COUNTS_2015 = (3, 0, 7, 0, 7, 2, 0, 4, 1, 1, 3, 3, 16, 1, 2, 0, 1)
FIELD_COUNTS_2015 = {"space": 15, "organization": 22, "social_venture": 12, "other": 2}
CITY_PROJECTS_2015, CITY_FUNDS_2015 = 21, 100_805
DISTRICT_PROJECTS_2015, DISTRICT_FUNDS_2015 = 17, 12_560
EXAMPLE_ORGANIZATION = "금옥마을"
EXAMPLE_PROJECT = "가족의 탄생 (국경을 넘어 마을로)"
EXAMPLE_PROJECT_FUNDS = 4_570
# Smaller years around it: (year, organisations, city projects, district projects, housing projects).
OTHER_YEARS = ((2014, 12, 9, 8, 0), (2016, 18, 14, 12, 4))

NAME_PATTERNS = {
    "space": ("{p} 마을사랑방", "{p} 작은도서관", "{p} 마을카페", "{p} 공유부엌", "{p} 주민쉼터", "{p} 마을활력소"),
    "organization": (
        "{p} 마을공동체",
        "{p} 주민모임",
        "{p} 마을미디어",
        "{p} 엄마품앗이",
        "{p} 어르신 나눔회",
        "{p} 환경지킴이",
        "{p} 골목문화단",
    ),
    "social_venture": ("{p} 협동조합", "{p} 사회적협동조합", "{p} 마을기업", "{p} 공방", "{p} 나눔가게"),
    "other": ("{p} 마을축제 추진위원회", "{p} 생활문화모임"),
}
LEGAL_TYPES_BY_FIELD = {
    "space": ("residents_group", "nonprofit_civic_group", "welfare_facility"),
    "organization": ("nonprofit_civic_group", "nonprofit_association", "nonprofit_corporation", "residents_group"),
    "social_venture": ("social_economy", "corporation"),
    "other": ("other", "individual"),
}
FACILITIES = ("도서관,강의실", "사랑방,부엌", "카페,회의실", "공부방", "공방,전시실", "다목적실")
OWNERS = ("성동구", "서울시", "민간(임대)", "단체 소유")
CALL_FIELDS = (
    "다문화마을공동체",
    "마을미디어",
    "마을예술창작소",
    "우리마을 공간",
    "부모커뮤니티",
    "에너지자립마을",
    "청소년 활동",
    "주민모임",
)
PROJECT_PATTERNS = (
    "{p} 마을 영화제",
    "함께 크는 {p} 부모모임",
    "{p} 골목 텃밭",
    "{p} 마을신문 만들기",
    "{p} 이웃과 함께하는 밥상",
    "{p} 어르신 말벗",
    "{p} 에너지 절약 마을",
    "{p} 청소년 마을탐험대",
    "{p} 주민 합창단",
    "{p} 마을 기록 사진전",
)
HOUSING_COMPLEXES_2016 = 4  # complexes whose 2016 housing-call projects the demo grants (the example first)


@dataclass(frozen=True)
class DemoGrant:
    """A grant project; a housing call's names its complex by name (its id is known once the complexes are in)."""

    draft: GrantProjectDraft
    complex_name: str | None = None


@dataclass(frozen=True)
class DemoCommunity:
    organizations: tuple[OrganizationDraft, ...]
    projects: tuple[DemoGrant, ...]


def split(total: int, parts: int, rng: random.Random, *, low: int, high: int) -> list[int]:
    """``parts`` whole amounts within ``low``..``high`` that add up to ``total`` exactly, unevenly as grants are."""
    return split_exact(total, [rng.uniform(0.5, 1.5) for _ in range(parts)], [low] * parts, [high] * parts)


def _organization(
    rng: random.Random, people: People, field: str, dong: str, year: int, taken: set[tuple[str, str]]
) -> OrganizationDraft:
    place = rng.choice(PLACES[dong])
    name = rng.choice(NAME_PATTERNS[field]).format(p=place)
    serial = 2
    while (name, dong) in taken:
        name = f"{rng.choice(NAME_PATTERNS[field]).format(p=place)} {serial}"
        serial += 1
    taken.add((name, dong))
    representative = people.name(people.gender())
    facility = None
    if field == "space" or rng.random() < 0.3:
        land = Decimal(rng.randrange(60, 400))
        facility = Facility(
            land_area=land,
            floor_area=(land * Decimal(rng.randrange(80, 260)) / 100).quantize(Decimal("0.01")),
            scale=rng.choice(("지상1", "지하1/지상2", "지상2", "지상3", "지하1/지상3")),
            main_facilities=rng.choice(FACILITIES),
            ownership=rng.choice(OWNERS),
        )
    return OrganizationDraft(
        field=field,
        legal_type=rng.choice(LEGAL_TYPES_BY_FIELD[field]),
        name=name,
        admin_dong=dong,
        founded_on=people.day_in(date(2008, 1, 1), date(year, 6, 30)) if rng.random() < 0.7 else None,
        address=f"{rng.choice(ROADS[dong])} {rng.randrange(1, 120)}",
        representative=representative,
        mobile=people.mobile(),
        phone=people.office_phone() if rng.random() < 0.6 else None,
        email=people.email(representative) if rng.random() < 0.4 else None,
        business_year=year,
        member_count=rng.randrange(5, 80),
        facility=facility,
    )


def _example_organization(people: People) -> OrganizationDraft:
    """금옥마을 as the report's 단체(기관) 조회 screen shows it."""
    return OrganizationDraft(
        field="space",
        legal_type="nonprofit_civic_group",
        name=EXAMPLE_ORGANIZATION,
        admin_dong="금호2.3가동",
        address="매봉18길 11",
        representative="고" + people.name("F")[1:],
        mobile=people.mobile(),
        phone=people.office_phone(),
        fax=people.office_phone(),
        business_year=2015,
        member_count=10,
        facility=Facility(
            land_area=Decimal("175"),
            floor_area=Decimal("221.55"),
            scale="지하1/지상2",
            main_facilities="도서관,강의실",
            ownership="성동구",
        ),
    )


def _organizations_2015(rng: random.Random, people: People, taken: set[tuple[str, str]]) -> list[OrganizationDraft]:
    fields = [f for f, n in FIELD_COUNTS_2015.items() for _ in range(n)]
    dongs = [dong for (dong, _), n in zip(SEONGDONG_DONGS, DONG_COUNTS_2015, strict=True) for _ in range(n)]
    # The example takes one 소통공간 and 금호2.3가동's one organisation; the rest are dealt out at random.
    fields.remove("space")
    dongs.remove("금호2.3가동")
    rng.shuffle(fields)
    example = _example_organization(people)
    taken.add((example.name, example.admin_dong))
    return [example, *(_organization(rng, people, f, d, 2015, taken) for f, d in zip(fields, dongs, strict=True))]


def _project(
    rng: random.Random, people: People, sponsor: str, year: int, funds: int, taken: set[str], complex_name: str | None
) -> DemoGrant:
    dong = rng.choice(SEONGDONG_DONGS)[0]
    place = rng.choice(PLACES[dong])
    name = rng.choice(PROJECT_PATTERNS).format(p=place)
    while name in taken:
        name = f"{rng.choice(PROJECT_PATTERNS).format(p=place)} {year % 100}-{len(taken)}"
    taken.add(name)
    draft = GrantProjectDraft(
        sponsor=sponsor,
        year=year,
        name=name,
        activity_area=dong.replace("제", "").replace("2.3가동", "2·3가동"),
        call_field=rng.choice(CALL_FIELDS),
        content=f"{place} 주민들이 함께 {name.split(' ', 1)[-1]}을(를) 준비하고 이웃과 나눕니다.",
        representative=people.name(people.gender()),
        mobile=people.mobile(),
        member_count=rng.randrange(5, 40),
        city_funds=funds if sponsor == CITY else 0,
        district_funds=funds if sponsor in (DISTRICT, HOUSING) else 0,
        self_funds=rng.randrange(0, 500) if sponsor == HOUSING else 0,
    )
    return DemoGrant(draft, complex_name)


def build_demo_community(seed: int, complex_names: tuple[str, ...] = ()) -> DemoCommunity:
    """``complex_names``: demo complexes, the example first, that 2016's housing-call projects are for."""
    rng = random.Random(f"community-{seed}")
    people = People(rng)
    taken: set[tuple[str, str]] = set()
    organizations = _organizations_2015(rng, people, taken)
    names: set[str] = {EXAMPLE_PROJECT}
    city = split(CITY_FUNDS_2015 - EXAMPLE_PROJECT_FUNDS, CITY_PROJECTS_2015 - 1, rng, low=2_000, high=8_000)
    district = split(DISTRICT_FUNDS_2015, DISTRICT_PROJECTS_2015, rng, low=300, high=1_200)
    example = GrantProjectDraft(
        sponsor=CITY,
        year=2015,
        name=EXAMPLE_PROJECT,
        activity_area="하왕십리동",
        call_field="다문화마을공동체",
        content="베트남 국제결혼 배우자의 한국에서 안정적인 정착과 아이들의 양육에 대한 정보교환 등을 통하여 "
        "가족의 역할을 다하고자 함",
        representative="박경일",
        mobile=people.mobile(),
        member_count=18,
        city_funds=EXAMPLE_PROJECT_FUNDS,
    )
    projects = [DemoGrant(example)]
    projects += [_project(rng, people, CITY, 2015, funds, names, None) for funds in city]
    projects += [_project(rng, people, DISTRICT, 2015, funds, names, None) for funds in district]
    for year, organization_count, city_count, district_count, housing_count in OTHER_YEARS:
        for _ in range(organization_count):
            field = rng.choices(list(FIELD_COUNTS_2015), weights=list(FIELD_COUNTS_2015.values()))[0]
            dong = rng.choice(SEONGDONG_DONGS)[0]
            organizations.append(_organization(rng, people, field, dong, year, taken))
        projects += [
            _project(rng, people, CITY, year, rng.randrange(2_000, 8_000), names, None) for _ in range(city_count)
        ]
        projects += [
            _project(rng, people, DISTRICT, year, rng.randrange(300, 1_200), names, None) for _ in range(district_count)
        ]
        for complex_name in complex_names[:housing_count]:
            projects.append(_project(rng, people, HOUSING, year, rng.randrange(500, 2_000), names, complex_name))
    return DemoCommunity(tuple(organizations), tuple(projects))
