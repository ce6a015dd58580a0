"""A deterministic decade of benchmarking (벤치마킹) for the demo office: the coordinators of 기획예산과, the
executing officers of ten departments, and the cases they registered, reviewed, reported and decided.

What it holds:
- the seed's 검토결과 목록 exactly: 2016-1-1 … 2016-1-6 with their departments, officers, titles and
  채택구분, reviewed (its "검토결과: 등록"). The screen numbers 2016-1-1 as row 17 of the list, so the first
  quarter of 2016 holds 17 cases;
- from then on, two to five cases a quarter up to ``until``, each living a plausible life (review within
  weeks, a progress report months later, approval or a return with a reason, sometimes a second round)
  and cut off at ``until``: what lies after it has not happened yet, so recent cases are still open;
- a few cases placed a fixed number of days before ``until`` so that whoever tries the demo finds work at
  every step: the ``desk`` officer of 기획예산과 (whom ``dongne demo``'s persona replaces) has cases to
  review, to report on, waiting for approval, returned and approved, and other departments' requests wait
  for a coordinator.

Numbers come last: each quarter's cases are numbered in the order they were registered, as
``CaseRegistry.register`` would have numbered them. Everything is drawn from generators seeded by ``seed``
(one per quarter, so a later ``until`` adds cases without changing the earlier ones), and the same seed and
``until`` always give the same office."""

from __future__ import annotations

import random
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.demo_data.benchmark_files import pdf_document, png_picture
from bot.demo_data.benchmark_history import CaseValues, apply
from bot.demo_data.benchmark_words import (
    COORDINATING_DEPARTMENT,
    DEPARTMENT_WEIGHTS,
    EXECUTING_DEPARTMENTS,
    IDEAS,
    OPINIONS,
    PROGRESS_NOTES,
    RETURN_REASONS,
    SEED_CASES,
    SEED_DETAILS,
    SOURCES,
    STAFF_FEMALE_NAMES,
    STAFF_MALE_NAMES,
    SUMMARY_TEMPLATES,
    syllable_initial,
)
from bot.demo_data.people import People
from bot.demo_data.seongdong import DEFAULT_SEED
from bot.demo_data.types import DemoAttachment, DemoBenchmark, DemoCase, DemoEvent, DemoStaff
from bot.demo_data.vocabulary import ROMANIZED_SURNAMES
from core.benchmark.numbering import case_number, quarter_of
from core.benchmark.values import Adoption, CaseAction, CaseState, ProgressResult, WorkDraft

SEOUL = ZoneInfo("Asia/Seoul")
FIRST_YEAR = 2016
# The seed's list shows 2016-1-1 as 연번 17 and numbers rows down from the total: 17 cases in the quarter.
SEED_QUARTER_CASES = 17
CASES_PER_QUARTER = (2, 5)
# The history reaches back about eight months before ``until`` for the placed cases; before 2017 they would
# fall before the seed's own cases.
EARLIEST_UNTIL = datetime(2017, 1, 1, tzinfo=UTC)

COORDINATE, EXECUTE = "benchmark.coordinate", "benchmark.execute"
# Years a person does the job; None: still does. People move on, so a case is handled by whoever held the
# post in its year, and the seed's officers hand over after 2018.
COORDINATOR_ERAS: tuple[tuple[int, int | None], ...] = ((2016, 2019), (2018, 2022), (2021, None), (2024, None))
OFFICER_ERAS: tuple[tuple[int, int | None], ...] = ((2016, 2019), (2018, 2023), (2022, None))
SEED_OFFICER_ERA: tuple[int, int | None] = (2016, 2018)
DESK_ERA: tuple[int, int | None] = (2023, None)

# The seed's six were registered together one morning, and reviewed over the following weeks.
SEED_REGISTERED = datetime(2016, 1, 25, 10, 0)
SEED_REGISTRATION_GAP = timedelta(minutes=12)
SEED_REVIEWED = (
    datetime(2016, 2, 15, 14, 10),
    datetime(2016, 3, 8, 10, 30),
    datetime(2016, 3, 21, 16, 5),
    datetime(2016, 2, 26, 11, 20),
    datetime(2016, 3, 30, 15, 40),
    datetime(2016, 3, 11, 9, 50),
)

