"""Reference lists (관리자 기능): admins keep the positions, support criteria, departments and dongs; nothing
in use is deleted from under the records using it, duplicates are refused, and every change is audited
with its old and new values."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.reference import (
    LARGEST_ID,
    MAX_AMOUNT,
    DuplicateReference,
    ReferenceInUse,
    ReferenceKind,
)
from core.values import ReferenceDraft
from storage.audit.models import AuditEntry
from tests.builders import grant, make_case, make_complex, make_coordinator, make_dong, make_executor, make_staff

POSITION = ReferenceKind.POSITION
CRITERION = ReferenceKind.SUPPORT_CRITERION
DEPARTMENT = ReferenceKind.DEPARTMENT
DONG = ReferenceKind.ADMIN_DONG
SEEDED_POSITIONS = ["회장", "부회장", "감사", "이사", "총무"]


pytestmark = pytest.mark.usefixtures("positions_restored")


@pytest.fixture
async def admin(services):
    return await make_staff(services, saeol_id="itadmin", name="임희철", department="전산정보과", roles=("admin",))


async def audit_entries(uow_factory, action_prefix: str = "reference.") -> list:
    """The audit log's rows (action, actor_staff_id, target_type, target_id, details), oldest first."""
    columns = (AuditEntry.action, AuditEntry.actor_staff_id, AuditEntry.target_type, AuditEntry.target_id)
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(*columns, AuditEntry.details)
            .where(AuditEntry.action.startswith(action_prefix))
            .order_by(AuditEntry.id)
        )
        return list(rows)


def names(entries) -> list[str]:
    return [entry.name for entry in entries]


async def test_the_seeded_positions_are_listed_in_their_order(services, admin):
    positions = await services.reference.entries(admin, POSITION)
    assert names(positions) == SEEDED_POSITIONS
    assert [p.sort_order for p in positions] == [1, 2, 3, 4, 5]
    assert all(not p.in_use and p.usage == {"representatives": 0} for p in positions)


async def test_an_admin_adds_a_position_at_the_end_and_the_addition_is_audited(services, admin, uow_factory):
    added = await services.reference.add(admin, POSITION, ReferenceDraft(name="  동별  대표 "))
    assert added.name == "동별 대표" and added.sort_order == 6
    assert names(await services.reference.entries(admin, POSITION)) == [*SEEDED_POSITIONS, "동별 대표"]
    [entry] = await audit_entries(uow_factory)
    assert (entry.action, entry.actor_staff_id, entry.target_type, entry.target_id) == (
        "reference.add",
        admin.id,
        "position",
        added.id,
    )
    assert entry.details == {"name": "동별 대표", "changes": {"name": [None, "동별 대표"], "sort_order": [None, 6]}}


async def test_names_are_composed_and_cleaned_before_they_are_compared(services, admin):
    # "회장" typed on a system that sends decomposed jamo looks the same and must be the same entry.
    decomposed = "\u1112\u116c\u110c\u1161\u11bc"
    with pytest.raises(DuplicateReference) as refused:
        await services.reference.add(admin, POSITION, ReferenceDraft(name=decomposed))
    assert refused.value.params == {"field": "name", "value": "회장"}
    # Control and invisible characters never reach the database (PostgreSQL refuses NUL outright).
    cleaned = await services.reference.add(admin, POSITION, ReferenceDraft(name="고\x00문\u200b\t"))
    assert cleaned.name == "고문"


@pytest.mark.parametrize(
    ("kind", "draft", "code", "params"),
    [
        (POSITION, ReferenceDraft(name="   "), "reference_required", {"field": "name"}),
        (POSITION, ReferenceDraft(name="\x00\x01"), "reference_required", {"field": "name"}),
        (POSITION, ReferenceDraft(name="가" * 21), "reference_too_long", {"field": "name", "limit": 20, "length": 21}),
        (
            DEPARTMENT,
            ReferenceDraft(name="과" * 51),
            "reference_too_long",
            {"field": "name", "limit": 50, "length": 51},
        ),
        (DONG, ReferenceDraft(name="성수1가제1동", short_name=""), "reference_required", {"field": "short_name"}),
        (
            DONG,
            ReferenceDraft(name="성수1가제1동", short_name="성" * 11),
            "reference_too_long",
            {"field": "short_name", "limit": 10, "length": 11},
        ),
        (
            CRITERION,
            ReferenceDraft(name="공동체활성화", description="설" * 1001),
            "reference_too_long",
            {"field": "description", "limit": 1000, "length": 1001},
        ),
        (CRITERION, ReferenceDraft(name="공동체활성화", max_amount=-1), "reference_amount", {"limit": MAX_AMOUNT}),
        (
            CRITERION,
            ReferenceDraft(name="공동체활성화", max_amount=MAX_AMOUNT + 1),
            "reference_amount",
            {"limit": MAX_AMOUNT},
        ),
    ],
)
async def test_malformed_entries_are_refused_naming_the_field(services, admin, uow_factory, kind, draft, code, params):
    with pytest.raises(InvalidInput) as refused:
        await services.reference.add(admin, kind, draft)
    assert (refused.value.code, refused.value.params) == (code, params)
    assert await audit_entries(uow_factory) == []


