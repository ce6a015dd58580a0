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
100,000 rows never holds them all in memory, and the small ones pay nothing for it.

openpyxl (and numpy, which it imports) is loaded with the first book, not with this module: every process
imports the services, and most (the bot between exports, each CLI command) never write a book; that is
0.15 s of start-up and about 25 MB (benchmarks/README.md). Styles are therefore plain values here, made
openpyxl's own when a sheet first writes a cell in them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from io import BytesIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "CELL_LIMIT",
    "FORMULA_TRIGGERS",
    "CellStyle",
    "Column",
    "ExportBook",
    "Kind",
    "Row",
    "Styled",
    "Table",
    "cell_text",
    "display_width",
    "sheet_title",
]

# What starts a formula in Excel, LibreOffice or Google Sheets (OWASP's list for spreadsheet exports).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses a cell longer than 32,767 characters.
CELL_LIMIT = 32_000
# Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\
SHEET_TITLE_LIMIT = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# The control characters a cell may not hold (openpyxl's own rule, ILLEGAL_CHARACTERS_RE, without loading it).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

CellValue = str | int | float | Decimal | date | datetime | time | None


@dataclass(frozen=True, slots=True)
class CellStyle:
    """How a cell looks, as plain values (colours as RRGGBB)."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None  # a solid background
    framed: bool = False  # a thin grey line around the cell
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    number_format: str | None = None

    def apply(self, cell: Cell) -> None:
        """Give an openpyxl cell this look."""
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        if self.bold or self.italic or self.size is not None or self.color is not None:
            cell.font = Font(bold=self.bold, italic=self.italic, size=self.size, color=self.color)
        if self.fill is not None:
            cell.fill = PatternFill("solid", fgColor=self.fill)
        if self.framed:
            thin = Side(style="thin", color=FRAME_COLOR)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        if self.horizontal is not None or self.vertical is not None or self.wrap:
            cell.alignment = Alignment(horizontal=self.horizontal, vertical=self.vertical, wrap_text=self.wrap)
        if self.number_format is not None:
            cell.number_format = self.number_format


@dataclass(frozen=True, slots=True)
class Styled:
    """A value written with a style (a header, a total, a wrapped text)."""

    value: CellValue
    style: CellStyle


def cell_text(text: str) -> str:
    """What a cell may hold: no control characters (they make the file unreadable), at most Excel's limit."""
    clean = str(ILLEGAL_CHARACTERS.sub("", text))
    return clean if len(clean) <= CELL_LIMIT else clean[: CELL_LIMIT - 1] + "…"


