"""Dialogues in progress: 검토결과 입력 and 추진사항 승인요청 become two dialogues

Until now one dialogue (``benchmark_review``) held both, told apart by the ``mode`` ("rv" review, "pg"
progress report) of the work kept in the staff member's ``bm_work``. Each now has its own name, states and
work key: ``benchmark_review_result`` keeps ``bm_work``; ``benchmark_progress`` keeps ``bm_progress``. A
staff member midway through either when the office upgrades continues where they were, so each saved
conversation moves to the dialogue its work belongs to, with the user data that points at it (the focus
of typed text, the open question, and the owner of the shared 제출/임시저장/취소 buttons). A conversation
whose work is gone could not continue either way and is dropped, with a focus left on the old name.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 16:50:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BOT_STATE = sa.table(
    "bot_state",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("name", sa.String),
    sa.column("key", sa.String),
    sa.column("data", sa.JSON),
)
OLD = "benchmark_review"
REVIEW, PROGRESS = "benchmark_review_result", "benchmark_progress"
OLD_WORK, PROGRESS_WORK = "bm_work", "bm_progress"
FOCUS, QUESTION, OWNER = "dialogue", "question", "bm_work_dialogue"
REVIEW_STATES, PROGRESS_STATES = {"adoption", "opinion"}, {"result", "note"}


def _user_data(connection: sa.Connection) -> dict[str, tuple[int, dict[str, Any]]]:
    rows = connection.execute(
        sa.select(BOT_STATE.c.id, BOT_STATE.c.key, BOT_STATE.c.data).where(BOT_STATE.c.kind == "user_data")
    )
    return {key: (row_id, value) for row_id, key, value in rows if isinstance(value, dict)}


def _conversations(connection: sa.Connection, name: str) -> list[tuple[int, str, object]]:
    rows = connection.execute(
        sa.select(BOT_STATE.c.id, BOT_STATE.c.key, BOT_STATE.c.data).where(
            BOT_STATE.c.kind == "conversation", BOT_STATE.c.name == name
        )
    )
    return [(row_id, key, value) for row_id, key, value in rows]


def _rename(data: dict[str, Any], old: str, new: str) -> None:
    if data.get(FOCUS) == old:
        data[FOCUS] = new
    question = data.get(QUESTION)
    if isinstance(question, list) and question and question[0] == old:
        data[QUESTION] = [new, *question[1:]]


def upgrade() -> None:
    connection = op.get_bind()
    users = _user_data(connection)
    for row_id, key, state in _conversations(connection, OLD):
        user_id = str(json.loads(key)[-1])
        user_row, data = users.get(user_id, (None, {}))
        work = data.get(OLD_WORK)
        mode = work.get("mode") if isinstance(work, dict) else None
        if mode is None:
            mode = "rv" if state in REVIEW_STATES else "pg" if state in PROGRESS_STATES else None
        if mode not in ("rv", "pg") or not isinstance(work, dict):
            connection.execute(sa.delete(BOT_STATE).where(BOT_STATE.c.id == row_id))
            continue
        new = REVIEW if mode == "rv" else PROGRESS
        connection.execute(sa.update(BOT_STATE).where(BOT_STATE.c.id == row_id).values(name=new))
        data = dict(data)
        if new == PROGRESS:
            data[PROGRESS_WORK] = data.pop(OLD_WORK)
        data[OWNER] = new
        _rename(data, OLD, new)
        if user_row is not None:
            users[user_id] = (user_row, data)
            connection.execute(sa.update(BOT_STATE).where(BOT_STATE.c.id == user_row).values(data=data))
    # A focus left on the old name (its conversation ended or was dropped) would keep every other dialogue
    # from reading what the staff member types: it goes, as when a dialogue ends.
    for user_row, data in users.values():
        question = data.get(QUESTION)
        stale_question = isinstance(question, list) and bool(question) and question[0] == OLD
        if data.get(FOCUS) == OLD or stale_question:
            kept = {
                k: v for k, v in data.items() if not ((k == FOCUS and v == OLD) or (k == QUESTION and stale_question))
            }
            connection.execute(sa.update(BOT_STATE).where(BOT_STATE.c.id == user_row).values(data=kept))


def downgrade() -> None:
    connection = op.get_bind()
    users = _user_data(connection)
    for new, mode in ((REVIEW, "rv"), (PROGRESS, "pg")):
        for row_id, key, _state in _conversations(connection, new):
            user_id = str(json.loads(key)[-1])
            user_row, data = users.get(user_id, (None, {}))
            work_key = OLD_WORK if new == REVIEW else PROGRESS_WORK
            work = data.get(work_key)
            taken = connection.execute(
                sa.select(BOT_STATE.c.id).where(
                    BOT_STATE.c.kind == "conversation", BOT_STATE.c.name == OLD, BOT_STATE.c.key == key
                )
            ).first()
            if not isinstance(work, dict) or taken is not None:  # the one dialogue held one of the two
                connection.execute(sa.delete(BOT_STATE).where(BOT_STATE.c.id == row_id))
                continue
            connection.execute(sa.update(BOT_STATE).where(BOT_STATE.c.id == row_id).values(name=OLD))
            data = dict(data)
            data.pop(work_key, None)
            data[OLD_WORK] = {**work, "mode": mode}
            data.pop(OWNER, None)
            _rename(data, new, OLD)
            if user_row is not None:
                users[user_id] = (user_row, data)
                connection.execute(sa.update(BOT_STATE).where(BOT_STATE.c.id == user_row).values(data=data))
