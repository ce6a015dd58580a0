"""공동주택 현황 as core counts it: the report's type table from the demo district, the other tables adding up
to it, and a dong-scoped reader's figures covering only their dongs."""

import pytest

from bot.demo_data import load_demo_district
from core.errors import InvalidInput, PermissionDenied
from core.housing.values import Totals
from tests.builders import grant, make_complex, make_staff, make_two_dongs

# 공동주택 현황 as printed in the seed report: 단지수, 동(棟)수, 세대수, the shared buildings counted once.
SEED = {
    "mandatory": Totals(79, 568, 45_190),
    "voluntary": Totals(30, 43, 2_724),
    "rental": Totals(20, 40, 7_300),
}
APARTMENTS, ROW_HOUSES, TOTAL = Totals(129, 630, 55_214), Totals(35, 71, 1_197), Totals(164, 701, 56_411)


@pytest.fixture
async def reader(services):
    return await make_staff(services, saeol_id="stat01", name="통계담당", roles=("housing.read",))


async def test_the_demo_districts_type_table_is_the_reports(services, uow_factory, clock, reader):
    await load_demo_district(uow_factory, clock)
    table = await services.housing_statistics.by_type(reader)
    assert table.scope.district
    assert dict(table.by_management) == SEED
    assert (table.apartments, table.row_houses, table.total) == (APARTMENTS, ROW_HOUSES, TOTAL)
    by_dong = await services.housing_statistics.by_dong(reader)
    by_year = await services.housing_statistics.by_year(reader)
    assert by_dong.total == by_year.total == TOTAL  # every complex once, in a dong and under a year (or none)
    assert len(by_dong.rows) == 17 and by_dong.rows[0].admin_dong == "왕십리도선동"
    representatives = await services.housing_statistics.representatives(reader)
    assert representatives.total == 563  # 입주자대표 563명 (2016. 5. 2. 현재)


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
    one_year = await services.housing_statistics.support(reader, "kind", year=int(by_year.rows[0].key))
    assert one_year.granted == by_year.rows[0].granted


async def test_a_dong_scoped_reader_counts_only_their_dongs_and_is_told_so(services, uow_factory):
    two = await make_two_dongs(uow_factory, representatives=2)
    officer = await make_staff(services, saeol_id="seongsu1", roles=("housing.read",))
    officer = await grant(uow_factory, officer, "housing.read", dongs=(two.seongsu,))
    table = await services.housing_statistics.by_type(officer)
    assert table.scope.dongs == ("성수1가제1동",) and table.total.complexes == 1
    assert [r.admin_dong for r in (await services.housing_statistics.by_dong(officer)).rows] == ["성수1가제1동"]
    assert (await services.housing_statistics.representatives(officer)).total == 2


async def test_readers_only_and_years_that_make_sense(services, uow_factory):
    await make_complex(uow_factory)
    outsider = await make_staff(services, saeol_id="bm01", roles=("benchmark.execute",))
    with pytest.raises(PermissionDenied):
        await services.housing_statistics.by_type(outsider)
    reader = await make_staff(services, saeol_id="stat02", roles=("housing.read",))
    with pytest.raises(InvalidInput) as refused:
        await services.housing_statistics.by_dong(reader, approved_in=20150)
    assert refused.value.code == "statistics_year"
    with pytest.raises(InvalidInput):
        await services.housing_statistics.support(reader, "weather")