async def test_duplicates_are_refused_whatever_the_letter_case_and_leave_nothing_behind(services, admin, uow_factory):
    await services.reference.add(admin, DEPARTMENT, ReferenceDraft(name="IT정책과"))
    with pytest.raises(DuplicateReference):
        await services.reference.add(admin, DEPARTMENT, ReferenceDraft(name="it정책과"))
    await services.reference.add(admin, DONG, ReferenceDraft(name="성수1가제1동", short_name="성1-1"))
    with pytest.raises(DuplicateReference) as refused:
        await services.reference.add(admin, DONG, ReferenceDraft(name="성수1가제3동", short_name="성1-1"))
    assert refused.value.params == {"field": "short_name", "value": "성1-1"}
    assert names(await services.reference.entries(admin, DEPARTMENT)) == ["IT정책과", "전산정보과"]
    assert [e.action for e in await audit_entries(uow_factory)] == ["reference.add", "reference.add"]


async def test_renaming_a_position_shows_on_every_card_at_once(services, admin, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=2)
    reader = await make_staff(services, saeol_id="reader1", roles=("housing.read",))
    [chair] = [p for p in await services.reference.entries(admin, POSITION) if p.name == "회장"]
    assert chair.usage == {"representatives": 1}
    renamed = await services.reference.edit(admin, POSITION, chair.id, ReferenceDraft(name="대표회장"))
    assert renamed.name == "대표회장" and renamed.sort_order == 1
    card = await services.housing.get_complex_card(reader, complex_id)
    assert [r.position for r in card.representatives] == ["대표회장", "부회장"]
    [entry] = await audit_entries(uow_factory)
    assert entry.action == "reference.edit"
    assert entry.details == {"name": "대표회장", "changes": {"name": ["회장", "대표회장"]}}


async def test_an_edit_that_changes_nothing_writes_nothing(services, admin, uow_factory):
    [chair, *_] = await services.reference.entries(admin, POSITION)
    same = await services.reference.edit(admin, POSITION, chair.id, ReferenceDraft(name=" 회장 "))
    assert same.name == "회장"
    assert await audit_entries(uow_factory) == []


async def test_renaming_onto_another_entry_is_refused(services, admin):
    [_chair, vice, *_] = await services.reference.entries(admin, POSITION)
    with pytest.raises(DuplicateReference):
        await services.reference.edit(admin, POSITION, vice.id, ReferenceDraft(name="회장"))
    assert names(await services.reference.entries(admin, POSITION)) == SEEDED_POSITIONS


async def test_a_position_held_by_representatives_cannot_be_deleted(services, admin, uow_factory):
    await make_complex(uow_factory, representatives=3)
    [chair, *_] = await services.reference.entries(admin, POSITION)
    with pytest.raises(ReferenceInUse) as refused:
        await services.reference.delete(admin, POSITION, chair.id)
    assert refused.value.code == "already_in_use_position"
    assert refused.value.params == {"name": "회장", "representatives": 1}
    assert names(await services.reference.entries(admin, POSITION)) == SEEDED_POSITIONS
    assert await audit_entries(uow_factory) == []


async def test_a_department_with_staff_cases_or_scoped_grants_is_kept(services, admin, uow_factory):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services, department="총무과")
    await make_case(services, coordinator, officer)
    await grant(uow_factory, coordinator, "benchmark.coordinate", department=officer.department_id)
    departments = {d.name: d for d in await services.reference.entries(admin, DEPARTMENT)}
    assert departments["총무과"].usage == {"staff": 1, "cases": 1, "grants": 1}
    with pytest.raises(ReferenceInUse) as refused:
        await services.reference.delete(admin, DEPARTMENT, officer.department_id)
    assert refused.value.code == "already_in_use_department"
    assert refused.value.params == {"name": "총무과", "staff": 1, "cases": 1, "grants": 1}


