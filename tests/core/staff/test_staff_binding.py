"""Adding staff and binding a Telegram account with a one-time link code."""

from datetime import timedelta

import pytest

from core.errors import (
    AlreadyBound,
    DuplicateStaff,
    InvalidInput,
    LinkCodeRejected,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from core.staff.directory import MAX_FAILED_ATTEMPTS, SYSTEM_ACTOR
from tests.builders import make_staff


async def add_with_code(services, saeol_id="hong01", roles=("housing.read",)):
    return await services.staff.add_staff(
        SYSTEM_ACTOR, saeol_id=saeol_id, name="홍길동", department="공동주택과", permissions=list(roles)
    )


async def test_a_new_staff_member_binds_with_the_code_once(services):
    staff, issued = await add_with_code(services)
    assert issued is not None and len(issued.code) == 10 and issued.expires_at.utcoffset() == timedelta(hours=9)
    assert await services.staff.identify(5001) is None
    bound = await services.staff.bind_by_code(5001, issued.code.lower())
    assert bound.id == staff.id and bound.telegram_user_id == 5001
    assert (await services.staff.identify(5001)).permissions == frozenset({"housing.read"})
    with pytest.raises(LinkCodeRejected):
        await services.staff.bind_by_code(5002, issued.code)
    assert await services.staff.identify(5002) is None


async def test_an_expired_code_is_refused(services, clock):
    _, issued = await add_with_code(services)
    clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(LinkCodeRejected):
        await services.staff.bind_by_code(5001, issued.code)
    assert await services.staff.identify(5001) is None


async def test_repeated_wrong_codes_from_one_account_are_throttled(services, clock):
    _, issued = await add_with_code(services)
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(LinkCodeRejected):
            await services.staff.bind_by_code(6666, "WRONGCODE1")
    with pytest.raises(TooManyAttempts):
        await services.staff.bind_by_code(6666, issued.code)  # even the right code must wait
    await services.staff.bind_by_code(7777, issued.code)  # another account is not held up
    clock.advance(timedelta(minutes=16))
    _, second = await services.staff.add_staff(
        SYSTEM_ACTOR, saeol_id="lee02", name="이순신", department="공동주택과", permissions=[]
    )
    assert (await services.staff.bind_by_code(6666, second.code)).saeol_id == "lee02"


async def test_a_telegram_account_serves_one_staff_member(services):
    await make_staff(services, telegram_id=5001)
    _, issued = await add_with_code(services, saeol_id="lee02")
    with pytest.raises(AlreadyBound):
        await services.staff.bind_by_code(5001, issued.code)
    with pytest.raises(AlreadyBound):
        await services.staff.add_staff(
            SYSTEM_ACTOR, saeol_id="park03", name="박", department="공동주택과", permissions=[], telegram_user_id=5001
        )


async def test_a_new_code_rebinds_to_a_new_phone(services):
    staff = await make_staff(services, telegram_id=5001)
    issued = await services.staff.issue_link_code(SYSTEM_ACTOR, staff.saeol_id)
    await services.staff.bind_by_code(9001, issued.code)
    assert await services.staff.identify(5001) is None
    assert (await services.staff.identify(9001)).id == staff.id


async def test_bad_staff_details_are_refused_and_nothing_is_added(services):
    await make_staff(services)
    with pytest.raises(DuplicateStaff):
        await add_with_code(services)
    for saeol_id, name, department, roles, code in [
        ("Bad ID!", "홍", "과", [], "invalid_saeol_id"),
        ("ok01", " ", "과", [], "invalid_name"),
        ("ok01", "홍", "가" * 51, [], "invalid_department"),
        ("ok01", "홍", "과", ["housing.rule"], "unknown_permission"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            await services.staff.add_staff(
                SYSTEM_ACTOR, saeol_id=saeol_id, name=name, department=department, permissions=roles
            )
        assert refused.value.code == code
    with pytest.raises(NotFound):  # none of the refused ones was added
        await services.staff.issue_link_code(SYSTEM_ACTOR, "ok01")


async def test_only_admins_add_staff(services):
    clerk = await make_staff(services, roles=("housing.read",), telegram_id=1)
    with pytest.raises(PermissionDenied):
        await services.staff.add_staff(clerk, saeol_id="x01", name="x", department="y", permissions=[])
    with pytest.raises(PermissionDenied):
        await services.staff.issue_link_code(clerk, clerk.saeol_id)


async def test_a_unit_of_work_left_without_commit_rolls_back(uow_factory, clock):
    async with uow_factory(write=True) as uow:
        department_id = await uow.staff.ensure_department("기획예산과")
        await uow.staff.add_staff(saeol_id="ghost", name="유령", department_id=department_id, now=clock.now())
    async with uow_factory() as uow:
        assert await uow.staff.find_staff_by_saeol_id("ghost") is None


async def test_only_the_newest_code_binds(services):
    staff, first = await add_with_code(services)
    second = await services.staff.issue_link_code(SYSTEM_ACTOR, staff.saeol_id)
    with pytest.raises(LinkCodeRejected):  # e.g. the first was sent to a phone that was then lost
        await services.staff.bind_by_code(5101, first.code)
    assert (await services.staff.bind_by_code(5102, second.code)).id == staff.id
