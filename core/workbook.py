"""Every Excel workbook Dongne writes is made here, so every export keeps the same rules; no other module
imports openpyxl (an import-linter contract in pyproject.toml holds it to that).

Text is text. openpyxl stores a string that starts with ``=`` as a formula, and a spreadsheet treats text
starting with ``+ - @``, a tab or a carriage return as the start of one once the cell is edited or the sheet
is copied into another program. Our exports carry what staff and residents typed (an SMS text, a name in a
saved list, a department renamed ``=1+2교통행정과``) beside unmasked phone numbers, so such text must never
become a live formula. It is written as an explicit string with Excel's quote prefix, the hidden apostrophe
Excel itself puts before text that looks like a formula: the cell shows the text exactly as typed, Excel and
LibreOffice open it as text, and editing it keeps it text. Numbers and dates stay numbers and dates (-5 is a
number, not text).

Every book is written in openpyxl's write-only mode: rows stream to the file as they come, so an export of
100,000 rows never holds them all in memory, and the small ones pay nothing for it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "CELL_LIMIT",
    "FORMULA_TRIGGERS",
    "Alignment",
    "Border",
    "CellStyle",
    "ExportBook",
    "Font",
    "PatternFill",
    "Side",
    "Styled",
    "cell_text",
    "sheet_title",
]

# What starts a formula in Excel, LibreOffice or Google Sheets (OWASP's list for spreadsheet exports).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses a cell longer than 32,767 characters.
CELL_LIMIT = 32_000
# Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\
SHEET_TITLE_LIMIT = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

CellValue = str | int | float | Decimal | date | datetime | time | None


@dataclass(frozen=True, slots=True)
class CellStyle:
    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    border: Border | None = None
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Styled:
    """A value written with a style (a header, a total, a wrapped text)."""

    value: CellValue
    style: CellStyle


def cell_text(text: str) -> str:
    """What a cell may hold: no control characters (they make the file unreadable), at most Excel's limit."""
    clean = str(ILLEGAL_CHARACTERS_RE.sub("", text))
    return clean if len(clean) <= CELL_LIMIT else clean[: CELL_LIMIT - 1] + "…"


def sheet_title(text: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub(" ", text).strip()[:SHEET_TITLE_LIMIT] or "Sheet"


class Sheet:
    """One sheet of an ``ExportBook``, written top to bottom a row at a time.

    Column widths, frozen panes and print settings must be set before the first row (write-only mode)."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet

    def widths(self, widths: Iterable[float]) -> None:
        """Column widths in characters, from column A on."""
        for column, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(column)].width = width

    def freeze(self, cell: str) -> None:
        """Keep the rows above and the columns left of ``cell`` in view while scrolling."""
        self._sheet.freeze_panes = cell

    def print_landscape(self, *, title_row: int) -> None:
        """Print across the page's width, landscape, repeating ``title_row`` on every page."""
        self._sheet.print_title_rows = f"{title_row}:{title_row}"
        self._sheet.page_setup.orientation = "landscape"
        self._sheet.page_setup.fitToWidth = 1
        self._sheet.page_setup.fitToHeight = 0
        self._sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def append(self, row: Iterable[CellValue | Styled]) -> None:
        self._sheet.append([self._cell(value) for value in row])

    def _cell(self, given: CellValue | Styled) -> CellValue | Cell:
        value, style = (given.value, given.style) if isinstance(given, Styled) else (given, None)
        if isinstance(value, str):
            value = cell_text(value)
            if value.startswith(FORMULA_TRIGGERS):
                style = style or CellStyle()
            elif style is None:
                return value  # a plain cell costs openpyxl half of a styled one
        elif style is None:
            return value
        cell = WriteOnlyCell(self._sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl made a formula of a text starting with "="
            cell.quotePrefix = value.startswith(FORMULA_TRIGGERS)
        if style.font is not None:
            cell.font = style.font
        if style.fill is not None:
            cell.fill = style.fill
        if style.alignment is not None:
            cell.alignment = style.alignment
        if style.border is not None:
            cell.border = style.border
        if style.number_format is not None:
            cell.number_format = style.number_format
        return cell


class ExportBook:
    """A workbook being written: add sheets, append their rows, then ``save``. One thread at a time."""

    def __init__(self, *, title: str | None = None, created: datetime | None = None) -> None:
        self._book = Workbook(write_only=True)
        self._book.properties.creator = "Dongne"
        if title is not None:
            self._book.properties.title = title
        if created is not None:
            # The file's own "created" stamp is UTC by the format's rule (openpyxl stamps "modified" on save).
            utc = created.astimezone(UTC) if created.tzinfo is not None else created
            self._book.properties.created = utc.replace(tzinfo=None)

    def sheet(self, title: str) -> Sheet:
        return Sheet(self._book.create_sheet(sheet_title(title)))

    def save(self) -> bytes:
        buffer = BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()
