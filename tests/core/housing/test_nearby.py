"""The nearest complexes to a point and a complex's location, as core decides them (scope, validation,
versions, audit)."""

import math

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.housing import nearby
from core.housing.nearby import MAX_RADIUS_M, checked_point, distance_m
from core.housing.values import GeoPoint
from storage.audit.models import AuditEntry
from tests.builders import grant, make_complex, make_dong, make_staff

# 왕십리역 and places around it, a few hundred metres apart.
STATION = (37.5613, 127.0380)


def _north_of(metres: float, origin: tuple[float, float] = STATION) -> tuple[float, float]:
    return origin[0] + metres / 111_195.0, origin[1]


def _east_of(metres: float, origin: tuple[float, float] = STATION) -> tuple[float, float]:
    return origin[0], origin[1] + metres / (111_195.0 * math.cos(math.radians(origin[0])))


def test_distances_are_great_circle_metres():
    assert distance_m(GeoPoint(*STATION), GeoPoint(*STATION)) == 0
    assert distance_m(GeoPoint(*STATION), GeoPoint(*_north_of(1000))) == pytest.approx(1000, abs=1)
    assert distance_m(GeoPoint(*STATION), GeoPoint(*_east_of(1000))) == pytest.approx(1000, abs=1)
    # 서울시청 to 부산시청: about 325 km.
    assert distance_m(GeoPoint(37.5663, 126.9779), GeoPoint(35.1798, 129.0750)) == pytest.approx(325_000, rel=0.01)


@pytest.mark.parametrize(
    ("latitude", "longitude", "code"),
    [
        (48.8584, 2.2945, "location_outside_korea"),  # Paris
        (39.0392, 125.7625, "location_outside_korea"),  # Pyongyang: north of the border's margin
        (0.0, 0.0, "location_outside_korea"),
        (math.nan, 127.0, "location_invalid"),
        (37.5, math.inf, "location_invalid"),
    ],
)
def test_a_point_outside_korea_is_refused(latitude, longitude, code):
    with pytest.raises(InvalidInput) as refused:
        checked_point(latitude, longitude)
    assert refused.value.code == code


def test_a_point_in_korea_is_kept_to_six_decimals():
    assert checked_point(37.56131234567, 127.03801) == GeoPoint(37.561312, 127.03801)
    assert checked_point(33.2, 126.27)  # 마라도's neighbourhood
    assert checked_point(37.24, 131.87)  # 독도


async def test_the_nearest_complexes_come_nearest_first_with_their_distances(services, uow_factory):
    await make_complex(uow_factory, name="먼단지", location=_north_of(1500))
    await make_complex(uow_factory, name="가까운단지", location=_east_of(120))
    await make_complex(uow_factory, name="중간단지", location=_north_of(640))
    await make_complex(uow_factory, name="위치없는단지")
    reader = await make_staff(services)
    found = await services.housing_field.nearest(reader, *STATION)
    assert [(n.complex.name, n.distance_m) for n in found.complexes] == [
        ("가까운단지", 120),
        ("중간단지", 640),
        ("먼단지", 1500),
    ]
    two = await services.housing_field.nearest(reader, *STATION, count=2)
    assert [n.complex.name for n in two.complexes] == ["가까운단지", "중간단지"]


async def test_the_nearest_are_found_even_when_a_farther_one_sits_in_the_box_corner(services, uow_factory):
    # A complex in the corner of the first box (about 350 m away diagonally) is farther than one due north
    # beyond the box's edge (300 m): a search that stopped at the first box would list the corner one first.
    corner = _east_of(240, _north_of(240))
    await make_complex(uow_factory, name="모서리", location=corner)
    await make_complex(uow_factory, name="북쪽", location=_north_of(300))
    reader = await make_staff(services)
    found = await services.housing_field.nearest(reader, *STATION, count=1)
    assert [n.complex.name for n in found.complexes] == ["북쪽"]


async def test_nothing_farther_than_the_search_radius_is_listed(services, uow_factory):
    await make_complex(uow_factory, name="부산단지", location=(35.1798, 129.0750))
    reader = await make_staff(services)
    found = await services.housing_field.nearest(reader, *STATION)
    assert found.complexes == () and found.radius_m == MAX_RADIUS_M


async def test_a_dong_scoped_reader_finds_only_their_dongs_complexes(services, uow_factory):
    await make_complex(uow_factory, name="왕도단지", location=_north_of(100))
    await make_complex(uow_factory, name="성수단지", dong="성수1가제1동", dong_short="성수1", location=_north_of(50))
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    reader = await grant(uow_factory, await make_staff(services), "housing.read", dongs=(seongsu,))
    found = await services.housing_field.nearest(reader, *STATION)
    assert [n.complex.name for n in found.complexes] == ["성수단지"]
    outsider = await make_staff(services, saeol_id="kim02", roles=("benchmark.execute",))
    with pytest.raises(PermissionDenied):
        await services.housing_field.nearest(outsider, *STATION)


