"""벤치마킹 통계: the coordinator sees what departments decided (채택현황) and what came of it (추진결과),
counting only submitted reviews and approved results."""

from datetime import UTC, datetime

import pytest

from core.benchmark.statistics import ALL_STATES, CountTable, TableRow, build_table
from core.benchmark.values import Adoption, Case, CaseDraft, CaseState, CountRow, ProgressResult, WorkDraft
from core.errors import PermissionDenied
from tests.builders import make_staff

ADOPTION = [a.value for a in Adoption]
PROGRESS = [p.value for p in ProgressResult]


# -- the cross-tabulation -----------------------------------------------------------------------------------


def test_a_table_by_department_sums_every_year_into_one_row_per_department_in_name_order():
    counts = [
        CountRow(2026, "총무과", "adopt", 2),
        CountRow(2025, "총무과", "adopt", 1),
        CountRow(2026, "문화체육과", "not_adopted", 3),
        CountRow(2026, "민원여권과", "long_term", 1),
        CountRow(2025, "총무과", "adopt_modified", 4),
    ]

    table = build_table(counts, ADOPTION, by="department")

    assert table.columns == ("adopt", "adopt_modified", "long_term", "not_adopted")
    assert table.rows == (
        TableRow("문화체육과", (0, 0, 0, 3)),
        TableRow("민원여권과", (0, 0, 1, 0)),
        TableRow("총무과", (3, 4, 0, 0)),
    )
    assert [row.total for row in table.rows] == [3, 1, 7]
    assert table.totals == (3, 4, 1, 3)
    assert table.grand_total == 11


def test_a_table_by_year_puts_the_newest_year_first():
    counts = [
        CountRow(2024, "총무과", "completed", 1),
        CountRow(2026, "총무과", "in_progress", 2),
        CountRow(2025, "문화체육과", "completed", 1),
        CountRow(2026, "문화체육과", "completed", 5),
    ]

    table = build_table(counts, PROGRESS, by="year")

    assert [row.label for row in table.rows] == ["2026", "2025", "2024"]
    assert table.rows[0] == TableRow("2026", (5, 2, 0))
    assert table.totals == (7, 2, 0)


def test_columns_keep_the_given_order_and_values_outside_them_are_left_out():
    counts = [
        CountRow(2026, "총무과", "not_pursued", 1),
        CountRow(2026, "총무과", "completed", 2),
        CountRow(2026, "총무과", None, 9),  # a case without a result yet
        CountRow(2026, "총무과", "cancelled", 4),  # not a column asked for
        CountRow(2026, "문화체육과", None, 3),  # a department with nothing counted gets no row
    ]

    table = build_table(counts, ["not_pursued", "completed"], by="department")

    assert table.columns == ("not_pursued", "completed")
    assert table.rows == (TableRow("총무과", (1, 2)),)
    assert table.grand_total == 3


def test_nothing_to_count_gives_an_empty_table_with_zero_totals():
    table = build_table([], ADOPTION, by="department")

    assert table == CountTable(columns=tuple(ADOPTION), rows=())
    assert table.totals == (0, 0, 0, 0)
    assert table.grand_total == 0


def test_the_counts_may_be_any_iterable_and_are_read_once():
    table = build_table(iter([CountRow(2026, "총무과", "adopt", 2)]), ADOPTION, by="department")

    assert table.rows == (TableRow("총무과", (2, 0, 0, 0)),)


# -- through the real services ------------------------------------------------------------------------------


async def coordinator_of(services):
    return await make_staff(
        services, saeol_id="plan01", name="기획관", department="기획예산과", roles=("benchmark.coordinate",)
    )


async def executor_of(services, department, saeol_id):
    return await make_staff(
        services, saeol_id=saeol_id, name="담당자", department=department, roles=("benchmark.execute",)
    )


async def registered(services, coordinator, officer, title) -> Case:
    draft = CaseDraft(
        title=title, summary=None, source=None, department_id=officer.department_id, officer_id=officer.id
    )
    return (await services.cases.register(coordinator, draft)).case


