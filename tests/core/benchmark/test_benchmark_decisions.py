"""검토결과, 승인요청, 승인처리: the department reviews and reports, the coordinator approves or returns.

Notifications are read from the outbox as queued, before any sending: who is told what, and who is not."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.benchmark.values import Adoption, CaseAction, CaseFilter, CaseState, ProgressResult, WorkDraft
from core.errors import AlreadyDecided, CaseLocked, InvalidInput, NotYourCase, PermissionDenied, StaleRecord
from core.notifications.service import MessageRef
from storage.notifications.models import Notification
from tests.builders import advance_case, make_case, make_coordinator, make_executor, make_staff


async def queued(uow_factory, since=0):
    """(recipient id, kind) of every notification in the outbox, oldest first, after the first ``since``."""
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(Notification.recipient_id, Notification.kind).order_by(Notification.id).offset(since)
        )
        return [tuple(row) for row in rows]


async def test_review_request_and_approval_tell_the_right_people(services, uow_factory, clock):
    coordinator = await make_coordinator(services, telegram_id=9001)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획", telegram_id=9002)
    await make_coordinator(services, saeol_id="plan03", name="박기획")  # not bound to Telegram: never queued
    officer = await make_executor(services, telegram_id=7001)
    colleague = await make_executor(services, saeol_id="exec02", name="김총무", telegram_id=7002)
    fired = []
    services.notifications.signal.subscribe(lambda: fired.append(True))

    case = await make_case(services, coordinator, officer)
    assert await queued(uow_factory) == [(officer.id, "case_assigned")]

    clock.advance(timedelta(hours=1))
    reviewed = await services.decisions.submit_review(
        officer, case.id, case.version, Adoption.ADOPT_MODIFIED, "  식권 대신\n지역화폐로 바꿔 도입  "
    )
    assert (reviewed.state, reviewed.adoption, reviewed.review_opinion) == (
        CaseState.REVIEWED,
        Adoption.ADOPT_MODIFIED,
        "식권 대신\n지역화폐로 바꿔 도입",
    )
    assert reviewed.reviewed_by.name == "이숙영" and clock.local(reviewed.reviewed_at) == clock.local()
    assert await queued(uow_factory, 1) == [(coordinator.id, "case_reviewed")]

    requested = await services.decisions.request_approval(
        colleague, case.id, reviewed.version, ProgressResult.COMPLETED, "3월부터 시행 중"
    )
    assert (requested.state, requested.approval_round, requested.approval_requested_by.name) == (
        CaseState.APPROVAL_REQUESTED,
        1,
        "김총무",
    )
    assert requested.actions == {CaseAction.WITHDRAW}
    assert await queued(uow_factory, 2) == [(coordinator.id, "approval_requested"), (deputy.id, "approval_requested")]
    pending = await services.decisions.pending_approvals(deputy)
    assert [c.case_no for c in pending.items] == [case.case_no]
    assert (await services.cases.get(deputy, case.id)).actions == {CaseAction.APPROVE, CaseAction.RETURN}

    approved = await services.decisions.approve(deputy, case.id, requested.approval_round)
    assert (approved.state, approved.decided_by.name, approved.actions) == (CaseState.APPROVED, "김기획", frozenset())
    assert await queued(uow_factory, 4) == [(officer.id, "case_approved"), (colleague.id, "case_approved")]
    assert len(fired) == 4  # once per transaction that queued something

    history = await services.cases.history(officer, case.id)
    assert [(e.action, e.actor.name, e.state_from, e.state_to, e.note) for e in history] == [
        ("register", "기획관", None, "registered", None),
        ("review", "이숙영", "registered", "reviewed", "식권 대신\n지역화폐로 바꿔 도입"),
        ("request_approval", "김총무", "reviewed", "approval_requested", "3월부터 시행 중"),
        ("approve", "김기획", "approval_requested", "approved", None),
    ]
    assert history[1].changes == {"adoption": [None, "adopt_modified"], "review_opinion": [None, history[1].note]}
    assert history[2].changes == {"progress_result": [None, "completed"], "progress_note": [None, "3월부터 시행 중"]}


async def test_nobody_is_told_of_their_own_action_and_unbound_staff_are_not_queued(services, uow_factory):
    planner = await make_staff(
        services,
        saeol_id="plan09",
        name="최겸임",
        department="총무과",
        roles=("benchmark.coordinate", "benchmark.execute"),
        telegram_id=9009,
    )
    other_coordinator = await make_coordinator(services, telegram_id=9001)
    unbound_officer = await make_executor(services)
    case = await make_case(services, planner, planner)  # registers a case for the department and takes it
    assert await queued(uow_factory) == []
    case = await advance_case(services, case, planner, other_coordinator, to=CaseState.APPROVAL_REQUESTED)
    assert await queued(uow_factory) == [(other_coordinator.id, "approval_requested")]
    await services.decisions.approve(other_coordinator, case.id, case.approval_round)
    # The planner was both the officer and the requester: told once.
    assert await queued(uow_factory, 1) == [(planner.id, "case_approved")]

    unattended = await make_case(services, other_coordinator, unbound_officer)
    assert await queued(uow_factory, 2) == []  # the unbound officer would never receive it
    unattended = await advance_case(services, unattended, unbound_officer, planner, to=CaseState.RETURNED)
    # Review -> the registrar; request -> the other coordinator (the planner is one too); return -> nobody bound.
    assert await queued(uow_factory, 2) == [
        (other_coordinator.id, "case_reviewed"),
        (other_coordinator.id, "approval_requested"),
        (planner.id, "approval_requested"),
    ]
    assert unattended.return_reason == "예산 근거를 보완하세요."


async def test_a_returned_case_is_revised_and_resubmitted_as_a_new_round(services, uow_factory):
    coordinator = await make_coordinator(services, telegram_id=9001)
    officer = await make_executor(services, telegram_id=7001)
    case = await make_case(services, coordinator, officer)
    first = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    before = len(await queued(uow_factory))
    with pytest.raises(InvalidInput) as no_reason:
        await services.decisions.return_case(coordinator, case.id, first.approval_round, " ")
    assert no_reason.value.code == "text_empty"
    returned = await services.decisions.return_case(coordinator, case.id, first.approval_round, "예산 근거 보완")
    assert (returned.state, returned.return_reason, returned.decided_by.name) == (
        CaseState.RETURNED,
        "예산 근거 보완",
        "기획관",
    )
    assert await queued(uow_factory, before) == [(officer.id, "case_returned")]
    seen = await services.cases.get(officer, case.id)
    assert seen.return_reason == "예산 근거 보완"
    assert seen.actions == {
        CaseAction.ATTACH,
        CaseAction.SAVE_DRAFT,
        CaseAction.REVIEW,
        CaseAction.REQUEST_APPROVAL,
    }
    assert await services.decisions.waiting_count(officer) == 1

    revised = await services.decisions.submit_review(officer, case.id, seen.version, Adoption.LONG_TERM, "내년 재검토")
    assert (revised.state, revised.adoption) == (CaseState.RETURNED, Adoption.LONG_TERM)  # until asked again
    second = await services.decisions.request_approval(
        officer, case.id, revised.version, ProgressResult.NOT_PURSUED, "예산 확보 후 추진"
    )
    assert (second.approval_round, second.return_reason, second.decided_by) == (2, None, None)
    with pytest.raises(AlreadyDecided) as stale:  # the button on the first request's message: who ended it
        await services.decisions.approve(coordinator, case.id, first.approval_round)
    assert stale.value.code == "case_already_returned"
    assert stale.value.params == {"by": coordinator.name, "at": "2026-11-25 10:00", "case_no": case.case_no}
    approved = await services.decisions.approve(coordinator, case.id, second.approval_round)
    assert (approved.state, approved.progress_result) == (CaseState.APPROVED, ProgressResult.NOT_PURSUED)
    actions = [e.action for e in await services.cases.history(coordinator, case.id)]
    assert actions == ["register", "review", "request_approval", "return", "review", "request_approval", "approve"]


async def test_a_decided_case_says_who_decided_and_when(services, clock):
    coordinator = await make_coordinator(services)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획")
    officer = await make_executor(services)
    case = await make_case(services, coordinator, officer)
    case = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    await services.decisions.approve(coordinator, case.id, case.approval_round)
    clock.advance(timedelta(minutes=30))
    for decide in (
        services.decisions.approve(coordinator, case.id, case.approval_round),
        services.decisions.approve(deputy, case.id, case.approval_round),
        services.decisions.return_case(deputy, case.id, case.approval_round, "늦은 반려"),
        services.decisions.check_decidable(deputy, case.id, case.approval_round),
    ):
        with pytest.raises(AlreadyDecided) as decided:
            await decide
        assert decided.value.code == "case_already_approved"
        assert decided.value.params == {"by": "기획관", "at": "2026-11-25 10:00", "case_no": case.case_no}

    other = await advance_case(
        services, await make_case(services, coordinator, officer), officer, coordinator, to=CaseState.RETURNED
    )
    with pytest.raises(AlreadyDecided) as returned:
        await services.decisions.approve(deputy, other.id, other.approval_round)
    assert returned.value.code == "case_already_returned"
    assert returned.value.params["by"] == "기획관"


async def test_two_approvers_at_once_decide_the_case_exactly_once(services):
    coordinator = await make_coordinator(services)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획")
    officer = await make_executor(services)
    case = await make_case(services, coordinator, officer)
    case = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    outcomes = await asyncio.gather(
        services.decisions.approve(coordinator, case.id, case.approval_round),
        services.decisions.approve(deputy, case.id, case.approval_round),
        return_exceptions=True,
    )
    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], AlreadyDecided) and lost[0].code == "case_already_approved"
    assert lost[0].params["by"] == won[0].decided_by.name
    history = await services.cases.history(coordinator, case.id)
    assert [e.action for e in history].count("approve") == 1


async def test_approve_and_return_at_once_leave_exactly_one_decision(services):
    coordinator = await make_coordinator(services)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획")
    officer = await make_executor(services)
    case = await make_case(services, coordinator, officer)
    case = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    outcomes = await asyncio.gather(
        services.decisions.approve(coordinator, case.id, case.approval_round),
        services.decisions.return_case(deputy, case.id, case.approval_round, "보완 필요"),
        return_exceptions=True,
    )
    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], AlreadyDecided)
    final = await services.cases.get(coordinator, case.id)
    assert final.state is won[0].state and final.state in {CaseState.APPROVED, CaseState.RETURNED}
    assert lost[0].code == ("case_already_approved" if final.state is CaseState.APPROVED else "case_already_returned")
    decisions = [
        e.action for e in await services.cases.history(coordinator, case.id) if e.action in {"approve", "return"}
    ]
    assert len(decisions) == 1


async def test_the_department_may_withdraw_its_request_and_ask_again(services, uow_factory):
    coordinator = await make_coordinator(services, telegram_id=9001)
    officer = await make_executor(services, telegram_id=7001)
    case = await make_case(services, coordinator, officer)
    requested = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    with pytest.raises(PermissionDenied):
        await services.decisions.withdraw(coordinator, case.id)
    before = len(await queued(uow_factory))
    withdrawn = await services.decisions.withdraw(officer, case.id)
    assert (withdrawn.state, withdrawn.approval_round) == (CaseState.REVIEWED, 1)
    assert await queued(uow_factory, before) == [(coordinator.id, "approval_withdrawn")]
    with pytest.raises(CaseLocked) as not_requested:
        await services.decisions.withdraw(officer, case.id)
    assert not_requested.value.code == "case_not_requested"
    with pytest.raises(CaseLocked) as gone:  # the approve button of the withdrawn request
        await services.decisions.approve(coordinator, case.id, requested.approval_round)
    assert gone.value.code == "approval_withdrawn"  # says who took the request back, and when
    assert gone.value.params == {"by": officer.name, "at": "2026-11-25 10:00", "case_no": case.case_no}
    again = await services.decisions.request_approval(
        officer, case.id, withdrawn.version, ProgressResult.IN_PROGRESS, "일정 수정"
    )
    assert again.approval_round == 2
    with pytest.raises(CaseLocked) as still_gone:  # the same button, with a newer request waiting
        await services.decisions.approve(coordinator, case.id, requested.approval_round)
    assert still_gone.value.code == "approval_withdrawn"
    history = await services.cases.history(officer, case.id)
    assert [(e.action, e.state_from, e.state_to) for e in history[-2:]] == [
        ("withdraw", "approval_requested", "reviewed"),
        ("request_approval", "reviewed", "approval_requested"),
    ]


async def test_a_saved_draft_is_not_a_review_and_statistics_do_not_count_it(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    case = await make_case(services, coordinator, officer)
    draft = WorkDraft(adoption=Adoption.ADOPT, opinion="  초안 의견 ", progress_result=ProgressResult.IN_PROGRESS)
    saved = await services.decisions.save_draft(officer, case.id, case.version, draft)
    assert (saved.state, saved.adoption, saved.review_opinion) == (CaseState.REGISTERED, None, None)
    assert saved.draft == WorkDraft(
        adoption=Adoption.ADOPT, opinion="초안 의견", progress_result=ProgressResult.IN_PROGRESS
    )
    assert (await services.cases.get(coordinator, case.id)).draft == saved.draft
    assert CaseAction.REQUEST_APPROVAL not in saved.actions  # a draft is not a review
    with pytest.raises(StaleRecord):
        await services.decisions.save_draft(officer, case.id, case.version, draft)
    tables = await services.statistics.tables(coordinator)
    assert tables.adoption_by_department.grand_total == 0
    assert tables.adoption_by_year.grand_total == 0
    assert tables.progress_by_department.grand_total == 0
    assert tables.state_by_department.totals[0] == 1  # it exists, as registered
    adopt = await services.cases.list_cases(coordinator, CaseFilter(adoption=Adoption.ADOPT))
    assert adopt.total == 0

    reviewed = await services.decisions.submit_review(officer, case.id, saved.version, Adoption.ADOPT, "도입")
    assert reviewed.draft == WorkDraft(progress_result=ProgressResult.IN_PROGRESS)  # the unsent report stays
    tables = await services.statistics.tables(coordinator)
    assert tables.adoption_by_department.rows[0].label == "총무과"
    assert tables.adoption_by_department.totals == (1, 0, 0, 0)


async def test_waiting_counts_for_the_coordinator_and_for_each_department(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    clerk = await make_staff(services, saeol_id="hong02")
    fresh = await make_case(services, coordinator, officer)
    requested = await advance_case(
        services, await make_case(services, coordinator, officer), officer, coordinator, to=CaseState.APPROVAL_REQUESTED
    )
    await advance_case(
        services, await make_case(services, coordinator, welfare), welfare, coordinator, to=CaseState.RETURNED
    )
    await advance_case(
        services, await make_case(services, coordinator, welfare), welfare, coordinator, to=CaseState.APPROVED
    )
    assert await services.decisions.waiting_count(coordinator) == 1
    assert await services.decisions.waiting_count(officer) == 1  # the fresh case; the requested one waits upstairs
    assert await services.decisions.waiting_count(welfare) == 1  # the returned case
    assert await services.decisions.waiting_count(clerk) == 0
    await services.decisions.submit_review(officer, fresh.id, fresh.version, Adoption.ADOPT, "도입")
    assert await services.decisions.waiting_count(officer) == 0
    await services.decisions.approve(coordinator, requested.id, requested.approval_round)
    assert await services.decisions.waiting_count(coordinator) == 0


async def test_a_department_cannot_decide_and_cannot_touch_another_departments_case(services):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    welfare = await make_executor(services, saeol_id="welf01", name="박복지", department="복지정책과")
    case = await make_case(services, coordinator, officer)
    with pytest.raises(NotYourCase):
        await services.decisions.submit_review(welfare, case.id, case.version, Adoption.ADOPT, "도입")
    with pytest.raises(PermissionDenied):  # the coordinator reviews nothing
        await services.decisions.submit_review(coordinator, case.id, case.version, Adoption.ADOPT, "도입")
    with pytest.raises(CaseLocked) as needs_review:
        await services.decisions.request_approval(officer, case.id, case.version, ProgressResult.COMPLETED, "완료")
    assert needs_review.value.code == "case_needs_review"
    with pytest.raises(InvalidInput) as short:
        await services.decisions.submit_review(officer, case.id, case.version, Adoption.ADOPT, "네")
    assert short.value.code == "text_too_short"
    case = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    for refused in (
        services.decisions.approve(officer, case.id, case.approval_round),
        services.decisions.return_case(officer, case.id, case.approval_round, "반려"),
        services.decisions.check_decidable(officer, case.id, case.approval_round),
        services.decisions.pending_approvals(officer),
    ):
        with pytest.raises(PermissionDenied):
            await refused
    with pytest.raises(CaseLocked) as pending:
        await services.decisions.submit_review(officer, case.id, case.version, Adoption.ADOPT, "다시 검토")
    assert pending.value.code == "case_locked_pending"
    assert (await services.decisions.check_decidable(coordinator, case.id, case.approval_round)).id == case.id
    assert (await services.cases.get(coordinator, case.id)).state is CaseState.APPROVAL_REQUESTED


async def test_nobody_decides_on_a_request_they_made_themselves(services):
    """기획예산과's coordinator may also execute its own cases; its requests go to another coordinator."""
    both = await make_staff(
        services,
        saeol_id="plan09",
        name="김동네",
        department="기획예산과",
        roles=("benchmark.coordinate", "benchmark.execute"),
    )
    colleague = await make_coordinator(services, saeol_id="plan02", name="예산관")
    case = await make_case(services, colleague, both, title="규제 개선 신문고")
    requested = await advance_case(services, case, both, colleague, to=CaseState.APPROVAL_REQUESTED)
    assert (await services.decisions.pending_approvals(both)).total == 0  # not in their own queue
    assert await services.decisions.waiting_count(both) == 0
    assert (await services.decisions.pending_approvals(colleague)).total == 1
    seen_by_requester = await services.cases.get(both, case.id)
    assert not seen_by_requester.may(CaseAction.APPROVE) and not seen_by_requester.may(CaseAction.RETURN)
    with pytest.raises(CaseLocked) as refused:
        await services.decisions.approve(both, case.id, requested.approval_round)
    assert refused.value.code == "own_request"
    with pytest.raises(CaseLocked):
        await services.decisions.return_case(both, case.id, requested.approval_round, "스스로 반려")
    approved = await services.decisions.approve(colleague, case.id, requested.approval_round)
    assert approved.state is CaseState.APPROVED and approved.decided_by.name == "예산관"