# Cases standing at each step of the workflow on the day the demo is loaded: (department, at the desk,
# steps as (action, days before ``until``)). Steps are two or more days apart, so moving a weekend day back
# to Friday keeps them in order.
PLACED: tuple[tuple[str, bool, tuple[tuple[str, int], ...]], ...] = (
    (COORDINATING_DEPARTMENT, True, (("register", 1),)),
    (COORDINATING_DEPARTMENT, True, (("register", 9), ("save_draft", 2))),
    (COORDINATING_DEPARTMENT, True, (("register", 36), ("review", 24))),
    (COORDINATING_DEPARTMENT, True, (("register", 100), ("review", 80), ("request_approval", 4))),
    (COORDINATING_DEPARTMENT, True, (("register", 150), ("review", 128), ("request_approval", 32), ("return", 27))),
    (COORDINATING_DEPARTMENT, True, (("register", 230), ("review", 205), ("request_approval", 64), ("approve", 58))),
    ("공동주택과", False, (("register", 3),)),
    ("복지정책과", False, (("register", 47), ("review", 30))),
    ("마을공동체과", False, (("register", 72), ("review", 51), ("request_approval", 2))),
    ("교통행정과", False, (("register", 125), ("review", 96), ("request_approval", 6))),
    (
        "청소행정과",
        False,
        (("register", 210), ("review", 182), ("request_approval", 61), ("return", 55), ("request_approval", 3)),
    ),
)
PLACED_DRAFT = WorkDraft(
    adoption=Adoption.ADOPT_MODIFIED,
    opinion="시범 운영할 동을 고르는 중. 소요예산은 주민참여예산 담당과 협의 예정.",
)

ADOPTION_WEIGHTS = {
    Adoption.ADOPT: 25,
    Adoption.ADOPT_MODIFIED: 30,
    Adoption.LONG_TERM: 25,
    Adoption.NOT_ADOPTED: 20,
}
# Share of reviews that stop there: a policy not adopted, or left for later, is rarely reported on.
STALLS = {Adoption.ADOPT: 0.08, Adoption.ADOPT_MODIFIED: 0.12, Adoption.LONG_TERM: 0.6, Adoption.NOT_ADOPTED: 0.55}
RESULT_WEIGHTS: dict[Adoption, dict[ProgressResult, int]] = {
    Adoption.ADOPT: {ProgressResult.COMPLETED: 75, ProgressResult.IN_PROGRESS: 25},
    Adoption.ADOPT_MODIFIED: {ProgressResult.COMPLETED: 60, ProgressResult.IN_PROGRESS: 40},
    Adoption.LONG_TERM: {ProgressResult.IN_PROGRESS: 50, ProgressResult.NOT_PURSUED: 50},
    Adoption.NOT_ADOPTED: {ProgressResult.NOT_PURSUED: 100},
}
RETURN_SHARE = 0.15
RESUBMIT_SHARE = 0.65
NO_OFFICER_SHARE = 0.04  # assigned to the department as a whole
COLLEAGUE_SHARE = 0.15  # a colleague of the officer enters the review or the report


def build_demo_benchmark(seed: int = DEFAULT_SEED, *, until: datetime, zone: ZoneInfo = SEOUL) -> DemoBenchmark:
    """The office's benchmarking as it stands at ``until`` (an aware instant), in the office's ``zone``
    (which decides the quarter a registration falls in, as it does for ``CaseRegistry.register``)."""
    return _Builder(seed, until, zone).build()


@dataclass(slots=True)
class _File:
    file_name: str
    photo: bool
    uploaded_by: str
    uploaded_at: datetime  # local


@dataclass(slots=True)
class _Plan:
    """A case before it has a number."""

    registered_at: datetime  # local
    title: str
    summary: str
    source: str
    department: str
    officer: str | None
    registrar: str
    events: list[DemoEvent]
    files: list[_File] = field(default_factory=list)
    draft: WorkDraft | None = None
    draft_saved_at: datetime | None = None


