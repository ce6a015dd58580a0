"""In the field: the complexes nearest to where a staff member stands, and where a complex stands.

A location shared in the chat lists the nearest complexes the reader may see (``housing.read``, within their
dongs) with their distances. The search reads a small box around the point from the location index and widens
it until the circle inside the box holds enough complexes: every complex nearer than the circle's radius is in
the box, so the nearest ones are among those read, however the complexes are spread. Distances are exact
(haversine) and computed here, so no geography extension is needed on either engine.

Placing a complex (``housing.write`` covering its dong) names the version the writer read: a change that came
in between refuses the save instead of overwriting it, and every change is audited with old and new values."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from core.clock import Clock
from core.errors import InvalidInput
from core.housing.records import audit_change, covered_complex
from core.housing.values import ComplexDetail, GeoPoint, NearbyComplex, PlacedComplex
from core.permissions import Permission, dong_scope, require
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

NEAREST = 8  # list buttons that fit a phone screen without scrolling
EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
FIRST_RADIUS_M = 250.0  # a city block or two: in a dense district, often enough at once
# Farther than this, a complex is no longer "near": Seongdong-gu is about 6 km across.
MAX_RADIUS_M = 16_000.0
# Where a location may be: South Korea with its islands (마라도 to 독도), with a margin. The district's
# complexes are all in Seongdong-gu, so a point beyond is a mistake (a forwarded location from abroad, a
# phone without a fix) rather than a search.
KOREA_SOUTH, KOREA_NORTH = 33.0, 38.7
KOREA_WEST, KOREA_EAST = 124.5, 132.0
# A reader scoped to a few dongs: their placed complexes are read whole (by the dong index) when there are at
# most this many, since a box widened until it finds enough of them would read the complexes of every dong
# around first. A district's 17 dongs hold a few hundred complexes.
SCOPE_READ_WHOLE = 500
METRES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_M / 180


@dataclass(frozen=True, slots=True)
class Nearest:
    """A search's answer: the nearest complexes, nearest first; ``radius_m`` is how far it looked."""

    point: GeoPoint
    complexes: tuple[NearbyComplex, ...]
    radius_m: float


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    """The great-circle distance between two points, in metres (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def checked_point(latitude: float, longitude: float) -> GeoPoint:
    """A location as given, if it is a place in Korea; ``InvalidInput`` otherwise."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise InvalidInput("location_invalid", f"not a place: {latitude}, {longitude}")
    if not (KOREA_SOUTH <= latitude <= KOREA_NORTH and KOREA_WEST <= longitude <= KOREA_EAST):
        raise InvalidInput("location_outside_korea", f"outside Korea: {latitude}, {longitude}")
    return GeoPoint(round(latitude, 6), round(longitude, 6))  # 6 decimals: about 10 cm, more than a phone knows


def box_around(point: GeoPoint, radius_m: float) -> tuple[float, float, float, float]:
    """South, north, west and east edges of the box that holds the circle of ``radius_m`` around ``point``."""
    dlat = radius_m / METRES_PER_DEGREE_LATITUDE
    dlon = dlat / max(math.cos(math.radians(point.latitude)), 0.01)
    return point.latitude - dlat, point.latitude + dlat, point.longitude - dlon, point.longitude + dlon


async def nearest_placed(
    uow: UnitOfWork, point: GeoPoint, count: int, admin_dong_ids: frozenset[int] | None
) -> tuple[list[tuple[float, PlacedComplex]], float]:
    """Up to ``count`` placed complexes (within ``admin_dong_ids``; None: every dong) nearest to ``point``,
    nearest first with their distances, and the radius searched. The box doubles until its inner circle holds
    ``count`` complexes or it reaches ``MAX_RADIUS_M``; a reader of a few dongs has their complexes read whole."""
    if admin_dong_ids is not None:
        placed = await uow.housing.placed_in_dongs(admin_dong_ids, limit=SCOPE_READ_WHOLE + 1)
        if len(placed) <= SCOPE_READ_WHOLE:
            return _nearest_of(point, placed, MAX_RADIUS_M)[:count], MAX_RADIUS_M
    radius = FIRST_RADIUS_M
    while True:
        placed = await uow.housing.complexes_in_box(*box_around(point, radius), admin_dong_ids=admin_dong_ids)
        inside = _nearest_of(point, placed, radius)
        if len(inside) >= count or radius >= MAX_RADIUS_M:
            return inside[:count], radius
        radius = min(radius * 2, MAX_RADIUS_M)


