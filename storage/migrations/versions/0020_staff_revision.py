"""staff_revision: one counter the database moves on every change to who may do what

The access gate identifies the sender of every update. Reading the member with their grants and scopes cost
about 1 ms a time, a quarter of the bot's own work on a lookup; the gate now keeps what it read and asks only
whether anything about staff changed since, by this one row. Triggers move it on any insert, update or delete
of staff, role_grant, role_grant_dong and department, whichever process writes (the bot, the admin endpoint,
the CLI, a hand-run SQL statement), in the writer's own transaction: a deactivation or a revoked grant applies
on the very next update everywhere.

SQLite drops a table's triggers when Alembic's batch mode rebuilds the table: a later migration that rebuilds
one of these four tables must create its triggers again (``create_triggers`` below).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

WATCHED = ("staff", "role_grant", "role_grant_dong", "department")
_BUMP = "UPDATE staff_revision SET revision = revision + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "staff_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO staff_revision (id, revision) VALUES (1, 1)")
    create_triggers()


def create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION staff_revision_bump() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {_BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED:
            # Once per statement, TRUNCATE included: a bulk change moves the counter once.
            op.execute(
                f"CREATE TRIGGER {table}_staff_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION staff_revision_bump()"
            )
        return
    for table in WATCHED:
        for event in ("insert", "update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_staff_revision_{event} AFTER {event.upper()} ON {table} BEGIN {_BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_staff_revision ON {table}")
        op.execute("DROP FUNCTION IF EXISTS staff_revision_bump()")
    else:
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_staff_revision_{event}")
    op.drop_table("staff_revision")
