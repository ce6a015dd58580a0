"""The sections of a complex's card around the complex itself: its management office, its residents' council,
its self-run groups and the district's grants to it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from bot.demo_data.complexes import AS_OF, LAST_APPROVAL, VOLUNTARY
from bot.demo_data.people import People, add_years
from bot.demo_data.vocabulary import COMMUNITY_GROUP_SUFFIXES, OTHER_GROUPS, PROJECT_KINDS
from core.housing.values import ComplexDraft, GroupDraft, Office, RepresentativeDraft, SupportProjectDraft


def office(people: People, rng: random.Random, draft: ComplexDraft) -> Office:
    """관리사무소: apartments have one; 의무관리 ones must employ a licensed 주택관리사(보)."""
    licensed = draft.management_type != VOLUNTARY or rng.random() < 0.4
    born = people.birth_date(1950, 1985)
    license_year = rng.randint(max(1990, born.year + 25), 2015)
    assigned = people.day_in(max(date(license_year + 1, 1, 1), date(2008, 1, 1)), LAST_APPROVAL)
    grade = None
    if licensed:
        grade = "사" if draft.household_count >= 500 or rng.random() < 0.6 else "보"
    phone = people.office_phone()
    exchange = phone.rsplit("-", 1)[0]
    return Office(
        phone=phone,
        fax=f"{exchange}-{rng.randrange(10000):04d}",
        manager_name=people.name(people.gender(0.75)),
        manager_birth_date=born,
        manager_mobile=people.mobile(),
        manager_license_no=f"{license_year}-{rng.randint(1, 9999)}" if licensed else None,
        manager_license_grade=grade,
        manager_assigned_on=assigned,
    )


def council_positions(rng: random.Random, size: int) -> list[str]:
    """One 회장 (chair) and a 감사 (auditor) in every council; a 부회장 and a 총무 once it is big enough; the
    rest 이사 (directors)."""
    positions = ["회장", "감사"]
    if size >= 7:
        positions.append("부회장")
    if size >= 10:
        positions.append("감사")
    if size >= 5 and rng.random() < 0.7:
        positions.append("총무")
    positions.extend(["이사"] * (size - len(positions)))
    return positions[:size]


def council(people: People, rng: random.Random, draft: ComplexDraft, size: int) -> tuple[RepresentativeDraft, ...]:
    """입주자대표회의 in office on the report's date: a two-year term that started within the last two years."""
    start = people.day_in(add_years(AS_OF, -2) + timedelta(days=1), AS_OF)
    end = add_years(start, 2) - timedelta(days=1)
    units: set[str] = set()
    members = []
    for position in council_positions(rng, size):
        gender = people.gender(0.6)
        unit = people.unit(draft.building_count, draft.floors_max or 1)
        for _ in range(5):  # two members rarely live in one flat
            if unit not in units:
                break
            unit = people.unit(draft.building_count, draft.floors_max or 1)
        units.add(unit)
        members.append(
            RepresentativeDraft(
                position=position,
                name=people.name(gender),
                gender=gender,
                birth_date=people.birth_date(1936, 1982),
                building_unit=unit,
                phone=people.mobile(),
                term_start=start,
                term_end=end,
            )
        )
    return tuple(members)


def re_elected(members: tuple[RepresentativeDraft, ...], today: date) -> tuple[RepresentativeDraft, ...]:
    """A council as it stands ``today``: each two-year term carried forward, a whole term at a time, until it
    holds ``today``. The district is drawn as the report saw it in 2016; without this every term in the demo
    would have ended in 2018, and the ledger's term reminders would have nothing current to say."""
    carried = []
    for member in members:
        start, end = member.term_start, member.term_end
        if start is not None and end is not None:
            # A full term ends the day before its second anniversary, which a leap day moves: 2026.03.01's
            # ends 2028.02.29, not the 2028.02.28 that carrying 2018.02.28 forward would give.
            full_term = end == add_years(start, 2) - timedelta(days=1)
            while end < today:
                start = add_years(start, 2)
                end = add_years(start, 2) - timedelta(days=1) if full_term else add_years(end, 2)
        carried.append(replace(member, term_start=start, term_end=end))
    return tuple(carried)


def community_group(people: People, rng: random.Random, short: str) -> GroupDraft:
    return GroupDraft(
        kind="community_activation",
        name=short + rng.choice(COMMUNITY_GROUP_SUFFIXES),
        leader_position="회장",
        leader_name=people.name(people.gender(0.3)),
        leader_phone=people.mobile(),
        member_count=rng.choice((0, rng.randint(5, 60))),
        formed_on=people.day_in(date(2013, 1, 1), LAST_APPROVAL),
    )


def other_group(people: People, rng: random.Random, short: str) -> GroupDraft:
    kind = rng.choice(OTHER_GROUPS)
    leader = people.name(people.gender(0.2 if kind == "부녀회" else 0.6))
    return GroupDraft(
        kind="other",
        name=f"{short} {kind}",
        leader_position=rng.choice(("회장", "회장", "대표", "총무")),
        leader_name=leader,
        leader_phone=people.mobile(),
        leader_email=people.email(leader) if rng.random() < 0.5 else None,
        member_count=rng.randint(5, 120),
        formed_on=people.day_in(date(1995, 1, 1), LAST_APPROVAL),
    )


def support_project(
    people: People, rng: random.Random, short: str, year: int, *, row_house: bool, least_from: int | None = None
) -> SupportProjectDraft:
    """A grant of ``year``; ``least_from``: of a kind whose smallest grant is at most this (천원)."""
    kinds = PROJECT_KINDS[1:] if row_house else PROJECT_KINDS
    if least_from is not None:
        kinds = tuple(k for k in kinds if k[1] <= least_from) or (min(kinds, key=lambda k: k[1]),)
    kind, low, high = kinds[0] if not row_house and rng.random() < 0.5 else rng.choice(kinds)
    start = people.day_in(date(year, 3, 1), min(date(year, 9, 30), LAST_APPROVAL))
    end = min(start + timedelta(days=rng.randint(60, 240)), date(year, 12, 31))
    name = short if kind == "공동체활성화" and rng.random() < 0.5 else f"{short} {kind}"
    return SupportProjectDraft(
        kind=kind,
        name=name,
        amount=rng.randint(low // 10, high // 10) * 10,
        period_start=start,
        period_end=end,
    )
