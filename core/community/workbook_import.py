"""엑셀 가져오기 of 마을공동체: the office's organisations and grant projects brought in from a workbook in the
template's shape (``core.community.sheets``), everything or nothing, by the housing import's rules.

Each row is read by the chat's own rules (``core.community.fields``, ``core.community.validation``) and matched
by its natural key: an organisation by 단체(기관)명 and 관할동, a project by 사업구분, 년도, 사업명 and (for a
housing call) its complex. A row is then an addition, a change (the cells that differ) or left alone; an empty
cell empties its field, and nothing is ever deleted, so importing the same file twice changes nothing.

- ``check`` is the dry run: every problem as sheet, row, column, value and reason (``core.import_report``), what
  would be added, changed and left alone per sheet, and a fingerprint of all that against the records as they
  stood.
- ``apply`` loads the file in one transaction, only if it has no problem at all; given the dry run's fingerprint
  it refuses when the records changed since (``ImportChangedMeanwhile``) or the file was applied already.
- Every addition and change is audited as the chat's are (``community.organization.add|edit``,
  ``community.grant.add|edit``, with ``via: import``), under one ``community.import`` entry naming the file.

It needs ``community.write``, and every organisation (and a housing call's complex) must be in a dong the
member's grant covers."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.clock import Clock
from core.community.fields import (
    FUNDS,
    ORGANIZATION,
    Kind,
    json_value,
    organization_draft,
    organization_values,
    parse,
    project_draft,
    project_values,
)
from core.community.import_rows import Masked, audit_entry, column_of, natural_key, unmask
from core.community.sheets import (
    COLUMNS,
    COMPLEX,
    COMPLEX_DONG,
    SHEETS,
    code_of,
    expected_headers,
    sheet_words,
)
from core.community.validation import check_grant_project, check_organization
from core.errors import DongneError, InvalidInput, StaleRecord
from core.import_report import Findings, ImportReport, SheetCounts, problems_workbook
from core.permissions import Permission, covers_dong, require
from core.values import StaffMember
from core.workbook_reading import ReadRow, WorkbookReader
from storage.uow import UnitOfWork, UnitOfWorkFactory


class ImportChangedMeanwhile(StaleRecord):
    code = "import_changed_meanwhile"


class ImportAlreadyApplied(DongneError):
    code = "import_already_applied"


@dataclass
class _Planned:
    """What one row would do: add (``record_id`` None) or change a record, with the values to write."""

    record: str
    row: int
    values: dict[str, Any]
    record_id: int | None = None
    version: int | None = None
    before: dict[str, Any] | None = None
    dong_id: int | None = None


class CommunityImport:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def check(
        self, actor: StaffMember, content: bytes, file_name: str, lang: str, *, max_rows: int | None = None
    ) -> ImportReport:
        """The dry run: nothing is written. ``max_rows`` lifts the reader's row limit (the operator's CLI)."""
        require(actor, Permission.COMMUNITY_WRITE)
        with await asyncio.to_thread(WorkbookReader, content, file_name, max_rows=max_rows) as reader:
            async with self._uow() as uow:
                report, _ = await _Run(actor, uow, self._clock, lang).plan(reader, file_name)
        return report

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
        the records are no longer as the dry run saw them."""
        require(actor, Permission.COMMUNITY_WRITE)
        with await asyncio.to_thread(WorkbookReader, content, file_name, max_rows=max_rows) as reader:
            async with self._uow(write=True) as uow:
                # One import at a time, and no chat edit in between: the plan's "not there yet" stays true.
                await uow.community_import.lock_records()
                run = _Run(actor, uow, self._clock, lang)
                report, planned = await run.plan(reader, file_name)
                if not report.ok:
                    return report
                if expected is not None and report.fingerprint != expected:
                    raise ImportAlreadyApplied() if not report.has_changes else ImportChangedMeanwhile()
                if report.has_changes:
                    await run.write(planned, report, hashlib.sha256(content).hexdigest())
                    await uow.commit()
        return replace(report, applied=True)

    def problems_workbook(self, report: ImportReport, lang: str) -> bytes:
        return problems_workbook(report, lang, self._clock.local())