async def test_a_reader_of_many_dongs_is_searched_by_box_with_the_same_answer(services, uow_factory, monkeypatch):
    await make_complex(uow_factory, name="왕도단지", location=_north_of(100))
    await make_complex(uow_factory, name="먼왕도단지", location=_north_of(2500))
    await make_complex(uow_factory, name="성수단지", dong="성수1가제1동", dong_short="성수1", location=_north_of(50))
    wangdo = await make_dong(uow_factory)
    reader = await grant(uow_factory, await make_staff(services), "housing.read", dongs=(wangdo,))
    whole = await services.housing_field.nearest(reader, *STATION)
    monkeypatch.setattr(nearby, "SCOPE_READ_WHOLE", 0)  # as for a reader of more complexes than are read whole
    boxed = await services.housing_field.nearest(reader, *STATION)
    assert [n.complex.name for n in whole.complexes] == [n.complex.name for n in boxed.complexes]
    assert [n.complex.name for n in boxed.complexes] == ["왕도단지", "먼왕도단지"]


async def test_the_searched_point_is_validated(services):
    reader = await make_staff(services)
    with pytest.raises(InvalidInput) as refused:
        await services.housing_field.nearest(reader, 48.8584, 2.2945)
    assert refused.value.code == "location_outside_korea"


async def test_a_writer_places_a_complex_and_the_change_is_audited(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    writer = await make_staff(services, roles=("housing.read", "housing.write"))
    before = await services.housing_field.complex_to_place(writer, complex_id)
    assert before.location is None
    saved = await services.housing_field.set_location(writer, complex_id, before.version, 37.5613, 127.038)
    assert saved.location == GeoPoint(37.5613, 127.038) and saved.version == before.version + 1
    venue = await services.housing_field.located_complex(writer, complex_id)
    assert (venue.location, venue.version) == (GeoPoint(37.5613, 127.038), saved.version)
    moved = await services.housing_field.set_location(writer, complex_id, saved.version, 37.5620, 127.0391)
    async with uow_factory() as uow:
        session = uow._session
        assert session is not None
        rows = await session.execute(
            select(AuditEntry.actor_staff_id, AuditEntry.target_type, AuditEntry.target_id, AuditEntry.details)
            .where(AuditEntry.action == "housing.complex.edit")
            .order_by(AuditEntry.id)
        )
        edits = rows.all()
    assert [tuple(e)[:3] for e in edits] == [(writer.id, "complex", complex_id)] * 2
    assert edits[0].details == {
        "record_id": complex_id,
        "changes": {"latitude": [None, 37.5613], "longitude": [None, 127.038]},
    }
    assert edits[1].details == {
        "record_id": complex_id,
        "changes": {"latitude": [37.5613, 37.562], "longitude": [127.038, 127.0391]},
    }
    # The same place again changes nothing and writes nothing.
    same = await services.housing_field.set_location(writer, complex_id, moved.version, 37.562, 127.0391)
    assert same.version == moved.version


async def test_a_stale_version_is_refused_naming_who_changed_it(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    first = await make_staff(services, saeol_id="lee01", name="이순신", roles=("housing.read", "housing.write"))
    second = await make_staff(services, saeol_id="kim01", name="김유신", roles=("housing.read", "housing.write"))
    read_by_second = await services.housing_field.complex_to_place(second, complex_id)
    await services.housing_field.set_location(first, complex_id, read_by_second.version, 37.5613, 127.038)
    with pytest.raises(InvalidInput) as refused:
        await services.housing_field.set_location(second, complex_id, read_by_second.version, 37.55, 127.04)
    assert refused.value.code == "complex_changed_meanwhile" and refused.value.params == {"by": "이순신"}
    kept = await services.housing_field.located_complex(second, complex_id)
    assert kept.location == GeoPoint(37.5613, 127.038)


async def test_placing_needs_housing_write_covering_the_dong(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    reader = await make_staff(services)
    with pytest.raises(PermissionDenied):
        await services.housing_field.complex_to_place(reader, complex_id)
    with pytest.raises(PermissionDenied):
        await services.housing_field.set_location(reader, complex_id, 1, 37.5613, 127.038)
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    writer = await make_staff(services, saeol_id="kim02", roles=("housing.read", "housing.write"))
    scoped = await grant(uow_factory, writer, "housing.write", dongs=(seongsu,))
    with pytest.raises(PermissionDenied):
        await services.housing_field.set_location(scoped, complex_id, 1, 37.5613, 127.038)
    with pytest.raises(NotFound):
        await services.housing_field.set_location(writer, 99999, 1, 37.5613, 127.038)
    with pytest.raises(InvalidInput) as abroad:
        await services.housing_field.set_location(writer, complex_id, 1, 48.8584, 2.2945)
    assert abroad.value.code == "location_outside_korea"


async def test_a_complex_without_a_location_has_no_venue(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    reader = await make_staff(services)
    with pytest.raises(InvalidInput) as refused:
        await services.housing_field.located_complex(reader, complex_id)
    assert refused.value.code == "complex_not_located"
