"""마을공동체 현황 in core: the year's three tables from the records, every 분야, sponsor and dong shown (0
included), the organisations of a reader scoped to dongs theirs only, and the chart drawn in Hangul."""

from dataclasses import replace

import pytest

from core.community.reports import CommunityReportLabels, build_chart
from core.errors import PermissionDenied
from tests.builders import grant, make_complex, make_dong, make_staff
from tests.charts import no_glyph_warnings
from tests.core.community.test_validation import BIRTH_OF_A_FAMILY, GEUMOK


@pytest.fixture
async def clerk(services, uow_factory):
    await make_dong(uow_factory, "금호2.3가동", "금2.3")
    await make_dong(uow_factory, "성수1가제2동", "성1-2")
    return await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))


async def test_the_years_tables_count_what_was_registered(services, uow_factory, clerk):
    complex_id = await make_complex(uow_factory)
    await services.organizations.register(clerk, GEUMOK)
    await services.organizations.register(
        clerk, replace(GEUMOK, name="성수 협동조합", field="social_venture", admin_dong="성수1가제2동")
    )
    await services.organizations.register(clerk, replace(GEUMOK, name="작년 모임", business_year=2014))
    await services.organizations.register(clerk, replace(GEUMOK, name="사업년도 없는 곳", business_year=None))
    await services.grant_projects.register(clerk, BIRTH_OF_A_FAMILY)
    housing = replace(
        BIRTH_OF_A_FAMILY,
        sponsor="housing",
        name="이웃 만들기",
        city_funds=0,
        district_funds=700,
        self_funds=50,
        complex_id=complex_id,
    )
    await services.grant_projects.register(clerk, housing)

    board = await services.community_statistics.dashboard(clerk, 2015)
    assert board.by_field == (("space", 1), ("organization", 0), ("social_venture", 1), ("other", 0))
    assert [(f.sponsor, f.projects, f.city_funds, f.district_funds, f.self_funds) for f in board.funds] == [
        ("city", 1, 4570, 0, 0),
        ("district", 0, 0, 0, 0),
        ("housing", 1, 0, 700, 50),
    ]
    assert (board.total.projects, board.total.city_funds, board.total.district_funds) == (2, 4570, 700)
    assert {d.short_name: d.organizations for d in board.by_dong} == {"왕도": 0, "금2.3": 1, "성1-2": 1}
    assert board.years == (2015, 2014) and board.dongs_only is None
    assert (await services.community_statistics.dashboard(clerk)).year == 2015  # the latest year with records

    dong_id = next(d.id for d in await services.organizations.dongs(clerk) if d.name == "성수1가제2동")
    seongsu = await grant(uow_factory, clerk, "community.read", dongs=(dong_id,))
    scoped = await services.community_statistics.dashboard(seongsu, 2015)
    assert scoped.organizations == 1 and scoped.dongs_only == ("성수1가제2동",)
    assert scoped.projects_of("city") == 1  # the calls are the district's whole


async def test_only_a_reader_of_the_community_sees_the_dashboard(services):
    housing = await make_staff(services, saeol_id="house01", roles=("housing.read",))
    with pytest.raises(PermissionDenied):
        await services.community_statistics.dashboard(housing, 2015)


async def test_the_chart_draws_every_label_in_hangul(services, clerk):
    await services.organizations.register(clerk, GEUMOK)
    board = await services.community_statistics.dashboard(clerk, 2015)
    labels = CommunityReportLabels(
        title="마을공동체 현황",
        period="2015년",
        overview="분야별 단체(기관)·사업구분별 공모사업",
        funds="우리마을 지원사업 현황",
        by_dong="2015년도 동별 단체(기관) 현황",
        fields={"space": "소통공간", "organization": "단체(기관)", "social_venture": "소셜벤처", "other": "기타"},
        sponsors={"city": "서울시", "district": "성동구", "housing": "공동주택"},
        call="공모사업",
        category="구분",
        projects="공모수",
        city="시비",
        district="구비",
        own="자부담",
        unit="(천원)",
        organizations="단체(기관) 수",
        dong="행정동",
        short="약칭",
        total="합계",
        generated_at="작성 일시: {at}",
    )
    figure = no_glyph_warnings(lambda: build_chart(board, labels))
    texts = {t.get_text() for ax in figure.axes for t in ax.get_xticklabels()}
    assert "소통공간" in texts and "금2.3" in texts and "공모사업\n서울시" in texts
