"""Rows in a form both engines agree on: each row one JSON line, its values encoded by its column's type.

Read from SQLite, a timestamp comes back without its zone (stored as UTC text) and from PostgreSQL with it; a
decimal may carry trailing zeros on one and not the other. The canonical line is the same for both, so the
checksum of a table (``RowChecksum``) compares a database with its copy on the other engine. The checksum adds
each line's SHA-256 modulo 2**256: it does not depend on the order rows are read in, which differs between the
engines' collations for text keys."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Insert,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    bindparam,
    cast,
    insert,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.type_api import TypeEngine

from storage.schema import metadata

# Tables the database's own triggers write as other tables change (migrations 0020 and 0021): restored after
# every other table, so that the archive's rows, not the triggers', are what stays.
TRIGGER_WRITTEN = ("complex_name_gram", "staff_revision")
# Tables the first migrations fill, so a freshly migrated database is "empty" with rows in them.
MIGRATION_SEEDED = frozenset({"position", "staff_revision"})
# Rows per read and per insert; a table of files (up to 20 MB a row) is moved a few rows at a time.
BATCH = 1000
FILE_BATCH = 8
_MODULUS = 2**256

Encoder = Callable[[Any], Any]


def tables_in_order() -> list[Table]:
    """Every table, each after the tables it names, the trigger-written ones last: the order rows are written
    in, and restored in."""
    tables = [t for t in metadata.sorted_tables if t.name not in TRIGGER_WRITTEN]
    return tables + [metadata.tables[name] for name in TRIGGER_WRITTEN]


def batch_size(table: Table) -> int:
    return FILE_BATCH if any(isinstance(c.type, LargeBinary) for c in table.columns) else BATCH


def self_references(table: Table) -> list[str]:
    """Columns naming another row of the same table (``complex.buildings_shared_with_id``): inserted empty and
    set once every row is in, since the row named may come later."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _timestamp(value: datetime) -> str:
    # SQLite hands back the stored UTC time without a zone.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _identity(value: Any) -> Any:
    return value


def _json_document(text: str) -> dict[str, Any]:
    # A JSON column is read as its text (``selected``), so SQL NULL (None, never here) and the JSON document
    # ``null`` stay apart; the document is wrapped so its own null is not taken for SQL NULL.
    return {"json": json.loads(text)}


def _json_value(wrapped: dict[str, Any]) -> Any:
    document = wrapped["json"]
    return JSON.NULL if document is None else document


def _encoder(kind: TypeEngine[Any]) -> Encoder:
    if isinstance(kind, DateTime):
        return _timestamp
    if isinstance(kind, Date):
        return date.isoformat
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return _decimal
    if isinstance(kind, LargeBinary):
        return lambda value: base64.b64encode(value).decode("ascii")
    if isinstance(kind, Float):
        return float
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, JSON):
        return _json_document
    if isinstance(kind, (Integer, String)):
        return _identity
    raise TypeError(f"no archive encoding for {kind!r}")


def _decoder(kind: TypeEngine[Any]) -> Encoder:
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    if isinstance(kind, JSON):
        return _json_value
    return _identity


class RowCodec:
    """One table's rows to canonical lines and back."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        self._encoders = [_encoder(c.type) for c in table.columns]
        self._decoders = [_decoder(c.type) for c in table.columns]

    def line(self, row: Sequence[Any]) -> str:
        values = [None if v is None else encode(v) for encode, v in zip(self._encoders, row, strict=True)]
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def values(self, line: str) -> dict[str, Any]:
        """The row of a line, by column name, as the table's insert takes it."""
        encoded = json.loads(line)
        if not isinstance(encoded, list) or len(encoded) != len(self.columns):
            raise ValueError(f"a row of {self.table.name} does not have its {len(self.columns)} columns")
        return {
            name: None if v is None else decode(v)
            for name, decode, v in zip(self.columns, self._decoders, encoded, strict=True)
        }


class RowChecksum:
    """A table's row count and the sum of its lines' SHA-256, the same whatever order the rows came in."""

    def __init__(self) -> None:
        self.rows = 0
        self._sum = 0

    def add(self, line: str) -> None:
        self.rows += 1
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(line.encode()).digest(), "big")) % _MODULUS

    @property
    def hexdigest(self) -> str:
        return f"{self._sum:064x}"


def selected(table: Table) -> list[Any]:
    """The table's columns as read for the archive: a JSON column as its text (see ``_json_document``)."""
    return [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.columns]


def inserting(table: Table) -> Insert:
    """The insert of a table's rows: a JSON column's None is SQL NULL, its ``JSON.NULL`` the document null."""
    documents = {
        c.name: bindparam(c.name, type_=JSON(none_as_null=True)) for c in table.columns if isinstance(c.type, JSON)
    }
    return insert(table).values(documents) if documents else insert(table)


async def read_batches(connection: AsyncConnection, table: Table) -> AsyncIterator[Sequence[Any]]:
    """Every row of ``table``, a batch at a time in primary-key order (each batch starts after the last key
    read), so a large table never sits in memory whole. Inside one transaction the batches see one snapshot."""
    key = list(table.primary_key.columns)
    size = batch_size(table)
    statement = select(*selected(table)).order_by(*key).limit(size)
    positions = [list(table.columns).index(column) for column in key]
    after: list[Any] | None = None
    while True:
        page = statement
        if after is not None:
            page = statement.where(key[0] > after[0] if len(key) == 1 else tuple_(*key) > tuple_(*after))
        rows = (await connection.execute(page)).all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = [rows[-1][i] for i in positions]


async def table_checksum(connection: AsyncConnection, table: Table) -> RowChecksum:
    codec = RowCodec(table)
    checksum = RowChecksum()
    async for rows in read_batches(connection, table):
        for row in rows:
            checksum.add(codec.line(row))
    return checksum
