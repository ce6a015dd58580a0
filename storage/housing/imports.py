"""What the Excel import reads and writes: the ledger's records of many complexes at once, found by the keys an
office's sheet names them by, and new records inserted a chunk at a time (``core.housing.ledger_import``).

Values are by the ledger's field names (``core.housing.fields``) both ways, as ``storage.housing.ledger`` reads
and writes one record; changes to records that exist go through that repository, under their versions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from core.housing.values import LedgerRecord
from storage.housing.ledger import LEDGER_COLUMNS, MODELS
from storage.housing.models import Complex, Representative
from storage.reference.models import AdminDong, Position, SupportCriterion
from storage.search_keys import name_key

_BANDS = tuple(f"households_area_{n}" for n in range(1, 6))
_IN_LIST = 500  # keys per IN (…): well under SQLite's and asyncpg's parameter limits


class LedgerImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def dong_ids(self) -> dict[str, int]:
        return {name: id_ for id_, name in await self._session.execute(select(AdminDong.id, AdminDong.name))}

    async def position_ids(self) -> dict[str, int]:
        return {name: id_ for id_, name in await self._session.execute(select(Position.id, Position.name))}

    async def criteria(self) -> dict[str, tuple[int | None, str]]:
        """지원기준 by name: its maximum (천원) and whether exceeding it is refused or warned."""
        rows = await self._session.execute(
            select(SupportCriterion.name, SupportCriterion.max_amount, SupportCriterion.enforcement)
        )
        return {name: (maximum, enforcement) for name, maximum, enforcement in rows}

    async def complexes_by_codes(self, codes: Iterable[str]) -> list[LedgerRecord]:
        found: list[LedgerRecord] = []
        for part in _parts(sorted(set(codes))):
            found += await self._complexes(Complex.kapt_code.in_(part))
        return found

    async def complexes_by_names(self, keys: Iterable[tuple[str, int]]) -> list[LedgerRecord]:
        """Complexes by (name, dong id); a name may be there twice in a dong, and both come back."""
        found: list[LedgerRecord] = []
        for part in _parts(sorted(set(keys))):
            found += await self._complexes(tuple_(Complex.name, Complex.admin_dong_id).in_(part))
        return found

    async def _complexes(self, condition: Any) -> list[LedgerRecord]:
        statement = (
            select(Complex, AdminDong.name.label("dong"))
            .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
            .where(condition)
            .order_by(Complex.id)
        )
        return [
            _record("complex", row[0].id, row[0], {"admin_dong": row.dong})
            for row in await self._session.execute(statement)
        ]

    async def records_of(self, record: str, complex_ids: Iterable[int]) -> list[LedgerRecord]:
        """Every ``record`` (office, representative, group, project) of the complexes, oldest first."""
        model = MODELS[record]
        found: list[LedgerRecord] = []
        for part in _parts(sorted(set(complex_ids))):
            statement = select(model).where(model.complex_id.in_(part)).order_by(model.id)
            if record == "representative":
                statement = (
                    select(model, Position.name.label("position"))
                    .join(Position, Position.id == Representative.position_id)
                    .where(model.complex_id.in_(part))
                    .order_by(model.id)
                )
                rows = await self._session.execute(statement)
                found += [_record(record, r[0].complex_id, r[0], {"position": r.position}) for r in rows]
            else:
                found += [_record(record, r.complex_id, r) for r in await self._session.scalars(statement)]
        return found

    async def add_records(
        self,
        record: str,
        rows: Sequence[tuple[int | None, Mapping[str, object]]],
        *,
        dong_ids: Mapping[str, int],
        position_ids: Mapping[str, int],
        complex_dongs: Mapping[int, int],
        at: datetime,
        by: int | None,
    ) -> list[int]:
        """Insert ``record``s (each with its complex's id; None for a complex itself) in one statement per
        chunk; their new ids, in order. ``complex_dongs`` gives a representative its complex's dong."""
        if not rows:
            return []
        model = MODELS[record]
        table: Table = model.__table__
        values = [
            _columns(record, complex_id, v, dong_ids, position_ids, complex_dongs)
            | {"updated_at": at, "updated_by": by, "version": 1}
            for complex_id, v in rows
        ]
        result = await self._session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values)
        return [int(id_) for id_ in result.scalars()]


def _columns(
    record: str,
    complex_id: int | None,
    values: Mapping[str, object],
    dong_ids: Mapping[str, int],
    position_ids: Mapping[str, int],
    complex_dongs: Mapping[int, int],
) -> dict[str, object]:
    out: dict[str, object] = {name: values.get(name) for name in LEDGER_COLUMNS[record]}
    if record == "complex":
        out["name_key"] = name_key(str(values["name"]))
        out["admin_dong_id"] = dong_ids[str(values["admin_dong"])]
        bands = values["households_by_area"]
        assert isinstance(bands, tuple | list)
        out |= dict(zip(_BANDS, bands, strict=True))
        return out
    assert complex_id is not None
    out["complex_id"] = complex_id
    if record == "representative":
        out["position_id"] = position_ids[str(values["position"])]
        out["admin_dong_id"] = complex_dongs[complex_id]
    return out


def _record(record: str, complex_id: int, item: Any, extra: Mapping[str, object] | None = None) -> LedgerRecord:
    values: dict[str, object] = {name: getattr(item, name) for name in LEDGER_COLUMNS[record]}
    if record == "complex":
        values["households_by_area"] = tuple(getattr(item, band) for band in _BANDS)
        values["admin_dong_id"] = item.admin_dong_id
    values |= dict(extra or {})
    return LedgerRecord(record=record, id=int(item.id), complex_id=complex_id, version=int(item.version), values=values)


def _parts(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _IN_LIST):
        yield items[start : start + _IN_LIST]
