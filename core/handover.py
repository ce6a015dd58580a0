"""업무 인계 (인사발령): an admin hands a departing member's work to a successor in one step.

The report promises records stay usable "담당자 부재 또는 인사발령 시에도". What moves: the benchmarking
cases the member is named on that are not finished (not yet approved), their saved SMS recipient lists, and
their open complaints. The admin first sees a preview of exactly that; the handover itself is one transaction
that moves all of it, ends the member's roles if asked, writes one ``staff.handover`` audit entry (with an
entry per case in its own history, as any reassignment) and queues a notice to both members. It is refused,
with nothing moved, when:

- the successor could not act on what they would receive: cases need ``benchmark.execute`` in the case's
  department, complaints ``housing.write`` covering the complex's dong, saved lists ``sms.send`` (the preview
  says which, so the admin grants it first rather than leaving work with someone who cannot open it);
- the work changed since the preview (a case approved, a complaint closed, a list saved): the preview's
  fingerprint no longer matches, and the admin looks again.

This module reads three domains by design, like ``core.audit`` and ``core.reference``; it belongs to none."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from core.benchmark.common import record
from core.benchmark.values import Assignment, CaseAction, CaseInCharge, CaseState, Correction
from core.clock import Clock
from core.errors import InvalidInput, NotFound, StaleRecord
from core.housing.values import ComplaintListItem
from core.notifications.service import OutboxSignal, enqueue
from core.permissions import Permission, can, covers_dong, require
from core.sms.lists import NAME_LIMIT
from core.sms.values import SavedList
from core.staff.administration import StaffAdministration
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

# A case is in someone's hands until it is approved; a returned case goes back to its officer.
OPEN_CASE_STATES = (CaseState.REGISTERED, CaseState.REVIEWED, CaseState.APPROVAL_REQUESTED, CaseState.RETURNED)
# More open work than any one member holds; a preview lists it all, so it stays bounded.
MOST_COMPLAINTS = 1000
RECEIVED, GIVEN = "handover_received", "handover_given"  # the two members' notices


class HandoverChanged(StaleRecord):
    """The member's work changed since the preview: nothing was moved; look again."""

    code = "handover_changed"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    saeol_id: str
    department: str
    active: bool


@dataclass(frozen=True, slots=True)
class Blocker:
    """Why the successor cannot take part of the work: ``code`` names it, ``detail`` what it concerns (a
    department's or a dong's name, or empty)."""

    code: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HandoverPlan:
    departing: Person
    successor: Person
    cases: tuple[CaseInCharge, ...]
    saved_lists: tuple[SavedList, ...]
    complaints: tuple[ComplaintListItem, ...]
    roles: tuple[str, ...]  # the departing member's permissions, which the handover may end
    blockers: tuple[Blocker, ...]
    fingerprint: str

    @property
    def empty(self) -> bool:
        return not (self.cases or self.saved_lists or self.complaints)


@dataclass(frozen=True, slots=True)
class HandoverDone:
    plan: HandoverPlan
    roles_ended: tuple[str, ...]


def _person(member: StaffMember) -> Person:
    return Person(member.id, member.name, member.saeol_id, member.department, member.active)