def sheet_title(text: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub(" ", text).strip()[:SHEET_TITLE_LIMIT] or "Sheet"


class Sheet:
    """One sheet of an ``ExportBook``, written top to bottom a row at a time.

    Column widths, frozen panes and print settings must be set before the first row (write-only mode)."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet
        # Setting a cell's font, fill, border... hashes each into the book's style tables: 2 ms a row of seven
        # styled cells. A style's indexes are the same for every cell, so they are worked out once per style.
        self._arrays: dict[CellStyle, StyleArray] = {}

    def widths(self, widths: Iterable[float]) -> None:
        """Column widths in characters, from column A on."""
        from openpyxl.utils import get_column_letter

        for column, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(column)].width = width

    def pick_from(self, cells: str, source: str) -> None:
        """Cells ``cells`` (A1:A10 style) offer the values in ``source`` (a range) as a drop-down and refuse
        others when typed in Excel or LibreOffice."""
        from openpyxl.worksheet.datavalidation import DataValidation

        validation = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False)
        validation.add(cells)
        self._sheet.data_validations.append(validation)

    def hide(self) -> None:
        self._sheet.sheet_state = "hidden"

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
        from openpyxl.cell import WriteOnlyCell

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
        known = self._arrays.get(style)
        if known is not None:
            quoted = cell.quotePrefix
            cell._style = copy(known)
            cell.quotePrefix = quoted
            return cell
        style.apply(cell)
        array = copy(cell._style)
        array.quotePrefix = 0
        self._arrays[style] = array
        return cell


# -- the one table style ------------------------------------------------------------------------------------
# Every export is a table laid out the same way, modelled on 벤치마킹 통계: a title, a caption ending in
# 작성 일시, any notes, an empty row, then a bold framed header that stays in view and is printed on each page.

HEADER_FILL = "DCE6F1"
TOTAL_FILL = "F2F2F2"
FRAME_COLOR = "A6A6A6"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CREATED_FORMAT = "%Y-%m-%d %H:%M"
MIN_COLUMN_WIDTH = 8
PICKED_ROWS = 10_000  # rows under a header whose cells offer a column's drop-down
# A fitted column stops here; a longer text is cut off on screen (wrap it instead) but whole in the cell.
MAX_COLUMN_WIDTH = 60
TITLE_STYLE = CellStyle(bold=True, size=14)
CAPTION_STYLE = CellStyle(color="595959")
NO_DATA_STYLE = CellStyle(italic=True, color="757575")
HEADER_STYLE = CellStyle(bold=True, fill=HEADER_FILL, framed=True, horizontal="center", vertical="center")


class Kind(StrEnum):
    """What a column holds, which decides its cells' format."""

    TEXT = "text"  # left-aligned as written (a year given as a number stays 2026, not 2,026)
    COUNT = "count"  # a number with thousands separators
    DATE = "date"  # an Excel date
    DATETIME = "datetime"  # an Excel date and time, in the office's time zone
    WRAP = "wrap"  # a text of several lines, wrapped


_FORMATS = {Kind.COUNT: COUNT_FORMAT, Kind.DATE: DATE_FORMAT, Kind.DATETIME: DATETIME_FORMAT}


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table: its header, its kind, and a fixed width when fitting to the content will not do
    (a streamed table cannot see its rows in advance; a wrapped text should not set the width)."""

    header: str
    kind: Kind = Kind.TEXT
    width: float | None = None
    total: bool = False  # a totals column: bold on a fill
    choices: str | None = None  # a list (``ExportBook.lists``) its cells are picked from, in a drop-down


@dataclass(frozen=True, slots=True)
class Row:
    """A row given with a mark: a totals row is bold on a fill."""

    values: Sequence[CellValue]
    total: bool = False


def display_width(text: str) -> int:
    """Columns a text takes in Excel's default font: Hangul and other wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _shown(value: CellValue, kind: Kind) -> str:
    """The text a cell shows, to fit its column's width to."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int | float | Decimal) and kind is Kind.COUNT:
        return f"{value:,}"
    return max(str(value).split("\n"), key=display_width)


def _body_style(kind: Kind, *, total: bool) -> CellStyle:
    return CellStyle(
        bold=total,
        fill=TOTAL_FILL if total else None,
        framed=True,
        horizontal="left" if kind is Kind.TEXT else None,
        vertical="top" if kind is Kind.WRAP else None,
        wrap=kind is Kind.WRAP,
        number_format=_FORMATS.get(kind),
    )


class Table:
    """A sheet laid out in the one table style, its body appended a row (or a batch of rows) at a time."""

    def __init__(self, sheet: Sheet, columns: Sequence[Column]) -> None:
        self._sheet = sheet
        self._kinds = [c.kind for c in columns]
        self._styles = [(_body_style(c.kind, total=c.total), _body_style(c.kind, total=True)) for c in columns]
        self.rows = 0

    def append(self, row: Sequence[CellValue] | Row) -> None:
        values, total = (row.values, row.total) if isinstance(row, Row) else (row, False)
        cells: list[Styled] = []
        for value, kind, (plain, marked) in zip(values, self._kinds, self._styles, strict=True):
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones; callers pass the office's time
            if kind in (Kind.DATE, Kind.DATETIME) and value == "":
                value = None
            cells.append(Styled(value, marked if total else plain))
        self._sheet.append(cells)
        self.rows += 1

    def note(self, text: str) -> None:
        """A muted line under the table ("자료가 없습니다")."""
        self._sheet.append([Styled(text, NO_DATA_STYLE)])

    def extend(self, rows: Iterable[Sequence[CellValue] | Row]) -> None:
        for row in rows:
            self.append(row)


class ExportBook:
    """A workbook being written: add sheets, append their rows, then ``save``. One thread at a time.

    ``created`` is the time the book is made in the office's time zone; with ``created_label``
    ("작성 일시: {at}") each table's caption says it."""

    def __init__(
        self, *, title: str | None = None, created: datetime | None = None, created_label: str | None = None
    ) -> None:
        from openpyxl import Workbook

        self._book: Any = Workbook(write_only=True)
        self._book.properties.creator = "Dongne"
        self._lists: dict[str, str] = {}  # a list's name -> the range holding its values
        self._title = title
        self._created_text = (
            created_label.replace("{at}", created.strftime(CREATED_FORMAT))
            if created is not None and created_label is not None
            else None
        )
        if title is not None:
            self._book.properties.title = title
        if created is not None:
            # The file's own "created" stamp is UTC by the format's rule (openpyxl stamps "modified" on save).
            utc = created.astimezone(UTC) if created.tzinfo is not None else created
            self._book.properties.created = utc.replace(tzinfo=None)

    def sheet(self, title: str) -> Sheet:
        return Sheet(self._book.create_sheet(sheet_title(title)))

    def lists(self, title: str, lists: dict[str, Sequence[str]], *, hidden: bool = True) -> None:
        """A sheet of value lists, one per column under its name, that a table's ``Column.choices`` names;
        hidden by default (a drop-down shows its values). Write it before the tables that use it."""
        from openpyxl.utils import get_column_letter, quote_sheetname

        sheet = self.sheet(title)
        names = list(lists)
        sheet.append([Styled(name, HEADER_STYLE) for name in names])
        for row in range(max((len(v) for v in lists.values()), default=0)):
            sheet.append([lists[name][row] if row < len(lists[name]) else None for name in names])
        quoted = quote_sheetname(sheet_title(title))
        for column, name in enumerate(names, start=1):
            letter = get_column_letter(column)
            self._lists[name] = f"{quoted}!${letter}$2:${letter}${len(lists[name]) + 1}"
        if hidden:
            sheet.hide()

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[CellValue] | Row] = (),
        *,
        heading: str | None = None,
        caption: str | None = None,
        notes: Sequence[str] = (),
        frozen_columns: int = 0,
        empty: str | None = None,
        fit: bool = True,
    ) -> Table:
        """A sheet ``name`` in the one table style: ``heading`` (the book's title by default) in large bold,
        the caption followed by 작성 일시, each of ``notes`` on its row, then the table. The header and the
        first ``frozen_columns`` columns stay in view while scrolling, and the header is printed on every page
        of a landscape printout one page wide. With ``fit`` each column without a width is as wide as its
        widest cell (the rows are read first); a streamed table passes ``fit=False`` and appends its rows to
        the returned ``Table``. ``empty`` is written under the header when there are no rows."""
        from openpyxl.utils import get_column_letter

        body = list(rows) if fit else []
        sheet = self.sheet(name)
        widths: list[float] = []
        for c, column in enumerate(columns):
            if column.width is not None:
                widths.append(column.width)
                continue
            texts = [column.header]
            if fit:
                texts += [_shown((r.values if isinstance(r, Row) else r)[c], column.kind) for r in body]
            widths.append(min(max(max(display_width(t) for t in texts) + 3, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH))
        sheet.widths(widths)
        picked = [(number, c.choices) for number, c in enumerate(columns, start=1) if c.choices]
        caption_line = " · ".join(part for part in (caption, self._created_text) if part)
        top = [heading or self._title or name, *([caption_line] if caption_line else []), *notes]
        header_row = len(top) + 2
        sheet.freeze(f"{get_column_letter(frozen_columns + 1)}{header_row + 1}")
        for number, name in picked:
            letter = get_column_letter(number)
            sheet.pick_from(f"{letter}{header_row + 1}:{letter}{header_row + PICKED_ROWS}", self._lists[name])
        sheet.print_landscape(title_row=header_row)
        sheet.append([Styled(top[0], TITLE_STYLE)])
        for line in top[1:]:
            sheet.append([Styled(line, CAPTION_STYLE)])
        sheet.append([])
        sheet.append([Styled(c.header, HEADER_STYLE) for c in columns])
        table = Table(sheet, columns)
        table.extend(body)
        if fit and not body and empty is not None:
            table.note(empty)
        return table

    def save(self) -> bytes:
        buffer = BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()