class _Life:
    """Writes a case's history step by step, each event as the service for that step writes it."""

    def __init__(self, registrar: str, at: datetime) -> None:
        self.events = [DemoEvent(_utc(at), registrar, CaseAction.REGISTER.value, None, CaseState.REGISTERED.value)]
        self.values = CaseValues(registered_at=_utc(at), updated_at=_utc(at))

    def _add(
        self,
        at: datetime,
        actor: str,
        action: CaseAction,
        state_to: CaseState,
        note: str | None = None,
        changes: dict[str, object] | None = None,
    ) -> None:
        if _utc(at) <= self.events[-1].at:
            raise ValueError(f"{action.value} at {at} is not after the case's last event")
        event = DemoEvent(_utc(at), actor, action.value, self.values.state, state_to.value, note, changes)
        apply(self.values, event)
        self.events.append(event)

    def attach(self, at: datetime, actor: str, file_name: str) -> None:
        self._add(at, actor, CaseAction.ATTACH, CaseState(self.values.state), note=file_name)

    def review(self, at: datetime, actor: str, adoption: Adoption, opinion: str) -> None:
        returned = self.values.state == CaseState.RETURNED
        before = {"adoption": self.values.adoption, "review_opinion": self.values.review_opinion}
        after = {"adoption": adoption.value, "review_opinion": opinion}
        changes: dict[str, object] = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        to = CaseState.RETURNED if returned else CaseState.REVIEWED
        self._add(at, actor, CaseAction.REVIEW, to, note=opinion, changes=changes)

    def request(self, at: datetime, actor: str, result: ProgressResult, note: str) -> None:
        before = {"progress_result": self.values.progress_result, "progress_note": self.values.progress_note}
        after = {"progress_result": result.value, "progress_note": note}
        changes: dict[str, object] = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        self._add(at, actor, CaseAction.REQUEST_APPROVAL, CaseState.APPROVAL_REQUESTED, note=note, changes=changes)

    def approve(self, at: datetime, actor: str) -> None:
        self._add(at, actor, CaseAction.APPROVE, CaseState.APPROVED)

    def return_(self, at: datetime, actor: str, reason: str) -> None:
        self._add(at, actor, CaseAction.RETURN, CaseState.RETURNED, note=reason)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _weekday_forward(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_back(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _quarter_days(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


class _Builder:
    def __init__(self, seed: int, until: datetime, zone: ZoneInfo) -> None:
        if until.tzinfo is None:
            raise ValueError("until must be an aware instant")
        if until < EARLIEST_UNTIL:
            raise ValueError(f"the demo's history runs from {FIRST_YEAR}; until must be {EARLIEST_UNTIL} or later")
        self._seed = seed
        self._zone = zone
        self._until = until.astimezone(zone)
        self._rng = random.Random(f"benchmark:{seed}")
        self._people = People(self._rng)
        self._staff: list[DemoStaff] = []
        self._eras: dict[str, tuple[int, int | None]] = {}
        self._executors: dict[str, list[str]] = defaultdict(list)
        self._coordinators: list[str] = []
        self._names: set[str] = set()
        self._ideas: dict[str, deque[tuple[str, str]]] = {d: deque() for d in EXECUTING_DEPARTMENTS}
        self._desk = ""

    # -- people ---------------------------------------------------------------------------------------

    def _add_staff(self, name: str, department: str, permission: str, era: tuple[int, int | None]) -> str:
        base = ROMANIZED_SURNAMES.get(name[0], "sd") + "".join(syllable_initial(s) for s in name[1:])
        saeol_id, number = base, 1
        while saeol_id in self._eras:
            number += 1
            saeol_id = f"{base}{number}"
        # Accounts are made a month before the year their holder starts on benchmarking.
        joined = datetime.combine(_weekday_forward(date(era[0] - 1, 12, 1)), time(9, 0), self._zone)
        self._staff.append(DemoStaff(saeol_id, name, department, (permission,), _utc(joined)))
        self._eras[saeol_id] = era
        self._names.add(name)
        if permission == EXECUTE:
            self._executors[department].append(saeol_id)
        else:
            self._coordinators.append(saeol_id)
        return saeol_id

    def _new_name(self) -> str:
        while True:
            given = STAFF_MALE_NAMES if self._rng.random() < 0.5 else STAFF_FEMALE_NAMES
            name = self._people.surname() + self._rng.choice(given)
            if name not in self._names:
                return name

    def _roster(self) -> None:
        for era in COORDINATOR_ERAS:
            self._add_staff(self._new_name(), COORDINATING_DEPARTMENT, COORDINATE, era)
        seeded = set()
        for _, department, officer, _, _ in SEED_CASES:
            if (department, officer) not in seeded:
                seeded.add((department, officer))
                self._add_staff(officer, department, EXECUTE, SEED_OFFICER_ERA)
        seed_departments = {department for department, _ in seeded}
        for department in EXECUTING_DEPARTMENTS:
            # The seed's officers hold the first years of their departments.
            eras = OFFICER_ERAS[1:] if department in seed_departments else OFFICER_ERAS
            for era in eras:
                self._add_staff(self._new_name(), department, EXECUTE, era)
        self._desk = self._add_staff(self._new_name(), COORDINATING_DEPARTMENT, EXECUTE, DESK_ERA)

    def _in_post(self, keys: list[str], year: int) -> list[str]:
        found = [k for k in keys if self._eras[k][0] <= year and (self._eras[k][1] or year) >= year]
        return found or keys

    def _officer(self, rng: random.Random, department: str, year: int) -> str:
        return rng.choice(self._in_post(self._executors[department], year))

    def _coordinator(self, rng: random.Random, year: int) -> str:
        return rng.choice(self._in_post(self._coordinators, year))

    def _hand(self, rng: random.Random, department: str, officer: str | None, year: int) -> str:
        """Who enters the department's work: the officer, or now and then a colleague."""
        if officer is not None and rng.random() >= COLLEAGUE_SHARE:
            return officer
        return self._officer(rng, department, year)

    # -- time -----------------------------------------------------------------------------------------

    def _moment(self, rng: random.Random, day: date) -> datetime:
        minute = rng.randrange(9 * 60, 18 * 60)
        return datetime.combine(day, time(minute // 60, minute % 60), self._zone)

    def _later(self, rng: random.Random, after: datetime, low: int, high: int) -> datetime:
        day = _weekday_forward(after.date() + timedelta(days=rng.randint(low, high)))
        moment = self._moment(rng, day)
        return moment if moment > after else after + timedelta(minutes=rng.randint(10, 90))

    def _days_before_until(self, rng: random.Random, days: int, after: datetime | None) -> datetime:
        moment = self._moment(rng, _weekday_back(self._until.date() - timedelta(days=days)))
        if after is not None and moment <= after:
            moment = after + timedelta(minutes=rng.randint(10, 60))
        return moment

    # -- what a case is about -------------------------------------------------------------------------

    def _idea(self, department: str) -> tuple[str, str]:
        """The department's next policy: its list in a seeded order, then again in the same order, so a
        policy comes back only after all the others (seen again elsewhere, years on)."""
        queue = self._ideas[department]
        if not queue:
            ideas = list(IDEAS[department])
            random.Random(f"benchmark:{self._seed}:{department}").shuffle(ideas)
            queue.extend(ideas)
        return queue.popleft()

    def _about(self, rng: random.Random, department: str, year: int) -> tuple[str, str, str]:
        title, what = self._idea(department)
        source = rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
        since = year - rng.randint(0, 3)
        summary = rng.choice(SUMMARY_TEMPLATES).format(source=source, since=since, what=what)
        return title, summary, source

    @staticmethod
    def _opinion(rng: random.Random, adoption: Adoption, year: int) -> str:
        return rng.choice(OPINIONS[adoption.value]).format(year=year + rng.randint(0, 1))

    @staticmethod
    def _report(rng: random.Random, result: ProgressResult, year: int) -> str:
        return rng.choice(PROGRESS_NOTES[result.value]).format(
            year=year + rng.randint(0, 1), count=rng.randint(30, 2_000), share=rng.randint(72, 96)
        )

    @staticmethod
    def _result(rng: random.Random, adoption: Adoption) -> ProgressResult:
        weights = RESULT_WEIGHTS[adoption]
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    # -- the cases ------------------------------------------------------------------------------------

    def _seed_cases(self) -> list[_Plan]:
        plans = []
        for index, ((_, department, officer_name, title, adoption), (source, what, opinion)) in enumerate(
            zip(SEED_CASES, SEED_DETAILS, strict=True)
        ):
            rng = random.Random(f"benchmark:{self._seed}:seed-{index}")
            officer = next(k for k in self._executors[department] if self._name_of(k) == officer_name)
            registrar = self._coordinator(rng, FIRST_YEAR)
            registered = (SEED_REGISTERED + index * SEED_REGISTRATION_GAP).replace(tzinfo=self._zone)
            life = _Life(registrar, registered)
            life.review(SEED_REVIEWED[index].replace(tzinfo=self._zone), officer, Adoption(adoption), opinion)
            plans.append(
                _Plan(
                    registered,
                    title,
                    what,
                    source,
                    department,
                    officer,
                    registrar,
                    life.events,
                    [_File(f"{title} 벤치마킹 자료.pdf", False, registrar, registered)],
                )
            )
        return plans

    def _name_of(self, saeol_id: str) -> str:
        return next(s.name for s in self._staff if s.saeol_id == saeol_id)

    def _quarter(self, year: int, quarter: int) -> list[_Plan]:
        rng = random.Random(f"benchmark:{self._seed}:{year}-{quarter}")
        first, last = _quarter_days(year, quarter)
        if (year, quarter) == (FIRST_YEAR, 1):
            count = SEED_QUARTER_CASES - len(SEED_CASES)
            first = SEED_REGISTERED.date() + timedelta(days=1)
        else:
            count = rng.randint(*CASES_PER_QUARTER)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        workdays = [d for d in days if d.weekday() < 5]
        moments = sorted(self._moment(rng, rng.choice(workdays)) for _ in range(count))
        return [self._generated(rng, moment) for moment in moments]

    def _generated(self, rng: random.Random, registered: datetime) -> _Plan:
        year = registered.year
        department = rng.choices(EXECUTING_DEPARTMENTS, weights=[DEPARTMENT_WEIGHTS[d] for d in EXECUTING_DEPARTMENTS])[
            0
        ]
        officer = None if rng.random() < NO_OFFICER_SHARE else self._officer(rng, department, year)
        registrar = self._coordinator(rng, year)
        title, summary, source = self._about(rng, department, year)
        plan = _Plan(registered, title, summary, source, department, officer, registrar, [])
        life = _Life(registrar, registered)
        if rng.random() < 0.4:
            plan.files.append(_File(f"{title} 벤치마킹 자료.pdf", False, registrar, registered))
        previous = registered
        if rng.random() < 0.15:
            photo_at = self._later(rng, registered, 1, 10)
            photographer = self._hand(rng, department, officer, photo_at.year)
            life.attach(photo_at, photographer, "현장사진.png")
            plan.files.append(_File("현장사진.png", True, photographer, photo_at))
            previous = photo_at
        review_at = self._later(rng, previous, 3, 35)
        adoption = rng.choices(list(ADOPTION_WEIGHTS), weights=list(ADOPTION_WEIGHTS.values()))[0]
        opinion = self._opinion(rng, adoption, review_at.year)
        life.review(review_at, self._hand(rng, department, officer, review_at.year), adoption, opinion)
        if rng.random() >= STALLS[adoption]:
            self._report_and_decide(rng, plan, life, review_at, adoption, opinion)
        plan.events = life.events
        return plan

    def _report_and_decide(
        self, rng: random.Random, plan: _Plan, life: _Life, reviewed: datetime, adoption: Adoption, opinion: str
    ) -> None:
        result = self._result(rng, adoption)
        previous = reviewed
        if rng.random() < 0.3:
            report_at = self._later(rng, reviewed, 5, 120)
            reporter = self._hand(rng, plan.department, plan.officer, report_at.year)
            file_name = f"{plan.title} 결과보고.pdf"
            life.attach(report_at, reporter, file_name)
            plan.files.append(_File(file_name, False, reporter, report_at))
            previous = report_at
        requested = self._later(rng, previous, 10, 150)
        note = self._report(rng, result, requested.year)
        life.request(requested, self._hand(rng, plan.department, plan.officer, requested.year), result, note)
        decided = self._later(rng, requested, 1, 10)
        if rng.random() >= RETURN_SHARE:
            life.approve(decided, self._coordinator(rng, decided.year))
            return
        life.return_(decided, self._coordinator(rng, decided.year), rng.choice(RETURN_REASONS))
        if rng.random() >= RESUBMIT_SHARE:
            return  # left returned: the department never came back to it
        previous = decided
        if rng.random() < 0.3:
            revised_at = self._later(rng, decided, 2, 15)
            revised = f"{opinion} 반려 의견에 따라 추진계획을 보완함."
            life.review(revised_at, self._hand(rng, plan.department, plan.officer, revised_at.year), adoption, revised)
            previous = revised_at
        again = self._later(rng, previous, 3, 30)
        supplemented = f"{note} (보완) 집행액과 향후 계획을 덧붙임."
        life.request(again, self._hand(rng, plan.department, plan.officer, again.year), result, supplemented)
        decided = self._later(rng, again, 1, 7)
        if rng.random() < 0.9:
            life.approve(decided, self._coordinator(rng, decided.year))
        else:
            life.return_(decided, self._coordinator(rng, decided.year), rng.choice(RETURN_REASONS))

    def _placed(self, index: int, department: str, at_desk: bool, steps: tuple[tuple[str, int], ...]) -> _Plan:
        rng = random.Random(f"benchmark:{self._seed}:placed-{index}")
        year = self._until.year
        officer = self._desk if at_desk else self._officer(rng, department, year)
        (first_action, first_days), *rest = steps
        assert first_action == CaseAction.REGISTER
        registered = self._days_before_until(rng, first_days, None)
        registrar = self._coordinator(rng, registered.year)
        title, summary, source = self._about(rng, department, registered.year)
        plan = _Plan(registered, title, summary, source, department, officer, registrar, [])
        if not rest:
            plan.files.append(_File(f"{title} 벤치마킹 자료.pdf", False, registrar, registered))
        life = _Life(registrar, registered)
        adoption = rng.choice([Adoption.ADOPT, Adoption.ADOPT_MODIFIED])
        result = self._result(rng, adoption)
        previous = registered
        for action, days in rest:
            at = self._days_before_until(rng, days, previous)
            if action == CaseAction.SAVE_DRAFT:
                plan.draft, plan.draft_saved_at = PLACED_DRAFT, at
            elif action == CaseAction.REVIEW:
                life.review(at, officer, adoption, self._opinion(rng, adoption, at.year))
            elif action == CaseAction.REQUEST_APPROVAL:
                note = self._report(rng, result, at.year)
                if life.values.approval_round:
                    note = f"{note} (보완) 집행액과 향후 계획을 덧붙임."
                life.request(at, officer, result, note)
            elif action == CaseAction.APPROVE:
                life.approve(at, self._coordinator(rng, at.year))
            elif action == CaseAction.RETURN:
                life.return_(at, self._coordinator(rng, at.year), rng.choice(RETURN_REASONS))
            else:
                raise ValueError(f"unknown step {action}")
            previous = at
        plan.events = life.events
        return plan

    # -- assembling -----------------------------------------------------------------------------------

    def build(self) -> DemoBenchmark:
        self._roster()
        plans = self._seed_cases()
        year, quarter = FIRST_YEAR, 1
        last = (self._until.year, quarter_of(self._until.date()))
        while (year, quarter) <= last:
            plans += self._quarter(year, quarter)
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        plans += [self._placed(i, *placed) for i, placed in enumerate(PLACED)]
        until = _utc(self._until)
        by_quarter: dict[tuple[int, int], list[_Plan]] = defaultdict(list)
        for plan in plans:
            if _utc(plan.registered_at) < until:
                day = plan.registered_at.date()
                by_quarter[(day.year, quarter_of(day))].append(plan)
        cases = []
        for (year, quarter), members in sorted(by_quarter.items()):
            members.sort(key=lambda p: p.registered_at)
            for serial, plan in enumerate(members, 1):
                cases.append(self._case(plan, year, quarter, serial, until))
        return DemoBenchmark(staff=tuple(self._staff), cases=tuple(cases), desk=self._desk)

    def _case(self, plan: _Plan, year: int, quarter: int, serial: int, until: datetime) -> DemoCase:
        """The plan, numbered, with what happened after ``until`` cut off."""
        case_no = case_number(year, quarter, serial)
        files = [f for f in plan.files if _utc(f.uploaded_at) < until]
        attachments = tuple(self._attachment(case_no, index, f) for index, f in enumerate(files, 1))
        draft_saved = plan.draft_saved_at if plan.draft_saved_at and _utc(plan.draft_saved_at) < until else None
        return DemoCase(
            year=year,
            quarter=quarter,
            serial=serial,
            title=plan.title,
            summary=plan.summary,
            source=plan.source,
            department=plan.department,
            officer=plan.officer,
            registered_by=plan.registrar,
            events=tuple(e for e in plan.events if e.at < until),
            attachments=attachments,
            draft=plan.draft if draft_saved else None,
            draft_saved_at=_utc(draft_saved) if draft_saved else None,
        )

    def _attachment(self, case_no: str, index: int, file: _File) -> DemoAttachment:
        rng = random.Random(f"benchmark:{self._seed}:{case_no}:{index}")
        if file.photo:
            colours = [(rng.randrange(60, 256), rng.randrange(60, 256), rng.randrange(60, 256)) for _ in range(3)]
            content = png_picture(48, 32, colours)
        else:
            content = pdf_document(
                [
                    "Seongdong-gu Office - Benchmarking",
                    f"Case {case_no}, document {index}",
                    f"Filed {file.uploaded_at:%Y-%m-%d}",
                ]
            )
        return DemoAttachment(file.file_name, content, file.photo, file.uploaded_by, _utc(file.uploaded_at))
