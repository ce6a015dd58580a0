"""The SMS outbox: batches, one message per recipient, and applied delivery reports.

Claiming: the dispatcher takes due rows ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer
anyway) and, in the same transaction, pushes their next attempt past a lease and counts the attempt. Two
dispatchers never take the same row; a dispatcher killed after the claim leaves rows that come due again
when the lease ends, and resubmitting them is harmless because the UMS applies an idempotency key once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.sms.values import (
    Acceptance,
    Batch,
    Message,
    MessageState,
    NewBatch,
    OverdueBatch,
    Retry,
    SmsCandidate,
    StateCounts,
)
from storage.community.models import CommunityOrganization
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup
from storage.reference.models import Position
from storage.sms.models import SmsBatch, SmsMessage
from storage.sms.rows import COMPLEX_COLUMNS, FAILED_AFTER_SUBMIT, batch_of, candidate_of, message_of, state_counts
from storage.staff.models import Staff

WAITING = ("scheduled", "queued")
# Whose leaders a recipient kind reaches: 공동체활성화 단체, or the other residents' groups (기타 자생단체).
GROUP_KINDS = {"group_leaders": "community_activation", "other_group_leaders": "other"}
MESSAGES = cast(Table, SmsMessage.__table__)  # the Core table, for executemany UPDATEs


class SmsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- recipients -----------------------------------------------------------------------------------

    async def list_sms_candidates(
        self,
        kind: str,
        *,
        complex_ids: Sequence[int] = (),
        admin_dong_ids: Iterable[int] | None = None,
        position: str | None = None,
    ) -> list[SmsCandidate]:
        """Everyone of ``kind`` in the complexes chosen (all when none), within the dongs given (all when
        None), in complex then name order."""
        if kind == "managers":
            statement = select(
                ManagementOffice.manager_name.label("name"),
                ManagementOffice.manager_mobile.label("phone"),
                *COMPLEX_COLUMNS,
            )
            statement = statement.join(Complex, Complex.id == ManagementOffice.complex_id).where(
                ManagementOffice.manager_name.is_not(None)
            )
            order: ColumnElement[object] = ManagementOffice.manager_name  # type: ignore[assignment]
        elif kind == "representatives":
            return await self._representatives(complex_ids, admin_dong_ids, position)
        elif kind in GROUP_KINDS:
            statement = select(
                ResidentGroup.leader_name.label("name"), ResidentGroup.leader_phone.label("phone"), *COMPLEX_COLUMNS
            )
            statement = statement.join(Complex, Complex.id == ResidentGroup.complex_id).where(
                ResidentGroup.leader_name.is_not(None), ResidentGroup.kind == GROUP_KINDS[kind]
            )
            order = ResidentGroup.leader_name  # type: ignore[assignment]
        else:
            raise ValueError(kind)
        if complex_ids:
            statement = statement.where(Complex.id.in_(list(complex_ids)))
        if admin_dong_ids is not None:
            statement = statement.where(Complex.admin_dong_id.in_(list(admin_dong_ids)))
        rows = await self._session.execute(statement.order_by(Complex.name, Complex.id, order))
        return [candidate_of(row) for row in rows]

    async def _representatives(
        self, complex_ids: Sequence[int], admin_dong_ids: Iterable[int] | None, position: str | None
    ) -> list[SmsCandidate]:
        """Representatives, each with their position (직위), which the preview's list of recipients shows."""
        statement = (
            select(Representative.name, Representative.phone, *COMPLEX_COLUMNS, Position.name.label("position"))
            .join(Complex, Complex.id == Representative.complex_id)
            .outerjoin(Position, Position.id == Representative.position_id)
        )
        if position is not None:
            statement = statement.where(Position.name == position)
        if complex_ids:
            statement = statement.where(Complex.id.in_(list(complex_ids)))
        if admin_dong_ids is not None:
            statement = statement.where(Complex.admin_dong_id.in_(list(admin_dong_ids)))
        rows = await self._session.execute(statement.order_by(Complex.name, Complex.id, Representative.name))
        return [candidate_of(row, position=row.position) for row in rows]

    async def complexes_outside(self, complex_ids: Sequence[int], admin_dong_ids: Iterable[int]) -> list[int]:
        """The ids among ``complex_ids`` naming no complex in these dongs (one elsewhere, or none at all)."""
        inside = set(
            await self._session.scalars(
                select(Complex.id).where(
                    Complex.id.in_(list(complex_ids)), Complex.admin_dong_id.in_(list(admin_dong_ids))
                )
            )
        )
        return [i for i in complex_ids if i not in inside]

    async def list_organization_leaders(
        self,
        *,
        organization_ids: Sequence[int],
        admin_dong_ids: Iterable[int] | None,
        field: str | None,
        legal_type: str | None,
    ) -> list[SmsCandidate]:
        """The representatives of community organisations, each with the organisation's name where a housing
        person has their complex's: the chosen ones (all when none), of a 분야 and 유형 when given, within the
        dongs given (all when None), in name order."""
        o = CommunityOrganization
        statement = select(o.representative, o.mobile, o.name).where(o.representative.is_not(None))
        if organization_ids:
            statement = statement.where(o.id.in_(list(organization_ids)))
        if admin_dong_ids is not None:
            statement = statement.where(o.admin_dong_id.in_(list(admin_dong_ids)))
        if field is not None:
            statement = statement.where(o.field == field)
        if legal_type is not None:
            statement = statement.where(o.legal_type == legal_type)
        rows = await self._session.execute(statement.order_by(o.name, o.id))
        return [SmsCandidate(name=r.representative, phone=r.mobile, complex_id=None, complex_name=r.name) for r in rows]

    async def organizations_outside(self, organization_ids: Sequence[int], admin_dong_ids: Iterable[int]) -> list[int]:
        """The ids among ``organization_ids`` naming no organisation in these dongs."""
        o = CommunityOrganization
        inside = set(
            await self._session.scalars(
                select(o.id).where(o.id.in_(list(organization_ids)), o.admin_dong_id.in_(list(admin_dong_ids)))
            )
        )
        return [i for i in organization_ids if i not in inside]

    # -- batches --------------------------------------------------------------------------------------

    async def add_batch(self, new: NewBatch) -> int | None:
        """The new batch's id; None when the creator already made a batch with this request key."""
        batch = SmsBatch(
            created_by_id=new.created_by_id,
            created_at=new.created_at,
            text=new.text,
            message_type=new.message_type.value,
            subject=new.subject,
            byte_length=new.byte_length,
            sender_number=new.sender_number,
            scheduled_at=new.scheduled_at,
            description=new.description,
            recipient_count=len(new.messages),
            request_key=new.request_key,
            request_digest=new.request_digest,
            via_ums=new.via_ums,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(batch)
                await self._session.flush()
        except IntegrityError:
            return None
        due = new.scheduled_at or new.created_at
        state = "scheduled" if new.scheduled_at is not None else "queued"
        rows = [
            {
                "batch_id": batch.id,
                "name": m.name,
                "phone": m.phone,
                "complex_name": m.complex_name,
                "body": m.body,
                "idempotency_key": m.idempotency_key,
                "state": state,
                "due_at": due,
                "next_attempt_at": due,
                "attempts": 0,
                "state_changed_at": new.created_at,
            }
            for m in new.messages
        ]
        for start in range(0, len(rows), 1000):
            await self._session.execute(insert(SmsMessage), rows[start : start + 1000])
        return batch.id

    async def mark_not_via_ums(self, batch_ids: Iterable[int]) -> None:
        """These batches' messages were dispatched without a UMS: nothing of them was sent."""
        ids = sorted(set(batch_ids))
        if ids:
            await self._session.execute(update(SmsBatch).where(SmsBatch.id.in_(ids)).values(via_ums=False))

    def _batch_query(self) -> Select[SmsBatch, str]:
        return select(SmsBatch, Staff.name.label("creator")).join(Staff, Staff.id == SmsBatch.created_by_id)

    async def get_batch(self, batch_id: int) -> Batch | None:
        row = (await self._session.execute(self._batch_query().where(SmsBatch.id == batch_id))).first()
        return batch_of(row) if row is not None else None

    async def find_batch_by_request_key(self, created_by_id: int, request_key: str) -> Batch | None:
        statement = self._batch_query().where(
            SmsBatch.created_by_id == created_by_id, SmsBatch.request_key == request_key
        )
        row = (await self._session.execute(statement)).first()
        return batch_of(row) if row is not None else None

    async def list_position_names(self) -> list[str]:
        """직위 in the admins' order, for choosing which representatives to text."""
        return list(await self._session.scalars(select(Position.name).order_by(Position.sort_order, Position.name)))

    async def list_batches(
        self, *, created_by_id: int | None, scheduled_only: bool, offset: int, limit: int
    ) -> tuple[list[Batch], int]:
        conditions: list[ColumnElement[bool]] = []
        if created_by_id is not None:
            conditions.append(SmsBatch.created_by_id == created_by_id)
        if scheduled_only:
            conditions.append(SmsBatch.scheduled_at.is_not(None))
            conditions.append(SmsBatch.cancelled_at.is_(None))
            waiting = select(SmsMessage.id).where(SmsMessage.batch_id == SmsBatch.id, SmsMessage.state == "scheduled")
            conditions.append(waiting.exists())
        total = await self._session.scalar(select(func.count()).select_from(SmsBatch).where(*conditions))
        rows = await self._session.execute(
            self._batch_query().where(*conditions).order_by(SmsBatch.id.desc()).offset(offset).limit(limit)
        )
        return [batch_of(row) for row in rows], int(total or 0)

    async def count_states(self, batch_ids: Sequence[int]) -> dict[int, StateCounts]:
        """Per batch: messages per state, and those failed once the UMS had them."""
        tallies: dict[int, Counter[str]] = {b: Counter() for b in batch_ids}
        if not batch_ids:
            return {}
        was_submitted = SmsMessage.submitted_at.is_not(None)
        rows = await self._session.execute(
            select(SmsMessage.batch_id, SmsMessage.state, was_submitted.label("was_submitted"), func.count().label("n"))
            .where(SmsMessage.batch_id.in_(list(batch_ids)))
            .group_by(SmsMessage.batch_id, SmsMessage.state, was_submitted)
        )
        for row in rows:
            tallies[row.batch_id][row.state] += row.n
            if row.state == MessageState.FAILED and row.was_submitted:
                tallies[row.batch_id][FAILED_AFTER_SUBMIT] += row.n
        return {batch_id: state_counts(tally) for batch_id, tally in tallies.items()}

    async def list_messages(
        self, batch_id: int, *, offset: int, limit: int | None, state: str | None = None
    ) -> tuple[list[Message], int]:
        """A batch's messages in recipient order, all or only those in ``state`` (e.g. the failed ones)."""
        conditions = [SmsMessage.batch_id == batch_id, *([SmsMessage.state == state] if state else [])]
        total = await self._session.scalar(select(func.count()).select_from(SmsMessage).where(*conditions))
        statement = select(SmsMessage).where(*conditions).order_by(SmsMessage.id).offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        rows = await self._session.scalars(statement)
        return [message_of(m) for m in rows], int(total or 0)

    async def cancel_batch(self, batch_id: int, by: int, now: datetime) -> int | None:
        """Cancel every message of the batch, or none: None when a submission was already attempted for
        one of them (it may have gone out). The rows are locked first so the dispatcher cannot take one
        between the check and the update."""
        states = (
            await self._session.execute(
                select(SmsMessage.state, SmsMessage.attempts).where(SmsMessage.batch_id == batch_id).with_for_update()
            )
        ).all()
        if any(state not in WAITING or attempts > 0 for state, attempts in states):
            return None
        await self._session.execute(
            update(SmsMessage).where(SmsMessage.batch_id == batch_id).values(state="cancelled", state_changed_at=now)
        )
        await self._session.execute(
            update(SmsBatch).where(SmsBatch.id == batch_id).values(cancelled_at=now, cancelled_by_id=by)
        )
        return len(states)

    # -- dispatch -------------------------------------------------------------------------------------

    async def claim_due_messages(self, now: datetime, lease_until: datetime, limit: int) -> list[Message]:
        """Take up to ``limit`` due messages for submission: they leave the due set until ``lease_until``."""
        rows = list(
            await self._session.scalars(
                select(SmsMessage)
                .where(SmsMessage.state.in_(WAITING), SmsMessage.next_attempt_at <= now)
                .order_by(SmsMessage.next_attempt_at, SmsMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            return []
        found = await self._session.execute(
            select(SmsBatch.id, SmsBatch.message_type, SmsBatch.sender_number, SmsBatch.subject).where(
                SmsBatch.id.in_({m.batch_id for m in rows})
            )
        )
        batches = {b.id: b for b in found}
        claimed = [
            replace(
                message_of(
                    m,
                    message_type=batches[m.batch_id].message_type,
                    sender_number=batches[m.batch_id].sender_number,
                    subject=batches[m.batch_id].subject,
                ),
                state="queued",
                attempts=m.attempts + 1,
            )
            for m in rows
        ]
        await self._session.execute(
            update(SmsMessage)
            .where(SmsMessage.id.in_([m.id for m in rows]))
            .values(
                state="queued",
                next_attempt_at=lease_until,
                attempts=SmsMessage.attempts + 1,
                state_changed_at=case((SmsMessage.state == "scheduled", now), else_=SmsMessage.state_changed_at),
            )
            .execution_options(synchronize_session=False)
        )
        return claimed

    async def give_up_retrying(self, due_before: datetime, reason: str, now: datetime) -> list[Message]:
        """Stop retrying messages tried before and due before ``due_before``: they become "unknown" (the UMS
        may have taken one whose answer was lost). Rows another dispatcher holds are left to it."""
        rows = list(
            await self._session.scalars(
                select(SmsMessage)
                .where(
                    SmsMessage.state == "queued",
                    SmsMessage.attempts > 0,
                    SmsMessage.next_attempt_at <= now,
                    SmsMessage.due_at < due_before,
                )
                .with_for_update(skip_locked=True)
            )
        )
        if rows:
            await self._session.execute(
                update(SmsMessage)
                .where(SmsMessage.id.in_([m.id for m in rows]), SmsMessage.state == "queued")
                .values(state="unknown", failure_reason=reason, state_changed_at=now)
                .execution_options(synchronize_session=False)
            )
        return [message_of(m) for m in rows]

    # The answers of one round are written with one statement each (executemany): per-row UPDATEs made
    # recording a round of 500 take ~0.3 s and held SQLite's write lock meanwhile (benchmarks/sms.py).

    async def mark_submitted(self, accepted: Sequence[Acceptance], now: datetime) -> None:
        """Messages the UMS accepted; one a report already settled is left as it is."""
        if not accepted:
            return
        table = MESSAGES
        statement = (
            table.update()
            .where(table.c.id == bindparam("message_id"), table.c.state == "queued")
            .values(
                state="submitted",
                ums_message_id=bindparam("ums_id"),
                submitted_at=now,
                state_changed_at=now,
                last_error=None,
            )
        )
        await self._session.execute(
            statement, [{"message_id": a.message_id, "ums_id": a.ums_message_id} for a in accepted]
        )

    async def postpone_messages(self, postponed: Sequence[Retry]) -> None:
        """Messages to try again later."""
        if not postponed:
            return
        table = MESSAGES
        statement = (
            table.update()
            .where(table.c.id == bindparam("message_id"), table.c.state == "queued")
            .values(last_error=bindparam("error"), next_attempt_at=bindparam("next_at"))
        )
        await self._session.execute(
            statement,
            [{"message_id": r.message_id, "error": r.error[:300], "next_at": r.next_attempt_at} for r in postponed],
        )

    async def fail_message(self, message_id: int, reason: str, now: datetime) -> None:
        await self._session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == message_id, SmsMessage.state == "queued")
            .values(state="failed", failure_reason=reason[:300], last_error=reason[:300], state_changed_at=now)
        )

    async def expire_unreported(self, submitted_before: datetime, now: datetime) -> int:
        result = await self._session.execute(
            update(SmsMessage)
            .where(SmsMessage.state == "submitted", SmsMessage.submitted_at < submitted_before)
            .values(state="unknown", state_changed_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def list_overdue_batches(self, due_before: datetime) -> list[OverdueBatch]:
        """Batches not yet alerted with messages due before ``due_before`` and still not submitted."""
        rows = await self._session.execute(
            select(
                SmsBatch.id.label("batch_id"),
                SmsBatch.created_by_id,
                func.count(SmsMessage.id).label("overdue"),
                func.min(SmsMessage.due_at).label("due_at"),
            )
            .join(SmsMessage, SmsMessage.batch_id == SmsBatch.id)
            .where(
                SmsBatch.alerted_at.is_(None),
                SmsMessage.state.in_(WAITING),
                SmsMessage.due_at < due_before,
            )
            .group_by(SmsBatch.id, SmsBatch.created_by_id)
        )
        return [
            OverdueBatch(batch_id=r.batch_id, created_by_id=r.created_by_id, overdue=r.overdue, due_at=r.due_at)
            for r in rows
        ]

    async def mark_batch_alerted(self, batch_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(SmsBatch).where(SmsBatch.id == batch_id, SmsBatch.alerted_at.is_(None)).values(alerted_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def count_waiting(self) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(SmsMessage).where(and_(SmsMessage.state.in_(WAITING)))
        )
        return int(count or 0)
