"""What the retention of personal data (``core.retention``) finds and changes, across the housing, community,
SMS and audit tables: like ``storage.audit``, it belongs to no domain.

Each kind is one condition, used both to count what a run would change (a dry run) and to change it, so the
two cannot disagree. The changes are set-based: one UPDATE (or DELETE) per kind, whatever the number of rows;
the audit log's details and the SMS numbers, whose new values are computed by core's rules (one JSON document
each; ``core.masking``), are one statement executed with many parameter sets, by primary key. The caller runs
them in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, Table, and_, bindparam, cast, delete, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.sms.values import FINAL_STATES
from storage.audit.models import AuditEntry
from storage.community.models import GrantProject
from storage.housing.models import Complaint, ManagerHistory, Representative
from storage.sms.models import SmsBatch, SmsMessage

# Actions whose details hold a record's values (``changes``: field -> [old, new]).
VALUE_ACTION_PREFIXES = ("housing.", "community.")
_MANY = 2_000  # parameter sets per executemany
_FINAL = [state.value for state in FINAL_STATES]
# Their tables, for the statements executed with many parameter sets (SQLAlchemy's Core executemany).
_AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]
_MESSAGE: Table = SmsMessage.__table__  # type: ignore[assignment]


def _former_representatives(ended_before: date) -> ColumnElement[bool]:
    return and_(
        Representative.term_end < ended_before,
        or_(Representative.phone.is_not(None), Representative.building_unit.is_not(None)),
    )


def _former_managers(replaced_before: date) -> ColumnElement[bool]:
    return and_(ManagerHistory.replaced_on < replaced_before, ManagerHistory.mobile.is_not(None))


def _closed_complaints(closed_before: date) -> ColumnElement[bool]:
    return and_(Complaint.state == "closed", Complaint.closed_on < closed_before, Complaint.contact.is_not(None))


def _past_grant_projects(before_year: int) -> ColumnElement[bool]:
    return and_(GrantProject.year < before_year, GrantProject.mobile.is_not(None))


def _old_sms_numbers(sent_before: datetime) -> ColumnElement[bool]:
    old_batches = select(SmsBatch.id).where(SmsBatch.created_at < sent_before)
    # A masked number has stars ("010-****-5678"); a stored number never does (core.masking.normalize_phone).
    return and_(
        SmsMessage.batch_id.in_(old_batches),
        SmsMessage.state.in_(_FINAL),
        SmsMessage.phone.not_like("%*%"),
    )


def _audit_values(before: datetime, keys: Sequence[str], archived: tuple[datetime, int] | None) -> ColumnElement[bool]:
    # JSON is matched as text, which both engines keep as written: a key is quoted, so "phone" does not match
    # "leader_phone". A value spelled like a key matches too; core finds no key in it and leaves it be.
    text = cast(AuditEntry.details, String)
    condition = and_(
        AuditEntry.at < before,
        or_(*(AuditEntry.action.startswith(prefix, autoescape=True) for prefix in VALUE_ACTION_PREFIXES)),
        or_(*(text.contains(f'"{key}"', autoescape=True) for key in keys)),
    )
    if archived is not None:
        cut, up_to_id = archived
        condition = and_(condition, not_(and_(AuditEntry.at < cut, AuditEntry.id <= up_to_id)))
    return condition


class RetentionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _count(self, condition: ColumnElement[bool], model: Any) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(model).where(condition)) or 0)

    async def _update(self, model: Any, condition: ColumnElement[bool], values: Mapping[str, Any]) -> int:
        statement = update(model).where(condition).values(**values).execution_options(synchronize_session=False)
        result = await self._session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    # -- former representatives (입주자대표): term ended ---------------------------------------------------

    async def count_former_representatives_with_contacts(self, ended_before: date) -> int:
        return await self._count(_former_representatives(ended_before), Representative)

    async def remove_former_representatives_contacts(self, ended_before: date) -> int:
        """Phone and 동호수 (their home's address) gone; the version moves, so an edit begun before is refused."""
        values = {"phone": None, "building_unit": None, "version": Representative.version + 1}
        return await self._update(Representative, _former_representatives(ended_before), values)

    # -- former managers (관리소장 이력): replaced --------------------------------------------------------

    async def count_former_managers_with_mobiles(self, replaced_before: date) -> int:
        return await self._count(_former_managers(replaced_before), ManagerHistory)

    async def remove_former_managers_mobiles(self, replaced_before: date) -> int:
        return await self._update(ManagerHistory, _former_managers(replaced_before), {"mobile": None})

    # -- complainants of closed complaints (민원인) --------------------------------------------------------

    async def count_closed_complaints_with_contacts(self, closed_before: date) -> int:
        return await self._count(_closed_complaints(closed_before), Complaint)

    async def remove_closed_complaints_contacts(self, closed_before: date) -> int:
        values = {"contact": None, "version": Complaint.version + 1}
        return await self._update(Complaint, _closed_complaints(closed_before), values)

    # -- representatives of past grant projects (지원사업 대표자) -------------------------------------------

    async def count_past_grant_projects_with_mobiles(self, before_year: int) -> int:
        return await self._count(_past_grant_projects(before_year), GrantProject)

    async def remove_past_grant_projects_mobiles(self, before_year: int) -> int:
        values = {"mobile": None, "version": GrantProject.version + 1}
        return await self._update(GrantProject, _past_grant_projects(before_year), values)

    # -- contact values in the audit log's old entries -----------------------------------------------------

    async def audit_entries_with_values(
        self, before: datetime, keys: Sequence[str], *, archived: tuple[datetime, int] | None = None
    ) -> list[tuple[int, Any]]:
        """Entries older than ``before`` about records' values whose details may name one of ``keys``: (id,
        details); without those ``archived`` (before its instant, up to its id), which go whole."""
        rows = await self._session.execute(
            select(AuditEntry.id, AuditEntry.details)
            .where(_audit_values(before, keys, archived))
            .order_by(AuditEntry.id)
        )
        return [(int(entry_id), details) for entry_id, details in rows]

    async def replace_audit_details(self, details: Mapping[int, dict[str, object]]) -> None:
        """Each entry's details by its id, in one statement executed with many parameter sets."""
        table = _AUDIT
        statement = update(table).where(table.c.id == bindparam("entry_id")).values(details=bindparam("new_details"))
        rows = [{"entry_id": entry_id, "new_details": value} for entry_id, value in details.items()]
        for start in range(0, len(rows), _MANY):
            await self._session.execute(statement, rows[start : start + _MANY])

    # -- SMS recipients' numbers in old batches ------------------------------------------------------------

    async def count_unmasked_sms_messages(self, sent_before: datetime) -> int:
        return await self._count(_old_sms_numbers(sent_before), SmsMessage)

    async def unmasked_sms_numbers(self, sent_before: datetime, *, after_id: int, limit: int) -> list[tuple[int, str]]:
        """The next ``limit`` messages (by id, after ``after_id``) of batches made before ``sent_before`` whose
        number is still whole: (message id, number)."""
        rows = await self._session.execute(
            select(SmsMessage.id, SmsMessage.phone)
            .where(_old_sms_numbers(sent_before), SmsMessage.id > after_id)
            .order_by(SmsMessage.id)
            .limit(limit)
        )
        return [(int(message_id), str(phone)) for message_id, phone in rows]

    async def mask_sms_numbers(self, masked: Mapping[int, str]) -> None:
        """Each message's number (by message id) replaced by its masked form (core's rule, so the masking is
        written once), in one statement executed with many parameter sets."""
        statement = (
            update(_MESSAGE).where(_MESSAGE.c.id == bindparam("message_id")).values(phone=bindparam("masked_number"))
        )
        rows = [{"message_id": message_id, "masked_number": value} for message_id, value in masked.items()]
        for start in range(0, len(rows), _MANY):
            await self._session.execute(statement, rows[start : start + _MANY])

    # -- archiving the audit log's old entries -------------------------------------------------------------

    async def audit_archive_boundary(self, before: datetime, limit: int) -> int | None:
        """The id up to which the entries older than ``before`` go in one archive of at most ``limit`` entries
        (the oldest first); None when there are none."""
        older = select(AuditEntry.id).where(AuditEntry.at < before).order_by(AuditEntry.id)
        boundary = await self._session.scalar(older.offset(limit - 1).limit(1))
        if boundary is None:
            boundary = await self._session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.at < before))
        return int(boundary) if boundary is not None else None

    async def remove_audit_entries(self, before: datetime, up_to_id: int) -> int:
        result = await self._session.execute(
            delete(AuditEntry)
            .where(AuditEntry.at < before, AuditEntry.id <= up_to_id)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
