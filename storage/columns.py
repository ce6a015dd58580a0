"""Between core's values and the tables' columns where the two share their names: a value written as the
columns it fills, and a value read back from a row's same-named attributes. Where a name differs (a
position's name stored as its id, a title stored with its search key), the caller says so in ``extra``."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")


def columns(value: Any, *, skip: tuple[str, ...] = (), **extra: object) -> dict[str, Any]:
    """The columns a value fills: each field under its own name, except ``skip``, plus ``extra``. No deep
    copy (unlike ``dataclasses.asdict``): a file's bytes are written as they are."""
    return {f.name: getattr(value, f.name) for f in fields(value) if f.name not in skip} | extra


def record_of(record: type[R], row: object, **extra: object) -> R:
    """A value from the row's same-named attributes (plus ``extra``), so no ORM object leaves storage."""
    names = [f.name for f in fields(record) if f.name not in extra]  # type: ignore[arg-type]
    return record(**{name: getattr(row, name) for name in names}, **extra)
