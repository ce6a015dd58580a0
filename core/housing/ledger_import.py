"""엑셀 가져오기: the office's housing spreadsheets brought into the ledger, everything or nothing.

A workbook in the template's shape (``core.housing.sheets``; the sheets the office kept before Dongne, in
Korean or English headers) is read sheet by sheet (단지 first, so the other sheets can name complexes it
adds) and each row is matched to the ledger by its natural key: a complex by its K-apt code, else by name
and dong; its records by ``core.housing.import_rows.natural_key``. A row is then an addition, a change (the
cells that differ, old → new) or left alone, and importing the same file twice changes nothing.

- ``check`` is the dry run: every problem as sheet, row, column, value and reason, what would be added,
  changed and left alone per sheet, and a fingerprint of all that against the data as it stood.
- ``apply`` loads the file in one transaction, only if it has no problem at all. Given the dry run's
  fingerprint it also refuses when the ledger changed since (``ImportChangedMeanwhile``), or when there is
  nothing left to do, e.g. the file was applied already (``ImportAlreadyApplied``).
- Every addition and change is audited as the chat's edits are (``housing.<record>.add|edit``, old → new,
  ``via: import``), under one ``housing.import`` entry naming the file.
- The rules are the chat's: each cell by ``core.housing.fields``, each record by ``core.housing.validation``.
  The warnings the chat asks to confirm (area bands not adding up, a 지원기준 that warns) are listed as
  notices and do not stop the load; a formula's saved value is used, and said so.
- The 민원 sheet is not imported: a complaint enters through its own workflow, which names its assignee
  and tells them; the report says the sheet was left alone.

It needs ``housing.write``, and every row must be in a dong the member's grant covers."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace

from core.clock import Clock
from core.errors import DongneError
from core.housing.import_run import ImportChangedMeanwhile, ImportRun
from core.import_report import ImportReport, problems_workbook
from core.permissions import Permission, require
from core.values import StaffMember
from core.workbook_reading import WorkbookReader
from storage.uow import UnitOfWorkFactory

__all__ = ["ImportAlreadyApplied", "ImportChangedMeanwhile", "ImportReport", "LedgerImport"]


class ImportAlreadyApplied(DongneError):
    code = "import_already_applied"


class LedgerImport:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def check(
        self, actor: StaffMember, content: bytes, file_name: str, lang: str, *, max_rows: int | None = None
    ) -> ImportReport:
        """The dry run: nothing is written. ``max_rows`` lifts the reader's row limit (the operator's CLI)."""
        require(actor, Permission.HOUSING_WRITE)
        with await asyncio.to_thread(WorkbookReader, content, file_name, max_rows=max_rows) as reader:
            async with self._uow() as uow:
                return await ImportRun(actor, uow, self._clock, lang, write=False).run(reader, file_name)

    async def apply(
        self,
        actor: StaffMember,
        content: bytes,
        file_name: str,
        lang: str,
        *,
        expected: str | None = None,
        max_rows: int | None = None,
    ) -> ImportReport:
        """Load the file whole, or nothing when it has a problem (``applied`` False) or, with ``expected``, when
        the ledger is no longer as the dry run saw it."""
        require(actor, Permission.HOUSING_WRITE)
        with await asyncio.to_thread(WorkbookReader, content, file_name, max_rows=max_rows) as reader:
            async with self._uow(write=True) as uow:
                await uow.bulk.lock_complexes()  # one import at a time, and no complex edited meanwhile
                run = ImportRun(actor, uow, self._clock, lang, write=True)
                report = await run.run(reader, file_name)
                if not report.ok:
                    return report
                if expected is not None and report.fingerprint != expected:
                    raise ImportAlreadyApplied() if not report.has_changes else ImportChangedMeanwhile()
                if report.has_changes:
                    await run.audit_import(report, hashlib.sha256(content).hexdigest())
                    await uow.commit()
                return replace(report, applied=True)

    def problems_workbook(self, report: ImportReport, lang: str) -> bytes:
        """The report's problems (and notices) as a workbook, for a list too long for a message."""
        return problems_workbook(report, lang, self._clock.local())
