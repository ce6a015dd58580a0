"""Retention of personal data (개인정보 보호법 제21조: personal data is destroyed once it is no longer needed).

After configurable periods (``RetentionPeriods``; why each default: docs/operations.md, "Retention of personal
data") a run removes what the office no longer needs, keeping the names for history:
- the phone and 동호수 of representatives whose term ended, the mobile of managers who were replaced, the
  mobile of the representatives of past years' grant projects, and the contact of closed complaints'
  complainants;
- the same contact values in the audit log's old → new values of older changes (who changed what, and when,
  stays; the entry is marked ``contacts_removed``);
- SMS recipients' numbers in old batches, masked by the one masking rule (``core.masking``);
- the audit log's old entries: written to a workbook file (``core.workbook``, through ``core.audit``'s
  writer, their contact values left out) and only then deleted, so a file that cannot be written deletes
  nothing (``run`` says why the file comes before the transaction).

It reads several domains by design, as ``core.handover`` does. Every change of a run is made in one
transaction, audited as ``retention.run`` with counts only; a dry run counts the same conditions and changes
nothing. Only an admin (the CLI's operator, the daily job as the system) runs it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from core.audit import CONTACTS_REMOVED, EXPORT_BATCH, WRITE_SLICE, AuditLabels, AuditWorkbook, as_read
from core.clock import Clock
from core.errors import DongneError
from core.masking import mask_phone
from core.permissions import Permission, require
from core.values import AuditQuery, AuditRecord, StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

# The old → new values that are contact details, whichever record they belong to: phones, mobiles, e-mails,
# a complainant's contact and a representative's 동호수 (their home's address). Names are kept.
CONTACT_KEYS = (
    "phone",
    "mobile",
    "manager_mobile",
    "leader_phone",
    "leader_email",
    "email",
    "contact",
    "building_unit",
)
# Excel's sheet holds 1,048,576 rows: a larger backlog goes into the next run's workbook.
ARCHIVE_LIMIT = 1_000_000
# A batch may be scheduled 35 days ahead (core.sms.schedule) and waits a day for its reports: its numbers are
# needed until then, so SMS numbers are kept at least this long.
MIN_SMS_DAYS = 60
# Messages masked per statement: the numbers of a chunk are held in memory, whatever the backlog.
SMS_CHUNK = 10_000


class ArchiveNotWritten(DongneError):
    """The audit log's archive could not be written: nothing was changed or deleted."""

    code = "retention_archive_unwritable"


class RetentionRanMeanwhile(DongneError):
    """Another run (the daily job and the command at once) read the same old entries and deleted them first:
    this run's file is removed and nothing of it is kept, so no entry sits in two archives."""

    code = "retention_ran_meanwhile"


@dataclass(frozen=True, slots=True)
class RetentionPeriods:
    contact_years: int = 3  # former representatives and managers, past grant projects' representatives
    complaint_years: int = 3  # complainants, after the complaint was closed
    sms_days: int = 365  # SMS recipients' numbers, after the batch was made
    audit_years: int = 3  # the audit log's entries, then archived

    def __post_init__(self) -> None:
        if min(self.contact_years, self.complaint_years, self.audit_years) < 1 or self.sms_days < MIN_SMS_DAYS:
            raise ValueError(f"retention periods too short: {self}")


