"""The demo district: Seongdong-gu as the seed report counts it, the same every time, and loaded once."""

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from bot.demo_data import (
    ESCAPING_NAME,
    EXAMPLE_NAME,
    build_demo_district,
    build_national_dataset,
    check_district,
    load_demo_district,
    load_district,
)
from bot.demo_data.people import add_years
from bot.demo_data.second_screen import SECOND_SCREEN_DONGS, SECOND_SCREEN_TOTALS, SECOND_SCREEN_YEARS, UNDATED
from bot.demo_data.split import split_exact
from core.errors import InvalidInput
from core.housing.values import Totals
from storage.housing.models import Complex, Representative, ResidentGroup, SupportProject
from storage.reference.models import AdminDong
from storage.search_keys import name_key

# 공동주택 현황, as printed in the seed report: 단지수, 동(棟)수, 세대수.
TABLE = {
    "mandatory": (79, 568, 45_190),
    "voluntary": (30, 43, 2_724),
    "rental": (20, 40, 7_300),
    "row_house": (35, 71, 1_197),
}
APARTMENT_SUBTOTAL = (129, 630, 55_214)
GRAND_TOTAL = (164, 701, 56_411)
SEONGDONG = [
    ("왕십리도선동", "왕도"), ("왕십리제2동", "왕2"), ("마장동", "마장"), ("사근동", "사근"), ("행당제1동", "행1"),
    ("행당제2동", "행2"), ("응봉동", "응봉"), ("금호1가동", "금1"), ("금호2.3가동", "금2.3"), ("금호4가동", "금4"),
    ("옥수동", "옥수"), ("성수1가제1동", "성1-1"), ("성수1가제2동", "성1-2"), ("성수2가제1동", "성2-1"),
    ("성수2가제3동", "성2-3"), ("송정동", "송정"), ("용답동", "용답"),
]  # fmt: skip


@pytest.fixture(scope="module")
def district():
    return build_demo_district()


def bundle_named(district, name):
    [bundle] = [b for b in district.complexes if b.complex.name == name]
    return bundle


def as_tuple(totals):
    return totals.complexes, totals.buildings, totals.households


def test_the_same_seed_builds_the_same_district_and_another_seed_another(district):
    assert build_demo_district() == district
    other = build_demo_district(seed=7)
    assert other != district
    assert as_tuple(other.totals(distinct_buildings=True)) == GRAND_TOTAL


def test_the_seventeen_dongs_come_in_the_reports_order_with_the_offices_short_names(district):
    assert [(d.name, d.short_name) for d in district.admin_dongs] == SEONGDONG
    assert [d.sort_order for d in district.admin_dongs] == list(range(1, 18))
    assert {b.complex.admin_dong for b in district.complexes} == {name for name, _ in SEONGDONG}


@pytest.mark.parametrize("category", TABLE)
def test_each_row_of_the_housing_table_is_reproduced_exactly(district, category):
    assert as_tuple(district.totals(category)) == TABLE[category]


def test_the_subtotal_and_total_count_each_building_once(district):
    # The type rows add up to 651 apartment buildings; the report's subtotal says 630. The 21 between are the
    # buildings whose rental flats are registered as rental complexes of their own.
    assert as_tuple(district.totals("apartment", distinct_buildings=True)) == APARTMENT_SUBTOTAL
    assert as_tuple(district.totals(distinct_buildings=True)) == GRAND_TOTAL
    assert district.totals().buildings - GRAND_TOTAL[1] == 21


def test_rental_flats_that_share_buildings_sit_in_a_mandatory_estate_at_its_address(district):
    estates = {b.complex.name: b.complex for b in district.complexes if b.complex.management_type == "mandatory"}
    sharing = [b for b in district.complexes if b.shares_buildings_with]
    assert sharing and all(b.complex.management_type == "rental" for b in sharing)
    for bundle in sharing:
        estate = estates[bundle.shares_buildings_with]
        assert (bundle.complex.admin_dong, bundle.complex.address) == (estate.admin_dong, estate.address)
        assert bundle.complex.building_count <= estate.building_count
        assert bundle.office is None  # the estate's office looks after them
        assert bundle.shares_buildings_with in (bundle.complex.remarks or "")
    others = [b.complex.address for b in district.complexes if not b.shares_buildings_with]
    assert len(others) == len(set(others))


def test_there_are_563_representatives_as_on_2_may_2016(district):
    assert district.representative_count == 563
    for bundle in district.complexes:
        for member in bundle.representatives:
            assert member.term_start <= date(2016, 5, 2) <= member.term_end
            assert member.term_end == add_years(member.term_start, 2) - timedelta(days=1)


