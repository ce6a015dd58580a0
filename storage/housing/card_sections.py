"""The lookup card's sections in one statement: each section's rows come back as a JSON array in a column of
one row (SQLite's ``json_group_array``, PostgreSQL's ``json_agg``), so the card costs one trip to the
database after its head instead of six. Each statement was a hop to aiosqlite's thread or a round trip to
PostgreSQL, and the card is the most read screen (issue 17, benchmarks/README.md).

Only dates need converting back; the rows are ordered here, since an aggregate's order is not promised on
SQLite before 3.44."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, ScalarSelect, Select, bindparam, func, literal_column, select

from core.housing.values import (
    CommunityGrant,
    GroupRecord,
    Office,
    RepresentativeRecord,
    SupportProjectRecord,
)
from storage.housing.complaints import OPEN_STATES
from storage.housing.models import Complaint, ManagementOffice, Photo, Representative, ResidentGroup, SupportProject
from storage.reference.models import Position

R = TypeVar("R")
Row = dict[str, Any]

COMPLEX_ID: BindParameter[int] = bindparam("complex_id")


def _office() -> Select[Any]:
    return select(*(getattr(ManagementOffice, f.name) for f in fields(Office))).where(
        ManagementOffice.complex_id == COMPLEX_ID
    )


def _representatives() -> Select[Any]:
    own = (getattr(Representative, f.name) for f in fields(RepresentativeRecord) if f.name != "position")
    return (
        select(*own, Position.name.label("position"), Position.sort_order.label("position_order"))
        .join(Position, Position.id == Representative.position_id)
        .where(Representative.complex_id == COMPLEX_ID)
    )


def _groups() -> Select[Any]:
    return select(*(getattr(ResidentGroup, f.name) for f in fields(GroupRecord))).where(
        ResidentGroup.complex_id == COMPLEX_ID
    )


def _projects() -> Select[Any]:
    return select(*(getattr(SupportProject, f.name) for f in fields(SupportProjectRecord))).where(
        SupportProject.complex_id == COMPLEX_ID
    )


def _counts() -> tuple[ScalarSelect[Any], ScalarSelect[Any]]:
    photos = select(func.count()).select_from(Photo).where(Photo.complex_id == COMPLEX_ID).scalar_subquery()
    complaints = (
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.complex_id == COMPLEX_ID, Complaint.state.in_(OPEN_STATES))
        .scalar_subquery()
    )
    return photos, complaints


def _as_json(dialect: str, rows: Select[Any]) -> ScalarSelect[Any]:
    """The rows of ``rows`` as one JSON array of objects keyed by column name (NULL or ``[]`` when none)."""
    inner = rows.subquery()
    pairs: list[ColumnElement[Any]] = []
    for column in inner.c:
        pairs += [literal_column(f"'{column.name}'"), column]  # our own column names, inlined: never user text
    if dialect == "postgresql":
        return select(func.json_agg(func.json_build_object(*pairs))).select_from(inner).scalar_subquery()
    return select(func.json_group_array(func.json_object(*pairs))).select_from(inner).scalar_subquery()


def card_sections_statement(dialect: str, grants: Select[Any]) -> Select[Any]:
    """Office, representatives, groups, support projects, photo and open complaint counts and the village
    community's housing-call projects (``grants``, whose table the caller names) of ``:complex_id``."""
    photos, complaints = _counts()
    return select(
        _as_json(dialect, _office()).label("office"),
        _as_json(dialect, _representatives()).label("representatives"),
        _as_json(dialect, _groups()).label("groups"),
        _as_json(dialect, _projects()).label("projects"),
        photos.label("photos"),
        complaints.label("open_complaints"),
        _as_json(dialect, grants).label("grants"),
    )


def _loaded(value: object) -> list[Row]:
    if value is None:
        return []
    rows = json.loads(value) if isinstance(value, str | bytes) else value
    assert isinstance(rows, list)
    return rows


def _dated(rows: list[Row], *names: str) -> list[Row]:
    """The rows with the named fields as dates (both engines give them as ISO text)."""
    for row in rows:
        for name in names:
            if row[name] is not None:
                row[name] = date.fromisoformat(row[name][:10])
    return rows


def _records(record: type[R], rows: Sequence[Row]) -> tuple[R, ...]:
    names = [f.name for f in fields(record)]  # type: ignore[arg-type]
    return tuple(record(**{name: row[name] for name in names}) for row in rows)


def _newest_first(day: date | None) -> tuple[bool, int]:
    return (day is None, -day.toordinal() if day is not None else 0)


def _sorted(rows: list[Row], key: Callable[[Row], Any]) -> list[Row]:
    rows.sort(key=key)
    return rows


def read_card_sections(row: Any) -> dict[str, Any]:
    """The values of one row of ``card_sections_statement``, in the card's order: representatives by position,
    groups as registered, projects and grants newest first."""
    offices = _records(Office, _dated(_loaded(row.office), "manager_birth_date", "manager_assigned_on"))
    representatives = _dated(_loaded(row.representatives), "birth_date", "term_start", "term_end")
    groups = _dated(_loaded(row.groups), "formed_on")
    projects = _dated(_loaded(row.projects), "period_start", "period_end")
    return {
        "office": offices[0] if offices else None,
        "representatives": _records(
            RepresentativeRecord, _sorted(representatives, lambda r: (r["position_order"], r["id"]))
        ),
        "groups": _records(GroupRecord, _sorted(groups, lambda g: g["id"])),
        "projects": _records(
            SupportProjectRecord, _sorted(projects, lambda p: (_newest_first(p["period_start"]), p["id"]))
        ),
        "photo_count": int(row.photos or 0),
        "open_complaints": int(row.open_complaints or 0),
        "community_grants": _records(CommunityGrant, _sorted(_loaded(row.grants), lambda g: (-g["year"], -g["id"]))),
    }
