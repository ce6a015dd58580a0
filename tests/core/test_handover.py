"""업무 인계: an admin hands a departing member's open work to a successor in one step, or not at all."""

from datetime import date

import pytest
from sqlalchemy import select

from core.benchmark.values import CaseState
from core.errors import InvalidInput, PermissionDenied
from core.handover import GIVEN, RECEIVED, HandoverChanged, handed_name
from core.housing.values import ComplaintDraft
from core.values import StaffMember
from storage.audit.models import AuditEntry
from storage.benchmark.models import BenchmarkCase, BenchmarkEvent
from storage.housing.models import Complaint
from storage.notifications.models import Notification
from storage.sms.models import SmsSavedList
from tests.builders import (
    SYSTEM_ACTOR,
    advance_case,
    make_case,
    make_complex,
    make_coordinator,
    make_executor,
    make_staff,
)

ADMIN = SYSTEM_ACTOR


@pytest.fixture
async def world(services, uow_factory):
    """이숙영 of 총무과 leaves: two open cases and an approved one, an open and a closed complaint, a saved list.
    Her successor 박후임 is in the same department with the same roles; 김다른 of 문화체육과 is not."""
    coordinator = await make_coordinator(services)
    roles = ("benchmark.execute", "housing.read", "housing.write", "sms.send")
    departing = await make_staff(
        services, saeol_id="lee01", name="이숙영", department="총무과", roles=roles, telegram_id=71
    )
    successor = await make_staff(
        services, saeol_id="park01", name="박후임", department="총무과", roles=roles, telegram_id=72
    )
    other = await make_executor(services, saeol_id="kim01", name="김다른", department="문화체육과")
    open_one = await _case(services, coordinator, departing, "구내식당 페이백")
    returned = await advance_case(
        services, await _case(services, coordinator, departing, "찾아가는 체육교실"), departing, coordinator,
        to=CaseState.RETURNED,
    )  # fmt: skip
    done = await advance_case(
        services, await _case(services, coordinator, departing, "키즈맘 행복항구"), departing, coordinator,
        to=CaseState.APPROVED,
    )  # fmt: skip
    complex_id = await make_complex(uow_factory)
    open_complaint = await _complaint(services, departing, complex_id, "누수")
    closed = await _complaint(services, departing, complex_id, "소음")
    started = await services.complaints.start(departing, closed.id, closed.version)
    await services.complaints.close(departing, closed.id, started.version, "조치 완료")
    async with uow_factory(write=True) as uow:
        await uow.sms_lists.add_saved_list(owner_id=departing.id, name="회장단", now=_now(services), entries=[])
        await uow.sms_lists.add_saved_list(owner_id=successor.id, name="회장단", now=_now(services), entries=[])
        await uow.commit()
    return {
        "departing": departing, "successor": successor, "other": other, "cases": (open_one, returned),
        "approved": done, "complaint": open_complaint, "closed": closed,
    }  # fmt: skip


def _now(services):
    return services.clock.now()


async def _case(services, coordinator, officer, title):
    return await make_case(services, coordinator, officer, title=title)


async def _complaint(services, member: StaffMember, complex_id: int, content: str):
    draft = ComplaintDraft(
        complex_id=complex_id, received_on=date(2026, 11, 20), channel="phone", content=content, assignee_id=member.id
    )
    return await services.complaints.register(member, draft)


