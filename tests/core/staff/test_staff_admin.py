"""Staff administration as the IT department uses it: members are added, edited, given and relieved of
permissions, stopped and started again, and every change leaves an audit entry with old and new values."""

from collections import namedtuple

import pytest
from sqlalchemy import select

from core.errors import DuplicateStaff, InvalidInput, NotFound, PermissionDenied, StaffInactive, StaleRecord
from core.staff.administration import LARGEST_ID, AlreadyDone
from core.staff.values import GrantRequest, ScopeKind, StaffDraft, StaffEdit, StaffQuery
from storage.audit.models import AuditEntry
from storage.staff.models import Staff
from tests.builders import make_dong, make_staff

Entry = namedtuple("Entry", "actor_staff_id target_id details")


@pytest.fixture
async def admin(services):
    return await make_staff(services, saeol_id="itadmin", name="임희철", department="전산정보과", roles=("admin",))


async def audit_entries(uow_factory, action):
    """(actor, target, details) of each entry of ``action``, oldest first."""
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(AuditEntry.actor_staff_id, AuditEntry.target_id, AuditEntry.details)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
        return [Entry(*row) for row in rows]


def draft(saeol_id="kim01", name="김민지", department="기획예산과"):
    return StaffDraft(saeol_id=saeol_id, name=name, department=department)


async def test_an_admin_adds_edits_scopes_and_stops_a_member(services, admin, uow_factory):
    added = await services.staff_admin.add(admin, draft(saeol_id=" Kim01 "))
    assert (added.saeol_id, added.name, added.department) == ("kim01", "김민지", "기획예산과")
    assert added.active and not added.telegram_bound and added.grants == () and added.version == 1

    edited = await services.staff_admin.edit(
        admin, added.id, StaffEdit(name="김민지 ", department="공동주택과", version=added.version)
    )
    assert edited.department == "공동주택과" and edited.version == 2
    [entry] = await audit_entries(uow_factory, "staff.edit")
    assert entry.details == {"old": {"department": "기획예산과"}, "new": {"department": "공동주택과"}}
    assert entry.actor_staff_id == admin.id and entry.target_id == added.id

    choices = await services.staff_admin.role_choices(admin)
    planning = next(d for d in choices.departments if d.name == "기획예산과")
    assert dict(choices.permissions)["benchmark.coordinate"] is ScopeKind.DEPARTMENT
    granted = await services.staff_admin.grant(
        admin, added.id, GrantRequest("benchmark.coordinate", department_id=planning.id)
    )
    [grant] = granted.grants
    assert (grant.permission, grant.department, grant.scope) == ("benchmark.coordinate", "기획예산과", "department")
    [entry] = await audit_entries(uow_factory, "role.grant")
    assert entry.details == {
        "permission": "benchmark.coordinate",
        "old": None,
        "new": {"department_id": planning.id, "dong_ids": []},
    }

    revoked = await services.staff_admin.revoke(admin, added.id, "benchmark.coordinate")
    assert revoked.grants == ()
    with pytest.raises(AlreadyDone) as twice:
        await services.staff_admin.revoke(admin, added.id, "benchmark.coordinate")
    assert twice.value.code == "already_revoked"
    [entry] = await audit_entries(uow_factory, "role.revoke")
    assert entry.details["old"] == {"department_id": planning.id, "dong_ids": []} and entry.details["new"] is None


async def test_a_deactivated_member_is_refused_by_the_bot_and_can_return(services, admin, uow_factory):
    member = await make_staff(services, telegram_id=5001)
    stopped = await services.staff_admin.deactivate(admin, member.id)
    assert not stopped.active
    assert not (await services.staff.identify(5001)).active  # what the gate reads on the next update
    with pytest.raises(AlreadyDone):
        await services.staff_admin.deactivate(admin, member.id)
    with pytest.raises(StaffInactive):
        await services.staff_admin.issue_link_code(admin, member.id)
    back = await services.staff_admin.activate(admin, member.id)
    assert back.active and (await services.staff.identify(5001)).active
    [entry] = await audit_entries(uow_factory, "staff.deactivate")
    assert entry.details == {"old": {"active": True}, "new": {"active": False}}


