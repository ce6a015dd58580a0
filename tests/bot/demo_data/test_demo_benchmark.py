"""The demo's benchmarking: the seed's review list row for row, a decade of cases at every step of the
workflow, histories that agree with their cases, and numbering that carries on where the demo left off."""

import re
import string
import struct
import zlib
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.demo_data import (
    COORDINATING_DEPARTMENT,
    BenchmarkCounts,
    DemoDistrict,
    DemoSummary,
    build_demo_benchmark,
    check_benchmark,
    load_demo_district,
    load_district,
    replay,
)
from core.benchmark.attachments import check_attachment
from core.benchmark.numbering import quarter_of
from core.benchmark.values import Adoption, CaseDraft, CaseFilter, CaseState
from core.errors import CaseLocked, DuplicateStaff, InvalidInput
from core.staff.directory import SAEOL_ID
from core.texts.i18n import catalog
from storage.benchmark.models import BenchmarkAttachment, BenchmarkCase, BenchmarkCaseSerial, BenchmarkEvent
from storage.housing.models import Complex
from storage.reference.models import Department
from storage.staff.models import RoleGrant, Staff
from tests.builders import NOW, make_staff

UNTIL = NOW  # the clock fixture's instant: 10:00 in Seoul, 25 November 2026
# The seed's 검토결과 목록 (section 3, 화면 예시): 관리번호, 추진부서, 담당자, 사업명, 채택구분; 검토결과 "등록".
SEED_LIST = [
    ("2016-1-1", "총무과", "이숙영", "구내식당 패이백 시스템", "not_adopted"),
    ("2016-1-2", "문화체육과", "김영준", "지식도시락(책) 배달 사업", "long_term"),
    ("2016-1-3", "문화체육과", "유호정", "찾아가는 생활체육교실(대학교 협약 학생 재능기부)", "long_term"),
    ("2016-1-4", "민원여권과", "김은진", "키즈맘 행복항구(여권민원 처리시 영유아 동반 우선 처리)", "adopt_modified"),
    ("2016-1-5", "민원여권과", "권석화", "행복을 배달하는 '느린 우체통'", "long_term"),
    ("2016-1-6", "지역경제과", "임하림", "유기등을 입양 시 등록비 및 예방접종비 지원", "adopt_modified"),
]
EXECUTING = {
    "총무과",
    "문화체육과",
    "민원여권과",
    "지역경제과",
    "공동주택과",
    "마을공동체과",
    "복지정책과",
    "교통행정과",
    "청소행정과",
}


@pytest.fixture(scope="module")
def office():
    return build_demo_benchmark(until=UNTIL)


def names(office):
    return {member.saeol_id: member.name for member in office.staff}


# --- the generated office ------------------------------------------------------------------------------


def test_the_same_seed_and_day_build_the_same_office_and_another_seed_another(office):
    assert build_demo_benchmark(until=UNTIL) == office
    other = build_demo_benchmark(seed=7, until=UNTIL)
    assert other != office
    assert [(c.case_no, c.department, c.title) for c in other.cases[:6]] == [
        (no, department, title) for no, department, _, title, _ in SEED_LIST
    ]


def test_a_later_day_carries_the_history_on_without_rewriting_it(office):
    later = build_demo_benchmark(until=UNTIL + timedelta(days=400))
    settled = UNTIL - timedelta(days=2 * 365)  # every case's life is over long before two years are out
    old = [c for c in office.cases if c.events[0].at < settled]
    assert old and [c for c in later.cases if c.events[0].at < settled] == old
    assert later.staff == office.staff
    assert len(later.cases) > len(office.cases)