class _Run:
    """One reading of a workbook against the community records: the plan, then (applying) its writing."""

    def __init__(self, actor: StaffMember, uow: UnitOfWork, clock: Clock, lang: str) -> None:
        self._actor, self._uow, self._clock = actor, uow, clock
        self._words = sheet_words(lang)
        self._both = (self._words, sheet_words("en" if lang.startswith("ko") else "ko"))
        self._findings = Findings(lang)
        self._digest = hashlib.sha256()

    async def plan(self, reader: WorkbookReader, file_name: str) -> tuple[ImportReport, list[_Planned]]:
        repo = self._uow.community_import
        self._dongs = await repo.dong_ids()
        self._complexes = await repo.complex_ids()
        self._organizations: dict[tuple[Any, ...], tuple[int, int, dict[str, Any]]] = {}
        for organization in await repo.organizations():
            values = organization_values(organization.organization)
            self._organizations[(values["name"], values["admin_dong"])] = (
                organization.id,
                organization.version,
                values,
            )
        self._projects: dict[tuple[Any, ...], tuple[int, int, dict[str, Any]]] = {}
        for item in await repo.projects():
            values = project_values(item.project)
            project_key = (values["sponsor"], values["year"], values["name"], values["complex_id"])
            self._projects[project_key] = (item.id, item.version, values)
        planned: list[_Planned] = []
        counts: list[SheetCounts] = []
        for record in SHEETS:
            sheet = reader.find_sheet({words.sheets[record] for words in self._both})
            if sheet is not None:
                counts.append(await self._sheet(reader, record, sheet, planned))
        if not counts and not self._findings.count:
            self._findings.problem("", None, "", "", InvalidInput("community_import_no_sheets"))
        report = ImportReport(
            file_name=file_name,
            sheets=tuple(counts),
            problems=tuple(self._findings.problems),
            problem_count=self._findings.count,
            notices=tuple(self._findings.notices),
            fingerprint=self._digest.hexdigest(),
        )
        return report, planned

    async def _sheet(self, reader: WorkbookReader, record: str, sheet: str, planned: list[_Planned]) -> SheetCounts:
        required = {c.key for c in COLUMNS[record] if c.required}
        header = reader.header(sheet, expected_headers(record, *self._both), required)
        tally = [0, 0, 0]
        if header is None:
            self._findings.problem(sheet, None, "", "", InvalidInput("import_no_header"))
            return SheetCounts(record, sheet)
        for unknown in header.unknown:
            self._findings.problem(sheet, header.row, unknown, "", InvalidInput("import_unknown_column"))
        for missing in header.missing:
            self._findings.problem(
                sheet, header.row, self._words.headers[record][missing], "", InvalidInput("import_missing_column")
            )
        if header.unknown or header.missing:
            return SheetCounts(record, sheet)
        seen: set[tuple[Any, ...]] = set()
        rows = await asyncio.to_thread(lambda: list(reader.rows(sheet, header)))
        for row in rows:
            item = self._row(record, sheet, row, header.titles)
            if item is None:
                continue
            key = natural_key(record, item.values)
            if key in seen:
                self._findings.problem(sheet, row.number, "", "", InvalidInput("import_duplicate_row"))
                continue
            seen.add(key)
            outcome = self._match(record, sheet, row.number, item, key, header.titles)
            if outcome is None:
                continue
            tally[outcome] += 1
            if outcome < 2:
                planned.append(item)
        return SheetCounts(record, sheet, *tally)

    def _row(self, record: str, sheet: str, row: ReadRow, titles: Mapping[str, str]) -> _Planned | None:
        """The row's values by the chat's rules; None (and its problems noted) when a cell cannot be read."""
        values: dict[str, Any] = {}
        broken = False
        for column in COLUMNS[record]:
            cell = row.cells.get(column.key)
            title = titles.get(column.key, self._words.headers[record][column.key])
            if cell is None:
                values[column.key] = None
                if column.required:
                    self._findings.problem(sheet, row.number, title, "", InvalidInput("text_required"))
                    broken = True
                continue
            if cell.formula is not None and cell.value is None:
                self._findings.problem(
                    sheet, row.number, title, cell.formula, InvalidInput("import_formula_without_value")
                )
                broken = True
                continue
            try:
                values[column.key] = self._cell(record, column.key, column.kind, cell.value)
            except InvalidInput as error:
                self._findings.problem(sheet, row.number, title, cell.value, error)
                broken = True
        if broken:
            return None
        return _Planned(record, row.number, values)

    def _cell(self, record: str, key: str, kind: Kind, value: Any) -> Any:
        if isinstance(value, bool):
            raise InvalidInput("import_not_a_value")
        if key in (COMPLEX, COMPLEX_DONG):
            return " ".join(str(value).split())
        if kind is Kind.CHOICE:
            code = code_of(self._both, key, str(value))
            if code is None:
                raise InvalidInput("import_not_in_list")
            return code
        if kind is Kind.DONG:
            name = " ".join(str(value).split())
            if name not in self._dongs:
                raise InvalidInput("import_unknown_dong")
            return name
        if kind in (Kind.PHONE, Kind.EMAIL) and "*" in str(value):
            return Masked(str(value).strip())  # as an export masks it: the stored value, if it still is
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value if kind is Kind.DATE else parse(record, key, f"{value:%Y.%m.%d}")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, float) and kind is Kind.AREA:
            value = Decimal(str(value))
        return parse(record, key, str(value))

    def _match(
        self, record: str, sheet: str, row: int, item: _Planned, key: tuple[Any, ...], titles: Mapping[str, str]
    ) -> int | None:
        """0 added, 1 changed, 2 left alone; None (a problem noted) when the row may not be loaded. A row of a
        dong beyond the member's grant may stand as it is (their own export holds every grant project), but
        not add or change anything."""
        values = item.values
        complex_name = values.get(COMPLEX)  # the project's values name the complex by id from here on
        try:
            if record == ORGANIZATION:
                item.dong_id = dong_id = self._dongs[values["admin_dong"]]
                scope_column = "admin_dong"
                current = self._organizations.get(key)
                unmask(values, current)
                check_organization(organization_draft(values), self._clock.today())
            else:
                complex_key = (values.pop(COMPLEX), values.pop(COMPLEX_DONG))
                values["complex_id"], dong_id, scope_column = None, None, COMPLEX
                if any(complex_key):
                    found = self._complexes.get(complex_key)
                    if found is None:
                        raise InvalidInput("community_unknown_complex", field=COMPLEX)
                    values["complex_id"], dong_id = found
                for name in FUNDS:  # an empty funds cell is none, as the register writes 없음
                    values[name] = values.get(name) or 0
                current = self._projects.get((*key[:3], values["complex_id"]))
                unmask(values, current)
                check_grant_project(project_draft(values), self._clock.today())
            changes = values if current is None else {k: v for k, v in values.items() if current[2].get(k) != v}
            if changes and dong_id is not None and not covers_dong(self._actor, Permission.COMMUNITY_WRITE, dong_id):
                raise InvalidInput("import_dong_not_yours", field=scope_column)
        except InvalidInput as error:
            column = column_of(error)
            title = titles.get(column, "") if column else ""
            shown = complex_name if column == COMPLEX else values.get(column) if column else ""
            self._findings.problem(sheet, row, title, shown, error)
            return None
        if current is None:
            self._fold(record, key, None, None, values)
            return 0
        record_id, version, before = current
        item.record_id, item.version, item.before = record_id, version, before
        item.values = changes
        self._fold(record, key, record_id, version, changes)
        return 1 if changes else 2

    def _fold(
        self, record: str, key: tuple[Any, ...], record_id: int | None, version: int | None, values: dict[str, Any]
    ) -> None:
        step = [record, [json_value(k) for k in key], record_id, version, {k: json_value(v) for k, v in values.items()}]
        self._digest.update(json.dumps(step, sort_keys=True, ensure_ascii=False, default=str).encode())

    async def write(self, planned: list[_Planned], report: ImportReport, sha256: str) -> None:
        community, grants, audit = self._uow.community, self._uow.grant_projects, self._uow.audit
        at, by = self._clock.now(), self._actor.id or None
        entries: list[dict[str, Any]] = []
        for item in planned:
            if item.record == ORGANIZATION:
                if item.record_id is None:
                    draft = organization_draft(item.values)
                    new_id = await community.add_organization(draft, item.dong_id or 0, at=at, by=by)
                    entries.append(
                        audit_entry(
                            at, by, "community.organization.add", "community_organization", new_id, {}, item.values
                        )
                    )
                    continue
                written = dict(item.values)
                if "admin_dong" in written:
                    written["admin_dong"] = self._dongs[written["admin_dong"]]
                if not await community.update_organization(item.record_id, item.version or 0, written, at=at, by=by):
                    raise ImportChangedMeanwhile()
                entries.append(
                    audit_entry(
                        at,
                        by,
                        "community.organization.edit",
                        "community_organization",
                        item.record_id,
                        item.before or {},
                        item.values,
                    )
                )
            else:
                if item.record_id is None:
                    new_id = await grants.add_grant_project(project_draft(item.values), at=at, by=by)
                    entries.append(audit_entry(at, by, "community.grant.add", "grant_project", new_id, {}, item.values))
                    continue
                if not await grants.update_grant_project(item.record_id, item.version or 0, item.values, at=at, by=by):
                    raise ImportChangedMeanwhile()
                entries.append(
                    audit_entry(
                        at, by, "community.grant.edit", "grant_project", item.record_id, item.before or {}, item.values
                    )
                )
        await audit.record_many(entries)
        await audit.record(
            at=at,
            actor_staff_id=by,
            action="community.import",
            target_type="community",
            details={
                "file": report.file_name,
                "sha256": sha256,
                "sheets": {
                    s.record: {"added": s.added, "changed": s.changed, "unchanged": s.unchanged} for s in report.sheets
                },
            },
        )
