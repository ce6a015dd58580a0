"""Role grants and their scopes as the admin endpoint sets them, and as the access gate reads them back: in
one query, on SQLite and PostgreSQL alike."""

import asyncio
from datetime import timedelta

from sqlalchemy import event, func, select

from core.values import GrantScope
from storage.staff.models import RoleGrantDong
from tests.builders import NOW, make_dong, make_staff


async def staff_and_dongs(services, uow_factory):
    member = await make_staff(services, roles=("housing.read", "pii.view"), telegram_id=4242)
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    async with uow_factory() as uow:
        department_id = await uow.staff.ensure_department("공동주택과")
    return member, seongsu, oksu, department_id


async def test_a_scoped_grant_is_listed_with_its_scope_and_read_by_the_gate(services, uow_factory):
    member, seongsu, oksu, _ = await staff_and_dongs(services, uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "housing.read", dong_ids=[oksu, seongsu, seongsu], now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        grants = await uow.grants.list_grants(member.id)
        read = await uow.staff.find_staff_by_telegram_id(4242)
    assert [(g.permission, g.scope) for g in grants] == [
        ("housing.read", GrantScope(admin_dong_ids=frozenset({seongsu, oksu}))),
        ("pii.view", GrantScope()),
    ]
    assert read is not None and read.permissions == {"housing.read", "pii.view"}
    assert read.scopes == {"housing.read": GrantScope(admin_dong_ids=frozenset({seongsu, oksu}))}


async def test_setting_a_grant_again_replaces_its_scope_and_keeps_when_it_was_granted(services, uow_factory):
    member, seongsu, oksu, department_id = await staff_and_dongs(services, uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "benchmark.execute", dong_ids=[seongsu, oksu], now=NOW)
        await uow.commit()
    later = NOW + timedelta(days=3)
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(
            member.id, "benchmark.execute", department_id=department_id, dong_ids=[oksu], now=later
        )
        await uow.commit()
    async with uow_factory() as uow:
        changed = await uow.grants.get_grant(member.id, "benchmark.execute")
    assert changed is not None and changed.scope == GrantScope(department_id, frozenset({oksu}))
    assert changed.granted_at == NOW
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "benchmark.execute", now=later)  # everywhere again
        await uow.commit()
    async with uow_factory() as uow:
        cleared = await uow.grants.get_grant(member.id, "benchmark.execute")
        read = await uow.staff.get_staff(member.id)
        leftover = await uow._session.scalar(select(func.count()).select_from(RoleGrantDong))
    assert cleared is not None and cleared.scope.unlimited
    assert read is not None and "benchmark.execute" in read.permissions and read.scopes == {}
    assert leftover == 0


async def test_revoking_takes_the_grant_and_its_scope_and_a_second_revoke_says_so(services, uow_factory):
    member, seongsu, _, _ = await staff_and_dongs(services, uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "pii.view", dong_ids=[seongsu], now=NOW)
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.grants.revoke_grant(member.id, "pii.view")
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert not await uow.grants.revoke_grant(member.id, "pii.view")
        assert not await uow.grants.revoke_grant(424242, "pii.view")
        read = await uow.staff.get_staff(member.id)
        leftover = await uow._session.scalar(select(func.count()).select_from(RoleGrantDong))
        assert await uow.grants.get_grant(member.id, "pii.view") is None
    assert read is not None and read.permissions == {"housing.read"} and read.scopes == {}
    assert leftover == 0


async def test_an_uncommitted_grant_changes_nothing(services, uow_factory):
    member, seongsu, _, _ = await staff_and_dongs(services, uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "housing.read", dong_ids=[seongsu], now=NOW)
    async with uow_factory() as uow:
        read = await uow.staff.get_staff(member.id)
    assert read is not None and read.scopes == {}


async def test_the_gate_reads_a_member_with_many_scoped_grants_in_one_query(services, uow_factory, engine):
    member, seongsu, oksu, department_id = await staff_and_dongs(services, uow_factory)
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "housing.read", dong_ids=[seongsu, oksu], now=NOW)
        await uow.grants.set_grant(member.id, "pii.view", dong_ids=[seongsu], now=NOW)
        await uow.grants.set_grant(member.id, "benchmark.coordinate", department_id=department_id, now=NOW)
        await uow.commit()
    statements: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with uow_factory() as uow:
            read = await uow.staff.find_staff_by_telegram_id(4242)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert read is not None and read.scopes == {
        "housing.read": GrantScope(admin_dong_ids=frozenset({seongsu, oksu})),
        "pii.view": GrantScope(admin_dong_ids=frozenset({seongsu})),
        "benchmark.coordinate": GrantScope(department_id=department_id),
    }
    assert {read: True}[read]  # still hashable, scopes and all


async def test_department_scopes_name_only_the_scoped_holders(services, uow_factory):
    member, _, _, department_id = await staff_and_dongs(services, uow_factory)
    other = await make_staff(services, saeol_id="kim02", roles=("benchmark.coordinate",))
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(member.id, "benchmark.coordinate", department_id=department_id, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        # ``other`` holds the permission everywhere, so is not listed.
        assert await uow.grants.department_scopes("benchmark.coordinate") == {member.id: department_id}
        assert other.id != member.id
        assert await uow.grants.department_scopes("benchmark.execute") == {}


async def test_two_admins_granting_the_same_permission_at_once_leave_one_grant(services, uow_factory):
    """The second insert meets the unique constraint (PostgreSQL) or waits for the first writer (SQLite);
    either way it ends as an update of the one grant, with the last scope set."""
    member, seongsu, oksu, _ = await staff_and_dongs(services, uow_factory)
    first = uow_factory(write=True)
    async with first as uow:
        await uow.grants.set_grant(member.id, "community.read", dong_ids=[seongsu], now=NOW)

        async def second_admin() -> None:
            async with uow_factory(write=True) as other:
                await other.grants.set_grant(member.id, "community.read", dong_ids=[oksu], now=NOW)
                await other.commit()

        racing = asyncio.create_task(second_admin())
        await asyncio.sleep(0.3)  # let it reach the insert (PostgreSQL) or BEGIN IMMEDIATE (SQLite) and wait
        await uow.commit()
    await racing
    async with uow_factory() as uow:
        grants = [g for g in await uow.grants.list_grants(member.id) if g.permission == "community.read"]
    assert [g.scope for g in grants] == [GrantScope(admin_dong_ids=frozenset({oksu}))]