def _fingerprint(
    successor_id: int,
    cases: tuple[CaseInCharge, ...],
    lists: tuple[SavedList, ...],
    complaints: tuple[ComplaintListItem, ...],
) -> str:
    """What the preview showed, to the version: any change in between gives another fingerprint."""
    parts = [f"to:{successor_id}"]
    parts += [f"case:{c.id}:{c.version}:{c.state.value}" for c in cases]
    parts += [f"list:{s.id}:{s.name}" for s in lists]
    parts += [f"complaint:{c.id}" for c in complaints]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def handed_name(name: str, departing: str, taken: set[str]) -> str:
    """A saved list keeps its name unless the successor has one so named: then "<name> (<departing>)",
    shortened to the name's limit, numbered if that too is taken."""
    if name not in taken:
        return name
    for number in range(1, 100):
        suffix = f" ({departing})" if number == 1 else f" ({departing} {number})"
        candidate = name[: NAME_LIMIT - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    raise InvalidInput("handover_list_names")


class Handover:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal, staff_admin: StaffAdministration
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._signal = signal
        self._staff_admin = staff_admin

    async def preview(self, actor: StaffMember, departing_id: int, successor_id: int) -> HandoverPlan:
        require(actor, Permission.ADMIN)
        async with self._uow() as uow:
            return await self._plan(uow, departing_id, successor_id)

    async def hand_over(
        self, actor: StaffMember, departing_id: int, successor_id: int, *, fingerprint: str, end_roles: bool
    ) -> HandoverDone:
        """Move what the preview with ``fingerprint`` showed, all or nothing."""
        require(actor, Permission.ADMIN)
        async with self._uow(write=True) as uow:
            plan = await self._plan(uow, departing_id, successor_id)
            if plan.fingerprint != fingerprint:
                raise HandoverChanged(f"handover {departing_id} -> {successor_id} changed since its preview")
            if plan.blockers:
                raise InvalidInput("handover_successor_cannot", reasons=", ".join(b.code for b in plan.blockers))
            if end_roles and departing_id == actor.id and Permission.ADMIN.value in plan.roles:
                raise InvalidInput("staff_own_account")
            await self._move(uow, actor, plan)
            ended: tuple[str, ...] = ()
            if end_roles:
                for role in plan.roles:
                    await self._staff_admin.revoke_in(uow, actor, departing_id, Permission(role))
                ended = plan.roles
            now = self._clock.now()
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id or None,
                action="staff.handover",
                target_type="staff",
                target_id=departing_id,
                details={
                    "successor_id": successor_id,
                    "successor": plan.successor.name,
                    "cases": [c.case_no for c in plan.cases],
                    "saved_lists": [s.name for s in plan.saved_lists],
                    "complaints": [c.id for c in plan.complaints],
                    "roles_ended": list(ended),
                },
            )
            counts = {
                "cases": len(plan.cases),
                "saved_lists": len(plan.saved_lists),
                "complaints": len(plan.complaints),
                "case_nos": [c.case_no for c in plan.cases[:10]],
            }
            queued = await enqueue(
                uow, self._clock, recipients=[successor_id], kind=RECEIVED, case_id=None,
                payload={**counts, "other": plan.departing.name},
            )  # fmt: skip
            queued += await enqueue(
                uow, self._clock, recipients=[departing_id], kind=GIVEN, case_id=None,
                payload={**counts, "other": plan.successor.name, "roles_ended": bool(ended)},
            )  # fmt: skip
            await uow.commit()
        if queued:
            self._signal.fire()
        return HandoverDone(plan=plan, roles_ended=ended)

    async def _plan(self, uow: UnitOfWork, departing_id: int, successor_id: int) -> HandoverPlan:
        departing = await uow.staff.get_staff(departing_id)
        successor = await uow.staff.get_staff(successor_id)
        if departing is None:
            raise NotFound(f"staff {departing_id}")
        if successor is None:
            raise NotFound(f"staff {successor_id}")
        if successor_id == departing_id:
            raise InvalidInput("handover_same_member")
        if not successor.active:
            raise InvalidInput("handover_successor_inactive", name=successor.name)
        cases = tuple(await uow.benchmark.list_cases_in_charge_of(departing_id, OPEN_CASE_STATES))
        lists = tuple(await uow.sms_lists.list_saved_lists_of(departing_id))
        complaints, _ = await uow.complaints.list_complaints(
            admin_dong_ids=None, assignee_id=departing_id, open_only=True, offset=0, limit=MOST_COMPLAINTS
        )
        blockers: list[Blocker] = []
        for department_id, department in sorted({(c.department_id, c.department) for c in cases}):
            executors = await uow.benchmark.list_staff_with_permission(
                Permission.BENCHMARK_EXECUTE.value, department_id
            )
            if all(o.id != successor_id for o in executors):
                blockers.append(Blocker("cases_need_executor", department))
        if lists and not can(successor, Permission.SMS_SEND):
            blockers.append(Blocker("lists_need_sms"))
        for dong_id, dong in sorted({(c.admin_dong_id, c.admin_dong) for c in complaints}):
            if not covers_dong(successor, Permission.HOUSING_WRITE, dong_id):
                blockers.append(Blocker("complaints_need_housing", dong))
        return HandoverPlan(
            departing=_person(departing),
            successor=_person(successor),
            cases=cases,
            saved_lists=lists,
            complaints=tuple(complaints),
            roles=tuple(sorted(departing.permissions)),
            blockers=tuple(blockers),
            fingerprint=_fingerprint(successor_id, cases, lists, tuple(complaints)),
        )

    async def _move(self, uow: UnitOfWork, actor: StaffMember, plan: HandoverPlan) -> None:
        departing, successor = plan.departing, plan.successor
        now = self._clock.now()
        for case in plan.cases:
            moved = await uow.benchmark.change_case(
                case.id,
                Correction(at=now, assignment=Assignment(department_id=case.department_id, officer_id=successor.id)),
                from_states=[case.state],
                expected_version=case.version,
            )
            if not moved:
                raise HandoverChanged(f"case {case.id} changed during the handover")
            await record(
                uow, self._clock, actor, case.id, CaseAction.EDIT, state_from=case.state, state_to=case.state,
                changes={"officer": [departing.name, successor.name]}, note="handover",
            )  # fmt: skip
        taken = {s.name for s in await uow.sms_lists.list_saved_lists_of(successor.id)}
        for saved in plan.saved_lists:
            name = handed_name(saved.name, departing.name, taken)
            taken.add(name)
            if not await uow.sms_lists.hand_over_saved_list(
                saved.id, from_owner=departing.id, to_owner=successor.id, name=name
            ):
                raise HandoverChanged(f"saved list {saved.id} changed during the handover")
        if plan.complaints:
            ids = [c.id for c in plan.complaints]
            moved_count = await uow.complaints.hand_over_open_complaints(
                ids, from_assignee=departing.id, to_assignee=successor.id, at=now, by=actor.id or None
            )
            if moved_count != len(ids):
                raise HandoverChanged("complaints changed during the handover")
            for complaint in plan.complaints:
                await uow.audit.record(
                    at=now,
                    actor_staff_id=actor.id or None,
                    action="housing.complaint.edit",
                    target_type="complex",
                    target_id=complaint.complex_id,
                    details={"record_id": complaint.id, "changes": {"assignee": [departing.name, successor.name]}},
                )
