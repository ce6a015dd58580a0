"""마을공동체: community organisations (단체(기관)) with their facility (시설현황), and the grant projects of the
open calls (우리마을 지원(공모)사업). A housing complex's call names its complex; the complex cannot be removed
while a project names it, so a project never loses the complex it was granted for."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime

_FIELDS = "('space', 'organization', 'social_venture', 'other')"
_LEGAL_TYPES = (
    "('corporation', 'nonprofit_corporation', 'nonprofit_association', 'nonprofit_civic_group', "
    "'social_economy', 'welfare_facility', 'individual', 'residents_group', 'other')"
)


class CommunityOrganization(Base):
    """마을공동체 단체(기관) and its 시설현황 (one facility each, so its columns are the organisation's)."""

    __tablename__ = "community_organization"
    __table_args__ = (
        CheckConstraint(f"field IN {_FIELDS}", name="field_known"),
        CheckConstraint(f"legal_type IN {_LEGAL_TYPES}", name="legal_type_known"),
        CheckConstraint("land_area IS NULL OR land_area > 0", name="land_area_positive"),
        CheckConstraint("floor_area IS NULL OR floor_area > 0", name="floor_area_positive"),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count_not_negative"),
        Index("ix_community_organization_field_type", "field", "legal_type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    field: Mapped[str] = mapped_column(String(20))
    legal_type: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    # The name as searched (storage.search_keys.name_key), as for complexes.
    name_key: Mapped[str] = mapped_column(String(100), index=True)
    admin_dong_id: Mapped[int] = mapped_column(ForeignKey("admin_dong.id"), index=True)
    founded_on: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(200))
    representative: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    fax: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(100))
    homepage: Mapped[str | None] = mapped_column(String(200))
    business_year: Mapped[int | None] = mapped_column(Integer)
    member_count: Mapped[int | None] = mapped_column(Integer)
    land_area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    floor_area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    scale: Mapped[str | None] = mapped_column(String(30))
    main_facilities: Mapped[str | None] = mapped_column(String(200))
    ownership: Mapped[str | None] = mapped_column(String(50))
    facility_remarks: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Optimistic lock: every change names the version it read, checked in the UPDATE's WHERE.
    version: Mapped[int] = mapped_column(Integer, default=1)


class GrantProject(Base):
    """우리마을 지원(공모)사업; funds in thousand won. Only a housing complex's call names a complex."""

    __tablename__ = "grant_project"
    __table_args__ = (
        CheckConstraint("sponsor IN ('city', 'district', 'housing')", name="sponsor_known"),
        CheckConstraint("(sponsor = 'housing') = (complex_id IS NOT NULL)", name="complex_for_housing_calls"),
        CheckConstraint("city_funds >= 0 AND district_funds >= 0 AND self_funds >= 0", name="funds_not_negative"),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count_not_negative"),
        Index("ix_grant_project_year_sponsor", "year", "sponsor"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    sponsor: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    activity_area: Mapped[str | None] = mapped_column(String(50))
    call_field: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text)
    representative: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(20))
    member_count: Mapped[int | None] = mapped_column(Integer)
    city_funds: Mapped[int] = mapped_column(Integer, default=0)
    district_funds: Mapped[int] = mapped_column(Integer, default=0)
    self_funds: Mapped[int] = mapped_column(Integer, default=0)
    remarks: Mapped[str | None] = mapped_column(String(500))
    complex_id: Mapped[int | None] = mapped_column(ForeignKey("complex.id", ondelete="RESTRICT"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
