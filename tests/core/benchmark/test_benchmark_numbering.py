"""관리번호: year-quarter-serial, from the registration date in the office's zone, unique and gap-free."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from core.benchmark.numbering import case_number, number_prefix, quarter_of
from core.benchmark.values import CaseDraft, CaseFilter
from core.errors import InvalidInput, PermissionDenied
from tests.builders import make_case, make_coordinator, make_executor


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), 1),
        (date(2026, 3, 31), 1),
        (date(2026, 4, 1), 2),
        (date(2026, 6, 30), 2),
        (date(2026, 7, 1), 3),
        (date(2026, 9, 30), 3),
        (date(2026, 10, 1), 4),
        (date(2026, 12, 31), 4),
        (date(2024, 2, 29), 1),
    ],
)
def test_the_quarter_turns_on_the_first_day_of_january_april_july_and_october(day, quarter):
    assert quarter_of(day) == quarter


def test_a_number_is_year_quarter_serial_without_padding():
    assert case_number(2016, 1, 1) == "2016-1-1"
    assert case_number(2026, 4, 123) == "2026-4-123"


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("2026", "2026"),
        ("2026-4", "2026-4"),
        ("2026-4-17", "2026-4-17"),
        (" 2026 - 4 - 17 ", "2026-4-17"),
        ("2026.4.17", "2026-4-17"),
        ("2026-5", None),  # there is no fifth quarter
        ("26-4-1", None),
        ("2026-4-", None),
        ("페이백", None),
        ("2026 페이백", None),
    ],
)
def test_search_text_is_read_as_a_number_only_when_it_is_one(text, prefix):
    assert number_prefix(text) == prefix


async def test_early_morning_on_the_first_of_april_in_seoul_is_already_the_second_quarter(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    clock.instant = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 08:00 on 1 April in Seoul
    case = await make_case(services, coordinator, officer)
    assert case.case_no == "2026-2-1"
    clock.instant = datetime(2026, 3, 31, 14, 59, tzinfo=UTC)  # 23:59 on 31 March in Seoul
    assert (await make_case(services, coordinator, officer)).case_no == "2026-1-1"


async def test_the_serial_restarts_every_quarter_and_every_year(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    numbers = []
    for instant in (
        datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 14, 0, tzinfo=UTC),  # 23:00 on New Year's Eve
        datetime(2026, 12, 31, 15, 0, tzinfo=UTC),  # midnight: 2027 has begun in Seoul
        datetime(2027, 1, 2, 1, 0, tzinfo=UTC),
        datetime(2027, 4, 1, 1, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 1, 0, tzinfo=UTC),  # a late entry with a corrected clock continues its quarter
    ):
        clock.instant = instant
        numbers.append((await make_case(services, coordinator, officer)).case_no)
    assert numbers == ["2026-4-1", "2026-4-2", "2027-1-1", "2027-1-2", "2027-2-1", "2026-4-3"]


async def test_a_hundred_registrations_at_once_get_a_hundred_distinct_numbers_without_gaps(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    drafts = [
        CaseDraft(
            title=f"동시 등록 {i:03d}",
            summary=None,
            source=None,
            department_id=officer.department_id,
            officer_id=officer.id,
        )
        for i in range(100)
    ]
    registered = await asyncio.gather(*(services.cases.register(coordinator, d) for d in drafts))
    numbers = [r.case.case_no for r in registered]
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 101))
    assert all(n.startswith("2026-4-") for n in numbers)
    page = await services.cases.list_cases(coordinator, CaseFilter(year=2026, quarter=4))
    assert page.total == 100
    assert [c.case_no for c in page.items[:2]] == ["2026-4-1", "2026-4-2"]  # the report's order
    last = await services.cases.list_cases(coordinator, CaseFilter(year=2026, quarter=4), page=(100 - 1) // 8)
    assert last.items[-1].case_no == "2026-4-100"  # numbers in numeric order, not as strings


async def test_a_refused_registration_uses_no_number(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    elsewhere = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    clerk = await make_executor(services, saeol_id="clerk01", name="최서무")
    assert (await make_case(services, coordinator, officer)).case_no == "2026-4-1"
    wrong_officer = CaseDraft(
        title="스마트 민원 창구",
        summary=None,
        source=None,
        department_id=officer.department_id,
        officer_id=elsewhere.id,
    )
    with pytest.raises(InvalidInput) as refused:
        await services.cases.register(coordinator, wrong_officer)
    assert refused.value.code == "officer_not_in_department"
    missing_file = CaseDraft("스마트 민원 창구", None, None, officer.department_id, officer.id, attachment_ids=(999,))
    with pytest.raises(InvalidInput) as missing:
        await services.cases.register(coordinator, missing_file)
    assert missing.value.code == "attachment_missing"
    with pytest.raises(PermissionDenied):
        await services.cases.register(clerk, CaseDraft("스마트 민원 창구", None, None, officer.department_id, None))
    clock.advance(timedelta(minutes=5))
    assert (await make_case(services, coordinator, officer)).case_no == "2026-4-2"
