"""Where the demo's complexes stand: near the centre of their administrative dong, deterministically.

Seongdong-gu spans about 37.53–37.57 N and 127.01–127.07 E, from 옥수 on the Han river's bend to 송정 by the
중랑천. Each dong's centre below is where its houses cluster; a complex is placed at a seeded offset from it
(a few hundred metres, as a dong is about a kilometre across), so a location shared from a street of the dong
finds that dong's complexes first. The offsets come from a generator of their own, so placing the complexes
changes nothing else the seed makes."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import replace

from core.housing.values import ComplexBundle, GeoPoint

# 행정동 centres (WGS 84), north-west to south-east.
SEONGDONG_CENTRES: dict[str, GeoPoint] = {
    "왕십리도선동": GeoPoint(37.5652, 127.0291),
    "왕십리제2동": GeoPoint(37.5638, 127.0336),
    "마장동": GeoPoint(37.5664, 127.0437),
    "사근동": GeoPoint(37.5616, 127.0463),
    "행당제1동": GeoPoint(37.5588, 127.0313),
    "행당제2동": GeoPoint(37.5561, 127.0372),
    "응봉동": GeoPoint(37.5530, 127.0336),
    "금호1가동": GeoPoint(37.5552, 127.0238),
    "금호2.3가동": GeoPoint(37.5519, 127.0189),
    "금호4가동": GeoPoint(37.5478, 127.0252),
    "옥수동": GeoPoint(37.5432, 127.0131),
    "성수1가제1동": GeoPoint(37.5471, 127.0411),
    "성수1가제2동": GeoPoint(37.5482, 127.0470),
    "성수2가제1동": GeoPoint(37.5421, 127.0531),
    "성수2가제3동": GeoPoint(37.5479, 127.0561),
    "송정동": GeoPoint(37.5592, 127.0679),
    "용답동": GeoPoint(37.5651, 127.0521),
}
# How far a complex stands from its dong's centre: mostly within 250 m, never beyond 600 m.
SPREAD_M = 250.0
FARTHEST_M = 600.0
METRES_PER_DEGREE = 111_195.0
# The national benchmark's dongs are spread over Seoul's built-up area.
SEOUL_SOUTH, SEOUL_NORTH = 37.46, 37.68
SEOUL_WEST, SEOUL_EAST = 126.82, 127.16


def near(rng: random.Random, centre: GeoPoint, spread_m: float = SPREAD_M, farthest_m: float = FARTHEST_M) -> GeoPoint:
    """A point at a seeded offset from ``centre``: normal in each direction, cut off at ``farthest_m``."""
    north, east = rng.gauss(0, spread_m), rng.gauss(0, spread_m)
    length = math.hypot(north, east)
    if length > farthest_m:
        north, east = north * farthest_m / length, east * farthest_m / length
    latitude = centre.latitude + north / METRES_PER_DEGREE
    longitude = centre.longitude + east / (METRES_PER_DEGREE * math.cos(math.radians(centre.latitude)))
    return GeoPoint(round(latitude, 6), round(longitude, 6))


def placed(bundles: Iterable[ComplexBundle], centres: dict[str, GeoPoint], seed: object) -> list[ComplexBundle]:
    """The bundles, each complex placed near its dong's centre (one placed already, like the seed report's
    example, stays where it is); the same seed places them the same way."""
    rng = random.Random(f"locations:{seed}")
    return [
        b
        if b.complex.location is not None
        else replace(b, complex=replace(b.complex, location=near(rng, centres[b.complex.admin_dong])))
        for b in bundles
    ]


def seoul_centres(dong_names: Iterable[str], seed: object) -> dict[str, GeoPoint]:
    """A centre for each of the national benchmark's dongs, spread evenly at random over Seoul."""
    rng = random.Random(f"centres:{seed}")
    return {
        name: GeoPoint(round(rng.uniform(SEOUL_SOUTH, SEOUL_NORTH), 6), round(rng.uniform(SEOUL_WEST, SEOUL_EAST), 6))
        for name in dong_names
    }