def _nearest_of(point: GeoPoint, placed: list[PlacedComplex], radius: float) -> list[tuple[float, PlacedComplex]]:
    """The complexes within ``radius`` of ``point``, nearest first (equal distances by id), with their distances."""
    measured = sorted(((distance_m(point, p.location), p) for p in placed), key=lambda m: (m[0], m[1].id))
    return [m for m in measured if m[0] <= radius]


class HousingField:
    """The nearest-complex search and complex locations, for staff in the field."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def nearest(self, actor: StaffMember, latitude: float, longitude: float, count: int = NEAREST) -> Nearest:
        """The complexes the reader may see nearest to a point, nearest first (at most ``count``, none farther
        than ``MAX_RADIUS_M``)."""
        require(actor, Permission.HOUSING_READ)
        point = checked_point(latitude, longitude)
        count = max(1, min(count, 50))
        async with self._uow() as uow:
            found, radius = await nearest_placed(uow, point, count, dong_scope(actor, Permission.HOUSING_READ))
            summaries = await uow.housing.complex_summaries([p.id for _, p in found])
        complexes = tuple(
            NearbyComplex(complex=summaries[p.id], distance_m=round(d)) for d, p in found if p.id in summaries
        )
        return Nearest(point=point, complexes=complexes, radius_m=radius)

    async def located_complex(self, actor: StaffMember, complex_id: int) -> ComplexDetail:
        """A complex's head with its location, for its 📍 venue; refused when it has no location yet."""
        require(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            detail = await covered_complex(uow, actor, complex_id, Permission.HOUSING_READ)
        if detail.location is None:
            raise InvalidInput("complex_not_located", f"complex {complex_id} has no location", name=detail.name)
        return detail

    async def complex_to_place(self, actor: StaffMember, complex_id: int) -> ComplexDetail:
        """A complex the writer may place, with the version a later ``set_location`` names."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._uow() as uow:
            detail = await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)
        return detail

    async def set_location(
        self, actor: StaffMember, complex_id: int, version: int, latitude: float, longitude: float
    ) -> ComplexDetail:
        """Place a complex where the writer says, if it is still as they read it (``version``). A change that
        came in between is refused with the name of whoever made it, and nothing is saved. Placing it where it
        already is changes nothing and is not audited."""
        require(actor, Permission.HOUSING_WRITE)
        point = checked_point(latitude, longitude)
        async with self._uow(write=True) as uow:
            detail = await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)
            if detail.version != version:
                by = await uow.housing.last_changed_by(complex_id)
                raise InvalidInput("complex_changed_meanwhile", f"complex {complex_id} is at {detail.version}", by=by)
            if detail.location == point:
                return detail
            now = self._clock.now()
            if not await uow.housing.set_complex_location(complex_id, version=version, location=point, now=now):
                by = await uow.housing.last_changed_by(complex_id)
                raise InvalidInput("complex_changed_meanwhile", f"complex {complex_id} changed", by=by)
            old = detail.location
            changes: dict[str, list[object]] = {
                "latitude": [old.latitude if old else None, point.latitude],
                "longitude": [old.longitude if old else None, point.longitude],
            }
            await audit_change(uow, self._clock, actor, "housing.complex.edit", complex_id, complex_id, changes)
            await uow.commit()
        return replace(detail, location=point, version=version + 1, updated_at=now)
