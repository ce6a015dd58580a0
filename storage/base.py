"""The declarative base every table shares, and its conventions. Alembic migrations in
``storage/migrations`` are the source of truth for the database; each domain's ``models`` module mirrors
them, and a test checks that the two agree (``storage.schema`` gathers them)."""

from __future__ import annotations

from sqlalchemy import (
    DateTime,
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Timestamps are stored in UTC and converted to the office's zone only for display.
UtcDateTime = DateTime(timezone=True)