def test_every_council_has_one_chair_and_an_auditor(district):
    councils = [b.representatives for b in district.complexes if b.representatives]
    assert len(councils) > 79  # every mandatory complex, and a few others
    for council in councils:
        positions = Counter(m.position for m in council)
        assert positions["회장"] == 1
        assert positions["감사"] >= 1
        assert set(positions) <= {"회장", "부회장", "감사", "이사", "총무"}
    assert all(b.representatives for b in district.complexes if b.complex.management_type == "mandatory")


def test_the_seeds_example_complex_is_there_exactly_as_its_card_shows(district):
    bundle = bundle_named(district, EXAMPLE_NAME)
    c = bundle.complex
    assert (c.admin_dong, c.address, c.building_count, c.household_count) == ("왕십리도선동", "무학로6길 50", 3, 342)
    assert (c.floors_min, c.floors_max, c.management_type, c.approved_on) == (4, 27, "mandatory", date(2006, 9, 13))
    assert c.households_by_area == (0, 0, 40, 302, 0)
    office = bundle.office
    assert office.manager_name.startswith("이")
    assert (office.manager_license_no, office.manager_license_grade) == ("2012-7166", "사")
    assert office.manager_assigned_on == date(2013, 4, 23)
    assert office.manager_mobile.startswith("010-") and office.manager_birth_date
    assert office.phone.startswith("02-") and office.fax.startswith("02-")
    members = [(m.position, m.name[0], m.gender) for m in bundle.representatives]
    assert members == [
        ("회장", "이", "F"),
        ("감사", "오", "M"),
        ("이사", "안", "M"),
        ("이사", "이", "F"),
        ("이사", "최", "F"),
        ("총무", "최", "F"),
    ]
    assert {(m.term_start, m.term_end) for m in bundle.representatives} == {(date(2016, 3, 14), date(2018, 3, 13))}
    assert all(len(m.name) == 3 and m.building_unit and m.birth_date for m in bundle.representatives)
    [group] = bundle.groups
    assert (group.kind, group.name, group.leader_position, group.member_count, group.formed_on) == (
        "community_activation",
        "쉐르빌사랑회",
        "회장",
        0,
        date(2016, 4, 29),
    )
    [project] = bundle.projects
    assert (project.kind, project.name, project.amount, project.returned_amount) == (
        "공동체활성화",
        "삼성쉐르빌",
        1_590,
        0,
    )
    assert (project.period_start, project.period_end) == (date(2016, 3, 28), date(2016, 11, 30))


def test_the_example_is_the_same_whatever_the_seed(district):
    assert bundle_named(build_demo_district(seed=99), EXAMPLE_NAME) == bundle_named(district, EXAMPLE_NAME)


def test_a_row_house_with_htmls_special_characters_in_its_name_is_there(district):
    bundle = bundle_named(district, ESCAPING_NAME)
    assert ESCAPING_NAME == "<김&이>빌라"
    assert bundle.complex.kind == "row_house"


def test_every_draft_keeps_the_domain_rules(district):
    check_district(district)
    for seed in range(5):
        check_district(build_demo_district(seed))


def test_names_and_kapt_codes_are_unique_and_only_mandatory_complexes_have_codes(district):
    names = [b.complex.name for b in district.complexes]
    assert len(names) == len(set(names))
    codes = [b.complex.kapt_code for b in district.complexes if b.complex.kapt_code]
    assert len(codes) == len(set(codes)) == 79
    assert all(
        (b.complex.kapt_code is not None) == (b.complex.management_type == "mandatory") for b in district.complexes
    )
    assert {b.complex.kapt_management_mode for b in district.complexes if b.complex.kapt_code} == {"self", "entrusted"}


def test_apartments_have_offices_with_managers_and_row_houses_none(district):
    for bundle in district.complexes:
        if bundle.complex.kind == "row_house":
            assert bundle.office is None
        elif not bundle.shares_buildings_with:
            assert bundle.office.manager_name and bundle.office.manager_mobile
        if bundle.complex.management_type == "mandatory":
            assert bundle.office.manager_license_grade in ("사", "보")


def test_sizes_look_like_the_real_thing(district):
    for bundle in district.complexes:
        c = bundle.complex
        # The old row houses carried over from the paper ledger have no use-approval date on file.
        assert (c.approved_on is None and c.kind == "row_house") or date(1975, 1, 1) <= c.approved_on <= date(
            2016, 5, 2
        )
        if c.kind == "row_house":
            assert c.household_count <= 80 and c.floors_max <= 4
        elif c.management_type == "mandatory":
            assert c.household_count >= 150
    assert max(b.complex.household_count for b in district.complexes) >= 1_000