async def reviewed(services, coordinator, officer, title, adoption: Adoption) -> Case:
    case = await registered(services, coordinator, officer, title)
    return await services.decisions.submit_review(officer, case.id, case.version, adoption, "검토 의견입니다.")


async def requested(services, coordinator, officer, title, adoption, result: ProgressResult) -> Case:
    case = await reviewed(services, coordinator, officer, title, adoption)
    return await services.decisions.request_approval(officer, case.id, case.version, result, "추진 내용입니다.")


async def approved(services, coordinator, officer, title, adoption, result) -> Case:
    case = await requested(services, coordinator, officer, title, adoption, result)
    return await services.decisions.approve(coordinator, case.id, case.approval_round)


def in_year(clock, year):
    # Cases take their year from the registration date (관리번호 2016-1-1).
    clock.instant = datetime(year, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
async def district(services, clock):
    """Two years of benchmarking in three departments, each case stopped at a different step.

    2025  총무과      not adopted, approved as not pursued
          문화체육과  long-term review, nothing reported yet
    2026  총무과      adopted, approved as completed
          총무과      adopted, asked for approval as completed, returned
          문화체육과  adopted with changes, asking for approval (in progress)
          문화체육과  only a saved draft (adopt): not a review
          민원여권과  registered, nothing done"""
    coordinator = await coordinator_of(services)
    general = await executor_of(services, "총무과", "gen01")
    culture = await executor_of(services, "문화체육과", "cul01")
    civil = await executor_of(services, "민원여권과", "civ01")

    in_year(clock, 2025)
    await approved(
        services, coordinator, general, "구내식당 페이백 시스템", Adoption.NOT_ADOPTED, ProgressResult.NOT_PURSUED
    )
    await reviewed(services, coordinator, culture, "지식도시락 배달 사업", Adoption.LONG_TERM)

    in_year(clock, 2026)
    await approved(services, coordinator, general, "민원실 무인 발급기", Adoption.ADOPT, ProgressResult.COMPLETED)
    returned = await requested(
        services, coordinator, general, "청사 자전거 대여", Adoption.ADOPT, ProgressResult.COMPLETED
    )
    await services.decisions.return_case(coordinator, returned.id, returned.approval_round, "증빙을 보완하세요.")
    await requested(
        services,
        coordinator,
        culture,
        "찾아가는 생활체육교실",
        Adoption.ADOPT_MODIFIED,
        ProgressResult.IN_PROGRESS,
    )
    draft_only = await registered(services, coordinator, culture, "느린 우체통")
    await services.decisions.save_draft(
        culture, draft_only.id, draft_only.version, WorkDraft(adoption=Adoption.ADOPT, opinion="작성 중")
    )
    await registered(services, coordinator, civil, "키즈맘 행복창구")
    return coordinator


async def test_adoption_counts_every_submitted_review_by_department_and_by_year(services, district):
    tables = await services.statistics.tables(district)

    assert tables.year is None
    assert tables.adoption_by_department.columns == tuple(ADOPTION)
    assert tables.adoption_by_department.rows == (
        TableRow("문화체육과", (0, 1, 1, 0)),
        TableRow("총무과", (2, 0, 0, 1)),
    )
    assert tables.adoption_by_year.rows == (
        TableRow("2026", (2, 1, 0, 0)),
        TableRow("2025", (0, 0, 1, 1)),
    )
    assert tables.adoption_by_department.grand_total == tables.adoption_by_year.grand_total == 5


async def test_a_saved_draft_is_not_a_review_and_is_not_counted(services, clock):
    coordinator = await coordinator_of(services)
    officer = await executor_of(services, "문화체육과", "cul01")
    case = await registered(services, coordinator, officer, "느린 우체통")
    await services.decisions.save_draft(
        officer, case.id, case.version, WorkDraft(adoption=Adoption.ADOPT, opinion="작성 중")
    )

    tables = await services.statistics.tables(coordinator)

    assert tables.adoption_by_department.rows == ()
    assert tables.adoption_by_year.rows == ()
    assert tables.state_by_department.rows == (TableRow("문화체육과", (1, 0, 0, 0, 0)),)


async def test_a_progress_result_counts_only_once_the_coordinator_approved_it(services, district):
    tables = await services.statistics.tables(district)

    # 문화체육과's request and 총무과's returned report are not results yet.
    assert tables.progress_by_department.columns == tuple(PROGRESS)
    assert tables.progress_by_department.rows == (TableRow("총무과", (1, 0, 1)),)
    assert tables.progress_by_year.rows == (
        TableRow("2026", (1, 0, 0)),
        TableRow("2025", (0, 0, 1)),
    )


async def test_a_drafted_progress_report_is_not_a_result(services):
    coordinator = await coordinator_of(services)
    officer = await executor_of(services, "총무과", "gen01")
    case = await reviewed(services, coordinator, officer, "구내식당 페이백 시스템", Adoption.ADOPT)
    await services.decisions.save_draft(
        officer, case.id, case.version, WorkDraft(progress_result=ProgressResult.COMPLETED, progress_note="작성 중")
    )

    tables = await services.statistics.tables(coordinator)

    assert tables.adoption_by_department.rows == (TableRow("총무과", (1, 0, 0, 0)),)
    assert tables.progress_by_department.rows == ()


async def test_where_cases_stand_counts_every_case_by_department(services, district):
    tables = await services.statistics.tables(district)

    assert tables.state_by_department.columns == ALL_STATES == tuple(s.value for s in CaseState)
    assert tables.state_by_department.rows == (
        TableRow("문화체육과", (1, 1, 1, 0, 0)),
        TableRow("민원여권과", (1, 0, 0, 0, 0)),
        TableRow("총무과", (0, 0, 0, 2, 1)),
    )
    assert tables.state_by_department.grand_total == 7


async def test_a_year_narrows_every_table_to_the_cases_registered_that_year(services, district):
    tables = await services.statistics.tables(district, year=2025)

    assert tables.year == 2025
    assert tables.adoption_by_department.rows == (
        TableRow("문화체육과", (0, 0, 1, 0)),
        TableRow("총무과", (0, 0, 0, 1)),
    )
    assert tables.adoption_by_year.rows == (TableRow("2025", (0, 0, 1, 1)),)
    assert tables.progress_by_department.rows == (TableRow("총무과", (0, 0, 1)),)
    assert tables.progress_by_year.rows == (TableRow("2025", (0, 0, 1)),)
    assert tables.state_by_department.rows == (
        TableRow("문화체육과", (0, 1, 0, 0, 0)),
        TableRow("총무과", (0, 0, 0, 1, 0)),
    )


async def test_a_year_without_cases_gives_empty_tables(services, district):
    tables = await services.statistics.tables(district, year=2016)

    assert tables.year == 2016
    for table in (
        tables.adoption_by_department,
        tables.adoption_by_year,
        tables.progress_by_department,
        tables.progress_by_year,
        tables.state_by_department,
    ):
        assert table.rows == ()
        assert table.grand_total == 0
    assert tables.years == (2026, 2025)  # what the coordinator may choose instead


async def test_the_tables_name_every_year_with_cases_whichever_year_they_are_for(services, district):
    assert (await services.statistics.tables(district)).years == (2026, 2025)
    assert (await services.statistics.tables(district, year=2025)).years == (2026, 2025)


@pytest.mark.parametrize(
    ("department", "roles"),
    [("총무과", ("benchmark.execute",)), ("공동주택과", ("housing.read",)), ("기획예산과", ())],
)
async def test_only_the_coordinator_sees_the_statistics(services, department, roles):
    someone = await make_staff(services, saeol_id="other01", department=department, roles=roles)

    with pytest.raises(PermissionDenied):
        await services.statistics.tables(someone)