async def test_a_decision_closes_every_copy_of_the_request(services, uow_factory):
    """A copy still in the outbox goes out closed; a copy delivered (or under way) gets an update that edits its
    message, except the message the approver pressed, which the bot turns into the case itself."""
    coordinator = await make_coordinator(services, telegram_id=9001)
    deputy = await make_coordinator(services, saeol_id="plan02", name="김기획", telegram_id=9002)
    late = await make_coordinator(services, saeol_id="plan03", name="박기획", telegram_id=9003)
    waiting = await make_coordinator(services, saeol_id="plan04", name="최기획", telegram_id=9004)
    officer = await make_executor(services, telegram_id=7001)
    case = await make_case(services, coordinator, officer)
    requested = await advance_case(services, case, officer, coordinator, to=CaseState.APPROVAL_REQUESTED)
    copies, pressed = {}, None
    for notification in await services.notifications.claim():
        if notification.kind != "approval_requested":
            continue
        copies[notification.recipient_id] = notification.id
        if notification.recipient_id in (coordinator.id, deputy.id):
            message_id = 500 + notification.recipient_id
            await services.notifications.delivered(notification.id, message_id, notification.telegram_user_id)
            if notification.recipient_id == coordinator.id:
                pressed = MessageRef(notification.telegram_user_id, message_id)
        elif notification.recipient_id == waiting.id:
            await services.notifications.release([notification.id])  # back in the outbox, untried
    # 박기획's copy stays claimed and unsent: a sender may be sending it right now.

    await services.decisions.approve(coordinator, case.id, requested.approval_round, seen_on=pressed)

    async with uow_factory() as uow:
        rows = (
            await uow._session.execute(
                select(Notification.recipient_id, Notification.payload, Notification.updates_id)
                .where(Notification.kind == "approval_requested")
                .order_by(Notification.id)
            )
        ).all()
    closed = {"outcome": "approved", "by": "기획관", "at": "2026-11-25 10:00"}
    assert all(row.payload["closed"] == closed for row in rows)  # what is still to go goes out closed too
    updates = sorted((row.recipient_id, row.updates_id) for row in rows if row.updates_id is not None)
    assert updates == sorted([(deputy.id, copies[deputy.id]), (late.id, copies[late.id])])