async def test_deactivating_an_admin_ends_their_sessions(services, admin):
    other = await make_staff(services, saeol_id="admin2", roles=("admin",))
    await services.admin_access.set_password(admin, "admin2", "another long password")
    issued = await services.admin_access.sign_in("admin2", "another long password", "127.0.0.1")
    assert await services.admin_access.resume(issued.token) is not None
    await services.staff_admin.deactivate(admin, other.id)
    await services.staff_admin.activate(admin, other.id)
    assert await services.admin_access.resume(issued.token) is None  # re-activation does not bring it back


async def test_an_admin_cannot_lock_themselves_out(services, admin):
    with pytest.raises(InvalidInput) as own:
        await services.staff_admin.deactivate(admin, admin.id)
    assert own.value.code == "staff_own_account"
    with pytest.raises(InvalidInput):
        await services.staff_admin.revoke(admin, admin.id, "admin")


async def test_unbinding_frees_the_telegram_account_and_a_new_code_binds_the_next(services, admin, uow_factory):
    member = await make_staff(services, telegram_id=5001)
    unbound = await services.staff_admin.unbind_telegram(admin, member.id)
    assert not unbound.telegram_bound and await services.staff.identify(5001) is None
    with pytest.raises(AlreadyDone) as twice:
        await services.staff_admin.unbind_telegram(admin, member.id)
    assert twice.value.code == "already_unbound"
    [entry] = await audit_entries(uow_factory, "staff.unbind")
    assert entry.details == {"old": {"telegram_user_id": 5001}, "new": {"telegram_user_id": None}}
    issued = await services.staff_admin.issue_link_code(admin, member.id)
    assert len(issued.code) == 10 and issued.staff.id == member.id
    assert (await services.staff.bind_by_code(7001, issued.code)).id == member.id


async def test_dong_scopes_show_the_dongs_by_name_and_regranting_replaces_the_scope(services, admin, uow_factory):
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    wangdo = await make_dong(uow_factory, "왕십리도선동", "왕도")
    member = await make_staff(services)
    scoped = await services.staff_admin.grant(
        admin, member.id, GrantRequest("housing.read", dong_ids=frozenset({seongsu}))
    )
    [grant] = scoped.grants
    assert grant.dongs == ("성수1가제1동",) and grant.scope == "dongs"
    wider = await services.staff_admin.grant(
        admin, member.id, GrantRequest("housing.read", dong_ids=frozenset({seongsu, wangdo}))
    )
    assert set(wider.grants[0].dong_ids) == {seongsu, wangdo}
    again = await services.staff_admin.grant(
        admin, member.id, GrantRequest("housing.read", dong_ids=frozenset({seongsu, wangdo}))
    )
    assert again.grants == wider.grants
    assert len(await audit_entries(uow_factory, "role.grant")) == 2  # the repeat changed nothing


async def test_bad_grants_are_refused_with_the_rule_they_break(services, admin, uow_factory):
    dong = await make_dong(uow_factory)
    member = await make_staff(services)
    cases = [
        (GrantRequest("housing.fly"), "unknown_permission"),
        (
            GrantRequest("housing.read", department_id=member.department_id, dong_ids=frozenset({dong})),
            "grant_scope_both",
        ),
        (GrantRequest("admin", department_id=member.department_id), "grant_scope_not_applicable"),
        (GrantRequest("benchmark.coordinate", dong_ids=frozenset({dong})), "grant_scope_not_applicable"),
        (GrantRequest("benchmark.coordinate", department_id=99999), "grant_department_unknown"),
        (GrantRequest("housing.read", dong_ids=frozenset({dong, 99999})), "grant_dong_unknown"),
    ]
    for request, code in cases:
        with pytest.raises(InvalidInput) as refused:
            await services.staff_admin.grant(admin, member.id, request)
        assert refused.value.code == code, request
    assert (await services.staff_admin.get(admin, member.id)).grants[0].permission == "housing.read"  # untouched
    assert await audit_entries(uow_factory, "role.grant") == []


async def test_bad_staff_details_are_refused_and_nothing_is_written(services, admin, uow_factory):
    cases = [
        (draft(saeol_id="김"), "invalid_saeol_id"),
        (draft(saeol_id="a" * 31), "invalid_saeol_id"),
        (draft(name="   "), "invalid_name"),
        (draft(name="가" * 51), "invalid_name"),
        (draft(department="x" * 51), "invalid_department"),
    ]
    for bad, code in cases:
        with pytest.raises(InvalidInput) as refused:
            await services.staff_admin.add(admin, bad)
        assert refused.value.code == code
    await services.staff_admin.add(admin, draft())
    with pytest.raises(DuplicateStaff):
        await services.staff_admin.add(admin, draft(saeol_id="KIM01", name="다른 사람"))
    async with uow_factory() as uow:
        assert len(list(await uow._session.scalars(select(Staff.id)))) == 2  # the admin and kim01


