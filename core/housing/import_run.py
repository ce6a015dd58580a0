"""One reading of an office's workbook against the housing ledger (``core.housing.ledger_import``): sheet by
sheet, a chunk of rows at a time, each row read by the chat's rules, matched by its natural key and counted
as added, changed or left alone; what it would do is folded into a fingerprint. Writing, it loads each chunk
as it goes, until the first problem (the caller then rolls it all back)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from core.clock import Clock
from core.errors import InvalidInput, StaleRecord
from core.housing.fields import FIELDS
from core.housing.import_rows import (
    IMPORTED,
    CellProblem,
    ComplexKey,
    SheetRecord,
    code_words,
    masked_key,
    natural_key,
    read_record,
    unmasked,
)
from core.housing.ledger import former_manager, json_value
from core.housing.sheets import COLUMNS, sheet_words
from core.housing.validation import AREA_BANDS_WARNING, check_criterion, check_record
from core.housing.values import LedgerRecord, LedgerWrite
from core.import_report import Findings, ImportReport, SheetCounts
from core.permissions import Permission, covers_dong
from core.values import StaffMember
from core.workbook_reading import ReadRow, WorkbookReader, header_key
from storage.uow import UnitOfWork

_CHUNK = 1_000  # rows matched against the ledger (and written) at a time
# What stands for a complex's id before it has one: added by this file (a dry run), named by another sheet and
# not in the ledger, or there twice, or a row of the 단지 sheet with a problem (its records are not checked
# against it: the file is refused anyway, and one problem per complex is enough).
_NEW, _MISSING, _AMBIGUOUS, _BROKEN = 0, -1, -2, -3
# The column a record's rule points at when its refusal names no field (the later of two dates, …).
_RULE_COLUMNS = {
    "term_reversed": "term_end",
    "period_reversed": "period_end",
    "returned_exceeds_amount": "returned_amount",
    "floors_reversed": "floors_max",
    "assigned_before_birth": "manager_assigned_on",
    "invalid_kapt_code": "kapt_code",
    "invalid_email": "leader_email",
    "management_type_required": "management_type",
    "management_type_not_applicable": "management_type",
    "unknown_management_type": "management_type",
    "unknown_complex_kind": "kind",
    "unknown_group_kind": "kind",
    "unknown_gender": "gender",
    "unknown_license_grade": "manager_license_grade",
    "ledger_over_criterion": "amount",
}


class ImportChangedMeanwhile(StaleRecord):
    code = "import_changed_meanwhile"


class ImportRun:
    """One reading of a workbook against the ledger: the plan, and with ``write`` its loading as it goes
    (stopped, and left to be rolled back, at the first problem)."""

    def __init__(self, actor: StaffMember, uow: UnitOfWork, clock: Clock, lang: str, *, write: bool) -> None:
        self._actor, self._uow, self._clock, self._lang, self._write = actor, uow, clock, lang, write
        self._words = sheet_words(lang)
        self._other = sheet_words("en" if lang.startswith("ko") else "ko")
        self._codes = code_words(self._words, self._other)
        self._today = clock.today()
        self._digest = hashlib.sha256()
        self._findings = Findings(lang)
        self._sheets: dict[str, str] = {}  # record -> the sheet holding it
        self._tally: dict[str, list[int]] = {}  # record -> added, changed, left alone
        self._titles: dict[str, str] = {}  # the sheet being read: column key -> its header in the file
        self._complexes: dict[ComplexKey, tuple[int, int]] = {}  # the file's complex -> (id or a mark, dong id)
        self._seen: set[int] = set()  # the file's natural keys, hashed, for duplicates
        self._audit: list[dict[str, Any]] = []

    async def run(self, reader: WorkbookReader, file_name: str) -> ImportReport:
        repo = self._uow.ledger_import
        self._dongs, self._positions = await repo.dong_ids(), await repo.position_ids()
        self._criteria = await repo.criteria()
        for record in IMPORTED:
            sheet = reader.find_sheet({self._words.sheets[record], self._other.sheets[record]})
            if sheet is not None:
                await self._sheet(reader, record, sheet)
        complaints = reader.find_sheet({self._words.sheets["complaint"], self._other.sheets["complaint"]})
        if complaints is not None and self._has_rows(reader, "complaint", complaints):
            self._findings.notice(complaints, None, "", None, InvalidInput("complaints"))
        if not self._sheets and not self._findings.count:
            self._problem("", None, "", "", InvalidInput("import_no_sheets"))
        return ImportReport(
            file_name=file_name,
            sheets=tuple(SheetCounts(r, self._sheets[r], *self._tally[r]) for r in self._sheets),
            problems=tuple(self._findings.problems),
            problem_count=self._findings.count,
            notices=tuple(self._findings.notices),
            fingerprint=self._digest.hexdigest(),
        )

    def _has_rows(self, reader: WorkbookReader, record: str, sheet: str) -> bool:
        header = reader.header(sheet, self._expected(record), set())
        return header is not None and next(iter(reader.rows(sheet, header)), None) is not None

    def _expected(self, record: str) -> dict[str, str]:
        """The headers of ``record``'s sheet in either language, as compared -> column key."""
        return {
            header_key(words.headers[record][column.key]): column.key
            for words in (self._words, self._other)
            for column in COLUMNS[record]
        }

    async def audit_import(self, report: ImportReport, sha256: str) -> None:
        await self._uow.audit.record_many(self._audit)
        await self._uow.audit.record(
            at=self._clock.now(),
            actor_staff_id=self._actor.id or None,
            action="housing.import",
            target_type="housing_ledger",
            details={
                "file": report.file_name,
                "sha256": sha256,
                "sheets": {
                    s.record: {"added": s.added, "changed": s.changed, "unchanged": s.unchanged} for s in report.sheets
                },
            },
        )

    # -- reading -----------------------------------------------------------------------------------

    async def _sheet(self, reader: WorkbookReader, record: str, sheet: str) -> None:
        required = {column.key for column in COLUMNS[record] if column.required}
        header = reader.header(sheet, self._expected(record), required)
        if header is None:
            self._problem(sheet, None, "", "", InvalidInput("import_no_header"))
            return
        for title in header.unknown:
            self._problem(sheet, header.row, "", "", InvalidInput("import_unknown_column"), title=title)
        for key in header.missing:
            title = self._words.headers[record][key]
            self._problem(sheet, header.row, key, "", InvalidInput("import_missing_column"), title=title)
        if header.unknown or header.missing:
            return
        self._sheets[record], self._tally[record] = sheet, [0, 0, 0]
        self._titles = dict(header.titles)
        rows = reader.rows(sheet, header)
        # Parsing the XML is the slow part: it runs in a worker thread, so the bot keeps answering meanwhile.
        while chunk := await asyncio.to_thread(_take, rows, _CHUNK):
            await self._chunk(record, sheet, chunk)

    async def _chunk(self, record: str, sheet: str, rows: list[ReadRow]) -> None:
        read: list[SheetRecord] = []
        for row in rows:
            try:
                item = read_record(record, row, self._codes, self._today)
            except CellProblem as error:
                cell = row.cells.get(error.column)
                shown = None if cell is None else cell.formula if cell.value is None else cell.value
                self._problem(sheet, row.number, error.column, shown, error)
                if record == "complex":
                    self._complexes.setdefault(_named(row), (_BROKEN, 0))
                continue
            for key in item.formulas:
                formula = row.cells[key].formula or ""
                self._notice(sheet, row.number, key, formula, InvalidInput("import_formula_value"))
            read.append(item)
        if record == "complex":
            await self._complex_chunk(sheet, read)
        else:
            await self._record_chunk(record, sheet, read)

    async def _complex_chunk(self, sheet: str, items: list[SheetRecord]) -> None:
        valid: list[tuple[SheetRecord, int]] = []
        for item in items:
            dong = str(item.values["admin_dong"])
            dong_id = self._dongs.get(dong)
            if dong_id is None or not covers_dong(self._actor, Permission.HOUSING_WRITE, dong_id):
                refusal = "import_unknown_dong" if dong_id is None else "import_dong_not_yours"
                self._problem(sheet, item.row, "admin_dong", dong, InvalidInput(refusal))
                continue
            kapt = item.values.get("kapt_code")
            if self._duplicate(sheet, item, ("kapt", kapt) if kapt else None, ("complex", item.complex)):
                continue
            if self._rules(sheet, item):
                valid.append((item, dong_id))
        repo = self._uow.ledger_import
        by_code = {r.values["kapt_code"]: r for r in await repo.complexes_by_codes(_codes(valid))}
        by_name: dict[tuple[object, object], list[LedgerRecord]] = {}
        for found in await repo.complexes_by_names((str(i.values["name"]), d) for i, d in valid):
            by_name.setdefault((found.values["name"], found.values["admin_dong_id"]), []).append(found)
        adds: list[tuple[SheetRecord, int]] = []
        for item, dong_id in valid:
            code = item.values.get("kapt_code")
            existing = by_code.get(code) if code else None
            if existing is None:
                named = by_name.get((item.values["name"], dong_id), [])
                if len(named) > 1:
                    self._problem(
                        sheet, item.row, "name", item.values["name"], InvalidInput("import_ambiguous_complex")
                    )
                    continue
                existing = named[0] if named else None
                if existing is not None and code and existing.values["kapt_code"] not in (None, code):
                    self._problem(sheet, item.row, "kapt_code", code, InvalidInput("import_kapt_code_differs"))
                    continue
            if existing is not None and not covers_dong(
                self._actor, Permission.HOUSING_WRITE, int(str(existing.values["admin_dong_id"]))
            ):
                self._problem(
                    sheet, item.row, "admin_dong", item.values["admin_dong"], InvalidInput("import_dong_not_yours")
                )
                continue
            self._complexes[item.complex] = (existing.id if existing else _NEW, dong_id)
            if existing is None:
                adds.append((item, dong_id))
            await self._plan("complex", item, existing)
        if adds and self._writing:
            ids = await self._add("complex", [(None, item) for item, _ in adds])
            for (item, dong_id), new_id in zip(adds, ids, strict=True):
                self._complexes[item.complex] = (new_id, dong_id)
        for item in items:
            self._complexes.setdefault(item.complex, (_BROKEN, 0))

    async def _record_chunk(self, record: str, sheet: str, items: list[SheetRecord]) -> None:
        await self._resolve({item.complex for item in items} - set(self._complexes))
        valid: list[tuple[SheetRecord, int | None]] = []
        for item in items:
            complex_id, dong_id = self._complexes[item.complex]
            if complex_id == _BROKEN:
                continue
            if item.complex[1] not in self._dongs:
                self._problem(sheet, item.row, "admin_dong", item.complex[1], InvalidInput("import_unknown_dong"))
                continue
            if complex_id in (_MISSING, _AMBIGUOUS):
                code = "import_ambiguous_complex" if complex_id == _AMBIGUOUS else "import_unknown_complex"
                self._problem(sheet, item.row, "complex", item.complex[0], InvalidInput(code))
                continue
            if not covers_dong(self._actor, Permission.HOUSING_WRITE, dong_id):
                self._problem(sheet, item.row, "admin_dong", item.complex[1], InvalidInput("import_dong_not_yours"))
                continue
            if self._duplicate(sheet, item, (record, item.complex, item.key)):
                continue
            if record == "representative" and item.values["position"] not in self._positions:
                self._problem(
                    sheet, item.row, "position", item.values["position"], InvalidInput("import_unknown_position")
                )
                continue
            valid.append((item, complex_id if complex_id > 0 else None))
        known = {owner for _, owner in valid if owner is not None}
        existing: dict[tuple[int, tuple[object, ...]], list[LedgerRecord]] = {}
        for found in await self._uow.ledger_import.records_of(record, known):
            existing.setdefault((found.complex_id, _key_of(record, found)), []).append(found)
            if (masked := masked_key(record, found.values)) is not None:  # as a masked copy names it
                existing.setdefault((found.complex_id, masked), []).append(found)
        claimed: set[int] = set()
        adds: list[tuple[int | None, SheetRecord]] = []
        for item, owner in valid:
            stored = existing.get((owner, item.key), []) if owner is not None else []
            match = next((r for r in stored if r.id not in claimed), None)
            if match is not None:
                claimed.add(match.id)
            try:
                item = unmasked(item, match.values if match is not None else None)
            except CellProblem as error:
                self._problem(sheet, item.row, error.column, item.values.get(error.column), error)
                continue
            if not self._rules(sheet, item):
                continue
            await self._plan(record, item, match)
            if match is None:
                adds.append((owner, item))
        if adds and self._writing:
            await self._add(record, adds)

    async def _resolve(self, keys: set[ComplexKey]) -> None:
        """The complexes other sheets name that the 단지 sheet did not: from the ledger, by name and dong."""
        if not keys:
            return
        wanted = {(name, self._dongs[dong]): (name, dong) for name, dong in keys if dong in self._dongs}
        found: dict[tuple[object, object], list[LedgerRecord]] = {}
        for item in await self._uow.ledger_import.complexes_by_names(wanted):
            found.setdefault((item.values["name"], item.values["admin_dong_id"]), []).append(item)
        for key in keys:
            dong_id = self._dongs.get(key[1], 0)
            named = found.get((key[0], dong_id), [])
            self._complexes[key] = (named[0].id if len(named) == 1 else _AMBIGUOUS if named else _MISSING, dong_id)

    # -- rules ---------------------------------------------------------------------------------------

    def _duplicate(self, sheet: str, item: SheetRecord, *keys: tuple[object, ...] | None) -> bool:
        for key in keys:
            if key is None:
                continue
            hashed = hash(key)
            if hashed in self._seen:
                self._problem(sheet, item.row, "", "", InvalidInput("import_duplicate_row"))
                return True
        for key in keys:
            if key is not None:
                self._seen.add(hash(key))
        return False

    def _rules(self, sheet: str, item: SheetRecord) -> bool:
        """The record by the ledger's rules as a whole; a rule that only warns becomes a notice."""
        try:
            check_record(item.record, item.values)
            if item.record == "project":
                kind, amount = str(item.values["kind"]), int(str(item.values["amount"]))
                warning = check_criterion(kind, amount, self._criteria.get(kind))
                if warning is not None:
                    self._notice(sheet, item.row, "amount", amount, warning)
        except InvalidInput as error:
            field = _RULE_COLUMNS.get(error.code) or str(error.params.get("field", "")).rsplit(".", 1)[-1]
            if error.code != AREA_BANDS_WARNING:
                self._problem(sheet, item.row, field, item.values.get(field), error)
                return False
            self._notice(sheet, item.row, "household_count", item.values.get("household_count"), error)
        return True

    # -- the plan and its writing ---------------------------------------------------------------------

    @property
    def _writing(self) -> bool:
        return self._write and not self._findings.count

    async def _plan(self, record: str, item: SheetRecord, existing: LedgerRecord | None) -> None:
        """Count the row as added, changed or left alone, and fold it into the fingerprint; write a change."""
        tally = self._tally[record]
        if existing is None:
            tally[0] += 1
            self._fold(("add", record, item.complex, item.key, item.values))
            return
        wanted = dict(item.values)
        former = former_manager(record, existing, wanted, self._today, self._actor.id or None)
        changed = {
            f.name: wanted.get(f.name) for f in FIELDS[record] if existing.values.get(f.name) != wanted.get(f.name)
        }
        self._fold(("edit" if changed else "same", record, existing.id, existing.version, changed))
        if not changed:
            tally[2] += 1
            return
        tally[1] += 1
        if not self._writing:
            return
        at, complex_id = self._clock.now(), existing.complex_id
        write = LedgerWrite(record=record, values=changed, at=at, by=self._actor.id or None)
        if not await self._uow.ledger.change(complex_id, existing.id, existing.version, write):
            raise ImportChangedMeanwhile()
        extra: dict[str, object] = {"via": "import"}
        if former is not None:
            extra["manager_history_id"] = await self._uow.ledger.keep_former_manager(complex_id, former)
        changes = {k: [json_value(existing.values.get(k)), json_value(v)] for k, v in changed.items()}
        self._audit.append(self._entry(f"housing.{record}.edit", complex_id, existing.id, changes, extra))

    async def _add(self, record: str, rows: Sequence[tuple[int | None, SheetRecord]]) -> list[int]:
        dongs = {cid: self._complexes[item.complex][1] for cid, item in rows if cid is not None}
        ids = await self._uow.ledger_import.add_records(
            record,
            [(cid, item.values) for cid, item in rows],
            dong_ids=self._dongs,
            position_ids=self._positions,
            complex_dongs=dongs,
            at=self._clock.now(),
            by=self._actor.id or None,
        )
        for (cid, item), new_id in zip(rows, ids, strict=True):
            changes = {k: [None, json_value(v)] for k, v in item.values.items() if v is not None}
            self._audit.append(self._entry(f"housing.{record}.add", cid or new_id, new_id, changes, {"via": "import"}))
        await self._uow.audit.record_many(self._audit)
        self._audit.clear()
        return ids

    def _entry(
        self, action: str, complex_id: int, record_id: int, changes: dict[str, list[object]], extra: dict[str, object]
    ) -> dict[str, Any]:
        """An audit entry as ``core.housing.records.audit_change`` writes one (the complex's history reads it)."""
        return {
            "at": self._clock.now(),
            "actor_staff_id": self._actor.id or None,
            "action": action,
            "target_type": "complex",
            "target_id": complex_id,
            "details": {"record_id": record_id, "changes": changes, **extra},
        }

    def _fold(self, entry: tuple[object, ...]) -> None:
        self._digest.update(json.dumps(entry, default=str, ensure_ascii=False).encode())
        self._digest.update(b"\n")

    def _problem(
        self, sheet: str, row: int | None, column: str, value: object, error: InvalidInput, *, title: str | None = None
    ) -> None:
        self._findings.problem(sheet, row, title if title is not None else self._titles.get(column, ""), value, error)

    def _notice(self, sheet: str, row: int | None, column: str, value: object, error: InvalidInput) -> None:
        self._findings.notice(sheet, row, self._titles.get(column, ""), value, error)


def _codes(valid: Iterable[tuple[SheetRecord, int]]) -> list[str]:
    return [str(item.values["kapt_code"]) for item, _ in valid if item.values.get("kapt_code")]


def _key_of(record: str, found: LedgerRecord) -> tuple[object, ...]:
    return natural_key(record, found.values)


def _take(rows: Iterator[ReadRow], count: int) -> list[ReadRow]:
    return list(islice(rows, count))


def _named(row: ReadRow) -> ComplexKey:
    """The complex a 단지 row names, as the other sheets would name it, from its cells as they are."""
    name, dong = row.cells.get("name"), row.cells.get("admin_dong")
    return (" ".join(str(name.value).split()) if name else "", " ".join(str(dong.value).split()) if dong else "")