def test_the_seeds_review_list_is_there_row_for_row(office):
    staff = names(office)
    rows = [
        (c.case_no, c.department, staff[c.officer], c.title, replay(c).adoption) for c in office.cases[: len(SEED_LIST)]
    ]
    assert rows == SEED_LIST
    for case in office.cases[: len(SEED_LIST)]:
        assert case.state is CaseState.REVIEWED  # 검토결과: 등록
        assert [e.action for e in case.events] == ["register", "review"]
        assert case.events[1].actor == case.officer  # each officer registered their own review
        assert len(case.attachments) == 1 and case.attachments[0].file_name.endswith(".pdf")  # the 📄 column
        assert case.source and case.summary


def test_the_seeds_cases_are_the_same_whatever_the_seed(office):
    def seed_rows(benchmark):
        staff = names(benchmark)
        return [
            (c.case_no, c.department, staff[c.officer], c.title, c.summary, c.source, replay(c).review_opinion)
            for c in benchmark.cases[:6]
        ]

    assert seed_rows(build_demo_benchmark(seed=99, until=UNTIL)) == seed_rows(office)


def test_the_first_quarter_of_2016_holds_the_seventeen_rows_the_screen_counts(office):
    # The screen numbers 2016-1-1 as 연번 17, counting down from the list's total.
    assert [c.serial for c in office.cases if (c.year, c.quarter) == (2016, 1)] == list(range(1, 18))


def test_a_decade_of_cases_in_every_state_from_every_department(office):
    assert 150 <= len(office.cases) <= 250
    assert {c.year for c in office.cases} == set(range(2016, 2027))
    states = Counter(c.state for c in office.cases)
    assert set(states) == set(CaseState)
    assert states[CaseState.APPROVED] > len(office.cases) // 2  # most of a decade's work is settled
    assert {c.department for c in office.cases} == EXECUTING | {COORDINATING_DEPARTMENT}
    assert Counter(replay(c).adoption for c in office.cases).keys() >= {a.value for a in Adoption}
    assert any(replay(c).approval_round == 2 for c in office.cases)  # returned, revised and approved
    assert all(c.source and c.summary for c in office.cases)
    assert len({c.source for c in office.cases}) > 20


def test_the_desk_has_work_at_every_step_and_others_wait_for_a_decision(office):
    desk = Counter(c.state for c in office.cases if c.officer == office.desk and c.year == UNTIL.year)
    assert set(desk) == set(CaseState)
    drafted = [c for c in office.cases if c.draft is not None]
    assert [c.officer for c in drafted] == [office.desk] and drafted[0].state is CaseState.REGISTERED
    waiting = [
        c for c in office.cases if c.state is CaseState.APPROVAL_REQUESTED and c.department != COORDINATING_DEPARTMENT
    ]
    assert len(waiting) >= 2


def test_staff_have_unique_valid_saeol_ids_and_the_roles_their_work_needs(office):
    ids = [m.saeol_id for m in office.staff]
    assert len(ids) == len(set(ids)) and all(SAEOL_ID.match(i) for i in ids)
    coordinators = {m.saeol_id for m in office.staff if m.permissions == ("benchmark.coordinate",)}
    assert coordinators and {m.department for m in office.staff if m.saeol_id in coordinators} == {
        COORDINATING_DEPARTMENT
    }
    seeded = {(m.department, m.name) for m in office.staff}
    assert {(department, officer) for _, department, officer, _, _ in SEED_LIST} <= seeded
    assert {m.department for m in office.staff} == EXECUTING | {COORDINATING_DEPARTMENT}
    assert all(c.registered_by in coordinators for c in office.cases)
    desk = next(m for m in office.staff if m.saeol_id == office.desk)
    assert (desk.department, desk.permissions) == (COORDINATING_DEPARTMENT, ("benchmark.execute",))


def test_every_case_keeps_the_domain_rules(office):
    check_benchmark(office)
    for seed in range(3):
        check_benchmark(build_demo_benchmark(seed, until=UNTIL))