def test_groups_of_both_kinds_and_grants_as_the_second_screen_sums_them_one_partly_returned(district):
    groups = Counter(g.kind for b in district.complexes for g in b.groups)
    assert groups["community_activation"] >= 10 and groups["other"] >= 10
    projects = [p for b in district.complexes for p in b.projects]
    granted = Counter()
    for p in projects:
        granted[p.period_start.year] += p.amount
    assert granted == {2016: 51_965, 2015: 2_000, 2013: granted[2013]} and granted[2013] > 0  # none in 2014
    returned = [p for p in projects if p.returned_amount]
    assert returned and all(p.returned_amount < p.amount for p in returned)


@pytest.mark.parametrize("seed", [2016, 7])
def test_the_second_screen_counts_the_complexes_with_a_use_approval_date(seed):
    district = build_demo_district(seed)
    dated = [b.complex for b in district.complexes if b.complex.approved_on]
    undated = [b.complex for b in district.complexes if not b.complex.approved_on]

    def totals(complexes):
        return Totals(
            len(complexes), sum(c.building_count for c in complexes), sum(c.household_count for c in complexes)
        )

    assert totals(dated) == SECOND_SCREEN_TOTALS and totals(undated) == UNDATED
    assert all(c.kind == "row_house" for c in undated)
    for dong, figures in SECOND_SCREEN_DONGS.items():
        assert totals([c for c in dated if c.admin_dong == dong]) == figures
    for year, figures in SECOND_SCREEN_YEARS.items():
        assert totals([c for c in dated if c.approved_on.year == year]) == figures
    assert max(c.approved_on.year for c in dated) == 2015
    assert any(b.complex.remarks for b in district.complexes if b.complex.name != ESCAPING_NAME)


def test_a_national_set_has_exactly_the_members_asked_for_and_keeps_the_rules():
    national = build_national_dataset(complexes=300, representatives=3_000, seed=5)
    assert len(national.complexes) == 300
    assert national.representative_count == 3_000
    assert national == build_national_dataset(complexes=300, representatives=3_000, seed=5)
    check_district(national)
    dong_names = [d.name for d in national.admin_dongs]
    assert len(dong_names) == len(set(dong_names)) == 8
    codes = [b.complex.kapt_code for b in national.complexes if b.complex.kapt_code]
    assert len(codes) == len(set(codes))


@st.composite
def splittable(draw):
    count = draw(st.integers(min_value=1, max_value=30))
    lows = draw(st.lists(st.integers(0, 50), min_size=count, max_size=count))
    highs = [low + draw(st.integers(0, 500)) for low in lows]
    weights = draw(st.lists(st.floats(0, 1e4), min_size=count, max_size=count))
    total = draw(st.integers(sum(lows), sum(highs)))
    return total, weights, lows, highs


@given(splittable())
def test_a_split_adds_up_to_the_total_and_keeps_every_part_in_its_bounds(case):
    total, weights, lows, highs = case
    parts = split_exact(total, weights, lows, highs)
    assert sum(parts) == total
    assert all(low <= part <= high for low, part, high in zip(lows, parts, highs, strict=True))


def test_a_split_follows_the_weights_and_refuses_a_total_out_of_reach():
    assert split_exact(100, [1, 1, 2], [0, 0, 0], [100, 100, 100]) == [25, 25, 50]
    assert split_exact(100, [1, 1, 8], [0, 0, 0], [100, 100, 40]) == [30, 30, 40]
    with pytest.raises(ValueError):
        split_exact(10, [1, 1], [0, 0], [4, 5])


# --- loading -----------------------------------------------------------------------------------------


async def database_totals(uow_factory):
    async with uow_factory() as uow:
        session = uow._session
        rows = await session.execute(
            select(
                func.coalesce(Complex.management_type, Complex.kind),
                func.count(),
                func.sum(Complex.building_count),
                func.sum(Complex.household_count),
            ).group_by(func.coalesce(Complex.management_type, Complex.kind))
        )
        table = {category: (count, int(buildings), int(households)) for category, count, buildings, households in rows}
        counts = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (AdminDong, Representative, ResidentGroup, SupportProject)
        }
        keys = (await session.execute(select(Complex.name, Complex.name_key))).all()
    return table, counts, keys


async def test_the_loaded_district_holds_the_reports_totals(uow_factory, clock, district):
    summary = await load_demo_district(uow_factory, clock)
    table, counts, keys = await database_totals(uow_factory)
    assert table == TABLE
    assert counts["representative"] == summary.representatives == 563
    assert counts["admin_dong"] == summary.admin_dongs == 17
    assert (summary.complexes, summary.distinct_buildings, summary.households) == GRAND_TOTAL
    assert all(key == name_key(name) for name, key in keys)
    assert counts["resident_group"] == sum(len(b.groups) for b in district.complexes)