async def test_the_preview_lists_the_open_work_and_the_handover_moves_exactly_that(services, uow_factory, world):
    departing, successor = world["departing"], world["successor"]
    plan = await services.handover.preview(ADMIN, departing.id, successor.id)
    assert [c.title for c in plan.cases] == ["구내식당 페이백", "찾아가는 체육교실"]  # not the approved one
    assert [c.id for c in plan.complaints] == [world["complaint"].id]  # not the closed one
    assert [s.name for s in plan.saved_lists] == ["회장단"] and plan.blockers == ()
    done = await services.handover.hand_over(
        ADMIN, departing.id, successor.id, fingerprint=plan.fingerprint, end_roles=True
    )
    assert done.roles_ended == ("benchmark.execute", "housing.read", "housing.write", "sms.send")
    async with uow_factory() as uow:
        session = uow._session
        officers = dict((await session.execute(select(BenchmarkCase.title, BenchmarkCase.officer_id))).all())
        assignees = dict((await session.execute(select(Complaint.content, Complaint.assignee_id))).all())
        lists = sorted((await session.execute(select(SmsSavedList.owner_id, SmsSavedList.name))).all())
        events = (await session.execute(select(BenchmarkEvent.changes).where(BenchmarkEvent.note == "handover"))).all()
        [entry] = (await session.execute(select(AuditEntry.details).where(AuditEntry.action == "staff.handover"))).all()
        notices = sorted((await session.execute(select(Notification.recipient_id, Notification.kind)
                                                .where(Notification.kind.in_((RECEIVED, GIVEN))))).all())  # fmt: skip
        left = await uow.staff.get_staff(departing.id)
    assert officers == {
        "구내식당 페이백": successor.id,
        "찾아가는 체육교실": successor.id,
        "키즈맘 행복항구": departing.id,
    }
    assert assignees == {"누수": successor.id, "소음": departing.id}
    # The successor already had a 회장단: the one received keeps its name with whose it was.
    assert lists == [(successor.id, "회장단"), (successor.id, "회장단 (이숙영)")]
    assert len(events) == 2 and events[0].changes == {"officer": ["이숙영", "박후임"]}
    assert entry.details["successor"] == "박후임" and entry.details["complaints"] == [world["complaint"].id]
    assert notices == [(departing.id, GIVEN), (successor.id, RECEIVED)]
    assert left is not None and left.permissions == frozenset()


async def test_work_that_changed_since_the_preview_moves_nothing(services, uow_factory, world):
    departing, successor = world["departing"], world["successor"]
    plan = await services.handover.preview(ADMIN, departing.id, successor.id)
    started = await services.complaints.start(departing, world["complaint"].id, world["complaint"].version)
    await services.complaints.close(departing, started.id, started.version, "먼저 끝냈습니다")
    with pytest.raises(HandoverChanged):
        await services.handover.hand_over(
            ADMIN, departing.id, successor.id, fingerprint=plan.fingerprint, end_roles=True
        )
    async with uow_factory() as uow:
        officers = set(await uow._session.scalars(select(BenchmarkCase.officer_id)))
        member = await uow.staff.get_staff(departing.id)
    assert officers == {departing.id} and member is not None and member.permissions


async def test_a_successor_who_could_not_act_on_the_work_is_refused_with_the_reasons(services, world):
    departing, other = world["departing"], world["other"]
    plan = await services.handover.preview(ADMIN, departing.id, other.id)
    assert [(b.code, b.detail) for b in plan.blockers] == [
        ("cases_need_executor", "총무과"),
        ("lists_need_sms", ""),
        ("complaints_need_housing", "왕십리도선동"),
    ]
    with pytest.raises(InvalidInput) as refused:
        await services.handover.hand_over(ADMIN, departing.id, other.id, fingerprint=plan.fingerprint, end_roles=False)
    assert refused.value.code == "handover_successor_cannot"


async def test_only_admins_hand_over_and_never_to_the_same_or_an_inactive_member(services, world):
    departing, successor = world["departing"], world["successor"]
    with pytest.raises(PermissionDenied):
        await services.handover.preview(successor, departing.id, successor.id)
    with pytest.raises(InvalidInput) as same:
        await services.handover.preview(ADMIN, departing.id, departing.id)
    assert same.value.code == "handover_same_member"
    await services.staff_admin.deactivate(ADMIN, successor.id)
    with pytest.raises(InvalidInput) as inactive:
        await services.handover.preview(ADMIN, departing.id, successor.id)
    assert inactive.value.code == "handover_successor_inactive"


def test_a_received_lists_name_makes_way_for_the_successors_own():
    assert handed_name("회장단", "이숙영", set()) == "회장단"
    assert handed_name("회장단", "이숙영", {"회장단"}) == "회장단 (이숙영)"
    assert handed_name("회장단", "이숙영", {"회장단", "회장단 (이숙영)"}) == "회장단 (이숙영 2)"
    assert len(handed_name("가" * 40, "이숙영", {"가" * 40})) == 40
