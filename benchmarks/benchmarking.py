"""Benchmarking cases (벤치마킹): the approval round trip through the bot, and database time for 1,000 cases.

    python benchmarks/benchmarking.py [--quick] [--json FILE] [--backends sqlite,postgresql]

Per database engine, in one process: write 1,000 cases (2016-2026, 12 departments, every state) in one
transaction; time the case list and the statistics as the bot calls them (services), and the chart and the
workbook drawn from those statistics; then, through the real bot polling the local Bot API emulator, a
coordinator taps ✅ 승인 on approval requests, timed until the request has turned into the approved case and
the officer's "✅ 승인되었습니다" has arrived, next to a bare echo bot's round trip in the same run. Every
database figure is printed against the 50 ms target as PASS/FAIL. It asserts nothing: the exit status is 0
unless a step failed (the bot answered wrongly or not at all) or the run could not be set up.
See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import logging
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from benchmarks.harness import (
    DEFAULT_PG_SERVER,
    ENGINE_LABELS,
    ENGINES,
    Actor,
    Arrival,
    ReplyClock,
    StepFailed,
    add_pg_server_argument,
    analyze,
    button_data,
    describe_environment,
    environment,
    forget_history,
    log,
    run_engines,
    run_main,
    summarize,
    throwaway_database,
    time_calls,
    timing_calls,
    wait_idle,
    write_figures,
)
from bot.app import Runtime, build_application, build_runtime, start_bot, stop_bot
from bot.emulator import BotApiEmulator
from bot.emulator.echo import build_echo_application, start_polling_app, stop_polling_app
from bot.settings import Settings
from conversations.benchmark.stats import labels_for
from core.benchmark.numbering import case_number, quarter_of
from core.benchmark.reports import display_width, render_chart, render_workbook
from core.benchmark.values import (
    Adoption,
    CaseDraft,
    CaseFilter,
    CaseState,
    LoadedCase,
    NewAttachment,
    NewCase,
    NewEvent,
    ProgressResult,
    QuarterSerial,
)
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from storage.migrate import upgrade

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
COORDINATOR_TG = 710_000_001  # taps ✅ 승인
OFFICER_TG = 710_000_002  # asks for approval, receives "✅ 승인되었습니다"
ECHO_USER = 810_000_001
DB_TARGET_MS = 50.0  # the issue's target for every list and statistics call (p50 and p95)

FIRST_YEAR = 2016
COORDINATING_DEPARTMENT = "기획예산과"
# The executing departments and how many of the cases each gets (the office's larger departments get more).
DEPARTMENTS = {
    "총무과": 12,
    "복지정책과": 14,
    "공동주택과": 10,
    "교통행정과": 10,
    "청소행정과": 8,
    "마을공동체과": 9,
    "문화체육과": 9,
    "일자리정책과": 7,
    "보건정책과": 7,
    "환경정책과": 6,
    "도시계획과": 4,
    "민원여권과": 4,
}
APPROVAL_DEPARTMENT = "총무과"  # the bound officer's department, where the approval round trip happens
PLACES = ("구내식당", "어르신", "청소년", "전통시장", "주민센터", "공원", "골목길", "도서관", "아동", "1인가구",
          "경로당", "공영주차장", "하천변", "학교 앞", "임대아파트")  # fmt: skip
IDEAS = ("페이백 시스템", "공유자전거", "스마트 쉼터", "도시락 배달", "안심 귀가", "무인 민원발급기",
         "태양광 그늘막", "공유 냉장고", "마을 돌봄", "음식물 감량", "일자리 박람회", "야간 순찰",
         "디지털 교육", "반려견 놀이터", "주민 참여예산", "빈집 정비", "폐의약품 수거", "작은 도서관",
         "무더위 쉼터", "전기차 충전", "우리동네 키움", "찾아가는 상담", "안전 지도", "텃밭 가꾸기",
         "재활용 정거장", "문화 바우처", "청년 창업", "마을 버스", "공공 와이파이", "치매 안심")  # fmt: skip
SOURCES = ("서울 강동구", "서울 마포구", "부산 해운대구", "대구 수성구", "경기 수원시", "광주 북구", "인천 연수구")
# What a case's state is, by the age of its registration: old ones are mostly decided, recent ones still open.
STATE_WEIGHTS_OLD = {"registered": 2, "reviewed": 14, "approval_requested": 2, "approved": 72, "returned": 10}
STATE_WEIGHTS_RECENT = {"registered": 25, "reviewed": 25, "approval_requested": 15, "approved": 28, "returned": 7}
# Searches staff type: idea and place words (tens of matches each), a two-word phrase, and one that matches nothing.
TITLE_TERMS = (
    "페이백",
    "공유",
    "쉼터",
    "어르신",
    "도서관",
    "청년 창업",
    "안심",
    "버스",
    "전통시장 도시락",
    "우주정거장",
)


@dataclass(frozen=True)
class Config:
    cases: int = 1000
    runs: int = 200  # measured calls per database figure (after the warm-up)
    warmup: int = 20
    render_runs: int = 20  # measured chart and workbook renderings
    taps: int = 100  # measured approval round trips (and echo round trips)
    tap_warmup: int = 5
    pace: float = 0.1  # seconds between one user's steps (see README: keeps the bot under its 30 msg/s pacing)
    seed: int = 1
    step_timeout: float = 10.0
    pg_server: str = DEFAULT_PG_SERVER


QUICK = Config(runs=30, warmup=5, render_runs=3, taps=20, tap_warmup=3)


# -- people and 1,000 cases ---------------------------------------------------------------------------


@dataclass
class Office:
    coordinator: StaffMember  # bound: taps ✅ 승인
    former: StaffMember  # a coordinator of earlier years, not bound (registered and decided old cases)
    officer: StaffMember  # bound, in APPROVAL_DEPARTMENT
    officers: dict[str, list[StaffMember]]  # department → its executors (the bound officer included)
    department_ids: dict[str, int]


async def build_office(runtime: Runtime) -> Office:
    staff = runtime.services.staff

    async def add(saeol_id: str, name: str, department: str, permission: str, tg: int | None = None) -> StaffMember:
        member, _ = await staff.add_staff(
            SYSTEM_ACTOR,
            saeol_id=saeol_id,
            name=name,
            department=department,
            permissions=[permission],
            telegram_user_id=tg,
        )
        return member

    coordinator = await add("bench-coord", "기획관", COORDINATING_DEPARTMENT, "benchmark.coordinate", COORDINATOR_TG)
    former = await add("bench-coord0", "전기획", COORDINATING_DEPARTMENT, "benchmark.coordinate")
    officer = await add("bench-officer", "이숙영", APPROVAL_DEPARTMENT, "benchmark.execute", OFFICER_TG)
    officers: dict[str, list[StaffMember]] = {APPROVAL_DEPARTMENT: [officer]}
    for index, department in enumerate(DEPARTMENTS):
        for n in range(2 if department != APPROVAL_DEPARTMENT else 1):
            member = await add(f"bench-d{index:02d}-{n}", f"담당{index:02d}{n}", department, "benchmark.execute")
            officers.setdefault(department, []).append(member)
    return Office(
        coordinator=coordinator,
        former=former,
        officer=officer,
        officers=officers,
        department_ids={d: members[0].department_id for d, members in officers.items()},
    )


@dataclass
class Generated:
    cases: list[LoadedCase]
    # Per case, in the order of ``cases``; each event waits for its case's id, the files are staged until then.
    events: list[list[partial[NewEvent]]]
    attachments: list[list[NewAttachment]]
    serials: list[QuarterSerial]


def _moment(rng: random.Random, year: int, quarter: int, now: datetime) -> datetime:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    at = datetime(day.year, day.month, day.day, rng.randint(0, 8), rng.randrange(60), tzinfo=UTC)  # 09-17 in Seoul
    return min(at, now - timedelta(hours=rng.randint(2, 200)))


def generate_cases(office: Office, count: int, now: datetime, seed: int) -> Generated:
    """``count`` cases spread evenly over the quarters from 2016 to now, each consistent with its state: who
    reviewed, reported and decided it, and when, as the services would have written it."""
    rng = random.Random(f"benchmarking:{seed}")
    today = now.date()
    quarters = [
        (y, q)
        for y in range(FIRST_YEAR, today.year + 1)
        for q in range(1, 5)
        if (y, q) <= (today.year, quarter_of(today))
    ]
    departments = list(DEPARTMENTS)
    weights = list(DEPARTMENTS.values())
    plans = []
    for _ in range(count):
        year, quarter = rng.choice(quarters)
        plans.append((_moment(rng, year, quarter, now), rng.choices(departments, weights)[0]))
    plans.sort()
    serial_of: Counter[tuple[int, int]] = Counter()
    generated = Generated([], [], [], [])
    for registered, department in plans:
        local = registered + timedelta(hours=9)  # Seoul: the quarter of the registration date there
        year, quarter = local.year, quarter_of(local.date())
        serial_of[(year, quarter)] += 1
        serial = serial_of[(year, quarter)]
        recent = (now - registered).days < 365
        weights_by_state = STATE_WEIGHTS_RECENT if recent else STATE_WEIGHTS_OLD
        state = CaseState(rng.choices(list(weights_by_state), list(weights_by_state.values()))[0])
        officer = None if rng.random() < 0.04 else rng.choice(office.officers[department])
        coordinator = office.coordinator if recent else office.former
        title = f"{rng.choice(PLACES)} {rng.choice(IDEAS)}"
        registered_case = NewCase(
            case_no=case_number(year, quarter, serial),
            year=year,
            quarter=quarter,
            serial=serial,
            title=title,
            summary=f"{title}: 다른 자치단체에서 운영 중인 사업으로, 우리 구 여건에 맞는지 검토를 요청함.",
            source=rng.choice(SOURCES),
            department_id=office.department_ids[department],
            officer_id=officer.id if officer else None,
            registered_by_id=coordinator.id,
            registered_at=registered,
        )
        case = LoadedCase(
            registered=registered_case,
            state=state,
            adoption=None,
            review_opinion=None,
            reviewed_at=None,
            reviewed_by_id=None,
            progress_result=None,
            progress_note=None,
            approval_round=0,
            approval_requested_at=None,
            approval_requested_by_id=None,
            decided_at=None,
            decided_by_id=None,
            return_reason=None,
            draft=None,
            updated_at=registered,
            version=1,
        )
        hand = officer or office.officers[department][0]
        events = [_event(registered, coordinator.id, "register", None, CaseState.REGISTERED)]
        at = registered
        if state != CaseState.REGISTERED:
            at = min(at + timedelta(days=rng.randint(3, 35)), now)
            adoption = rng.choice(list(Adoption))
            opinion = "우리 구 여건에 맞게 검토하였음."
            case = replace(case, adoption=adoption, review_opinion=opinion, reviewed_at=at, reviewed_by_id=hand.id)
            events.append(_event(at, hand.id, "review", CaseState.REGISTERED, CaseState.REVIEWED, opinion))
        if state in (CaseState.APPROVAL_REQUESTED, CaseState.APPROVED, CaseState.RETURNED):
            at = min(at + timedelta(days=rng.randint(10, 150)), now)
            result = rng.choice(list(ProgressResult))
            note = "추진 경과를 보고함."
            case = replace(
                case,
                progress_result=result,
                progress_note=note,
                approval_round=1,
                approval_requested_at=at,
                approval_requested_by_id=hand.id,
            )
            events.append(
                _event(at, hand.id, "request_approval", CaseState.REVIEWED, CaseState.APPROVAL_REQUESTED, note)
            )
        if state in (CaseState.APPROVED, CaseState.RETURNED):
            at = min(at + timedelta(days=rng.randint(1, 10)), now)
            reason = "예산 산출 근거를 보완해 주십시오." if state == CaseState.RETURNED else None
            case = replace(case, decided_at=at, decided_by_id=coordinator.id, return_reason=reason)
            action = "approve" if state == CaseState.APPROVED else "return"
            events.append(_event(at, coordinator.id, action, CaseState.APPROVAL_REQUESTED, state, reason))
        case = replace(case, updated_at=at, version=len(events))
        files = []
        for index in range(rng.choices((0, 1, 2), (60, 32, 8))[0]):
            photo = index == 1
            content = (b"\x89PNG\r\n\x1a\n" if photo else b"%PDF-1.4\n") + rng.randbytes(rng.randint(2_000, 30_000))
            files.append(
                NewAttachment(
                    case_id=None,
                    kind="photo" if photo else "document",
                    file_name="현장사진.png" if photo else f"{title} 벤치마킹 자료.pdf",
                    mime_type="image/png" if photo else "application/pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                    telegram_file_id=None,
                    uploaded_by_id=coordinator.id,
                    uploaded_at=registered,
                )
            )
        generated.cases.append(case)
        generated.events.append(events)
        generated.attachments.append(files)
    generated.serials = [QuarterSerial(year=y, quarter=q, last_serial=n) for (y, q), n in sorted(serial_of.items())]
    return generated


def _event(
    at: datetime,
    actor_id: int,
    action: str,
    state_from: CaseState | None,
    state_to: CaseState,
    note: str | None = None,
) -> partial[NewEvent]:
    return partial(
        NewEvent,
        at=at,
        actor_id=actor_id,
        action=action,
        state_from=state_from.value if state_from is not None else None,
        state_to=state_to.value,
        note=note,
        changes=None,
    )


async def write_cases(runtime: Runtime, data: Generated) -> None:
    """Everything in one unit of work, one executemany per table (the services write a case at a time)."""
    async with runtime.uow(write=True) as uow:
        ids = await uow.demo_benchmark.insert_cases(data.cases)
        pairs = list(zip(ids, data.events, data.attachments, strict=True))
        await uow.demo_benchmark.insert_events([event(case_id=i) for i, events, _ in pairs for event in events])
        await uow.demo_benchmark.insert_attachments([replace(f, case_id=i) for i, _, files in pairs for f in files])
        await uow.demo_benchmark.insert_serials(data.serials)
        await uow.commit()


async def load_cases(runtime: Runtime, office: Office, cfg: Config) -> tuple[dict[str, Any], Generated]:
    began = time.perf_counter()
    data = generate_cases(office, cfg.cases, runtime.services.clock.now(), cfg.seed)
    generated = time.perf_counter()
    await write_cases(runtime, data)
    written = time.perf_counter()
    await analyze(runtime.engine)
    analyzed = time.perf_counter()
    states = Counter(c.state.value for c in data.cases)
    return {
        "cases": len(data.cases),
        "events": sum(len(e) for e in data.events),
        "attachments": sum(len(a) for a in data.attachments),
        "attachment_mb": sum(f.size for a in data.attachments for f in a) / 1e6,
        "departments": len({c.registered.department_id for c in data.cases}),
        "years": f"{min(c.registered.year for c in data.cases)}-{max(c.registered.year for c in data.cases)}",
        "states": {s.value: states.get(s.value, 0) for s in CaseState},
        "generate_s": generated - began,
        "write_s": written - generated,
        "analyze_s": analyzed - written,
    }, data


# -- (2) database time --------------------------------------------------------------------------------


def search_choices(office: Office, data: Generated, seed: int) -> dict[str, list[Any]]:
    """Deterministic arguments each database figure cycles through."""
    rng = random.Random(f"benchmarking-queries:{seed}")
    years = sorted({c.registered.year for c in data.cases})
    department_ids = sorted(office.department_ids.values())
    filters = []
    for _ in range(40):
        year, department = rng.choice(years), rng.choice(department_ids)
        filters += [
            CaseFilter(year=year),
            CaseFilter(department_id=department),
            CaseFilter(state=rng.choice(list(CaseState))),
            CaseFilter(year=year, department_id=department),
            CaseFilter(year=year, adoption=rng.choice(list(Adoption))),
        ]
    numbers = [c.registered.case_no for c in rng.sample(data.cases, 30)]
    prefixes = [f"{y}-{q}" for y, q in {(c.registered.year, c.registered.quarter) for c in rng.sample(data.cases, 10)}]
    return {
        "filters": filters,
        "numbers": [n for trio in zip(numbers, prefixes * 3, [str(y) for y in years] * 3, strict=False) for n in trio],
        "years": years,
    }


async def database_times(runtime: Runtime, office: Office, data: Generated, cfg: Config) -> dict[str, Any]:
    cases, statistics = runtime.services.cases, runtime.services.statistics
    coordinator = office.coordinator
    choices = search_choices(office, data, cfg.seed)
    filters, numbers, years = choices["filters"], choices["numbers"], choices["years"]
    pages = -(-cfg.cases // 8)
    executor = office.officers["복지정책과"][0]  # the largest department
    calls: dict[str, Callable[[int], Awaitable[object]]] = {
        "list_page0": lambda i: cases.list_cases(coordinator, CaseFilter(), 0),
        "list_last_page": lambda i: cases.list_cases(coordinator, CaseFilter(), pages - 1),
        "list_filtered": lambda i: cases.list_cases(coordinator, filters[i % len(filters)], 0),
        "list_department": lambda i: cases.list_cases(executor, CaseFilter(), 0),
        "list_title_search": lambda i: cases.list_cases(coordinator, CaseFilter(text=TITLE_TERMS[i % 10]), 0),
        "list_number_search": lambda i: cases.list_cases(coordinator, CaseFilter(text=numbers[i % len(numbers)]), 0),
        "stats_all_years": lambda i: statistics.tables(coordinator),
        "stats_one_year": lambda i: statistics.tables(coordinator, years[i % len(years)]),
    }
    result: dict[str, Any] = {}
    for name, call in calls.items():
        result[name] = summarize(await time_calls(call, cfg.runs, cfg.warmup))
    # What the lists found, so the figures can be read: totals of the searches.
    found = [(await cases.list_cases(coordinator, CaseFilter(text=t), 0)).total for t in TITLE_TERMS]
    result["title_matches"] = dict(zip(TITLE_TERMS, found, strict=True))
    return result


async def render_times(runtime: Runtime, office: Office, cfg: Config) -> dict[str, Any]:
    """The chart and the workbook of the all-years statistics, in this thread (the bot uses a worker thread:
    the same work, off the event loop). The first call of each is reported apart: it imports and warms up."""
    tables = await runtime.services.statistics.tables(office.coordinator)
    labels = labels_for("ko", None)
    now = runtime.services.clock.local()
    result: dict[str, Any] = {}
    renderers: dict[str, Callable[[], bytes]] = {
        "chart": lambda: render_chart(tables, labels),
        "workbook": lambda: render_workbook(tables, labels, now),
    }
    for name, render in renderers.items():
        start = time.perf_counter()
        first = render()
        result[f"{name}_first_ms"] = (time.perf_counter() - start) * 1000
        result[f"{name}_bytes"] = len(first)
        durations = []
        for _ in range(cfg.render_runs):
            start = time.perf_counter()
            render()
            durations.append(time.perf_counter() - start)
        result[name] = summarize(durations)
    result["departments"] = len(tables.state_by_department.rows)
    result["years"] = len(tables.adoption_by_year.rows)
    return result


# -- (1) the approval round trip ----------------------------------------------------------------------


async def pause(app: Any, cfg: Config) -> None:
    await wait_idle(app)
    await asyncio.sleep(cfg.pace)


async def echo_latency(app: Any, actor: Actor, cfg: Config) -> list[float]:
    durations = []
    for i in range(cfg.tap_warmup + cfg.taps):
        said = f"승인 {i}"
        latency, arrival = await actor.send(said, cfg.step_timeout)
        if arrival.message is None or arrival.message.text != said:
            raise StepFailed(f"the echo bot did not echo {said!r}")
        await pause(app, cfg)
        if i >= cfg.tap_warmup:
            durations.append(latency)
    return durations


async def cases_waiting_for_approval(
    runtime: Runtime, office: Office, count: int
) -> tuple[dict[int, str], dict[str, list[float]]]:
    """``count`` new cases brought to 승인요청 through the services, as coordinator and officer would:
    register, review, report and ask for approval. Case id → number, and the seconds each call took."""
    services = runtime.services
    waiting = {}
    took: dict[str, list[float]] = {"register": [], "submit_review": [], "request_approval": []}

    async def timed(name: str, call: Awaitable[Any]) -> Any:
        start = time.perf_counter()
        value = await call
        took[name].append(time.perf_counter() - start)
        return value

    for i in range(count):
        draft = CaseDraft(
            title=f"승인 측정 {i + 1} 구내식당 페이백 시스템",
            summary="구내식당 이용 실적에 따라 지역화폐로 돌려주는 제도",
            source="서울 강동구",
            department_id=office.officer.department_id,
            officer_id=office.officer.id,
        )
        case = (await timed("register", services.cases.register(office.coordinator, draft))).case
        case = await timed(
            "submit_review",
            services.decisions.submit_review(
                office.officer, case.id, case.version, Adoption.ADOPT, "우리 구에도 도입할 만합니다."
            ),
        )
        case = await timed(
            "request_approval",
            services.decisions.request_approval(
                office.officer, case.id, case.version, ProgressResult.IN_PROGRESS, "업체 선정 중입니다."
            ),
        )
        waiting[case.id] = case.case_no
    return waiting, took


async def until_delivered(runtime: Runtime, limit: float) -> None:
    """Until the notifier has sent every queued notification (the set-up's own: assigned, reviewed, requested)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while await runtime.services.notifications.undelivered_count():
        if loop.time() > deadline:
            raise StepFailed(f"notifications still undelivered after {limit:g} s")
        await asyncio.sleep(0.05)


APPROVED_CARD = re.compile(r"진행상태: 승인(?!요청)")


async def approve_once(
    emulator: BotApiEmulator,
    clock: ReplyClock,
    request: Any,
    waiting: dict[int, str],
    timeout: float,  # noqa: ASYNC109 - two waits, each bounded
) -> tuple[float, float, float]:
    """Tap ✅ 승인 on one approval request; (tap → edited, tap → officer's notice, tap → both) in seconds."""
    world = emulator.world
    data = button_data(request, "ap:ok:")
    if not data:
        raise StepFailed(f"an approval request has no ✅ 승인 button: {request.text[:80]!r}")
    case_no = waiting[int(data[0].split(":")[2])]
    edited_at = clock.expect(COORDINATOR_TG)
    notice_at = clock.expect(OFFICER_TG)
    start = world.loop_time()
    world.callback_query(world.chats[COORDINATOR_TG], request, data[0])
    edited: Arrival = await asyncio.wait_for(edited_at, timeout)
    notice: Arrival = await asyncio.wait_for(notice_at, timeout)
    card = edited.message
    if (
        edited.method != "editMessageText"
        or card is None
        or card.message_id != request.message_id
        or not APPROVED_CARD.search(card.text)
        or button_data(card, "ap:ok:")
    ):
        shown = card.text[:80] if card else "(no message)"
        raise StepFailed(f"tapping ✅ 승인 on {case_no} did not turn the request into the approved case: {shown!r}")
    said = notice.message.text if notice.message else ""
    if notice.method != "sendMessage" or not said.startswith("✅ 승인되었습니다") or case_no not in said:
        raise StepFailed(f"the officer was not told {case_no} was approved: {said[:80]!r}")
    return edited.at - start, notice.at - start, max(edited.at, notice.at) - start


async def bot_phases(runtime: Runtime, office: Office, cfg: Config, result: dict[str, Any]) -> None:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_bench_bot") as emulator:
        clock = ReplyClock(emulator)
        try:
            echo = build_echo_application(emulator.api_root, TOKEN)
            await start_polling_app(echo)
            try:
                log(f"(1) echo bot, {cfg.taps} round trips")
                result["echo"] = summarize(await echo_latency(echo, Actor(emulator, clock, ECHO_USER, "에코"), cfg))
            finally:
                await stop_polling_app(echo)
            refused = forget_history(emulator)

            app = build_application(runtime, token=TOKEN, api_root=emulator.api_root)
            await start_bot(app)
            try:
                coordinator = Actor(emulator, clock, COORDINATOR_TG, "기획관")
                officer = Actor(emulator, clock, OFFICER_TG, "숙영")
                for actor in (coordinator, officer):  # the bot may write only to those who started it
                    await actor.send("/start", cfg.step_timeout)
                    await pause(app, cfg)
                count = cfg.tap_warmup + cfg.taps
                log(f"(1) {count} cases to 승인요청 through the services, their notifications sent")
                began = time.perf_counter()
                waiting, took = await cases_waiting_for_approval(runtime, office, count)
                made = time.perf_counter()
                queued = await runtime.services.notifications.undelivered_count()
                await until_delivered(runtime, 30 + count)
                delivered = time.perf_counter()
                result["approval_setup"] = {
                    "cases": count,
                    "services_s": made - began,
                    "per_case_ms": (made - began) / count * 1000,
                    "calls": {name: summarize(durations) for name, durations in took.items()},
                    "notifications": 3 * count,
                    "queued_at_end": queued,
                    "delivered_s": delivered - made,
                }
                chat = emulator.world.chats[COORDINATOR_TG]
                requests = sorted(
                    (m for m in chat.messages.values() if m.from_bot and m.text.startswith("📤 승인 요청")),
                    key=lambda m: m.message_id,
                )
                if len(requests) != count:
                    raise StepFailed(f"{len(requests)} approval requests reached the coordinator, not {count}")
                await pause(app, cfg)
                log(f"(1) coordinator taps ✅ 승인 {count} times ({cfg.tap_warmup} not counted)")
                edit: list[float] = []
                notice: list[float] = []
                both: list[float] = []
                service: list[float] = []
                # Every decisions.approve the bot makes: the database part of a tap.
                with timing_calls(runtime.services.decisions, "approve", service):
                    for i, request in enumerate(requests):
                        times = await approve_once(emulator, clock, request, waiting, cfg.step_timeout)
                        await pause(app, cfg)
                        if i >= cfg.tap_warmup:
                            edit.append(times[0])
                            notice.append(times[1])
                            both.append(times[2])
                result["approval"] = {
                    "edited": summarize(edit),
                    "notice": summarize(notice),
                    "both": summarize(both),
                    "approve_service": summarize(service[cfg.tap_warmup :]),
                }
            finally:
                await stop_bot(app)
            refused += forget_history(emulator)
            result["failed_bot_calls"] = refused
        finally:
            clock.close()


# -- one engine ---------------------------------------------------------------------------------------


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with throwaway_database(kind, cfg.pg_server) as url:
        runtime = build_runtime(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        try:
            await upgrade(runtime.engine)
            version = runtime.engine.dialect.server_version_info
            result["server_version"] = ".".join(str(v) for v in version or ())
            # DONGNE_* variables in the environment apply, as they would in production.
            result["pacing"] = runtime.settings.telegram_messages_per_second
            began = time.perf_counter()
            office = await build_office(runtime)
            result["office"] = {
                "staff": 2 + sum(len(m) for m in office.officers.values()),
                "departments": len(office.department_ids),
                "s": time.perf_counter() - began,
            }
            log(f"{kind}: writing {cfg.cases:,} cases in one transaction")
            result["data"], data = await load_cases(runtime, office, cfg)
            log(f"{kind}: (2) database calls, {cfg.runs} runs each (+{cfg.warmup} warm-up)")
            result["db"] = await database_times(runtime, office, data, cfg)
            log(f"{kind}: (2) chart and workbook, {cfg.render_runs} runs each (+1 first call)")
            result["render"] = await render_times(runtime, office, cfg)
            del data
            gc.collect()
            await bot_phases(runtime, office, cfg, result)
        finally:
            await runtime.close()
    return result


# -- report -------------------------------------------------------------------------------------------

DB_LABELS = {
    "list_page0": "list_cases: page 1, no filter",
    "list_last_page": "list_cases: last page, no filter",
    "list_filtered": "list_cases: filtered page (year/dept/state/…)",
    "list_department": "list_cases: a department's own list",
    "list_title_search": "list_cases: title search",
    "list_number_search": "list_cases: number search (full, y-q, year)",
    "stats_all_years": "statistics.tables: all years",
    "stats_one_year": "statistics.tables: one year",
}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def db_verdicts(result: dict[str, Any]) -> list[tuple[str, bool]]:
    """Each database figure against the target: its p95 (and so its p50) at most DB_TARGET_MS."""
    return [(key, result["db"][key]["p95"] <= DB_TARGET_MS) for key in DB_LABELS]


def pad(label: str, width: int) -> str:
    """``label`` padded to ``width`` terminal columns (Hangul and emoji take two)."""
    return label + " " * max(0, width - display_width(label))


def _row(label: str, stats: dict[str, float], tail: str = "") -> str:
    return f"  {pad(label, 48)}{stats['n']:>6}{stats['p50']:>10.2f}{stats['p95']:>10.2f}{stats['max']:>10.2f}{tail}"


def print_engine(result: dict[str, Any], cfg: Config) -> None:
    kind = result["engine"]
    print()
    print(f"━━ {ENGINE_LABELS[kind]}, server {result.get('server_version') or '-'} ━━")
    data, office = result["data"], result["office"]
    states = " · ".join(f"{s} {n}" for s, n in data["states"].items())
    print(
        f"data   {data['cases']:,} cases ({data['years']}, {data['departments']} departments; {states}), "
        f"{data['events']:,} events, {data['attachments']:,} attachments ({data['attachment_mb']:.1f} MB)"
    )
    print(
        f"       setup: {office['staff']} staff through the services {office['s']:.2f} s; cases generated "
        f"{data['generate_s']:.2f} s + written in one transaction {data['write_s']:.2f} s"
        + (f" + ANALYZE {data['analyze_s']:.2f} s" if data["analyze_s"] > 0.005 else "")
    )
    setup = result["approval_setup"]
    calls = " · ".join(f"{name} {stats['p50']:.1f}/{stats['p95']:.1f}" for name, stats in setup["calls"].items())
    print(
        f"       through the services: {setup['cases']} cases registered → reviewed → 승인요청 in "
        f"{setup['services_s']:.2f} s ({setup['per_case_ms']:.1f} ms a case; p50/p95 ms: {calls})"
    )
    print(
        f"       their {setup['notifications']} notifications: {setup['queued_at_end']} still queued when the "
        f"set-up ended, all delivered {setup['delivered_s']:.2f} s later ({result['pacing']:g} msg/s pacing)"
    )
    print()
    print(f"  {'(1) approval round trip (ms)':<48}{'n':>6}{'p50':>10}{'p95':>10}{'max':>10}")
    echo, approval = result["echo"], result["approval"]
    print(_row("echo bot: message → reply (baseline)", echo))
    print(_row("tap ✅ 승인 → request edited into the case", approval["edited"]))
    print(_row("tap ✅ 승인 → officer's ✅ 승인되었습니다", approval["notice"]))
    print(_row("tap ✅ 승인 → both", approval["both"]))
    print(_row("    of which decisions.approve (database)", approval["approve_service"]))
    for key, label in (("both", "both"), ("edited", "edited")):
        stats = approval[key]
        ratio = f"    ratio {label} / echo"
        print(f"  {ratio:<54}{stats['p50'] / echo['p50']:>9.1f}×{stats['p95'] / echo['p95']:>9.1f}×")
    if result.get("failed_bot_calls"):
        print(f"    ! bot calls the emulator refused: {result['failed_bot_calls']}")
    print()
    print(f"  {f'(2) database time, {cfg.cases:,} cases (ms)':<48}{'n':>6}{'p50':>10}{'p95':>10}{'max':>10}  target")
    db = result["db"]
    for key, ok in db_verdicts(result):
        print(_row(DB_LABELS[key], db[key], f"  {verdict(ok)} (p95 ≤ {DB_TARGET_MS:g})"))
    matches = " · ".join(f"{t} {n}" for t, n in db["title_matches"].items())
    print(f"    title searches match: {matches}")
    render = result["render"]
    heading = f"(2) reports of the statistics ({render['departments']} depts, {render['years']} years)"
    print(f"  {heading:<48}{'n':>6}{'p50':>10}{'p95':>10}{'max':>10}  first call")
    for name, label in (("chart", "render_chart (PNG)"), ("workbook", "render_workbook (xlsx)")):
        stats = render[name]
        size = f"{render[f'{name}_bytes'] / 1024:.0f} KB"
        print(_row(f"{label}, {size}", stats, f"  {render[f'{name}_first_ms']:.0f}"))


def print_summary(results: Sequence[dict[str, Any]]) -> None:
    print()
    print("━━ summary ━━")
    print(f"  {'figure (ms, p50 / p95)':<48}" + "".join(f"{r['engine']:>22}" for r in results))

    def line(label: str, pick: Callable[[dict[str, Any]], dict[str, float]], verdicts: bool = False) -> None:
        cells = []
        for r in results:
            stats = pick(r)
            mark = f" {verdict(stats['p95'] <= DB_TARGET_MS)}" if verdicts else ""
            cells.append(f"{stats['p50']:.1f} / {stats['p95']:.1f}{mark}")
        print(f"  {label:<48}" + "".join(f"{c:>22}" for c in cells))

    line("echo round trip", lambda r: r["echo"])
    line("approval: tap → edited + notice", lambda r: r["approval"]["both"])
    line("approval: tap → edited", lambda r: r["approval"]["edited"])

    def db_figure(key: str) -> Callable[[dict[str, Any]], dict[str, float]]:
        return lambda r: cast(dict[str, float], r["db"][key])

    for key, label in DB_LABELS.items():
        line(label, db_figure(key), verdicts=True)
    line("render_chart", lambda r: r["render"]["chart"])
    line("render_workbook", lambda r: r["render"]["workbook"])


# -- entry point --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config, tuple[str, ...]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default=",".join(ENGINES), help="comma-separated: sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke check (under a minute)")
    parser.add_argument("--cases", type=int, help="cases to load (default 1,000, also with --quick)")
    parser.add_argument("--runs", type=int, help="measured calls per database figure (default 200, quick 30)")
    parser.add_argument("--taps", type=int, help="measured approval and echo round trips (default 100, quick 20)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    backends = tuple(dict.fromkeys(b.strip() for b in args.backends.split(",") if b.strip()))
    unknown = [b for b in backends if b not in ENGINES]
    if unknown or not backends:
        parser.error(f"--backends takes {', '.join(ENGINES)} (comma-separated), not {args.backends!r}")
    cfg = QUICK if args.quick else Config()
    overrides = {name: getattr(args, name) for name in ("cases", "runs", "taps") if getattr(args, name) is not None}
    cfg = replace(cfg, seed=args.seed, pg_server=args.pg_server, **overrides)
    if cfg.runs < 2 or cfg.taps < 2 or cfg.cases < 100:
        parser.error("need --runs ≥ 2, --taps ≥ 2, --cases ≥ 100")
    return args, cfg, backends


async def main_async(args: argparse.Namespace, cfg: Config, backends: Sequence[str]) -> int:
    env = environment(telegram_bot=True)
    print(
        f"Dongne benchmarking-cases benchmark{' (quick)' if args.quick else ''}: {cfg.cases:,} cases; "
        f"{cfg.runs} runs per database figure (+{cfg.warmup} warm-up); {cfg.taps} approval taps "
        f"(+{cfg.tap_warmup} warm-up), {cfg.pace * 1000:.0f} ms between steps"
    )
    print(describe_environment(env))

    async def bench(kind: str) -> dict[str, Any]:
        started = time.perf_counter()
        result = await bench_engine(kind, cfg)
        result["elapsed_s"] = time.perf_counter() - started
        return result

    def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
        print_engine(result, cfg)
        return not result.get("failed_bot_calls")

    results, skipped, status = await run_engines(backends, cfg.pg_server, bench, report)
    if results:
        print_summary(results)
    if args.json is not None:
        for result in results:
            result["targets"] = [
                {"figure": DB_LABELS[key], "p95_ms": result["db"][key]["p95"], "target_ms": DB_TARGET_MS, "pass": ok}
                for key, ok in db_verdicts(result)
            ]
        write_figures(args.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg, backends = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_main(main_async(args, cfg, backends))


if __name__ == "__main__":
    raise SystemExit(main())