def test_a_case_that_breaks_a_rule_is_caught(office):
    case = office.cases[0]
    too_long = replace(case, title="가" * 151)
    with pytest.raises(InvalidInput) as refused:
        check_benchmark(replace(office, cases=(too_long, *office.cases[1:])))
    assert refused.value.code == "text_too_long"
    # An approval the workflow does not allow: a reviewed case cannot be approved before it is requested.
    approve = replace(case.events[-1], at=case.events[-1].at + timedelta(hours=1), actor=case.registered_by)
    approve = replace(approve, action="approve", state_from="reviewed", state_to="approved", note=None, changes=None)
    with pytest.raises(CaseLocked) as locked:
        check_benchmark(replace(office, cases=(replace(case, events=(*case.events, approve)), *office.cases[1:])))
    assert locked.value.code == "case_not_requested"


def test_histories_run_in_order_inside_their_quarter_and_end_in_the_cases_state(office, clock):
    by_quarter = defaultdict(list)
    for case in office.cases:
        times = [e.at for e in case.events]
        assert all(t.tzinfo is UTC for t in times)
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[-1] < UNTIL
        registered = clock.local(times[0]).date()
        assert (registered.year, quarter_of(registered)) == (case.year, case.quarter)
        assert case.events[-1].state_to == case.state == replay(case).state
        assert all(e.state_from == p.state_to for p, e in zip(case.events, case.events[1:], strict=False))
        assert all(times[0] <= a.uploaded_at < UNTIL for a in case.attachments)
        by_quarter[(case.year, case.quarter)].append((times[0], case.serial))
    assert len({c.case_no for c in office.cases}) == len(office.cases)
    for registrations in by_quarter.values():
        # Numbered 1, 2, 3 … in the order the cases were registered, as the service numbers them.
        assert [serial for _, serial in sorted(registrations)] == list(range(1, len(registrations) + 1))
    assert office.serials() == {quarter: len(cases) for quarter, cases in by_quarter.items()}


def test_attachments_are_real_pdf_and_png_files(office):
    files = [a for c in office.cases for a in c.attachments]
    assert {a.photo for a in files} == {True, False}
    for attachment in files:
        checked = check_attachment(attachment.file_name, attachment.content, photo=attachment.photo)
        assert checked.file_name == attachment.file_name
        if attachment.photo:
            assert_valid_png(attachment.content)
        else:
            assert_valid_pdf(attachment.content)
    assert len({a.content for a in files}) == len(files)


def assert_valid_pdf(content):
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", content)[1])
    assert content[start:].startswith(b"xref")
    offsets = [int(m[1]) for m in re.finditer(rb"(\d{10}) 00000 n", content)]
    for number, offset in enumerate(offsets, 1):
        assert content[offset:].startswith(b"%d 0 obj" % number)


def assert_valid_png(content):
    position, chunks = 8, []
    while position < len(content):
        (length,) = struct.unpack(">I", content[position : position + 4])
        kind, data = content[position + 4 : position + 8], content[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", content[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + data)
        chunks.append((kind, data))
        position += 12 + length
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert len(zlib.decompress(chunks[1][1])) == height * (1 + 3 * width)


# --- loading -------------------------------------------------------------------------------------------


async def table_counts(uow_factory):
    async with uow_factory() as uow:
        session = uow._session
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Complex, Staff, RoleGrant, BenchmarkCase, BenchmarkEvent, BenchmarkAttachment)
        }