@dataclass(frozen=True, slots=True)
class RetentionCounts:
    """How many of each kind a run changed (or, dry, would change)."""

    representatives: int = 0
    managers: int = 0
    complainants: int = 0
    grant_representatives: int = 0
    audit_values: int = 0
    sms_messages: int = 0
    audit_archived: int = 0

    def as_details(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RetentionRun:
    counts: RetentionCounts
    dry_run: bool
    # The audit log's archive (None: nothing to archive, or a dry run) and the day its entries end before.
    archive: Path | None
    archived_before: date


@dataclass(frozen=True, slots=True)
class _Archive:
    """An archive on disk: the entries up to ``up_to_id`` before the cut, ``entries`` of them."""

    path: Path
    up_to_id: int
    entries: int


@dataclass(frozen=True, slots=True)
class _Cutoffs:
    people: date  # a term ended, or a manager replaced, before this day
    complaints: date  # closed before this day
    grant_year: int  # projects of years before this one
    audit_values: datetime  # entries before this instant lose their contact values
    sms: datetime  # batches made before this instant
    archive_day: date
    archive: datetime  # entries before this instant are archived


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def without_contacts(details: object) -> dict[str, object] | None:
    """An entry's details with the contact values left out of its old → new values, marked; None when it holds
    none (nothing to change)."""
    if not isinstance(details, Mapping):
        return None
    changes = details.get("changes")
    if not isinstance(changes, Mapping) or not any(key in changes for key in CONTACT_KEYS):
        return None
    kept = {key: value for key, value in changes.items() if key not in CONTACT_KEYS}
    return {**details, "changes": kept, CONTACTS_REMOVED: True}


class Retention:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, periods: RetentionPeriods) -> None:
        self._uow = uow
        self._clock = clock
        self.periods = periods

    async def run(
        self, actor: StaffMember, labels: AuditLabels, archive_dir: Path, *, dry_run: bool = False
    ) -> RetentionRun:
        """Remove (or, ``dry_run``, count) what the periods no longer allow to be kept. ``labels`` word the audit
        log's archive, written into ``archive_dir``.

        The archive is written first, from a read of the entries (they are only ever added, so what is read is
        what will be deleted); then one transaction deletes exactly those entries (by their cut and last id)
        and makes every other change. Writing a large archive takes minutes, which SQLite's write lock would
        otherwise hold against every other writer; a file that cannot be written stops the run before anything
        changes, and a transaction that fails removes the file again."""
        require(actor, Permission.ADMIN)
        cut = self._cutoffs()
        if dry_run:
            return RetentionRun(await self._count(cut), dry_run=True, archive=None, archived_before=cut.archive_day)
        archive = await self._write_archive(labels, cut, archive_dir)
        try:
            counts = await self._remove(actor, cut, archive)
        except BaseException:
            if archive is not None:
                await asyncio.to_thread(archive.path.unlink, missing_ok=True)
            raise
        path = archive.path if archive is not None else None
        return RetentionRun(counts, dry_run=False, archive=path, archived_before=cut.archive_day)

    async def _count(self, cut: _Cutoffs) -> RetentionCounts:
        async with self._uow() as uow:
            repo = uow.retention
            boundary = await repo.audit_archive_boundary(cut.archive, ARCHIVE_LIMIT)
            archived = 0
            if boundary is not None:
                archived = await uow.audit.count_entries(AuditQuery(until=cut.archive, up_to_id=boundary))
            # The entries about to be archived are deleted, not rewritten: a run counts them once, as archived.
            going = (cut.archive, boundary) if boundary is not None else None
            return RetentionCounts(
                representatives=await repo.count_former_representatives_with_contacts(cut.people),
                managers=await repo.count_former_managers_with_mobiles(cut.people),
                complainants=await repo.count_closed_complaints_with_contacts(cut.complaints),
                grant_representatives=await repo.count_past_grant_projects_with_mobiles(cut.grant_year),
                audit_values=len(await self._scrubbed(uow, cut.audit_values, going)),
                sms_messages=await repo.count_unmasked_sms_messages(cut.sms),
                audit_archived=archived,
            )

    async def _remove(self, actor: StaffMember, cut: _Cutoffs, archive: _Archive | None) -> RetentionCounts:
        async with self._uow(write=True) as uow:
            repo = uow.retention
            archived = 0
            if archive is not None:
                archived = await repo.remove_audit_entries(cut.archive, archive.up_to_id)
                if archived != archive.entries:
                    raise RetentionRanMeanwhile(f"archived {archive.entries} entries, deleted {archived}")
            scrubbed = await self._scrubbed(uow, cut.audit_values, None)
            await repo.replace_audit_details(scrubbed)
            counts = RetentionCounts(
                representatives=await repo.remove_former_representatives_contacts(cut.people),
                managers=await repo.remove_former_managers_mobiles(cut.people),
                complainants=await repo.remove_closed_complaints_contacts(cut.complaints),
                grant_representatives=await repo.remove_past_grant_projects_mobiles(cut.grant_year),
                audit_values=len(scrubbed),
                sms_messages=await self._mask_sms_numbers(uow, cut.sms),
                audit_archived=archived,
            )
            await uow.audit.record(
                at=self._clock.now(),
                actor_staff_id=actor.id or None,
                action="retention.run",
                details=counts.as_details(),
            )
            await uow.commit()
        return counts

    def _cutoffs(self) -> _Cutoffs:
        today = self._clock.today()
        periods = self.periods
        people = years_before(today, periods.contact_years)
        archive_day = years_before(today, periods.audit_years)
        archive = self._start_of(archive_day)
        return _Cutoffs(
            people=people,
            complaints=years_before(today, periods.complaint_years),
            grant_year=today.year - periods.contact_years,
            # An entry about to be archived loses its contact values first, so no archive holds them.
            audit_values=max(self._start_of(people), archive),
            sms=self._clock.now() - timedelta(days=periods.sms_days),
            archive_day=archive_day,
            archive=archive,
        )

    def _start_of(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self._clock.zone).astimezone(UTC)

    async def _scrubbed(
        self, uow: UnitOfWork, before: datetime, archived: tuple[datetime, int] | None
    ) -> dict[int, dict[str, object]]:
        found = await uow.retention.audit_entries_with_values(before, CONTACT_KEYS, archived=archived)
        changed = {entry_id: without_contacts(details) for entry_id, details in found}
        return {entry_id: details for entry_id, details in changed.items() if details is not None}

    async def _mask_sms_numbers(self, uow: UnitOfWork, before: datetime) -> int:
        """Every number still whole in old batches, masked by core's rule, a chunk of messages at a time."""
        masked, after = 0, 0
        while found := await uow.retention.unmasked_sms_numbers(before, after_id=after, limit=SMS_CHUNK):
            await uow.retention.mask_sms_numbers({message: mask_phone(phone) or "" for message, phone in found})
            masked += len(found)
            after = found[-1][0]
        return masked

    async def _write_archive(self, labels: AuditLabels, cut: _Cutoffs, archive_dir: Path) -> _Archive | None:
        """The entries before the cut (the oldest ``ARCHIVE_LIMIT``) written to a workbook file, complete on disk
        under its name; None when there are none. Their contact values are left out, as the run removes them."""
        now = self._clock.now()
        async with self._uow() as uow:
            boundary = await uow.retention.audit_archive_boundary(cut.archive, ARCHIVE_LIMIT)
            if boundary is None:
                return None
            query = AuditQuery(until=cut.archive, up_to_id=boundary)
            total = await uow.audit.count_entries(query)
            period = f"~ {cut.archive_day - timedelta(days=1):%Y-%m-%d}"
            book = AuditWorkbook(labels, (labels.any, labels.any, period, total), self._clock.local(now), None)
            names = await uow.audit.reference_names()
            after: tuple[datetime, int] | None = None
            while True:
                batch = await uow.audit.list_entries_below(query, after, limit=EXPORT_BATCH)
                lines = [as_read(_archived(record), names, self._clock) for record in batch]
                for start in range(0, len(lines), WRITE_SLICE):
                    await asyncio.to_thread(book.append, lines[start : start + WRITE_SLICE])
                if len(batch) < EXPORT_BATCH:
                    break
                after = (batch[-1].at, batch[-1].id)
        path = archive_dir / f"audit-archive-{self._clock.local(now):%Y%m%d-%H%M%S}.xlsx"
        content = await asyncio.to_thread(book.save)
        try:
            await asyncio.to_thread(_write_durably, path, content)
        except OSError as error:
            raise ArchiveNotWritten(str(error.strerror or error), path=path) from error
        return _Archive(path=path, up_to_id=boundary, entries=total)


def _archived(record: AuditRecord) -> AuditRecord:
    scrubbed = without_contacts(record.details)
    return replace(record, details=scrubbed) if scrubbed is not None else record


def _write_durably(path: Path, content: bytes) -> None:
    """The whole file on disk under its name, or no file by that name: written beside it, flushed, renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
