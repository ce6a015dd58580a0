"""The gate's memory of who is who: an account is read once and then answered from memory, until anything
about staff changes, by whichever process, through the service or a plain SQL statement; then the very next
lookup reads it again. A deactivated member is refused on their next update, as before."""

from sqlalchemy import text

from core.staff.identities import Identities
from storage.staff.repository import StaffRepository
from tests.builders import grant, make_dong, make_staff

TG = 7001


async def reads(monkeypatch) -> list[int]:
    """The Telegram ids read from the database from now on (what memory did not answer)."""
    read: list[int] = []
    original = StaffRepository.find_staff_by_telegram_id

    async def counted(self, telegram_user_id):
        read.append(telegram_user_id)
        return await original(self, telegram_user_id)

    monkeypatch.setattr(StaffRepository, "find_staff_by_telegram_id", counted)
    return read


async def execute(uow_factory, statement: str) -> None:
    """A change made behind the services' back, as another process or an operator's SQL would."""
    async with uow_factory(write=True) as uow:
        await uow._session.execute(text(statement))
        await uow.commit()


async def test_an_account_is_read_once_while_nothing_about_staff_changes(services, uow_factory, monkeypatch):
    member = await make_staff(services, roles=("housing.read",), telegram_id=TG)
    read = await reads(monkeypatch)
    for _ in range(3):
        assert await services.staff.identify(TG) == member
        assert await services.staff.identify(TG + 1) is None  # a stranger is remembered as nobody
    assert read == [TG, TG + 1]


async def test_a_deactivation_by_another_process_applies_on_the_next_lookup(services, uow_factory):
    member = await make_staff(services, roles=("housing.read",), telegram_id=TG)
    assert (await services.staff.identify(TG)).active
    await execute(uow_factory, f"UPDATE staff SET active = false WHERE id = {member.id}")
    assert not (await services.staff.identify(TG)).active
    await execute(uow_factory, f"UPDATE staff SET active = true WHERE id = {member.id}")
    assert (await services.staff.identify(TG)).active


async def test_grants_scopes_and_department_names_apply_on_the_next_lookup(services, uow_factory):
    member = await make_staff(services, roles=("housing.read",), telegram_id=TG)
    assert (await services.staff.identify(TG)).permissions == {"housing.read"}
    dong = await make_dong(uow_factory)
    await grant(uow_factory, member, "housing.write", dongs=(dong,))
    seen = await services.staff.identify(TG)
    assert seen.permissions == {"housing.read", "housing.write"} and seen.scopes["housing.write"].admin_dong_ids == {
        dong
    }
    await execute(uow_factory, "DELETE FROM role_grant_dong")
    assert "housing.write" not in (await services.staff.identify(TG)).scopes
    await execute(uow_factory, f"UPDATE department SET name = '공동주택정책과' WHERE id = {member.department_id}")
    assert (await services.staff.identify(TG)).department == "공동주택정책과"
    await execute(uow_factory, f"DELETE FROM role_grant WHERE staff_id = {member.id}")
    assert (await services.staff.identify(TG)).permissions == frozenset()


async def test_binding_an_account_is_seen_at_once_after_it_was_remembered_as_nobody(services, uow_factory):
    member = await make_staff(services, roles=("housing.read",))
    assert await services.staff.identify(TG) is None
    await execute(uow_factory, f"UPDATE staff SET telegram_user_id = {TG} WHERE id = {member.id}")
    assert (await services.staff.identify(TG)).id == member.id


async def test_memory_holds_a_bounded_number_of_accounts(services, uow_factory, monkeypatch):
    identities = Identities(uow_factory, remembered=2)
    read = await reads(monkeypatch)
    for telegram_id in (1, 2, 3, 1):
        assert await identities.identify(telegram_id) is None
    assert read == [1, 2, 3, 1]  # 1 was the least recently seen when 3 came
