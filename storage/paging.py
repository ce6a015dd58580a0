"""A page of a list and how many match in all, in one scan: the page's query carries a window count
(``TOTAL``), so the total needs no second query; only a page past the end, which has no row to carry it,
counts apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, func

from storage.db import Reader

TOTAL = func.count().over().label("total")


async def paged(
    session: Reader,
    listed: Select[*tuple[Any, ...]],
    counted: Select[*tuple[Any, ...]],
    *,
    offset: int,
    limit: int,
    values: dict[str, Any] | None = None,
) -> tuple[list[Row[Any]], int]:
    """``listed`` (ordered, selecting ``TOTAL``) from ``offset``, at most ``limit`` rows; ``counted`` is the
    same condition as a count, run only for a page past the end. With ``values``, both statements were built
    once with their values bound, ``listed`` with ``offset`` and ``limit`` too (a search run on every typed
    name: building a statement costs more than running it)."""
    if values is None:
        rows = list((await session.execute(listed.offset(offset).limit(limit))).all())
    else:
        rows = list((await session.execute(listed, values | {"offset": offset, "limit": limit})).all())
    if rows:
        return rows, int(rows[0].total)
    if offset == 0:
        return rows, 0
    return rows, int(await session.scalar(counted, values) or 0)
