"""staff_revision on PostgreSQL also tells listeners when it moves (NOTIFY staff_revision)

The access gate read the counter on every update: one round trip to PostgreSQL per update, a tenth of the
bot's work under load (issue 17). The bump now also notifies channel ``staff_revision`` (delivered at commit,
never for a rolled-back change), so a bot listening on it reads the counter only after a change
(storage.staff.revision). SQLite has no notifications: its reader reads the row in place, in microseconds.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 18:15:00
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_BUMP = "UPDATE staff_revision SET revision = revision + 1 WHERE id = 1"
CHANNEL = "staff_revision"  # storage.staff.revision listens on it


def _bump_function(body: str) -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION staff_revision_bump() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {body} RETURN NULL; END $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _bump_function(f"{_BUMP}; PERFORM pg_notify('{CHANNEL}', '');")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _bump_function(f"{_BUMP};")
