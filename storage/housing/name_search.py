"""Finding complexes by part of their name through their name's pieces (``complex_name_gram``, migration 0021)
rather than by reading every name.

The statements are built once per shape (how many pieces, whether the whole fragment is checked, whether the
reader is scoped to dongs) with every value bound: the search runs on every typed name, and building and
caching a statement cost more than running it (benchmarks/README.md, issue 17)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select

from storage.housing.models import Complex, ComplexNameGram
from storage.paging import TOTAL
from storage.reference.models import AdminDong

GRAM_WIDTH = 3  # the longest piece the table holds
MOST_PIECES = 4  # more pieces narrow little further and each costs a lookup
_ESCAPE = "/"
Statement = Select[*tuple[Any, ...]]

SUMMARY_COLUMNS = (
    Complex.id,
    Complex.name,
    AdminDong.name.label("admin_dong"),
    Complex.address,
    Complex.household_count,
)


def pieces_of(key: str) -> list[str]:
    """The pieces a fragment's complexes must all hold: itself up to three letters; beyond, three-letter
    pieces spread over it (the first and the last among them), at most four."""
    if len(key) <= GRAM_WIDTH:
        return [key]
    grams = list(dict.fromkeys(key[i : i + GRAM_WIDTH] for i in range(len(key) - GRAM_WIDTH + 1)))
    if len(grams) <= MOST_PIECES:
        return grams
    step = (len(grams) - 1) / (MOST_PIECES - 1)
    return list(dict.fromkeys(grams[round(i * step)] for i in range(MOST_PIECES)))


def _condition(pieces: int, whole: bool, scoped: bool) -> ColumnElement[bool]:
    held: list[ColumnElement[bool]] = [
        Complex.id.in_(select(ComplexNameGram.complex_id).where(ComplexNameGram.gram == bindparam(f"piece{i}")))
        for i in range(pieces)
    ]
    if whole:  # the pieces of a longer fragment may stand apart in a name
        held.append(Complex.name_key.like(bindparam("pattern"), escape=_ESCAPE))
    if scoped:
        held.append(Complex.admin_dong_id.in_(bindparam("dongs", expanding=True)))
    return and_(*held)


@cache
def _statements(pieces: int, whole: bool, scoped: bool) -> tuple[Statement, Statement]:
    condition = _condition(pieces, whole, scoped)
    listed: Statement = (
        select(*SUMMARY_COLUMNS, TOTAL)
        .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
        .where(condition)
        .order_by(Complex.name, Complex.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    counted: Statement = select(func.count()).select_from(Complex).where(condition)
    return listed, counted


def _escaped(key: str) -> str:
    for special in (_ESCAPE, "%", "_"):
        key = key.replace(special, _ESCAPE + special)
    return key


def name_search(key: str, admin_dong_ids: frozenset[int] | None) -> tuple[Statement, Statement, dict[str, Any]]:
    """A page of complexes whose ``name_key`` contains ``key`` (already a name key), by name, with the total
    (``TOTAL``); the same condition as a count; and their values but ``offset`` and ``limit``. Those holding
    every piece of the fragment; for a fragment longer than a piece, the whole is checked on them too. With
    ``admin_dong_ids``, only complexes in those dongs."""
    values: dict[str, Any] = {}
    if key:
        pieces = pieces_of(key)
        values |= {f"piece{i}": piece for i, piece in enumerate(pieces)}
    else:  # nothing typed: every name holds it
        pieces = []
    whole = not key or len(key) > GRAM_WIDTH
    if whole:
        values["pattern"] = f"%{_escaped(key)}%"
    if admin_dong_ids is not None:
        values["dongs"] = sorted(admin_dong_ids)
    listed, counted = _statements(len(pieces), whole, admin_dong_ids is not None)
    return listed, counted, values