async def test_the_loaded_cases_agree_with_their_histories_and_counters(uow_factory, clock):
    summary = await load_demo_district(uow_factory, clock)
    office = build_demo_benchmark(until=clock.now(), zone=clock.zone)
    states = Counter(c.state.value for c in office.cases)
    assert dict(summary.benchmark.by_state) == {s.value: states[s.value] for s in CaseState}
    assert summary.benchmark.staff == len(office.staff)
    async with uow_factory() as uow:
        session = uow._session
        cases = {
            no: (case_id, state, registered_at)
            for case_id, no, state, registered_at in await session.execute(
                select(BenchmarkCase.id, BenchmarkCase.case_no, BenchmarkCase.state, BenchmarkCase.registered_at)
            )
        }
        events = defaultdict(list)
        for case_id, at, state_from, state_to in await session.execute(
            select(
                BenchmarkEvent.case_id,
                BenchmarkEvent.at,
                BenchmarkEvent.state_from,
                BenchmarkEvent.state_to,
            ).order_by(BenchmarkEvent.id)
        ):
            events[case_id].append((clock.local(at), state_from, state_to))
        counters = {
            (year, quarter): last
            for year, quarter, last in await session.execute(
                select(BenchmarkCaseSerial.year, BenchmarkCaseSerial.quarter, BenchmarkCaseSerial.last_serial)
            )
        }
        maxima = {
            (year, quarter): last
            for year, quarter, last in await session.execute(
                select(BenchmarkCase.year, BenchmarkCase.quarter, func.max(BenchmarkCase.serial)).group_by(
                    BenchmarkCase.year, BenchmarkCase.quarter
                )
            )
        }
        departments = set(await session.scalars(select(Department.name)))
    assert set(cases) == {c.case_no for c in office.cases}
    for case_id, state, registered_at in cases.values():
        history = events[case_id]
        assert [at for at, _, _ in history] == sorted(at for at, _, _ in history)
        assert history[0][0] == clock.local(registered_at) and history[0][1:] == (None, "registered")
        assert history[-1][2] == state
    assert counters == maxima == office.serials()
    assert departments >= EXECUTING | {COORDINATING_DEPARTMENT}


