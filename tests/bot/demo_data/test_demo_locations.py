"""The demo's complexes stand where Seongdong-gu's do, near their dong's centre, the same way every time."""

from bot.demo_data import build_demo_district, load_demo_district
from bot.demo_data.locations import FARTHEST_M, SEONGDONG_CENTRES
from bot.demo_data.national import build_national_dataset
from core.housing.nearby import distance_m
from core.housing.values import GeoPoint
from tests.builders import make_staff


def test_every_demo_complex_stands_in_seongdong_near_its_dongs_centre():
    district = build_demo_district()
    assert set(SEONGDONG_CENTRES) == {d.name for d in district.admin_dongs}
    for bundle in district.complexes:
        c = bundle.complex
        assert c.location is not None
        assert 37.53 <= c.location.latitude <= 37.575 and 127.005 <= c.location.longitude <= 127.075, c.name
        assert distance_m(c.location, SEONGDONG_CENTRES[c.admin_dong]) <= FARTHEST_M + 1, c.name
    assert len({b.complex.location for b in district.complexes}) == len(district.complexes)


def test_the_same_seed_places_the_complexes_the_same_way_and_another_seed_elsewhere():
    first, again, other = build_demo_district(), build_demo_district(), build_demo_district(seed=7)
    assert [b.complex.location for b in first.complexes] == [b.complex.location for b in again.complexes]
    assert [b.complex.location for b in first.complexes] != [b.complex.location for b in other.complexes]
    example = "성동삼성쉐르빌(주상복합)"
    assert {b.complex.name: b.complex.location for b in other.complexes}[example] == GeoPoint(37.566105, 127.026472)


def test_the_national_dataset_is_placed_over_seoul():
    dataset = build_national_dataset(complexes=500, representatives=1000)
    locations = [b.complex.location for b in dataset.complexes]
    assert all(p is not None and 37.4 < p.latitude < 37.75 and 126.75 < p.longitude < 127.25 for p in locations)


async def test_the_loaded_demo_finds_the_complexes_near_wangsimni_station(services, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    reader = await make_staff(services, saeol_id="demo99")
    found = await services.housing_field.nearest(reader, 37.5613, 127.0380)
    assert len(found.complexes) == 8
    distances = [n.distance_m for n in found.complexes]
    assert distances == sorted(distances) and distances[-1] < 1500
