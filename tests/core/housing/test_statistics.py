"""공동주택 현황 as core counts it: the report's two screens from the demo district (the type table over the
register, the 동별 and 년도별 tables over the complexes with a use-approval date), narrowing by dong and year,
and a dong-scoped reader's figures covering only their dongs."""

import pytest

from bot.demo_data import load_demo_district
from core.errors import InvalidInput, OutsideScope, PermissionDenied
from core.housing.statistics import Filters
from core.housing.values import Totals
from tests.builders import grant, make_complex, make_staff, make_two_dongs

# 공동주택 현황 as printed in the seed report: 단지수, 동(棟)수, 세대수, the shared buildings counted once.
SEED = {
    "mandatory": Totals(79, 568, 45_190),
    "voluntary": Totals(30, 43, 2_724),
    "rental": Totals(20, 40, 7_300),
}
APARTMENTS, ROW_HOUSES, TOTAL = Totals(129, 630, 55_214), Totals(35, 71, 1_197), Totals(164, 701, 56_411)
# The second screen: 동별 and 년도별 over the complexes with a use-approval date, each record's buildings.
SECOND_SCREEN, UNDATED = Totals(142, 682, 55_842), Totals(22, 40, 569)


@pytest.fixture
async def reader(services):
    return await make_staff(services, saeol_id="stat01", name="통계담당", roles=("housing.read",))


async def test_the_demo_districts_type_table_is_the_reports(services, uow_factory, clock, reader):
    await load_demo_district(uow_factory, clock)
    table = await services.housing_statistics.by_type(reader)
    assert table.scope.district
    assert dict(table.by_management) == SEED
    assert (table.apartments, table.row_houses, table.total) == (APARTMENTS, ROW_HOUSES, TOTAL)
    representatives = await services.housing_statistics.representatives(reader)
    assert representatives.total == 563  # 입주자대표 563명 (2016. 5. 2. 현재)


async def test_the_demo_districts_second_screen_is_the_reports_row_for_row(services, uow_factory, clock, reader):
    await load_demo_district(uow_factory, clock)
    by_dong = await services.housing_statistics.by_dong(reader)
    by_year = await services.housing_statistics.by_year(reader)
    assert by_dong.total == by_year.total == SECOND_SCREEN
    assert by_dong.undated == by_year.undated == UNDATED  # what the two screens' totals differ by
    dongs = {r.admin_dong: r.totals for r in by_dong.rows}
    assert len(dongs) == 17 and by_dong.rows[0].admin_dong == "왕십리도선동"
    assert dongs["왕십리도선동"] == Totals(7, 48, 4_625) and dongs["왕십리제2동"] == Totals(10, 39, 3_180)
    assert [(r.year, r.totals) for r in by_year.rows[:2]] == [
        (2015, Totals(1, 18, 1_369)),
        (2014, Totals(4, 21, 2_042)),
    ]
    support = await services.housing_statistics.support(reader, "year")
    assert [(r.label, r.granted) for r in support.rows[:3]] == [("2016", 51_965), ("2015", 2_000), ("2014", 0)]


async def test_a_table_narrows_to_a_year_and_to_a_dong(services, uow_factory, clock, reader):
    await load_demo_district(uow_factory, clock)
    stats = services.housing_statistics
    approved_2014 = await stats.by_dong(reader, Filters(year=2014))
    assert approved_2014.total == Totals(4, 21, 2_042) and approved_2014.scope.year == 2014
    assert approved_2014.undated == Totals(0, 0, 0)  # a complex without a date has no year either
    filters = await stats.filters_from_text(reader, "왕도")  # the office's short name
    doseon = await stats.by_type(reader, filters)
    assert doseon.scope.dongs == ("왕십리도선동",) and doseon.scope.picked
    assert doseon.total.households == 4_625  # no undated complex in this dong
    assert (await stats.by_year(reader, filters)).total == Totals(7, 48, 4_625)
    both = await stats.filters_from_text(reader, "2016년 왕십리도선동")
    assert both.year == 2016 and both.admin_dong_id == filters.admin_dong_id
    in_2016 = await stats.support(reader, "kind", both)
    assert in_2016.granted == sum(r.granted for r in in_2016.rows) and in_2016.granted >= 1_590  # 쉐르빌's grant
    for typed in ("달나라동", "x" * 200):
        with pytest.raises(InvalidInput) as refused:
            await stats.filters_from_text(reader, typed)
        assert refused.value.code == "statistics_filter"


async def test_support_is_summed_by_year_kind_dong_and_complex_alike(services, uow_factory, clock, reader):
    await load_demo_district(uow_factory, clock)
    tables = [await services.housing_statistics.support(reader, group) for group in ("year", "kind", "dong", "complex")]
    granted = {t.granted for t in tables}
    assert len(granted) == 1 and granted.pop() > 0  # the same money, however it is grouped
    assert len({sum(r.projects for r in t.rows) for t in tables}) == 1
    by_year = tables[0]
    assert [r.key for r in by_year.rows] == sorted((r.key for r in by_year.rows if r.key), reverse=True) + (
        [""] if any(not r.key for r in by_year.rows) else []
    )
    by_complex = tables[3]
    first_five = await services.housing_statistics.support(reader, "complex", limit=5)
    assert first_five.rows == by_complex.rows[:5] and first_five.more == len(by_complex.rows) - 5
    assert (first_five.projects, first_five.granted, first_five.returned) == (
        by_complex.projects,
        by_complex.granted,
        by_complex.returned,
    )  # the totals are of every complex, not only those listed
    one_year = await services.housing_statistics.support(reader, "kind", Filters(year=int(by_year.rows[0].key)))
    assert one_year.granted == by_year.rows[0].granted


async def test_a_dong_scoped_reader_counts_only_their_dongs_and_is_told_so(services, uow_factory):
    two = await make_two_dongs(uow_factory, representatives=2)
    officer = await make_staff(services, saeol_id="seongsu1", roles=("housing.read",))
    officer = await grant(uow_factory, officer, "housing.read", dongs=(two.seongsu,))
    table = await services.housing_statistics.by_type(officer)
    assert table.scope.dongs == ("성수1가제1동",) and table.total.complexes == 1
    assert [r.admin_dong for r in (await services.housing_statistics.by_dong(officer)).rows] == ["성수1가제1동"]
    assert (await services.housing_statistics.representatives(officer)).total == 2
    with pytest.raises(OutsideScope):
        await services.housing_statistics.by_type(officer, Filters(admin_dong_id=two.wangdo))
    with pytest.raises(OutsideScope):
        await services.housing_statistics.filters_from_text(officer, "왕십리도선동")


async def test_readers_only_and_years_that_make_sense(services, uow_factory):
    await make_complex(uow_factory)
    outsider = await make_staff(services, saeol_id="bm01", roles=("benchmark.execute",))
    with pytest.raises(PermissionDenied):
        await services.housing_statistics.by_type(outsider)
    reader = await make_staff(services, saeol_id="stat02", roles=("housing.read",))
    with pytest.raises(InvalidInput) as refused:
        await services.housing_statistics.by_dong(reader, Filters(year=20150))
    assert refused.value.code == "statistics_year"
    with pytest.raises(InvalidInput):
        await services.housing_statistics.support(reader, "weather")