async def test_a_dong_with_complexes_or_scoped_grants_is_kept(services, admin, uow_factory):
    await make_complex(uow_factory, dong="왕십리도선동", dong_short="왕도")
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성1-1")
    officer = await make_staff(services, saeol_id="seongsu1", roles=("housing.read",))
    await grant(uow_factory, officer, "housing.read", dongs=(seongsu,))
    dongs = {d.name: d for d in await services.reference.entries(admin, DONG)}
    assert dongs["왕십리도선동"].usage == {"complexes": 1, "grants": 0}
    assert dongs["성수1가제1동"].usage == {"complexes": 0, "grants": 1}
    for dong in dongs.values():
        with pytest.raises(ReferenceInUse) as refused:
            await services.reference.delete(admin, DONG, dong.id)
        assert refused.value.code == "already_in_use_admin_dong"
    # The officer's scope is untouched (the dongs' foreign key would have cascaded it away).
    async with uow_factory() as uow:
        assert (await uow.staff.get_staff(officer.id)).scopes["housing.read"].admin_dong_ids == {seongsu}


async def test_an_unused_entry_is_deleted_with_its_old_values_audited(services, admin, uow_factory):
    criterion = await services.reference.add(
        admin,
        CRITERION,
        ReferenceDraft(name="공동체활성화 지원", description="단지 공동체 프로그램\n\n\n운영비", max_amount=2000),
    )
    assert criterion.description == "단지 공동체 프로그램\n\n운영비"
    deleted = await services.reference.delete(admin, CRITERION, criterion.id)
    assert deleted.name == "공동체활성화 지원"
    assert await services.reference.entries(admin, CRITERION) == []
    entry = (await audit_entries(uow_factory))[-1]
    assert entry.action == "reference.delete"
    assert entry.details == {
        "name": "공동체활성화 지원",
        "changes": {
            "name": ["공동체활성화 지원", None],
            "description": ["단지 공동체 프로그램\n\n운영비", None],
            "max_amount": [2000, None],
        },
    }


async def test_moving_an_entry_renumbers_the_list_and_the_ends_stay_put(services, admin, uow_factory):
    positions = await services.reference.entries(admin, POSITION)
    moved = await services.reference.move(admin, POSITION, positions[2].id, -1)
    assert names(moved) == ["회장", "감사", "부회장", "이사", "총무"]
    assert [p.sort_order for p in moved] == [1, 2, 3, 4, 5]
    unchanged = await services.reference.move(admin, POSITION, positions[0].id, -1)
    assert names(unchanged) == names(moved)
    unchanged = await services.reference.move(admin, POSITION, positions[4].id, 1)
    assert names(unchanged) == names(moved)
    [entry] = await audit_entries(uow_factory)
    assert entry.action == "reference.move"
    assert entry.details["changes"] == {"order": [SEEDED_POSITIONS, names(moved)]}
    with pytest.raises(InvalidInput):
        await services.reference.move(admin, POSITION, positions[0].id, 2)


async def test_departments_are_listed_by_name_and_have_no_order_to_change(services, admin):
    await services.reference.add(admin, DEPARTMENT, ReferenceDraft(name="기획예산과"))
    departments = await services.reference.entries(admin, DEPARTMENT)
    assert names(departments) == ["기획예산과", "전산정보과"]
    assert departments[0].sort_order is None
    with pytest.raises(InvalidInput) as refused:
        await services.reference.move(admin, DEPARTMENT, departments[1].id, -1)
    assert refused.value.code == "reference_not_ordered"


async def test_new_dongs_go_to_the_end_of_the_districts_order(services, admin):
    first = await services.reference.add(admin, DONG, ReferenceDraft(name="왕십리도선동", short_name="왕도"))
    second = await services.reference.add(admin, DONG, ReferenceDraft(name="왕십리제2동", short_name="왕2"))
    assert (first.sort_order, second.sort_order) == (1, 2)
    assert (second.short_name, second.usage) == ("왕2", {"complexes": 0, "grants": 0})


@pytest.mark.parametrize("entry_id", [0, -1, 987_654, LARGEST_ID, LARGEST_ID + 1, 10**30])
async def test_unknown_ids_are_not_found(services, admin, entry_id):
    for attempt in (
        services.reference.get(admin, POSITION, entry_id),
        services.reference.edit(admin, POSITION, entry_id, ReferenceDraft(name="고문")),
        services.reference.move(admin, POSITION, entry_id, 1),
        services.reference.delete(admin, POSITION, entry_id),
    ):
        with pytest.raises(NotFound):
            await attempt


async def test_only_admins_keep_the_lists(services, admin):
    officer = await make_staff(services, saeol_id="hong01", roles=("housing.read", "housing.write"))
    [chair, *_] = await services.reference.entries(admin, POSITION)
    for attempt in (
        services.reference.entries(officer, POSITION),
        services.reference.add(officer, POSITION, ReferenceDraft(name="고문")),
        services.reference.edit(officer, POSITION, chair.id, ReferenceDraft(name="고문")),
        services.reference.move(officer, POSITION, chair.id, 1),
        services.reference.delete(officer, POSITION, chair.id),
    ):
        with pytest.raises(PermissionDenied):
            await attempt
    assert names(await services.reference.entries(admin, POSITION)) == SEEDED_POSITIONS
