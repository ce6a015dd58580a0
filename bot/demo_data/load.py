"""Writing a generated district into an empty database, in one transaction, through the bulk loader.

The demo's benchmarking goes into the same transaction as its housing: a demo that is half there (complexes
but no cases, or cases without their staff) could neither be completed by loading again (refused: the
database is not empty) nor told apart from real records to be cleaned up by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.demo_data.benchmark import build_demo_benchmark
from bot.demo_data.benchmark_history import check_benchmark
from bot.demo_data.community import DemoCommunity, build_demo_community
from bot.demo_data.load_benchmark import write_benchmark
from bot.demo_data.sections import re_elected
from bot.demo_data.seongdong import DEFAULT_SEED, EXAMPLE_NAME, build_demo_district
from bot.demo_data.types import BenchmarkCounts, DemoBenchmark, DemoDistrict, DemoSummary
from core.clock import Clock
from core.community.validation import check_grant_project, check_organization
from core.errors import InvalidInput
from core.housing.validation import (
    check_complex,
    check_group,
    check_office,
    check_representative,
    check_support_project,
)
from storage.uow import UnitOfWork, UnitOfWorkFactory


async def load_demo_district(
    uow_factory: UnitOfWorkFactory, clock: Clock, seed: int = DEFAULT_SEED, *, persona: str | None = None
) -> DemoSummary:
    """Seongdong-gu's demo data into an empty database: its housing, and its benchmarking office with cases
    up to now (``clock``). Refused (``database_not_empty``) if any complex or case exists. ``persona``: the
    Saeol ID of an existing 기획예산과 officer who takes over the demo desk's cases (``dongne demo``)."""
    benchmark = build_demo_benchmark(seed, until=clock.now(), zone=clock.zone)
    district = in_office_on(build_demo_district(seed), clock.today())
    community = build_demo_community(seed, housing_call_complexes(district))
    return await load_district(uow_factory, clock, district, benchmark=benchmark, persona=persona, community=community)


def housing_call_complexes(district: DemoDistrict) -> tuple[str, ...]:
    """The complexes the demo's housing-call projects are for: the report's example, then an apartment complex
    of each of three other dongs."""
    names, dongs = [EXAMPLE_NAME], set()
    for bundle in district.complexes:
        c = bundle.complex
        if c.kind == "apartment" and c.name != EXAMPLE_NAME and c.admin_dong not in dongs and len(names) < 4:
            names.append(c.name)
            dongs.add(c.admin_dong)
    return tuple(names)


def in_office_on(district: DemoDistrict, today: date) -> DemoDistrict:
    """The district with every residents' council re-elected up to ``today`` (``sections.re_elected``)."""
    return replace(
        district,
        complexes=tuple(replace(b, representatives=re_elected(b.representatives, today)) for b in district.complexes),
    )


async def load_district(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    district: DemoDistrict,
    *,
    validate: bool = True,
    benchmark: DemoBenchmark | None = None,
    persona: str | None = None,
    community: DemoCommunity | None = None,
) -> DemoSummary:
    """Any generated district (and benchmarking, if given), all or nothing. Demo data is for an empty
    registry only: loading it twice, or over real records, would leave duplicates nobody could tell from the
    real ones."""
    if validate:
        check_district(district)
        if benchmark is not None:
            check_benchmark(benchmark)
        if community is not None:
            check_community(community, clock.today())
    async with uow_factory(write=True) as uow:
        bulk = uow.bulk
        await bulk.lock_complexes()
        existing = await bulk.count_complexes()
        if existing:
            raise InvalidInput("database_not_empty", complexes=existing)
        positions = await bulk.position_ids()
        unknown = sorted({r.position for b in district.complexes for r in b.representatives} - positions.keys())
        if unknown:
            raise InvalidInput("unknown_position", positions=", ".join(unknown))
        dong_ids = await bulk.ensure_admin_dongs(district.admin_dongs)
        unknown_dongs = sorted({b.complex.admin_dong for b in district.complexes} - dong_ids.keys())
        if unknown_dongs:
            raise InvalidInput("unknown_admin_dong", admin_dongs=", ".join(unknown_dongs))
        counts = await bulk.insert_complexes(
            district.complexes, admin_dong_ids=dong_ids, position_ids=positions, updated_at=clock.now()
        )
        benchmark_counts = BenchmarkCounts()
        if benchmark is not None:
            benchmark_counts = await write_benchmark(uow, benchmark, persona=persona)
        organizations, grants = await write_community(uow, community, dong_ids, clock) if community else (0, 0)
        await uow.commit()
    return DemoSummary(
        admin_dongs=len(district.admin_dongs),
        complexes=counts.complexes,
        buildings=counts.buildings,
        distinct_buildings=counts.buildings
        - sum(b.complex.building_count for b in district.complexes if b.shares_buildings_with),
        households=counts.households,
        offices=counts.offices,
        representatives=counts.representatives,
        groups=counts.groups,
        projects=counts.projects,
        benchmark=benchmark_counts,
        community_organizations=organizations,
        grant_projects=grants,
    )


def check_district(district: DemoDistrict) -> None:
    """Every draft through the domain checks, so generated data obeys the rules typed-in data obeys."""
    for bundle in district.complexes:
        check_complex(bundle.complex)
        if bundle.office is not None:
            check_office(bundle.office)
        for representative in bundle.representatives:
            check_representative(representative)
        for group in bundle.groups:
            check_group(group)
        for project in bundle.projects:
            check_support_project(project)


def check_community(community: DemoCommunity, today: date) -> None:
    for organization in community.organizations:
        check_organization(organization, today)
    for grant in community.projects:
        if grant.complex_name is None:  # a housing call's project is checked once its complex is known
            check_grant_project(grant.draft, today)


async def write_community(
    uow: UnitOfWork, community: DemoCommunity, dong_ids: dict[str, int], clock: Clock
) -> tuple[int, int]:
    """The organisations and grant projects; a housing call's project names its complex by id, found by name."""
    at = clock.now()
    for organization in community.organizations:
        await uow.community.add_organization(organization, dong_ids[organization.admin_dong], at=at, by=None)
    for grant in community.projects:
        draft = grant.draft
        if grant.complex_name is not None:
            found = await uow.grant_projects.find_complexes_by_name(grant.complex_name, admin_dong_ids=None, limit=50)
            ids = [c.id for c in found if c.name == grant.complex_name]
            if not ids:
                raise InvalidInput("unknown_complex", name=grant.complex_name)
            draft = replace(draft, complex_id=ids[0])
            check_grant_project(draft, clock.today())
        await uow.grant_projects.add_grant_project(draft, at=at, by=None)
    return len(community.organizations), len(community.projects)
