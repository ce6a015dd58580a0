"""Grants scoped to dongs or a department: a housing officer who covers 성수 sees only 성수; a coordinator
scoped to a department coordinates only its cases; an executor scoped to a department executes for it.
Unscoped grants behave exactly as before."""

from dataclasses import replace

import pytest
from sqlalchemy import event, select

from core.benchmark.values import CaseAction, CaseDraft, CaseFilter, CaseState, ProgressResult
from core.benchmark.workflow import allowed_actions, check, is_coordinator, is_executor_of, may_view
from core.errors import NotYourCase, PermissionDenied
from core.permissions import Permission, covers_department, covers_dong, department_scope, dong_scope
from core.staff.directory import SYSTEM_ACTOR
from core.values import GrantScope
from storage.audit.models import AuditEntry
from storage.notifications.models import Notification
from tests.builders import (
    advance_case,
    grant,
    make_case,
    make_complex,
    make_coordinator,
    make_dong,
    make_executor,
    make_staff,
)

SEONGSU_1 = ("성수1가제1동", "성수1")
SEONGSU_2 = ("성수2가제1동", "성수2")
OKSU = ("옥수동", "옥수")


async def district(uow_factory) -> dict[str, int]:
    """Two complexes in 성수1가제1동, one in 성수2가제1동, two in 옥수동; names to ids."""
    ids = {}
    for name, (dong, short) in {
        "성수현대아파트": SEONGSU_1,
        "성수롯데캐슬": SEONGSU_1,
        "성수동아아파트": SEONGSU_2,
        "옥수현대아파트": OKSU,
        "옥수하이츠": OKSU,
    }.items():
        ids[name] = await make_complex(
            uow_factory, name=name, dong=dong, dong_short=short, representatives=1, with_office=True
        )
    return ids


async def dong_id(uow_factory, dong: tuple[str, str]) -> int:
    return await make_dong(uow_factory, *dong)


async def seongsu_officer(services, uow_factory, *, roles=("housing.read",)):
    officer = await make_staff(services, roles=roles)
    return await grant(uow_factory, officer, "housing.read", dongs=(await dong_id(uow_factory, SEONGSU_1),))


# -- the permission helpers ----------------------------------------------------------------------------


def test_an_unscoped_grant_covers_every_dong_and_department():
    assert dong_scope(SYSTEM_ACTOR, Permission.ADMIN) is None
    assert department_scope(SYSTEM_ACTOR, Permission.ADMIN) is None
    assert covers_dong(SYSTEM_ACTOR, Permission.ADMIN, 7) and covers_department(SYSTEM_ACTOR, Permission.ADMIN, 3)
    assert not covers_dong(SYSTEM_ACTOR, Permission.HOUSING_READ, 7)  # not held at all


def test_a_scoped_grant_covers_only_its_dongs_or_department():
    actor = replace(
        SYSTEM_ACTOR,
        permissions=frozenset({"housing.read", "benchmark.coordinate"}),
        scopes={"housing.read": GrantScope(admin_dong_ids=frozenset({1, 2})), "benchmark.coordinate": GrantScope(5)},
    )
    assert dong_scope(actor, Permission.HOUSING_READ) == {1, 2}
    assert covers_dong(actor, Permission.HOUSING_READ, 2) and not covers_dong(actor, Permission.HOUSING_READ, 3)
    assert department_scope(actor, Permission.BENCHMARK_COORDINATE) == 5
    assert covers_department(actor, Permission.BENCHMARK_COORDINATE, 5)
    assert not covers_department(actor, Permission.BENCHMARK_COORDINATE, 6)
    # A department scope says nothing about dongs, and the other way round.
    assert dong_scope(actor, Permission.BENCHMARK_COORDINATE) is None
    assert department_scope(actor, Permission.HOUSING_READ) is None
    inactive = replace(actor, active=False)
    assert not covers_dong(inactive, Permission.HOUSING_READ, 1)


