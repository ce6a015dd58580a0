"""The housing ledger as a workbook the office knows: the empty template (``template``) and the whole ledger
in the same shape (``export``), one sheet per record kind (``core.housing.sheets``).

Both are for a reader of the ledger (``housing.read``), within their dongs. Personal data is masked where
the reader's ``pii.view`` does not reach a row's dong, as on the card; when any of it goes out unmasked the
export is audited once (``pii.view`` with its ``via``), with the rows each sheet held. Coded columns are
written in words (의무관리) and offer their lists as drop-downs, so an exported workbook can be filled in and
brought back as it is. Rows are streamed from the database into the workbook, so memory stays flat with the
size of the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.housing.fields import Kind
from core.housing.sheets import (
    COLUMNS,
    EXAMPLES,
    SHEETS,
    SheetColumn,
    SheetWords,
    list_values,
    masked_cell,
    sheet_words,
)
from core.housing.values import PERSONAL_FIELDS
from core.permissions import Permission, can, covers_dong, dong_scope, require
from core.values import StaffMember
from core.workbook import (
    CAPTION_STYLE,
    HEADER_STYLE,
    TITLE_STYLE,
    CellValue,
    Column,
    ExportBook,
    Row,
    Styled,
    Table,
    display_width,
)
from core.workbook import Kind as CellKind
from storage.uow import UnitOfWorkFactory

# A streamed sheet cannot fit its columns to rows it has not read: each kind of cell gets a width.
_WIDTHS = {Kind.DATE: 12, Kind.PHONE: 15, Kind.EMAIL: 24, Kind.NUMBER: 9, Kind.AMOUNT: 12, Kind.BLOCK: 40}
_CELL_KINDS = {
    Kind.DATE: CellKind.DATE,
    Kind.NUMBER: CellKind.COUNT,
    Kind.AMOUNT: CellKind.COUNT,
    Kind.BLOCK: CellKind.WRAP,
}
# Personal data as a sheet's column keys (the office's records name them as the card does).
_PERSONAL = {sheet: PERSONAL_FIELDS.get(sheet, frozenset()) for sheet in SHEETS}


@dataclass(frozen=True, slots=True)
class LedgerWorkbook:
    content: bytes
    rows: Mapping[str, int]  # sheet -> rows written
    masked: bool  # some personal data was masked for this reader


class LedgerBook:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def template(self, actor: StaffMember, lang: str) -> bytes:
        """The empty workbook: a header per sheet, drop-downs, a sheet of notes and one of examples."""
        require(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            lists = await uow.ledger_sheets.lists()
        words = sheet_words(lang)
        book = self._book(words, lists)
        for sheet in SHEETS:
            _sheet_table(book, sheet, words)
        _notes(book, words)
        _examples(book, words)
        return book.save()

    async def export(self, actor: StaffMember, lang: str, *, via: str) -> LedgerWorkbook:
        """Every record of the reader's dongs, sheet by sheet, masked where their ``pii.view`` does not
        reach; audited when anything personal went out unmasked."""
        require(actor, Permission.HOUSING_READ)
        dongs = dong_scope(actor, Permission.HOUSING_READ)
        # Whether some rows may be masked: pii.view not held, or held for some dongs only.
        masking = not can(actor, Permission.PII_VIEW) or dong_scope(actor, Permission.PII_VIEW) is not None
        words = sheet_words(lang)
        rows: dict[str, int] = {}
        masked = unmasked = False
        async with self._uow(write=True) as uow:
            book = self._book(words, await uow.ledger_sheets.lists())
            for sheet in SHEETS:
                table = _sheet_table(book, sheet, words, masking=masking)
                rows[sheet] = 0
                async for row in uow.ledger_sheets.rows(sheet, dongs):
                    hide = not covers_dong(actor, Permission.PII_VIEW, row["admin_dong_id"])
                    if _PERSONAL[sheet] and any(row.get(key) for key in _PERSONAL[sheet]):
                        masked, unmasked = masked or hide, unmasked or not hide
                    table.append(Row(_cells(sheet, row, words, hide=hide)))
                    rows[sheet] += 1
            if unmasked:
                await uow.audit.record(
                    at=self._clock.now(),
                    actor_staff_id=actor.id or None,
                    action="pii.view",
                    target_type="housing_ledger",
                    target_id=None,
                    details={"via": via, "rows": rows},
                )
                await uow.commit()
        return LedgerWorkbook(content=book.save(), rows=rows, masked=masked)

    def _book(self, words: SheetWords, lists: Mapping[str, list[str]]) -> ExportBook:
        book = ExportBook(title=words.title, created=self._clock.local(), created_label=words.generated_at)
        book.lists(words.lists_sheet, list_values(words, lists))
        return book


def _sheet_table(book: ExportBook, sheet: str, words: SheetWords, *, masking: bool = False) -> Table:
    """A sheet of ``sheet``'s records under its header; the complex's name and dong stay in view. With
    ``masking`` a sheet holding personal data says some of it may be masked."""
    notes = [words.masked_note] if masking and _PERSONAL[sheet] else []
    return book.table(
        words.sheets[sheet],
        _columns(sheet, words),
        heading=f"{words.title} · {words.sheets[sheet]}",
        notes=notes,
        fit=False,
        frozen_columns=2,
    )


def _columns(sheet: str, words: SheetWords) -> list[Column]:
    def column(c: SheetColumn) -> Column:
        header = words.headers[sheet][c.key]
        width = max(_WIDTHS.get(c.kind, 18), display_width(header) + 4)
        return Column(
            header,
            _CELL_KINDS.get(c.kind, CellKind.TEXT),
            width=width,
            choices=words.lists[c.choices] if c.choices else None,
        )

    return [column(c) for c in COLUMNS[sheet]]


def _cells(sheet: str, row: Mapping[str, Any], words: SheetWords, *, hide: bool) -> list[CellValue]:
    cells: list[CellValue] = []
    for c in COLUMNS[sheet]:
        value = row.get(c.key)
        if value is not None and c.choices is not None and c.choices in words.codes:
            value = words.codes[c.choices].get(value, value)
        if hide and c.key in _PERSONAL[sheet] and value is not None:
            value = masked_cell(c.kind, value)
        cells.append(value)
    return cells


def _notes(book: ExportBook, words: SheetWords) -> None:
    """작성 안내: every column of every sheet, whether a row needs it and how to write it."""
    headers = words.notes_headers
    columns = [Column(headers[0]), Column(headers[1]), Column(headers[2]), Column(headers[3], CellKind.WRAP, 60)]
    rows = [
        (
            words.sheets[sheet],
            words.headers[sheet][c.key],
            words.required if c.required else "",
            words.notes[sheet][c.key],
        )
        for sheet in SHEETS
        for c in COLUMNS[sheet]
    ]
    book.table(words.notes_sheet, columns, rows, heading=f"{words.title} · {words.notes_sheet}")


def _examples(book: ExportBook, words: SheetWords) -> None:
    """작성 예시: the report's example complex, a row of each sheet under that sheet's headers."""
    sheet = book.sheet(words.examples_sheet)
    sheet.widths([18] * max(len(columns) for columns in COLUMNS.values()))
    sheet.append([Styled(f"{words.title} · {words.examples_sheet}", TITLE_STYLE)])
    for name in SHEETS:
        columns = _columns(name, words)
        sheet.append([])
        sheet.append([Styled(words.sheets[name], CAPTION_STYLE)])
        sheet.append([Styled(c.header, HEADER_STYLE) for c in columns])
        Table(sheet, columns).append(_cells(name, EXAMPLES[name], words, hide=False))
