"""Housing complexes and everything the lookup card shows."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, column, func, or_, select, table, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.housing.values import (
    ComplexDetail,
    ComplexSections,
    ComplexSummary,
    GeoPoint,
    PlacedComplex,
    RepresentativeMatch,
    TermEnding,
    UnlicensedManager,
)
from core.values import AdminDong as AdminDongValue
from storage.audit.models import AuditEntry
from storage.columns import record_of
from storage.db import Reader, dialect_of
from storage.housing.card_sections import COMPLEX_ID, card_sections_statement, read_card_sections
from storage.housing.models import (
    Complex,
    ManagementOffice,
    ReminderDay,
    Representative,
)
from storage.housing.name_search import SUMMARY_COLUMNS, name_search
from storage.paging import TOTAL, paged
from storage.reference.models import AdminDong, Position
from storage.search_keys import name_key
from storage.staff.models import Staff

# The community department's grant projects, named rather than imported: the housing schema stays its own, and
# the card only reads the housing calls' projects that name a complex (migration 0019's foreign key).
_GRANT_PROJECT = table(
    "grant_project",
    *(column(name) for name in ("id", "sponsor", "year", "name", "complex_id")),
    *(column(name) for name in ("city_funds", "district_funds", "self_funds")),
)


# The card's statements, built once: it is the most read screen, and building a statement costs more than
# SQLAlchemy's cache saves in compiling it (benchmarks/README.md). The head selects columns, not the ``Complex``
# entity, so that it reads the same on a Core connection (``storage.uow.ReadUnit``) as in a session.
_CARD_HEAD = (
    select(
        *(
            getattr(Complex, name)
            for name in ("id", "name", "kind", "management_type", "kapt_code", "kapt_management_mode")
        ),
        Complex.admin_dong_id,
        AdminDong.name.label("admin_dong"),
        AdminDong.short_name.label("admin_dong_short"),
        *(
            getattr(Complex, name)
            for name in ("address", "building_count", "household_count", "floors_min", "floors_max", "approved_on")
        ),
        *(getattr(Complex, f"households_area_{band}") for band in range(1, 6)),
        Complex.remarks,
        Complex.version,
        Complex.updated_at,
        Complex.latitude,
        Complex.longitude,
    )
    .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
    .where(Complex.id == COMPLEX_ID)
)
# The community's housing-call projects of the complex, for the card (its table is named, not imported).
_CARD_GRANTS = select(
    _GRANT_PROJECT.c.id,
    _GRANT_PROJECT.c.year,
    _GRANT_PROJECT.c.name,
    _GRANT_PROJECT.c.city_funds,
    _GRANT_PROJECT.c.district_funds,
    _GRANT_PROJECT.c.self_funds,
).where(_GRANT_PROJECT.c.complex_id == COMPLEX_ID, _GRANT_PROJECT.c.sponsor == "housing")


@cache  # per dialect, built at the first card
def _card_sections(dialect: str) -> Select[Any]:
    return card_sections_statement(dialect, _CARD_GRANTS)


@cache  # per dialect and whether the reader is scoped to dongs, built at the first such card
def _whole_card(dialect: str, scoped: bool) -> Select[Any]:
    # The sections are scalar subqueries of the head's one row: a complex outside the reader's dongs has no row,
    # and none of its sections is read.
    statement = _CARD_HEAD.add_columns(*_card_sections(dialect).selected_columns)
    if scoped:
        statement = statement.where(Complex.admin_dong_id.in_(bindparam("dongs", expanding=True)))
    return statement


def _detail(row: Any) -> ComplexDetail:
    """The card's head from a row of ``_CARD_HEAD``'s columns."""
    return ComplexDetail(
        id=row.id,
        name=row.name,
        kind=row.kind,
        management_type=row.management_type,
        kapt_code=row.kapt_code,
        kapt_management_mode=row.kapt_management_mode,
        admin_dong_id=row.admin_dong_id,
        admin_dong=row.admin_dong,
        admin_dong_short=row.admin_dong_short,
        address=row.address,
        building_count=row.building_count,
        household_count=row.household_count,
        floors_min=row.floors_min,
        floors_max=row.floors_max,
        approved_on=row.approved_on,
        households_by_area=(
            row.households_area_1,
            row.households_area_2,
            row.households_area_3,
            row.households_area_4,
            row.households_area_5,
        ),
        remarks=row.remarks,
        version=row.version,
        updated_at=row.updated_at,
        location=GeoPoint(row.latitude, row.longitude)
        if row.latitude is not None and row.longitude is not None
        else None,
    )


def _summaries(rows: list[Any]) -> list[ComplexSummary]:
    return [
        ComplexSummary(
            id=r.id, name=r.name, admin_dong=r.admin_dong, address=r.address, household_count=r.household_count
        )
        for r in rows
    ]


class HousingRepository:
    def __init__(self, session: Reader) -> None:
        """``session``: a unit of work's session, or a read unit's connection (reads only)."""
        self._session = session

    async def find_complexes_by_name(
        self, fragment: str, *, offset: int, limit: int, admin_dong_ids: frozenset[int] | None = None
    ) -> tuple[list[ComplexSummary], int]:
        """Complexes whose name contains the fragment, by name; and how many match in all. With
        ``admin_dong_ids``, only complexes in those dongs (a reader's scope); None means every dong."""
        listed, counted, values = name_search(name_key(fragment), admin_dong_ids)
        rows, total = await paged(self._session, listed, counted, offset=offset, limit=limit, values=values)
        return _summaries(rows), total

    async def find_representatives_by_name(
        self, fragment: str, *, offset: int, limit: int, admin_dong_ids: frozenset[int] | None = None
    ) -> tuple[list[RepresentativeMatch], int]:
        """Representatives whose name contains the fragment (spacing and case aside, as ``name_key`` reads
        a name), by name, then complex; and how many match in all. ``admin_dong_ids`` as for complexes."""
        key = func.lower(func.replace(Representative.name, " ", ""))
        condition: ColumnElement[bool] = key.contains(name_key(fragment), autoescape=True)
        if admin_dong_ids is not None:
            condition = and_(condition, Complex.admin_dong_id.in_(sorted(admin_dong_ids)))
        joined = (
            select(
                Representative.id,
                Representative.complex_id,
                Complex.name.label("complex_name"),
                Complex.admin_dong_id,
                AdminDong.name.label("admin_dong"),
                Position.name.label("position"),
                Representative.name,
                Representative.phone,
                TOTAL,
            )
            .join(Complex, Complex.id == Representative.complex_id)
            .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
            .join(Position, Position.id == Representative.position_id)
            .where(condition)
        )
        counted = (
            select(func.count())
            .select_from(Representative)
            .join(Complex, Complex.id == Representative.complex_id)
            .where(condition)
        )
        rows, total = await paged(
            self._session,
            joined.order_by(Representative.name, Complex.name, Representative.id),
            counted,
            offset=offset,
            limit=limit,
        )
        items = [
            RepresentativeMatch(
                id=r.id,
                complex_id=r.complex_id,
                complex_name=r.complex_name,
                admin_dong_id=r.admin_dong_id,
                admin_dong=r.admin_dong,
                position=r.position,
                name=r.name,
                phone=r.phone,
            )
            for r in rows
        ]
        return items, total

    async def list_complexes_in_dong(
        self, admin_dong_id: int, *, offset: int, limit: int
    ) -> tuple[list[ComplexSummary], int]:
        return await self._page(Complex.admin_dong_id == admin_dong_id, offset=offset, limit=limit)

    async def _page(self, condition: object, *, offset: int, limit: int) -> tuple[list[ComplexSummary], int]:
        listed = (
            select(*SUMMARY_COLUMNS, TOTAL)
            .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
            .where(condition)  # type: ignore[arg-type]
            .order_by(Complex.name, Complex.id)
        )
        counted = select(func.count()).select_from(Complex).where(condition)  # type: ignore[arg-type]
        rows, total = await paged(self._session, listed, counted, offset=offset, limit=limit)
        return _summaries(rows), total

    async def list_admin_dongs_with_counts(self, admin_dong_ids: frozenset[int] | None = None) -> list[AdminDongValue]:
        """Every dong (or only ``admin_dong_ids``) with how many complexes it has, in the district's order."""
        statement = (
            select(AdminDong.id, AdminDong.name, AdminDong.short_name, func.count(Complex.id).label("complex_count"))
            .outerjoin(Complex, Complex.admin_dong_id == AdminDong.id)
            .group_by(AdminDong.id, AdminDong.name, AdminDong.short_name, AdminDong.sort_order)
            .order_by(AdminDong.sort_order, AdminDong.id)
        )
        if admin_dong_ids is not None:
            statement = statement.where(AdminDong.id.in_(sorted(admin_dong_ids)))
        rows = await self._session.execute(statement)
        return [AdminDongValue(**row._mapping) for row in rows]

    async def get_admin_dong(self, admin_dong_id: int) -> AdminDongValue | None:
        row = (
            await self._session.execute(
                select(AdminDong.id, AdminDong.name, AdminDong.short_name).where(AdminDong.id == admin_dong_id)
            )
        ).first()
        if row is None:
            return None
        count = await self._session.scalar(
            select(func.count()).select_from(Complex).where(Complex.admin_dong_id == admin_dong_id)
        )
        return AdminDongValue(id=row.id, name=row.name, short_name=row.short_name, complex_count=int(count or 0))

    async def load_complex_detail(self, complex_id: int) -> ComplexDetail | None:
        """The card's head (one query): enough to decide whether the reader may open the rest."""
        row = (await self._session.execute(_CARD_HEAD, {"complex_id": complex_id})).first()
        return None if row is None else _detail(row)

    async def load_complex_sections(
        self, complex_id: int, *, detail: ComplexDetail | None = None
    ) -> ComplexSections | None:
        """The whole card in two statements, however many sections a complex has (the village community's
        housing-call projects and the open complaints among them): the head, then every section at once
        (``storage.housing.card_sections``); one when the caller already read the head with
        ``load_complex_detail``."""
        if detail is None:
            detail = await self.load_complex_detail(complex_id)
            if detail is None:
                return None
        statement = _card_sections(dialect_of(self._session))
        row = (await self._session.execute(statement, {"complex_id": complex_id})).one()
        return ComplexSections(detail=detail, **read_card_sections(row))

    async def load_complex_card(self, complex_id: int, admin_dong_ids: frozenset[int] | None) -> ComplexSections | None:
        """The head and every section in one statement, for a complex in ``admin_dong_ids`` (None: any dong);
        None for one that does not exist or lies in another dong, whose sections are then never read (the
        caller asks ``load_complex_detail`` which it is)."""
        values: dict[str, Any] = {"complex_id": complex_id}
        if admin_dong_ids is not None:
            values["dongs"] = sorted(admin_dong_ids)
        statement = _whole_card(dialect_of(self._session), admin_dong_ids is not None)
        row = (await self._session.execute(statement, values)).first()
        return None if row is None else ComplexSections(detail=_detail(row), **read_card_sections(row))

    async def complexes_in_box(
        self, south: float, north: float, west: float, east: float, *, admin_dong_ids: frozenset[int] | None = None
    ) -> list[PlacedComplex]:
        """The placed complexes inside a latitude/longitude box (edges included), from the location index."""
        condition = and_(Complex.latitude.between(south, north), Complex.longitude.between(west, east))
        if admin_dong_ids is not None:
            condition = and_(condition, Complex.admin_dong_id.in_(sorted(admin_dong_ids)))
        rows = await self._session.execute(
            select(Complex.id, Complex.admin_dong_id, Complex.latitude, Complex.longitude).where(condition)
        )
        return [
            PlacedComplex(id=r.id, admin_dong_id=r.admin_dong_id, location=GeoPoint(r.latitude, r.longitude))
            for r in rows
        ]

    async def placed_in_dongs(self, admin_dong_ids: frozenset[int], *, limit: int) -> list[PlacedComplex]:
        """The placed complexes of the given dongs, at most ``limit`` of them (by the dong index)."""
        rows = await self._session.execute(
            select(Complex.id, Complex.admin_dong_id, Complex.latitude, Complex.longitude)
            .where(Complex.admin_dong_id.in_(sorted(admin_dong_ids)), Complex.latitude.is_not(None))
            .limit(limit)
        )
        return [
            PlacedComplex(id=r.id, admin_dong_id=r.admin_dong_id, location=GeoPoint(r.latitude, r.longitude))
            for r in rows
        ]

    async def complex_summaries(self, complex_ids: list[int]) -> dict[int, ComplexSummary]:
        """The list lines of the given complexes, by id (those that exist)."""
        if not complex_ids:
            return {}
        rows = await self._session.execute(
            select(*SUMMARY_COLUMNS)
            .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
            .where(Complex.id.in_(sorted(set(complex_ids))))
        )
        return {
            r.id: ComplexSummary(
                id=r.id, name=r.name, admin_dong=r.admin_dong, address=r.address, household_count=r.household_count
            )
            for r in rows
        }

    async def set_complex_location(
        self, complex_id: int, *, version: int, location: GeoPoint | None, now: datetime
    ) -> bool:
        """Place (or unplace) a complex if it is still at ``version``, moving it to the next version; False when
        another change came first (or the complex is gone)."""
        result = await self._session.execute(
            update(Complex)
            .where(Complex.id == complex_id, Complex.version == version)
            .values(
                latitude=location.latitude if location else None,
                longitude=location.longitude if location else None,
                version=Complex.version + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def last_changed_by(self, complex_id: int) -> str | None:
        """The name of the staff member whose change to the complex's ledger is the latest in the audit log."""
        return await self._session.scalar(
            select(Staff.name)
            .join(AuditEntry, AuditEntry.actor_staff_id == Staff.id)
            .where(
                AuditEntry.target_type == "complex",
                AuditEntry.target_id == complex_id,
                AuditEntry.action.startswith("housing."),
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )

    async def terms_ending(
        self, first: date, last: date, admin_dong_ids: frozenset[int] | None = None
    ) -> list[TermEnding]:
        """Representatives whose terms end between ``first`` and ``last`` (both included), soonest first; only
        in ``admin_dong_ids`` if given."""
        in_dongs = [] if admin_dong_ids is None else [Representative.admin_dong_id.in_(sorted(admin_dong_ids))]
        rows = await self._session.execute(
            select(
                Complex.id.label("complex_id"),
                Complex.name.label("complex"),
                Complex.admin_dong_id,
                Position.name.label("position"),
                Representative.name,
                Representative.term_end,
            )
            .join(Complex, Complex.id == Representative.complex_id)
            .join(Position, Position.id == Representative.position_id)
            .where(Representative.term_end.between(first, last), *in_dongs)
            .order_by(Representative.term_end, Complex.name, Position.sort_order, Representative.id)
        )
        return [record_of(TermEnding, r) for r in rows]

    async def managers_without_licence(self) -> list[UnlicensedManager]:
        """Complexes whose registered manager has no licence number, by complex name."""
        rows = await self._session.execute(
            select(
                Complex.id.label("complex_id"),
                Complex.name.label("complex"),
                Complex.admin_dong_id,
                ManagementOffice.manager_name.label("manager"),
            )
            .join(Complex, Complex.id == ManagementOffice.complex_id)
            .where(
                ManagementOffice.manager_name.is_not(None),
                ManagementOffice.manager_name != "",
                or_(ManagementOffice.manager_license_no.is_(None), ManagementOffice.manager_license_no == ""),
            )
            .order_by(Complex.name, Complex.id)
        )
        return [record_of(UnlicensedManager, r) for r in rows]

    async def claim_reminder_day(self, day: date, *, recipients: int, now: datetime) -> bool:
        """Mark ``day``'s reminders as queued; False when they already were (by this or another process).
        A second process inserting the same day waits for the first one's transaction and then inserts
        nothing, so the day's notices are queued by one transaction only."""
        values = {"day": day, "queued_at": now, "recipients": recipients}
        insert = pg_insert if dialect_of(self._session) == "postgresql" else sqlite_insert
        result = await self._session.execute(
            insert(ReminderDay).values(**values).on_conflict_do_nothing(index_elements=["day"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