def test_the_workflow_rules_follow_department_scopes():
    planning, general, welfare = 1, 2, 3
    coordinator = replace(
        SYSTEM_ACTOR,
        department_id=planning,
        permissions=frozenset({"benchmark.coordinate"}),
        scopes={"benchmark.coordinate": GrantScope(department_id=general)},
    )
    assert is_coordinator(coordinator) and is_coordinator(coordinator, general)
    assert not is_coordinator(coordinator, welfare) and not may_view(coordinator, welfare)
    assert allowed_actions(coordinator, CaseState.APPROVAL_REQUESTED, general, has_review=True) == {
        CaseAction.APPROVE,
        CaseAction.RETURN,
    }
    assert allowed_actions(coordinator, CaseState.APPROVAL_REQUESTED, welfare, has_review=True) == frozenset()
    with pytest.raises(NotYourCase):
        check(coordinator, CaseState.APPROVAL_REQUESTED, welfare, has_review=True, action=CaseAction.APPROVE)

    executor = replace(
        SYSTEM_ACTOR,
        department_id=planning,
        permissions=frozenset({"benchmark.execute"}),
        scopes={"benchmark.execute": GrantScope(department_id=welfare)},
    )
    assert is_executor_of(executor, welfare) and not is_executor_of(executor, planning)
    assert may_view(executor, welfare) and not may_view(executor, planning)
    with pytest.raises(NotYourCase):
        check(executor, CaseState.REGISTERED, planning, has_review=False, action=CaseAction.REVIEW)


# -- housing: a 성수-only officer ------------------------------------------------------------------------


async def test_a_seongsu_officer_finds_only_seongsu_complexes(services, uow_factory):
    await district(uow_factory)
    officer = await seongsu_officer(services, uow_factory)
    page = await services.housing.search_complexes(officer, "현대아파트")
    assert [(c.name, c.admin_dong) for c in page.items] == [("성수현대아파트", "성수1가제1동")]
    assert page.total == 1
    assert (await services.housing.search_complexes(officer, "옥수")).total == 0
    everyone = await make_staff(services, saeol_id="kim02")
    assert (await services.housing.search_complexes(everyone, "현대아파트")).total == 2


async def test_the_dong_list_shows_only_the_covered_dongs_with_their_counts(services, uow_factory):
    await district(uow_factory)
    officer = await make_staff(services)
    officer = await grant(
        uow_factory,
        officer,
        "housing.read",
        dongs=(await dong_id(uow_factory, SEONGSU_1), await dong_id(uow_factory, SEONGSU_2)),
    )
    counts = {d.name: d.complex_count for d in await services.housing.list_admin_dongs(officer)}
    assert counts == {"성수1가제1동": 2, "성수2가제1동": 1}
    dong, page = await services.housing.list_complexes_in_dong(officer, await dong_id(uow_factory, SEONGSU_1))
    assert dong.name == "성수1가제1동" and [c.name for c in page.items] == ["성수롯데캐슬", "성수현대아파트"]


async def test_another_dongs_complexes_and_cards_are_refused(services, uow_factory):
    ids = await district(uow_factory)
    officer = await seongsu_officer(services, uow_factory)
    with pytest.raises(PermissionDenied) as listing:
        await services.housing.list_complexes_in_dong(officer, await dong_id(uow_factory, OKSU))
    assert listing.value.params == {"permission": "housing.read"}
    with pytest.raises(PermissionDenied):
        await services.housing.get_complex_card(officer, ids["옥수하이츠"])
    card = await services.housing.get_complex_card(officer, ids["성수현대아파트"])
    assert card.detail.name == "성수현대아파트" and card.personal_data_masked


async def test_personal_data_is_unmasked_only_in_the_dongs_pii_view_covers(services, uow_factory):
    ids = await district(uow_factory)
    officer = await make_staff(services, roles=("housing.read", "pii.view"))
    officer = await grant(uow_factory, officer, "pii.view", dongs=(await dong_id(uow_factory, SEONGSU_1),))
    inside = await services.housing.get_complex_card(officer, ids["성수현대아파트"])
    assert not inside.personal_data_masked
    assert inside.office is not None and inside.office.mobile == "010-2345-5678"
    outside = await services.housing.get_complex_card(officer, ids["옥수하이츠"])  # housing.read is unscoped
    assert outside.personal_data_masked and outside.office is not None and outside.office.mobile == "010-****-5678"
    async with uow_factory() as uow:
        audited = list(await uow._session.scalars(select(AuditEntry.target_id).where(AuditEntry.action == "pii.view")))
    assert audited == [ids["성수현대아파트"]]  # the masked view is not an unmasked one


