"""Bulk loading: many complexes in one transaction, on SQLite and PostgreSQL alike, read back unchanged."""

from collections.abc import Mapping
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.demo_data import build_national_dataset, load_district
from core.clock import FixedClock
from core.housing.values import AdminDongDraft, ComplexBundle, ComplexDraft, RepresentativeDraft
from storage.housing.bulk import BulkRepository
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup, SupportProject
from storage.reference.models import AdminDong, Position
from tests.builders import make_complex

WRITTEN_AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def complex_draft(name, dong, *, households=20):
    return ComplexDraft(
        name=name,
        kind="row_house",
        management_type=None,
        kapt_code=None,
        kapt_management_mode=None,
        admin_dong=dong,
        address="마장로 137",
        building_count=2,
        household_count=households,
        floors_min=3,
        floors_max=4,
        approved_on=date(1992, 7, 15),
        households_by_area=(households, 0, 0, 0, 0),
        remarks=None,
    )


def member(position, name):
    return RepresentativeDraft(
        position=position,
        name=name,
        gender="F",
        birth_date=date(1960, 1, 2),
        building_unit="가동 201호",
        phone="010-2345-6789",
        term_start=date(2015, 3, 1),
        term_end=date(2017, 2, 28),
    )


async def bulk_load(uow_factory, dongs, bundles, *, chunk_size=5_000):
    async with uow_factory(write=True) as uow:
        bulk = BulkRepository(uow._session, chunk_size=chunk_size)  # small chunks: several executemany rounds
        await bulk.lock_complexes()
        dong_ids = await bulk.ensure_admin_dongs(dongs)
        positions = await bulk.position_ids()
        counts = await bulk.insert_complexes(
            bundles, admin_dong_ids=dong_ids, position_ids=positions, updated_at=WRITTEN_AT
        )
        await uow.commit()
    return counts


async def test_complexes_get_ids_after_the_existing_ones_and_later_inserts_still_find_free_ids(uow_factory):
    first = await make_complex(uow_factory, name="먼저 있던 단지", dong="마장동", dong_short="마장")

    def bundles():
        for number in range(5):
            yield ComplexBundle(
                complex_draft(f"장미빌라 {number}", "마장동"),
                representatives=(member("회장", f"김{number}"),),
            )

    counts = await bulk_load(uow_factory, [AdminDongDraft("마장동", "마장", 3)], bundles(), chunk_size=2)
    after = await make_complex(uow_factory, name="나중에 넣은 단지", dong="마장동", dong_short="마장")
    async with uow_factory() as uow:
        rows = (await uow._session.execute(select(Complex.id, Complex.name).order_by(Complex.id))).all()
    assert [name for _, name in rows][1:6] == [f"장미빌라 {n}" for n in range(5)]
    assert [id_ for id_, _ in rows] == list(range(first, after + 1))
    assert (counts.complexes, counts.buildings, counts.households, counts.representatives) == (5, 10, 100, 5)


async def test_dongs_already_there_are_kept_and_only_new_ones_added(uow_factory):
    await make_complex(uow_factory, dong="마장동", dong_short="마장")
    async with uow_factory(write=True) as uow:
        bulk = uow.bulk
        ids = await bulk.ensure_admin_dongs([AdminDongDraft("마장동", "마장", 3), AdminDongDraft("사근동", "사근", 4)])
        again = await bulk.ensure_admin_dongs([AdminDongDraft("사근동", "사근", 4)])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow._session.scalar(select(func.count()).select_from(AdminDong)) == 2
    assert again == {"사근동": ids["사근동"]}


async def test_a_rolled_back_load_leaves_nothing_behind(uow_factory):
    async with uow_factory(write=True) as uow:
        bulk = uow.bulk
        dong_ids = await bulk.ensure_admin_dongs([AdminDongDraft("마장동", "마장", 3)])
        await bulk.insert_complexes(
            [ComplexBundle(complex_draft("장미빌라", "마장동"))],
            admin_dong_ids=dong_ids,
            position_ids={},
            updated_at=WRITTEN_AT,
        )
        # leaving without commit
    async with uow_factory() as uow:
        assert await uow._session.scalar(select(func.count()).select_from(Complex)) == 0


def test_a_bulk_repository_needs_a_positive_chunk_size():
    with pytest.raises(ValueError):
        BulkRepository(None, chunk_size=0)  # type: ignore[arg-type]


COMPLEX_FIELDS = ("address", "kind", "management_type", "kapt_code", "kapt_management_mode", "building_count",
                  "household_count", "floors_min", "floors_max", "approved_on", "remarks", "version")  # fmt: skip
OFFICE_FIELDS = ("phone", "fax", "manager_name", "manager_birth_date", "manager_mobile", "manager_license_no",
                 "manager_license_grade", "manager_assigned_on")  # fmt: skip
MEMBER_FIELDS = ("name", "gender", "birth_date", "building_unit", "phone", "term_start", "term_end")
GROUP_FIELDS = ("kind", "name", "leader_position", "leader_name", "leader_phone", "leader_email", "member_count",
                "formed_on")  # fmt: skip
PROJECT_FIELDS = ("kind", "name", "period_start", "period_end", "amount", "returned_amount")


def pick(source, fields):
    if isinstance(source, Mapping):
        return tuple(source[f] for f in fields)
    return tuple(getattr(source, f, 1) for f in fields)  # a draft has no version; a fresh record's is 1


async def test_a_small_national_set_loads_and_reads_back_field_for_field(uow_factory):
    national = build_national_dataset(complexes=300, representatives=3_000, seed=11)
    summary = await load_district(uow_factory, FixedClock(instant=WRITTEN_AT), national)
    assert (summary.complexes, summary.representatives) == (300, 3_000)
    async with uow_factory() as uow:

        async def rows(model):
            table = model.__table__
            return (await uow._session.execute(select(table).order_by(table.c.id))).mappings().all()

        dongs = {d["id"]: d["name"] for d in await rows(AdminDong)}
        positions = {p["id"]: p["name"] for p in await rows(Position)}
        complexes = {c["id"]: c for c in await rows(Complex)}
        offices, members = await rows(ManagementOffice), await rows(Representative)
        groups, projects = await rows(ResidentGroup), await rows(SupportProject)
    bands = [f"households_area_{n}" for n in range(1, 6)]
    assert {
        c["name"]: (dongs[c["admin_dong_id"]], pick(c, COMPLEX_FIELDS), pick(c, bands)) for c in complexes.values()
    } == {
        b.complex.name: (b.complex.admin_dong, pick(b.complex, COMPLEX_FIELDS), b.complex.households_by_area)
        for b in national.complexes
    }
    name_of = {id_: c["name"] for id_, c in complexes.items()}
    assert {name_of[o["complex_id"]]: pick(o, OFFICE_FIELDS) for o in offices} == {
        b.complex.name: pick(b.office, OFFICE_FIELDS) for b in national.complexes if b.office
    }
    assert [(name_of[m["complex_id"]], positions[m["position_id"]], *pick(m, MEMBER_FIELDS)) for m in members] == [
        (b.complex.name, m.position, *pick(m, MEMBER_FIELDS)) for b in national.complexes for m in b.representatives
    ]
    assert [(name_of[g["complex_id"]], *pick(g, GROUP_FIELDS)) for g in groups] == [
        (b.complex.name, *pick(g, GROUP_FIELDS)) for b in national.complexes for g in b.groups
    ]
    assert [(name_of[p["complex_id"]], *pick(p, PROJECT_FIELDS)) for p in projects] == [
        (b.complex.name, *pick(p, PROJECT_FIELDS)) for b in national.complexes for p in b.projects
    ]
