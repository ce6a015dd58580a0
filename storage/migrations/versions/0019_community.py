"""마을공동체: community organisations with their facility, and the grant projects of the open calls

Section 2 of the report. An organisation's 시설현황 is one per organisation, so its columns are the
organisation's (``land_area`` … ``facility_remarks``). A grant project of a housing complex's call names its
complex, and only such a project does (a CHECK); the complex cannot be removed while a project names it
(ON DELETE RESTRICT), so a granted project never loses its complex.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_FIELDS = "('space', 'organization', 'social_venture', 'other')"
_LEGAL_TYPES = (
    "('corporation', 'nonprofit_corporation', 'nonprofit_association', 'nonprofit_civic_group', "
    "'social_economy', 'welfare_facility', 'individual', 'residents_group', 'other')"
)


def upgrade() -> None:
    op.create_table(
        "community_organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("legal_type", sa.String(30), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("admin_dong_id", sa.Integer(), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("representative", sa.String(50), nullable=True),
        sa.Column("mobile", sa.String(20), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("fax", sa.String(20), nullable=True),
        sa.Column("email", sa.String(100), nullable=True),
        sa.Column("homepage", sa.String(200), nullable=True),
        sa.Column("business_year", sa.Integer(), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("land_area", sa.Numeric(12, 2), nullable=True),
        sa.Column("floor_area", sa.Numeric(12, 2), nullable=True),
        sa.Column("scale", sa.String(30), nullable=True),
        sa.Column("main_facilities", sa.String(200), nullable=True),
        sa.Column("ownership", sa.String(50), nullable=True),
        sa.Column("facility_remarks", sa.String(500), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"field IN {_FIELDS}", name=op.f("ck_community_organization_field_known")),
        sa.CheckConstraint(f"legal_type IN {_LEGAL_TYPES}", name=op.f("ck_community_organization_legal_type_known")),
        sa.CheckConstraint(
            "land_area IS NULL OR land_area > 0", name=op.f("ck_community_organization_land_area_positive")
        ),
        sa.CheckConstraint(
            "floor_area IS NULL OR floor_area > 0", name=op.f("ck_community_organization_floor_area_positive")
        ),
        sa.CheckConstraint(
            "member_count IS NULL OR member_count >= 0",
            name=op.f("ck_community_organization_member_count_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["admin_dong_id"], ["admin_dong.id"], name=op.f("fk_community_organization_admin_dong_id_admin_dong")
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["staff.id"], name=op.f("fk_community_organization_updated_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_organization")),
    )
    op.create_index("ix_community_organization_field_type", "community_organization", ["field", "legal_type"])
    op.create_index(op.f("ix_community_organization_name_key"), "community_organization", ["name_key"])
    op.create_index(op.f("ix_community_organization_admin_dong_id"), "community_organization", ["admin_dong_id"])
    op.create_table(
        "grant_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsor", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("activity_area", sa.String(50), nullable=True),
        sa.Column("call_field", sa.String(50), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("representative", sa.String(50), nullable=True),
        sa.Column("mobile", sa.String(20), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("city_funds", sa.Integer(), nullable=False),
        sa.Column("district_funds", sa.Integer(), nullable=False),
        sa.Column("self_funds", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.String(500), nullable=True),
        sa.Column("complex_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("sponsor IN ('city', 'district', 'housing')", name=op.f("ck_grant_project_sponsor_known")),
        sa.CheckConstraint(
            "(sponsor = 'housing') = (complex_id IS NOT NULL)", name=op.f("ck_grant_project_complex_for_housing_calls")
        ),
        sa.CheckConstraint(
            "city_funds >= 0 AND district_funds >= 0 AND self_funds >= 0",
            name=op.f("ck_grant_project_funds_not_negative"),
        ),
        sa.CheckConstraint(
            "member_count IS NULL OR member_count >= 0", name=op.f("ck_grant_project_member_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["complex_id"], ["complex.id"], name=op.f("fk_grant_project_complex_id_complex"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["staff.id"], name=op.f("fk_grant_project_updated_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_project")),
    )
    op.create_index("ix_grant_project_year_sponsor", "grant_project", ["year", "sponsor"])
    op.create_index(op.f("ix_grant_project_complex_id"), "grant_project", ["complex_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_grant_project_complex_id"), table_name="grant_project")
    op.drop_index("ix_grant_project_year_sponsor", table_name="grant_project")
    op.drop_table("grant_project")
    op.drop_index(op.f("ix_community_organization_admin_dong_id"), table_name="community_organization")
    op.drop_index(op.f("ix_community_organization_name_key"), table_name="community_organization")
    op.drop_index("ix_community_organization_field_type", table_name="community_organization")
    op.drop_table("community_organization")
