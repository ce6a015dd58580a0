"""sms.send narrowed to the holder's housing.read dongs

Until now ``sms.send`` could not be scoped, so an officer whose ``housing.read`` covers only 성수 could still
text every chair and manager of the district: the admin never chose "district-wide", there was no other
choice. Each such grant now takes the dongs of the holder's ``housing.read``; a grant whose holder reads the
whole district (or holds no ``housing.read``) stays district-wide. The admin sees each change in the audit
log as a ``role.grant`` without an actor and may widen it again on the staff page.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 10:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GRANTS = sa.table(
    "role_grant",
    sa.column("id", sa.Integer),
    sa.column("staff_id", sa.Integer),
    sa.column("permission", sa.String),
    sa.column("department_id", sa.Integer),
)
GRANT_DONGS = sa.table("role_grant_dong", sa.column("grant_id", sa.Integer), sa.column("admin_dong_id", sa.Integer))
AUDIT = sa.table(
    "audit_log",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_staff_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.Integer),
    sa.column("details", sa.JSON),
)


def upgrade() -> None:
    bind = op.get_bind()
    reading: dict[int, set[int]] = {}
    rows = bind.execute(
        sa.select(GRANTS.c.staff_id, GRANT_DONGS.c.admin_dong_id)
        .join(GRANT_DONGS, GRANT_DONGS.c.grant_id == GRANTS.c.id)
        .where(GRANTS.c.permission == "housing.read")
    )
    for staff_id, dong_id in rows:
        reading.setdefault(staff_id, set()).add(dong_id)
    scoped = sa.exists().where(GRANT_DONGS.c.grant_id == GRANTS.c.id)
    district_wide = bind.execute(
        sa.select(GRANTS.c.id, GRANTS.c.staff_id).where(
            GRANTS.c.permission == "sms.send", GRANTS.c.department_id.is_(None), ~scoped
        )
    ).all()
    now = datetime.now(UTC)
    for grant_id, staff_id in district_wide:
        dongs = sorted(reading.get(staff_id, ()))
        if not dongs:
            continue
        bind.execute(sa.insert(GRANT_DONGS), [{"grant_id": grant_id, "admin_dong_id": d} for d in dongs])
        bind.execute(
            sa.insert(AUDIT).values(
                at=now,
                actor_staff_id=None,
                action="role.grant",
                target_type="staff",
                target_id=staff_id,
                details={
                    "permission": "sms.send",
                    "old": {"department_id": None, "dong_ids": []},
                    "new": {"department_id": None, "dong_ids": dongs},
                    "via": "migration_0008",
                },
            )
        )


def downgrade() -> None:
    # Nothing to undo in the schema; the code before this revision already honoured a dong-scoped sms.send, so
    # the narrowed grants stay narrowed rather than silently widening to the district again.
    pass
