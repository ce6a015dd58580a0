"""Reference lists every domain reads: departments (부서), administrative dongs (행정동), representative
positions (직위) and support criteria (지원기준)."""

from __future__ import annotations

from sqlalchemy import (
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class AdminDong(Base):
    """행정동: an administrative neighbourhood of the district (not a building, 동(棟))."""

    __tablename__ = "admin_dong"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    short_name: Mapped[str] = mapped_column(String(10), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Position(Base):
    """직위 of a residents' council member; the list is kept by admins."""

    __tablename__ = "position"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SupportCriterion(Base):
    """지원기준: the rules by which the district supports complexes (a reference list admins keep)."""

    __tablename__ = "support_criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    max_amount: Mapped[int | None] = mapped_column(Integer)  # thousand won
    # A project above max_amount is refused ('refuse') or saved once the officer confirms ('warn').
    enforcement: Mapped[str] = mapped_column(String(10), default="refuse", server_default="refuse")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