async def test_the_database_counts_shared_buildings_once_like_the_report(uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    async with uow_factory() as uow:
        session = uow._session
        distinct = await session.scalar(
            select(func.sum(Complex.building_count)).where(Complex.buildings_shared_with_id.is_(None))
        )
        apartments = await session.scalar(
            select(func.sum(Complex.building_count)).where(
                Complex.buildings_shared_with_id.is_(None), Complex.kind == "apartment"
            )
        )
        host = aliased(Complex)
        pairs = (
            await session.execute(
                select(Complex.name, host.name, Complex.address, host.address).join(
                    host, host.id == Complex.buildings_shared_with_id
                )
            )
        ).all()
    assert (distinct, apartments) == (701, 630)
    assert pairs and all(rental.startswith(estate) and a == b for rental, estate, a, b in pairs)


async def test_the_example_card_reads_back_as_it_was_written(uow_factory, clock, district):
    await load_demo_district(uow_factory, clock)
    async with uow_factory() as uow:
        [found], _ = await uow.housing.find_complexes_by_name("쉐르빌", offset=0, limit=5)
        card = await uow.housing.load_complex_sections(found.id)
    example = bundle_named(district, EXAMPLE_NAME)
    assert (card.detail.admin_dong, card.detail.admin_dong_short, card.detail.households_by_area) == (
        "왕십리도선동",
        "왕도",
        (0, 0, 40, 302, 0),
    )
    assert [(r.position, r.name, r.phone) for r in card.representatives] == [
        (m.position, m.name, m.phone) for m in example.representatives
    ]
    assert card.office.manager_license_no == "2012-7166"
    assert [g.name for g in card.groups] == ["쉐르빌사랑회"]
    assert [(p.name, p.amount) for p in card.projects] == [("삼성쉐르빌", 1_590)]
    assert (card.detail.version, card.detail.updated_at.date()) == (1, clock.now().date())


async def test_a_second_load_is_refused_and_changes_nothing(uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    before = await database_totals(uow_factory)
    with pytest.raises(InvalidInput) as refused:
        await load_demo_district(uow_factory, clock, seed=3)
    assert refused.value.code == "database_not_empty"
    assert refused.value.params == {"complexes": 164}
    assert await database_totals(uow_factory) == before


async def nothing_written(uow_factory):
    async with uow_factory() as uow:
        return await uow._session.scalar(select(func.count()).select_from(Complex)) == 0


async def test_a_district_that_breaks_a_rule_is_refused_before_anything_is_written(uow_factory, clock, district):
    first = district.complexes[0]
    broken = replace(first, complex=replace(first.complex, household_count=first.complex.household_count + 1))
    with pytest.raises(InvalidInput) as refused:
        await load_district(uow_factory, clock, replace(district, complexes=(broken, *district.complexes[1:])))
    assert refused.value.code == "area_bands_mismatch"
    assert await nothing_written(uow_factory)


async def test_a_position_the_admins_have_not_listed_is_refused(uow_factory, clock, district):
    example = bundle_named(district, EXAMPLE_NAME)
    odd = replace(example, representatives=(replace(example.representatives[0], position="반장"),))
    with pytest.raises(InvalidInput) as refused:
        await load_district(uow_factory, clock, replace(district, complexes=(odd,)))
    assert (refused.value.code, refused.value.params) == ("unknown_position", {"positions": "반장"})
    assert await nothing_written(uow_factory)


async def test_a_complex_in_a_dong_the_district_does_not_have_is_refused(uow_factory, clock, district):
    example = bundle_named(district, EXAMPLE_NAME)
    astray = replace(example, complex=replace(example.complex, admin_dong="역삼동"))
    with pytest.raises(InvalidInput) as refused:
        await load_district(uow_factory, clock, replace(district, complexes=(astray,)))
    assert refused.value.code == "unknown_admin_dong"
    assert await nothing_written(uow_factory)


async def test_every_loaded_council_is_in_office_on_the_day_it_is_loaded(uow_factory, clock, district):
    """The district is drawn as of 2016, but its councils are re-elected up to today: two-year terms carried
    forward a whole term at a time, so the seed's 2016.03.14~2018.03.13 stands as 2026.03.14~2028.03.13."""
    await load_demo_district(uow_factory, clock)
    today = clock.today()
    async with uow_factory() as uow:
        terms = (await uow._session.execute(select(Representative.term_start, Representative.term_end))).all()
    assert len(terms) == district.representative_count
    assert all(start <= today <= end and end == add_years(start, 2) - timedelta(days=1) for start, end in terms)
    example = {(m.term_start, m.term_end) for m in bundle_named(district, EXAMPLE_NAME).representatives}
    assert example == {(date(2016, 3, 14), date(2018, 3, 13))}  # as built: the seed's screen
    assert (date(2026, 3, 14), date(2028, 3, 13)) in set(terms)