async def test_the_seeds_cases_read_back_through_the_service_as_the_screen_shows_them(services, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    coordinator = await make_staff(
        services, saeol_id="gihoek01", department=COORDINATING_DEPARTMENT, roles=("benchmark.coordinate",)
    )
    page = await services.cases.list_cases(coordinator, CaseFilter(text="2016-1"), page=2)
    assert page.total == 17
    rows = []
    for no, *_ in SEED_LIST:
        case = await services.cases.find_by_number(coordinator, no)
        rows.append((case.case_no, case.department.name, case.officer.name, case.title, case.adoption.value))
        assert case.state is CaseState.REVIEWED and len(case.attachments) == 1
        history = await services.cases.history(coordinator, case.id)
        assert [(e.action, e.actor.name) for e in history][1] == ("review", case.officer.name)
    assert rows == SEED_LIST


async def test_the_next_registration_takes_the_number_after_the_demos(services, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    office = build_demo_benchmark(until=clock.now(), zone=clock.zone)
    coordinator = await make_staff(
        services, saeol_id="gihoek01", department=COORDINATING_DEPARTMENT, roles=("benchmark.coordinate",)
    )
    [housing] = [d for d in await services.cases.executing_departments(coordinator) if d.name == "공동주택과"]
    draft = CaseDraft(
        title="공동주택 관리비 비교 공개", summary=None, source="서울 강남구", department_id=housing.id, officer_id=None
    )
    now = clock.local()
    current = (now.year, quarter_of(now.date()))
    assert current in office.serials()  # the demo has cases in this very quarter
    registered = await services.cases.register(coordinator, draft)
    assert registered.case.case_no == f"{current[0]}-{current[1]}-{office.serials()[current] + 1}"
    clock.instant = datetime(2016, 2, 15, 1, 0, tzinfo=UTC)  # back in the seed's own quarter
    registered = await services.cases.register(coordinator, draft)
    assert registered.case.case_no == "2016-1-18"


async def test_the_demo_persona_takes_over_the_desk_and_can_act_on_it(services, uow_factory, clock):
    persona = await make_staff(
        services,
        saeol_id="demo01",
        name="김동네",
        department=COORDINATING_DEPARTMENT,
        roles=("housing.read", "benchmark.coordinate", "benchmark.execute"),
    )
    summary = await load_demo_district(uow_factory, clock, persona="demo01")
    office = build_demo_benchmark(until=clock.now(), zone=clock.zone)
    assert summary.benchmark.staff == len(office.staff) - 1
    async with uow_factory() as uow:
        assert await uow.staff.find_staff_by_saeol_id(office.desk) is None
    states = Counter()
    page = 0
    while True:
        listed = await services.cases.list_cases(persona, CaseFilter(year=clock.local().year), page=page)
        states.update(row.state for row in listed.items if row.officer == "김동네")
        if not listed.has_next:
            break
        page += 1
    assert set(states) == {s.value for s in CaseState}
    requested = dict(summary.benchmark.by_state)["approval_requested"]
    own_requests = states["approval_requested"]  # the desk's own requests wait for another coordinator
    assert await services.decisions.waiting_count(persona) == requested - own_requests
    # Review a case at the desk, and decide another department's request: both work as for typed-in cases.
    [to_review] = [
        r
        for r in (await services.cases.list_cases(persona, CaseFilter(state=CaseState.REGISTERED), page=0)).items
        if r.officer == "김동네" and r.attachment_count
    ]
    case = await services.cases.get(persona, to_review.id)
    reviewed = await services.decisions.submit_review(persona, case.id, case.version, Adoption.ADOPT, "도입함.")
    assert reviewed.state is CaseState.REVIEWED
    waiting = (await services.decisions.pending_approvals(persona)).items
    other = next(r for r in waiting if r.department != COORDINATING_DEPARTMENT)
    request = await services.cases.get(persona, other.id)
    approved = await services.decisions.approve(persona, request.id, request.approval_round)
    assert approved.state is CaseState.APPROVED


async def test_a_persona_outside_the_desks_department_is_refused_and_nothing_is_written(services, uow_factory, clock):
    await make_staff(services, saeol_id="demo01", department="공동주택과", roles=("benchmark.execute",))
    with pytest.raises(InvalidInput) as refused:
        await load_demo_district(uow_factory, clock, persona="demo01")
    assert refused.value.code == "demo_persona_unfit"
    assert (await table_counts(uow_factory))["complex"] == 0


async def test_a_saeol_id_the_demo_wants_that_is_taken_is_refused(services, uow_factory, clock):
    office = build_demo_benchmark(until=clock.now(), zone=clock.zone)
    taken = office.staff[0].saeol_id
    await make_staff(services, saeol_id=taken)
    with pytest.raises(DuplicateStaff):
        await load_demo_district(uow_factory, clock)
    counts = await table_counts(uow_factory)
    assert (counts["complex"], counts["staff"], counts["benchmark_case"]) == (0, 1, 0)


async def test_loading_twice_is_refused_and_changes_nothing(uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    before = await table_counts(uow_factory)
    with pytest.raises(InvalidInput) as refused:
        await load_demo_district(uow_factory, clock)
    assert refused.value.code == "database_not_empty"
    assert await table_counts(uow_factory) == before


async def test_cases_alone_are_enough_to_refuse_a_second_load(uow_factory, clock, office):
    empty = DemoDistrict(admin_dongs=(), complexes=())
    await load_district(uow_factory, clock, empty, benchmark=office)
    before = await table_counts(uow_factory)
    with pytest.raises(InvalidInput) as refused:
        await load_district(uow_factory, clock, empty, benchmark=office)
    assert (refused.value.code, refused.value.params) == ("database_not_empty", {"cases": len(office.cases)})
    assert await table_counts(uow_factory) == before


def test_the_summary_fills_every_figure_of_the_cli_text():
    counts = BenchmarkCounts(staff=3, by_state=(("approved", 2), ("returned", 1)))
    summary = DemoSummary(1, 2, 3, 3, 4, 5, 6, 7, 8, benchmark=counts)
    figures = summary.figures()
    assert (figures["cases"], figures["cases_approved"], figures["cases_registered"]) == ("3", "2", "0")
    for language in ("ko", "en"):
        text = catalog(language)["cli.demo_data_loaded"]
        assert {name for _, name, _, _ in string.Formatter().parse(text) if name} == set(figures)
