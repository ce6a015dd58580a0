"""The demo district's village community: its 2015 마을공동체 현황 is the report's screen, figure for figure,
and the report's own examples are in it."""

from bot.demo_data import load_demo_district
from bot.demo_data.community import DONG_COUNTS_2015, EXAMPLE_ORGANIZATION, build_demo_community
from bot.demo_data.seongdong import EXAMPLE_NAME
from tests.builders import make_staff

# 마을공동체 현황 2015, as printed in the report.
FIELDS_2015 = {"space": 15, "organization": 22, "social_venture": 12, "other": 2}
CALLS_2015 = {"city": 21, "district": 17, "housing": 0}
FUNDS_2015 = {"city": (21, 100_805, 0, 0), "district": (17, 0, 12_560, 0), "housing": (0, 0, 0, 0)}
SHORT_NAMES = "왕도 왕2 마장 사근 행1 행2 응봉 금1 금2.3 금4 옥수 성1-1 성1-2 성2-1 성2-3 송정 용답".split()
BY_DONG_2015 = (3, 0, 7, 0, 7, 2, 0, 4, 1, 1, 3, 3, 16, 1, 2, 0, 1)


def test_the_same_seed_gives_the_same_community():
    assert build_demo_community(2016) == build_demo_community(2016)
    assert build_demo_community(2016) != build_demo_community(7)
    assert DONG_COUNTS_2015 == BY_DONG_2015


async def test_the_2015_dashboard_over_demo_data_is_the_reports(services, uow_factory, clock):
    summary = await load_demo_district(uow_factory, clock)
    assert summary.community_organizations > 51 and summary.grant_projects > 38
    reader = await make_staff(services, saeol_id="village01", roles=("community.read",))
    dashboard = await services.community_statistics.dashboard(reader, 2015)
    assert dict(dashboard.by_field) == FIELDS_2015
    assert {f.sponsor: f.projects for f in dashboard.funds} == CALLS_2015
    assert {
        f.sponsor: (f.projects, f.city_funds, f.district_funds, f.self_funds) for f in dashboard.funds
    } == FUNDS_2015
    assert [d.short_name for d in dashboard.by_dong] == SHORT_NAMES
    assert tuple(d.organizations for d in dashboard.by_dong) == BY_DONG_2015
    assert dashboard.years == (2016, 2015, 2014)

    found = await services.organizations.search(reader, EXAMPLE_ORGANIZATION)
    card = await services.organizations.card(reader, found.items[0].id)
    facility = card.organization.facility
    assert card.organization.admin_dong == "금호2.3가동" and facility is not None
    assert (str(facility.land_area), str(facility.floor_area), facility.scale) == ("175.00", "221.55", "지하1/지상2")
    later = await services.community_statistics.dashboard(reader, 2016)
    assert later.projects_of("housing") == 4
    complexes = await services.grant_projects.list_projects(reader, year=2016, sponsor="housing")
    assert EXAMPLE_NAME in {p.complex_name for p in complexes.items}
