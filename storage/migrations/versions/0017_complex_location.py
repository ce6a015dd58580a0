"""complex.latitude/longitude: where a complex stands, for the nearest-complex search and its 📍 venue;
housing_reminder_day: the office days whose reminders to the housing staff are queued

Both columns are nullable (a complex is registered before anyone has placed it); core sets them together. The index
on (latitude, longitude) lets the search read the complexes inside a small box around a point from the index
alone, on SQLite and PostgreSQL alike, however many complexes the ledger holds.

The daily reminders (terms ending, managers without a licence number) are queued once per office day: the
day's row, inserted in the same transaction as the notices, keeps a restart or a second process from queuing
them again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding complex in SQLite would drop the table, and with foreign
    # keys on that deletes every office, representative, group, project and photo (ON DELETE CASCADE).
    op.add_column("complex", sa.Column("latitude", sa.Float(), nullable=True))
    op.add_column("complex", sa.Column("longitude", sa.Float(), nullable=True))
    op.create_index("ix_complex_location", "complex", ["latitude", "longitude"])
    op.create_table(
        "housing_reminder_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_housing_reminder_day")),
    )


def downgrade() -> None:
    op.drop_table("housing_reminder_day")
    op.drop_index("ix_complex_location", table_name="complex")
    op.drop_column("complex", "longitude")  # SQLite 3.35+ drops a column in place
    op.drop_column("complex", "latitude")