async def test_a_stale_edit_is_refused_and_changes_nothing(services, admin):
    member = await services.staff_admin.add(admin, draft())
    await services.staff_admin.edit(admin, member.id, StaffEdit("김민지", "공동주택과", member.version))
    with pytest.raises(StaleRecord):
        await services.staff_admin.edit(admin, member.id, StaffEdit("김철수", "기획예산과", member.version))
    now = await services.staff_admin.get(admin, member.id)
    assert (now.name, now.department) == ("김민지", "공동주택과")
    deactivated = await services.staff_admin.deactivate(admin, now.id)
    with pytest.raises(StaleRecord):  # deactivating is a change too
        await services.staff_admin.edit(admin, member.id, StaffEdit("김철수", "공동주택과", now.version))
    assert deactivated.version == now.version + 1


async def test_unknown_ids_are_not_found(services, admin):
    for staff_id in (0, -1, 424242, LARGEST_ID + 1, 10**30):
        with pytest.raises(NotFound):
            await services.staff_admin.get(admin, staff_id)
    for call in (
        services.staff_admin.deactivate(admin, 424242),
        services.staff_admin.activate(admin, 424242),
        services.staff_admin.unbind_telegram(admin, 424242),
        services.staff_admin.issue_link_code(admin, 424242),
        services.staff_admin.grant(admin, 424242, GrantRequest("housing.read")),
        services.staff_admin.revoke(admin, 424242, "housing.read"),
        services.staff_admin.edit(admin, 424242, StaffEdit("김", "과", 1)),
    ):
        with pytest.raises(NotFound):
            await call


async def test_only_an_admin_administers(services, admin):
    clerk = await make_staff(services, roles=("housing.read", "housing.write"))
    with pytest.raises(PermissionDenied):
        await services.staff_admin.list_staff(clerk, StaffQuery())
    with pytest.raises(PermissionDenied):
        await services.staff_admin.grant(clerk, clerk.id, GrantRequest("admin"))
    stopped = await services.staff_admin.add(admin, draft(saeol_id="former"))
    await services.staff_admin.grant(admin, stopped.id, GrantRequest("admin"))
    await services.staff_admin.deactivate(admin, stopped.id)
    inactive_admin = (await services.staff_admin.get(admin, stopped.id)).active
    assert inactive_admin is False


async def test_the_list_searches_filters_and_pages(services, admin):
    for number in range(25):
        await services.staff_admin.add(admin, draft(saeol_id=f"user{number:02d}", name=f"직원{number:02d}"))
    await services.staff_admin.add(admin, draft(saeol_id="park_50", name="박%_", department="공동주택과"))
    first = await services.staff_admin.list_staff(admin, StaffQuery())
    assert first.total == 27 and len(first.items) == 20 and first.has_next
    second = await services.staff_admin.list_staff(admin, StaffQuery(page=1))
    assert len(second.items) == 7 and not second.has_next
    assert (await services.staff_admin.list_staff(admin, StaffQuery(page=9))).total == 27
    by_name = await services.staff_admin.list_staff(admin, StaffQuery(text="직원1"))
    assert by_name.total == 10
    assert [s.saeol_id for s in (await services.staff_admin.list_staff(admin, StaffQuery(text="USER07"))).items] == [
        "user07"
    ]
    assert (await services.staff_admin.list_staff(admin, StaffQuery(text="공동주택"))).total == 1
    assert (await services.staff_admin.list_staff(admin, StaffQuery(text="%"))).total == 1  # wildcards are literal
    assert (await services.staff_admin.list_staff(admin, StaffQuery(text="_"))).total == 1
    await services.staff_admin.deactivate(admin, by_name.items[0].id)
    assert (await services.staff_admin.list_staff(admin, StaffQuery(active=False))).total == 1
    assert (await services.staff_admin.list_staff(admin, StaffQuery(active=True))).total == 26
    with pytest.raises(InvalidInput):
        await services.staff_admin.list_staff(admin, StaffQuery(text="가" * 51))