async def test_a_scoped_card_costs_no_more_queries_than_an_unscoped_one(services, uow_factory, engine):
    ids = await district(uow_factory)
    unscoped = await make_staff(services, saeol_id="kim02", roles=("housing.read", "pii.view"))
    scoped = await make_staff(services, saeol_id="lee03", roles=("housing.read", "pii.view"))
    seongsu = await dong_id(uow_factory, SEONGSU_1)
    scoped = await grant(uow_factory, scoped, "housing.read", dongs=(seongsu,))
    scoped = await grant(uow_factory, scoped, "pii.view", dongs=(seongsu,))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        counts = []
        for reader in (unscoped, scoped):
            statements.clear()
            await services.housing.get_complex_card(reader, ids["성수현대아파트"])
            counts.append(len(statements))
        statements.clear()
        with pytest.raises(PermissionDenied):
            await services.housing.get_complex_card(scoped, ids["옥수하이츠"])
        refused = len(statements)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert counts[0] == counts[1]
    assert refused < counts[0]  # refused after the card's head: no personal data is read


async def test_an_unscoped_grant_set_by_the_admin_sees_the_whole_district(services, uow_factory):
    await district(uow_factory)
    officer = await seongsu_officer(services, uow_factory)
    officer = await grant(uow_factory, officer, "housing.read")  # the scope removed
    assert officer.scopes == {}
    assert len(await services.housing.list_admin_dongs(officer)) == 3
    assert (await services.housing.search_complexes(officer, "아파트")).total == 3


# -- benchmarking: a coordinator scoped to a department ---------------------------------------------------


async def two_departments(services):
    """An unscoped coordinator, executors in 총무과 and 복지정책과, and a case for each."""
    coordinator = await make_coordinator(services, telegram_id=9001)
    general = await make_executor(services, telegram_id=7001)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과", telegram_id=7002)
    general_case = await make_case(services, coordinator, general, title="구내식당 페이백")
    welfare_case = await make_case(services, coordinator, welfare, title="경로당 스마트 돌봄")
    return coordinator, general, welfare, general_case, welfare_case


async def test_a_department_scoped_coordinator_lists_and_decides_only_that_departments_cases(services, uow_factory):
    coordinator, general, welfare, general_case, welfare_case = await two_departments(services)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획", telegram_id=9002)
    deputy = await grant(uow_factory, deputy, "benchmark.coordinate", department=general.department_id)

    listed = await services.cases.list_cases(deputy, CaseFilter())
    assert [c.title for c in listed.items] == ["구내식당 페이백"]
    assert (await services.cases.list_cases(deputy, CaseFilter(department_id=general.department_id))).total == 1
    with pytest.raises(NotYourCase):
        await services.cases.list_cases(deputy, CaseFilter(department_id=welfare.department_id))
    with pytest.raises(NotYourCase):
        await services.cases.get(deputy, welfare_case.id)
    assert [d.name for d in await services.cases.executing_departments(deputy)] == ["총무과"]
    with pytest.raises(NotYourCase):
        await services.cases.officers(deputy, welfare.department_id)

    general_case = await advance_case(services, general_case, general, coordinator, to=CaseState.APPROVAL_REQUESTED)
    welfare_case = await advance_case(services, welfare_case, welfare, coordinator, to=CaseState.APPROVAL_REQUESTED)
    assert [c.title for c in (await services.decisions.pending_approvals(deputy)).items] == ["구내식당 페이백"]
    assert await services.decisions.waiting_count(deputy) == 1
    assert await services.decisions.waiting_count(coordinator) == 2  # the unscoped coordinator: unchanged
    with pytest.raises(NotYourCase):
        await services.decisions.approve(deputy, welfare_case.id, welfare_case.approval_round)
    with pytest.raises(NotYourCase):
        await services.decisions.check_decidable(deputy, welfare_case.id, welfare_case.approval_round)
    approved = await services.decisions.approve(deputy, general_case.id, general_case.approval_round)
    assert approved.state is CaseState.APPROVED and approved.decided_by.name == "김기획"


