"""complex_name_gram: the pieces of every complex's name, so a search by part of a name uses an index

Staff find a complex by any part of its name (``래미안``, ``가람푸``). A ``LIKE '%…%'`` reads every name: 5 ms at
20,000 complexes and 35 ms at 200,000. The table holds each complex's one-, two- and three-letter pieces of
``name_key``; a search looks up the complexes holding its pieces (one piece for up to three letters, a few
three-letter pieces beyond) and checks the whole fragment on those only (storage.housing.name_search).

Triggers keep the pieces in the writer's own transaction, whichever process writes (ledger, import, bulk load,
hand-run SQL). SQLite drops a table's triggers when Alembic's batch mode rebuilds it: a later migration that
rebuilds ``complex`` must create them again (``create_triggers`` below).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 12:30:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

WIDTHS = (1, 2, 3)
NAME_KEY_LENGTH = 100  # complex.name_key is String(100)


def upgrade() -> None:
    op.create_table(
        "complex_name_gram",
        sa.Column("gram", sa.String(length=3), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complex_id"], ["complex.id"], name=op.f("fk_complex_name_gram_complex_id_complex"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("gram", "complex_id", name=op.f("pk_complex_name_gram")),
    )
    op.create_index(op.f("ix_complex_name_gram_complex_id"), "complex_name_gram", ["complex_id"])
    create_triggers()
    op.execute(f"INSERT INTO complex_name_gram (gram, complex_id) {_pieces('complex.name_key', 'complex.id')}")


def _pieces(key: str, complex_id: str) -> str:
    """A SELECT of (gram, complex_id) for every distinct piece of ``key``."""
    if op.get_bind().dialect.name == "postgresql":
        slots = f"generate_series(1, {max(WIDTHS)}) AS w(width), generate_series(1, {NAME_KEY_LENGTH}) AS s(start)"
        start, width = "s.start", "w.width"
    else:  # no CTE is allowed in a SQLite trigger; json_each of a literal serves as the series
        starts = json.dumps(list(range(1, NAME_KEY_LENGTH + 1)), separators=(",", ":"))
        slots = f"json_each('{json.dumps(list(WIDTHS))}') AS w, json_each('{starts}') AS s"
        start, width = "s.value", "w.value"
    tables = f"complex, {slots}" if key.startswith("complex.") else slots
    return (
        f"SELECT DISTINCT substr({key}, {start}, {width}), {complex_id} FROM {tables} "
        f"WHERE {start} + {width} - 1 <= length({key})"
    )


def create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION complex_name_gram_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP = 'UPDATE' THEN "
            "IF NEW.name_key IS NOT DISTINCT FROM OLD.name_key THEN RETURN NULL; END IF; "
            "DELETE FROM complex_name_gram WHERE complex_id = OLD.id; "
            "END IF; "
            f"INSERT INTO complex_name_gram (gram, complex_id) {_pieces('NEW.name_key', 'NEW.id')}; "
            "RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER complex_name_gram_keep AFTER INSERT OR UPDATE OF name_key ON complex "
            "FOR EACH ROW EXECUTE FUNCTION complex_name_gram_keep()"
        )
        return  # a deleted complex's pieces go by the foreign key's cascade
    insert = f"INSERT INTO complex_name_gram (gram, complex_id) {_pieces('NEW.name_key', 'NEW.id')};"
    op.execute(f"CREATE TRIGGER complex_name_gram_insert AFTER INSERT ON complex BEGIN {insert} END")
    op.execute(
        "CREATE TRIGGER complex_name_gram_update AFTER UPDATE OF name_key ON complex "
        "WHEN NEW.name_key IS NOT OLD.name_key "
        f"BEGIN DELETE FROM complex_name_gram WHERE complex_id = OLD.id; {insert} END"
    )
    # The cascade too, should foreign keys be off on some connection (a hand-run sqlite3 shell).
    op.execute(
        "CREATE TRIGGER complex_name_gram_delete AFTER DELETE ON complex "
        "BEGIN DELETE FROM complex_name_gram WHERE complex_id = OLD.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS complex_name_gram_keep ON complex")
        op.execute("DROP FUNCTION IF EXISTS complex_name_gram_keep()")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS complex_name_gram_{event}")
    op.drop_index(op.f("ix_complex_name_gram_complex_id"), table_name="complex_name_gram")
    op.drop_table("complex_name_gram")
