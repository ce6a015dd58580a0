"""The audit log as admins read it: every sign-in, change and view of personal data, newest first, filtered
by staff member, action and days of the office's calendar, readable old and new values, and the same
selection as an Excel workbook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core import audit as audit_module
from core.audit import (
    PAGE_SIZE,
    AuditFilter,
    AuditLabels,
    actor_text,
    describe_details,
    target_text,
)
from core.errors import InvalidInput, PermissionDenied
from core.reference import ReferenceKind
from core.staff.access import SignInRefused
from core.staff.directory import SYSTEM_ACTOR
from core.values import AuditRecord, ReferenceDraft
from tests.builders import make_case, make_complex, make_coordinator, make_dong, make_executor, make_staff

LABELS = AuditLabels(
    sheet="감사 기록",
    conditions_sheet="조회 조건",
    headers=("일시", "직원", "새올 아이디", "작업", "대상", "내용", "작업 코드"),
    condition_names=("직원", "작업", "기간", "건수", "작성 일시"),
    any="전체",
    system="시스템",
    unknown_user="알 수 없는 사용자 ({username})",
    empty="—",
    yes="예",
    no="아니요",
    actions={"admin.sign_in": "로그인", "admin.sign_in_failed": "로그인 실패", "reference.edit": "기준 목록 항목 수정"},
    action_groups={"staff": "직원 관리"},
    targets={"staff": "직원", "position": "직위", "benchmark_case": "벤치마킹 사업", "complex": "공동주택"},
    fields={
        "name": "이름",
        "state": "진행상태",
        "active": "사용 여부",
        "department_id": "부서 범위",
        "dong_ids": "행정동 범위",
    },
    values={"state": {"registered": "등록", "reviewed": "검토완료"}, "permission": {"pii.view": "개인정보 열람"}},
)


@pytest.fixture
async def admin(services):
    return await make_staff(services, saeol_id="itadmin", name="임희철", department="전산정보과", roles=("admin",))


async def write(uow_factory, at: datetime, action: str, actor_id: int | None = None, **extra) -> None:
    async with uow_factory(write=True) as uow:
        await uow.audit.record(at=at, actor_staff_id=actor_id, action=action, **extra)
        await uow.commit()


def line(**fields) -> AuditRecord:
    defaults = dict(
        id=1,
        at=datetime(2026, 11, 25, 10, 0),
        actor_id=None,
        actor_name=None,
        actor_saeol_id=None,
        action="x",
        target_type=None,
        target_id=None,
        target_name=None,
        details={},
    )
    return AuditRecord(**{**defaults, **fields})


async def test_entries_come_newest_first_a_page_at_a_time(services, admin, uow_factory, clock):
    start = clock.now()
    for minute in range(PAGE_SIZE * 2 + 20):
        await write(uow_factory, start + timedelta(minutes=minute), "staff.link_code", admin.id)
    first = await services.audit_log.page(admin, AuditFilter(action="staff.link_code"))
    assert (first.total, first.number, len(first.items), first.has_next) == (120, 0, 50, True)
    assert first.items[0].at == clock.local(start + timedelta(minutes=119))
    assert first.items[0].at.utcoffset() == timedelta(hours=9)
    assert [i.at for i in first.items] == sorted((i.at for i in first.items), reverse=True)
    last = await services.audit_log.page(admin, AuditFilter(action="staff.link_code"), 2)
    assert (len(last.items), last.has_next, last.items[-1].at) == (20, False, clock.local(start))
    beyond = await services.audit_log.page(admin, AuditFilter(action="staff.link_code"), 99)
    assert beyond.number == 2 and beyond.items == last.items


async def test_the_staff_filter_finds_what_a_member_did_and_what_was_done_to_them(services, admin, uow_factory, clock):
    member = await make_staff(services, saeol_id="hong01", name="홍길동")
    other = await make_staff(services, saeol_id="lee02", name="이순신")
    await write(uow_factory, clock.now(), "pii.view", member.id, target_type="complex", target_id=1)
    await write(uow_factory, clock.now(), "staff.deactivate", admin.id, target_type="staff", target_id=member.id)
    await write(uow_factory, clock.now(), "staff.deactivate", admin.id, target_type="staff", target_id=other.id)
    # A complex that happens to share the member's id is not the member.
    await write(uow_factory, clock.now(), "pii.view", other.id, target_type="complex", target_id=member.id)
    page = await services.audit_log.page(admin, AuditFilter(staff_id=member.id))
    assert [(i.action, i.actor_name, i.target_name) for i in page.items] == [
        ("staff.deactivate", "임희철", "홍길동"),
        ("pii.view", "홍길동", None),
        ("staff.add", None, "홍길동"),  # entries of one instant: the later written first
    ]
    options = await services.audit_log.options(admin)
    assert [(s.name, s.saeol_id, s.department) for s in options.staff] == [
        ("이순신", "lee02", "공동주택과"),
        ("임희철", "itadmin", "전산정보과"),
        ("홍길동", "hong01", "공동주택과"),
    ]
    assert options.actions == ("pii.view", "staff.add", "staff.deactivate")


async def test_dates_are_days_of_the_office_calendar_both_inclusive(services, admin, uow_factory):
    # 23:30 on 24 November in Seoul is 14:30 UTC; 00:30 on the 25th is 15:30 UTC the day before.
    late_24th = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    early_25th = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    late_25th = datetime(2026, 11, 25, 14, 59, 59, tzinfo=UTC)
    early_26th = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    for moment in (late_24th, early_25th, late_25th, early_26th):
        await write(uow_factory, moment, "pii.view", admin.id)

    async def shown(**dates) -> list[datetime]:
        page = await services.audit_log.page(admin, AuditFilter.parse(action="pii.view", **dates))
        return [i.at.astimezone(UTC) for i in page.items]

    assert await shown(date_from="2026-11-25", date_to="2026-11-25") == [late_25th, early_25th]
    assert await shown(date_from="2026.11.25") == [early_26th, late_25th, early_25th]
    assert await shown(date_to="2026/11/24") == [late_24th]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"date_from": "2026-13-01"}, "audit_date"),
        ({"date_from": "yesterday"}, "audit_date"),
        ({"date_to": "9999-12-31"}, "audit_date"),
        ({"date_to": "0001-01-01"}, "audit_date"),
        ({"date_from": "2026-11-25" * 10}, "audit_date"),
        ({"date_from": "2026-11-25", "date_to": "2026-11-24"}, "audit_dates_reversed"),
        ({"staff": "abc"}, "audit_staff"),
        ({"staff": "-1"}, "audit_staff"),
        ({"staff": "1" * 12}, "audit_staff"),
        ({"staff": "１２"}, "audit_staff"),  # full-width digits are digits to Python, not to the database
        ({"action": "<script>alert(1)</script>"}, "audit_action"),
        ({"action": "a" * 51}, "audit_action"),
    ],
)
def test_malformed_filters_are_refused_politely(raw, code):
    with pytest.raises(InvalidInput) as refused:
        AuditFilter.parse(**raw)
    assert refused.value.code == code


def test_an_empty_filter_means_everything():
    assert AuditFilter.parse(staff=" ", action="", date_from=None, date_to="") == AuditFilter()
    assert AuditFilter.parse(staff="12", action="pii.view").staff_id == 12


def test_changes_read_as_old_and_new_values():
    edit = line(
        action="reference.edit",
        target_type="position",
        target_id=3,
        details={"name": "대표회장", "changes": {"name": ["회장", "대표회장"]}},
    )
    assert target_text(edit, LABELS) == "직위 대표회장"
    assert describe_details(edit, LABELS) == ["이름: 회장 → 대표회장"]
    review = line(
        action="benchmark.review",
        target_type="benchmark_case",
        target_name="2026-4-001",
        details={"state_from": "registered", "state_to": "reviewed", "changes": {"adoption": [None, "adopt"]}},
    )
    assert target_text(review, LABELS) == "벤치마킹 사업 2026-4-001"
    assert describe_details(review, LABELS) == ["진행상태: 등록 → 검토완료", "adoption: — → adopt"]
    same_state = line(details={"state_from": "registered", "state_to": "registered"})
    assert describe_details(same_state, LABELS) == ["진행상태: 등록"]
    deactivated = line(details={"old": {"active": True}, "new": {"active": False}})
    assert describe_details(deactivated, LABELS) == ["사용 여부: 예 → 아니요"]
    granted = line(
        details={"permission": "pii.view", "old": None, "new": {"department_id": None, "dong_ids": ["성수1가제1동"]}}
    )
    # An unscoped side says nothing; the scope that changed says what it became.
    assert describe_details(granted, LABELS) == ["행정동 범위: — → 성수1가제1동", "permission: 개인정보 열람"]
    long_text = line(details={"note": "가" * 1000})
    assert describe_details(long_text, LABELS)[0].endswith("…") and len(describe_details(long_text, LABELS)[0]) < 320
    assert describe_details(long_text, LABELS, limit=None) == ["note: " + "가" * 1000]


def test_actions_without_a_label_still_read_sensibly():
    assert LABELS.action("admin.sign_in") == "로그인"
    assert LABELS.action("staff.transfer") == "직원 관리 (staff.transfer)"
    assert LABELS.action("sms.send") == "sms.send"


async def test_grant_scopes_name_departments_and_dongs_not_ids(services, admin, uow_factory, clock):
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성1-1")
    await write(
        uow_factory,
        clock.now(),
        "role.grant",
        admin.id,
        target_type="staff",
        target_id=admin.id,
        details={
            "permission": "housing.read",
            "old": {"department_id": None, "dong_ids": []},
            "new": {"department_id": admin.department_id, "dong_ids": [seongsu, 999]},
        },
    )
    [entry] = (await services.audit_log.page(admin, AuditFilter(action="role.grant"))).items
    assert describe_details(entry, LABELS) == [
        "부서 범위: — → 전산정보과",
        "행정동 범위: — → 성수1가제1동, #999",
        "permission: housing.read",
    ]


async def test_what_the_system_records_shows_up_readably(services, admin, uow_factory):
    """Sign-ins and failures, views of personal data and benchmarking changes, as their services write them."""
    await services.admin_access.set_password(SYSTEM_ACTOR, "itadmin", "correct horse battery")
    await services.admin_access.sign_in("itadmin", "correct horse battery", "10.0.0.7")
    with pytest.raises(SignInRefused):
        await services.admin_access.sign_in("nobody", "guess", "10.0.0.8")
    reader = await make_staff(services, saeol_id="reader1", name="박열람", roles=("housing.read", "pii.view"))
    complex_id = await make_complex(uow_factory, representatives=1, with_office=True)
    await services.housing.get_complex_card(reader, complex_id)
    coordinator = await make_coordinator(services)
    case = await make_case(services, coordinator, await make_executor(services))
    await services.reference.edit(
        admin, ReferenceKind.DEPARTMENT, admin.department_id, ReferenceDraft(name="정보통신과")
    )
    lines = {i.action: i for i in (await services.audit_log.page(admin, AuditFilter())).items}
    assert describe_details(lines["admin.sign_in"], LABELS) == ["address: 10.0.0.7"]
    assert actor_text(lines["admin.sign_in"], LABELS) == "임희철"
    failed = lines["admin.sign_in_failed"]
    assert actor_text(failed, LABELS) == "알 수 없는 사용자 (nobody)"
    assert target_text(failed, LABELS) == "" and describe_details(failed, LABELS) == ["address: 10.0.0.8"]
    assert target_text(lines["pii.view"], LABELS) == "공동주택 성동삼성쉐르빌(주상복합)"
    assert lines["pii.view"].actor_name == "박열람"
    assert target_text(lines["benchmark.register"], LABELS) == f"벤치마킹 사업 {case.case_no}"
    assert target_text(lines["reference.edit"], LABELS) == "department 정보통신과"
    assert describe_details(lines["reference.edit"], LABELS) == ["이름: 전산정보과 → 정보통신과"]


async def test_the_export_holds_what_the_filter_selects_and_is_audited(
    services, admin, uow_factory, clock, monkeypatch
):
    monkeypatch.setattr(audit_module, "EXPORT_BATCH", 7)  # several batches and slices, to see them join up in order
    monkeypatch.setattr(audit_module, "WRITE_SLICE", 3)
    member = await make_staff(services, saeol_id="hong01", name='=HYPERLINK("http://evil","홍길동")')
    start = clock.now()
    for minute in range(20):
        await write(uow_factory, start + timedelta(minutes=minute), "pii.view", member.id, details={"n": minute})
    wanted = AuditFilter.parse(staff=str(member.id), action="pii.view", date_from="2026-11-25")
    body = await services.audit_log.export(admin, wanted, LABELS)
    book = load_workbook(BytesIO(body))
    assert book.sheetnames == ["감사 기록", "조회 조건"]
    sheet = book["감사 기록"]
    rows = list(sheet.iter_rows(values_only=True))[3:]  # under the title, the caption and an empty row
    assert rows[0] == LABELS.headers
    assert len(rows) == 21
    assert [row[5] for row in rows[1:]] == [f"n: {n}" for n in range(19, -1, -1)]
    assert rows[1][0] == (clock.local(start) + timedelta(minutes=19)).replace(tzinfo=None)
    # A name that looks like a formula stays text.
    cell = sheet.cell(row=5, column=2)
    assert cell.value == member.name and cell.data_type == "s"
    assert rows[1][2:4] == ("hong01", "pii.view") and rows[1][6] == "pii.view"
    header, values = list(book["조회 조건"].iter_rows(values_only=True))[3:]
    conditions = dict(zip(header, values, strict=True))
    assert conditions["직원"] == f"{member.name} (hong01)"
    assert conditions["기간"] == "2026-11-25 ~ " and conditions["건수"] == 20  # a number, not text
    assert isinstance(conditions["작성 일시"], datetime)  # a date Excel can sort and filter by
    exports = (await services.audit_log.page(admin, AuditFilter(action="audit.export"))).items
    assert [e.actor_name for e in exports] == ["임희철"]
    assert exports[0].details["count"] == 20


async def test_an_export_is_never_written_with_illegal_characters(services, admin, uow_factory, clock):
    await write(uow_factory, clock.now(), "admin.sign_in", admin.id, details={"address": "\x01127.0.0.1\x0b"})
    body = await services.audit_log.export(admin, AuditFilter(action="admin.sign_in"), LABELS)
    rows = list(load_workbook(BytesIO(body))["감사 기록"].iter_rows(values_only=True))[3:]
    assert rows[1][5] == "address: 127.0.0.1"


async def test_an_export_too_large_for_one_file_is_refused(services, admin, uow_factory, clock, monkeypatch):
    monkeypatch.setattr(audit_module, "EXPORT_LIMIT", 3)
    for minute in range(4):
        await write(uow_factory, clock.now() + timedelta(minutes=minute), "pii.view", admin.id)
    with pytest.raises(InvalidInput) as refused:
        await services.audit_log.export(admin, AuditFilter(action="pii.view"), LABELS)
    assert refused.value.params == {"limit": 3, "count": 4}
    assert (await services.audit_log.page(admin, AuditFilter(action="audit.export"))).total == 0


async def test_only_admins_read_the_log(services, uow_factory):
    officer = await make_staff(services, saeol_id="hong01", roles=("housing.read", "pii.view"))
    for attempt in (
        services.audit_log.page(officer, AuditFilter()),
        services.audit_log.options(officer),
        services.audit_log.export(officer, AuditFilter(), LABELS),
    ):
        with pytest.raises(PermissionDenied):
            await attempt