async def test_a_scoped_coordinator_registers_only_for_its_department(services, uow_factory):
    _, general, welfare, _, _ = await two_departments(services)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획")
    deputy = await grant(uow_factory, deputy, "benchmark.coordinate", department=general.department_id)
    with pytest.raises(NotYourCase):
        await services.cases.register(
            deputy,
            CaseDraft(
                title="경로당 돌봄", summary=None, source=None, department_id=welfare.department_id, officer_id=None
            ),
        )
    registered = await services.cases.register(
        deputy,
        CaseDraft(
            title="민원 안내 챗봇",
            summary=None,
            source=None,
            department_id=general.department_id,
            officer_id=general.id,
        ),
    )
    assert registered.case.department.name == "총무과"


async def test_approval_requests_go_only_to_coordinators_who_cover_the_department(services, uow_factory):
    coordinator, general, welfare, _, welfare_case = await two_departments(services)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획", telegram_id=9002)
    await grant(uow_factory, deputy, "benchmark.coordinate", department=general.department_id)
    await advance_case(services, welfare_case, welfare, coordinator, to=CaseState.APPROVAL_REQUESTED)
    async with uow_factory() as uow:
        told = list(
            await uow._session.scalars(
                select(Notification.recipient_id).where(Notification.kind == "approval_requested")
            )
        )
    assert told == [coordinator.id]


async def test_a_scoped_coordinators_statistics_count_only_its_department(services, uow_factory):
    coordinator, general, welfare, general_case, welfare_case = await two_departments(services)
    await advance_case(services, general_case, general, coordinator, to=CaseState.APPROVED)
    await advance_case(services, welfare_case, welfare, coordinator, to=CaseState.REVIEWED)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획")
    deputy = await grant(uow_factory, deputy, "benchmark.coordinate", department=welfare.department_id)
    scoped = await services.statistics.tables(deputy)
    assert [row.label for row in scoped.state_by_department.rows] == ["복지정책과"]
    assert scoped.state_by_department.grand_total == 1 and scoped.progress_by_department.grand_total == 0
    everything = await services.statistics.tables(coordinator)
    assert [row.label for row in everything.state_by_department.rows] == ["복지정책과", "총무과"]


# -- benchmarking: an executor scoped to another department ------------------------------------------------


async def test_an_executor_scoped_to_a_department_executes_for_it_instead_of_their_own(services, uow_factory):
    coordinator, general, welfare, general_case, welfare_case = await two_departments(services)
    helper = await make_executor(services, saeol_id="help01", name="최지원", department="총무과")
    helper = await grant(uow_factory, helper, "benchmark.execute", department=welfare.department_id)

    assert [c.title for c in (await services.cases.list_cases(helper, CaseFilter())).items] == ["경로당 스마트 돌봄"]
    with pytest.raises(NotYourCase):
        await services.cases.get(helper, general_case.id)  # their own department's case: not theirs to execute
    assert await services.decisions.waiting_count(helper) == 1
    officers = await services.cases.officers(coordinator, welfare.department_id)
    assert [o.name for o in officers] == ["박복지", "최지원"]
    assert "최지원" not in [o.name for o in await services.cases.officers(coordinator, general.department_id)]

    reviewed = await advance_case(services, welfare_case, helper, coordinator, to=CaseState.REVIEWED)
    assert reviewed.reviewed_by.name == "최지원"
    requested = await services.decisions.request_approval(
        helper, reviewed.id, reviewed.version, ProgressResult.IN_PROGRESS, "시범 운영 중"
    )
    assert requested.state is CaseState.APPROVAL_REQUESTED
    assert (await services.cases.get(general, general_case.id)).actions == {
        CaseAction.ATTACH,
        CaseAction.SAVE_DRAFT,
        CaseAction.REVIEW,
    }  # the unscoped executor of 총무과: unchanged
