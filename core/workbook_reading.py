"""Reading the office's own spreadsheets, tolerant of how they are really kept and strict about what a file
may be. The one reader of workbooks (``core.workbook`` is the one writer); the import of each module says
which sheets and columns it wants, this module finds them.

- **What is refused before anything is parsed** (``InvalidInput``, a code per reason): a file over
  ``MAX_BYTES``; an old binary ``.xls`` or Hancom ``.cell`` (with how to save as ``.xlsx``); a
  password-protected workbook (Office wraps it in an encrypted container); a zip that would inflate beyond
  ``MAX_INFLATED`` or by more than ``MAX_RATIO`` times (a zip bomb); anything else that is not a workbook.
- **What is tolerated:** title rows (merged or not) above the header, header words written with spaces or
  line breaks inside, hidden sheets, empty rows anywhere (trailing ones included), sheets saved by Excel,
  LibreOffice or Hancom.
- **Formulas:** a cell holding a formula is reported with its saved value (``ReadCell.formula``), which
  Excel and LibreOffice store beside it; the caller decides whether that value may stand.

openpyxl reads in read-only mode, row by row, so memory stays flat with the size of the file."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from itertools import zip_longest
from typing import Any

from core.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024  # as Telegram lets a bot download; an office's ledger is a few megabytes
MAX_ROWS = 100_000  # data rows in all sheets together, unless the caller allows more (the operator's CLI)
MAX_INFLATED = 500 * 1024 * 1024  # what the file's parts may inflate to, all together
MAX_RATIO = 150  # spreadsheet XML compresses 10–30 times; a bomb compresses thousands of times
_RATIO_FLOOR = 5 * 1024 * 1024  # parts smaller than this inflated are never a danger, however well packed
HEADER_SEARCH_ROWS = 20  # how far below the top a header may stand (titles, notes, empty rows above it)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls, .cell and encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def header_key(text: object) -> str:
    """A header as compared: without spaces, line breaks, required-marks (*) or case ("단지\\n명 *" = "단지명")."""
    return re.sub(r"[\s*]+", "", str(text)).casefold() if text is not None else ""


@dataclass(frozen=True, slots=True)
class ReadCell:
    value: Any  # str, int, float, bool, datetime, or None; a formula's saved value (None when not saved)
    formula: str | None = None  # the formula, when the cell holds one


@dataclass(frozen=True, slots=True)
class ReadRow:
    number: int  # as Excel numbers it
    cells: Mapping[str, ReadCell]  # column key -> cell; columns the row leaves empty are absent


@dataclass(frozen=True, slots=True)
class Header:
    """Where a sheet's header stands and which column holds which key (``columns``: 0-based index -> key)."""

    row: int
    columns: Mapping[int, str]
    titles: Mapping[str, str]  # key -> the header as the file writes it
    unknown: tuple[str, ...] = ()  # headers the sheet has that no column is called
    missing: tuple[str, ...] = ()  # keys of required columns the sheet lacks


class WorkbookReader:
    """One uploaded workbook, checked and opened for reading; ``close()`` when done (or use ``with``)."""

    def __init__(self, content: bytes, file_name: str, *, max_rows: int | None = None) -> None:
        self._max_rows = MAX_ROWS if max_rows is None else max_rows
        self._formulas = _check_container(content, file_name)
        try:
            from openpyxl import load_workbook  # loaded with the first file read, as core.workbook says why

            self._book = load_workbook(BytesIO(content), read_only=True, data_only=False)
            # Saved values come from a second reader only when some sheet holds formulas.
            self._saved = load_workbook(BytesIO(content), read_only=True, data_only=True) if self._formulas else None
        except Exception as error:  # openpyxl raises many kinds for a broken file; all mean the same here
            raise InvalidInput("workbook_unreadable", str(error)) from None
        self._rows_read = 0

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()
        if self._saved is not None:
            self._saved.close()

    @property
    def sheet_names(self) -> list[str]:
        """Every sheet, hidden ones too, in the file's order."""
        return list(self._book.sheetnames)

    def find_sheet(self, names: set[str]) -> str | None:
        """The first sheet whose name is one of ``names`` (compared as headers are)."""
        wanted = {header_key(name) for name in names}
        return next((name for name in self._book.sheetnames if header_key(name) in wanted), None)

    def header(self, sheet: str, expected: Mapping[str, str], required: set[str]) -> Header | None:
        """The sheet's header row: the first of its top rows naming at least two expected columns (``expected``:
        header_key of a header word -> column key). None when no row does."""
        for number, row in enumerate(self._rows(self._book[sheet]), start=1):
            if number > HEADER_SEARCH_ROWS:
                return None
            found = {i: expected[header_key(v)] for i, v in enumerate(row) if header_key(v) in expected}
            if len(set(found.values())) < 2:
                continue
            unknown = tuple(str(v).strip() for i, v in enumerate(row) if i not in found and header_key(v))
            titles = {key: " ".join(str(row[i]).split()) for i, key in found.items()}
            missing = tuple(key for key in required if key not in titles)
            return Header(number, found, titles, unknown, missing)
        return None

    def rows(self, sheet: str, header: Header) -> Iterator[ReadRow]:
        """The rows below the header that hold anything, ``max_rows`` in all sheets at most."""
        values = self._rows(self._book[sheet])
        saved = self._rows(self._saved[sheet]) if self._saved is not None else None
        pairs: Iterator[tuple[Any, Any]] = (
            zip_longest(values, saved) if saved is not None else ((v, None) for v in values)
        )
        for number, (row, saved_row) in enumerate(pairs, start=1):
            if number <= header.row or row is None:
                continue
            cells: dict[str, ReadCell] = {}
            for index, key in header.columns.items():
                value = row[index] if index < len(row) else None
                if isinstance(value, str) and value.startswith("=") and self._formulas:
                    kept = saved_row[index] if saved_row is not None and index < len(saved_row) else None
                    cells[key] = ReadCell(kept, formula=value)
                elif not _blank(value):
                    cells[key] = ReadCell(value.strip() if isinstance(value, str) else value)
            if not cells:
                continue
            self._rows_read += 1
            if self._rows_read > self._max_rows:
                raise InvalidInput("workbook_too_many_rows", limit=self._max_rows)
            yield ReadRow(number, cells)

    @staticmethod
    def _rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet

        if not isinstance(sheet, ReadOnlyWorksheet):  # a chart sheet has no cells
            return iter(())
        sheet.reset_dimensions()  # some writers save a wrong <dimension>; read what is there instead
        rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_container(content: bytes, file_name: str) -> bool:
    """Refuse what is not a readable .xlsx before parsing anything; whether some sheet holds formulas."""
    suffix = file_name.rsplit(".", 1)[-1].casefold() if "." in file_name else ""
    if len(content) > MAX_BYTES:
        raise InvalidInput("workbook_too_large", limit=MAX_BYTES // (1024 * 1024))
    if content.startswith(_OLE_MAGIC):
        if _ENCRYPTED in content:
            raise InvalidInput("workbook_encrypted")
        raise InvalidInput("workbook_cell" if suffix == "cell" else "workbook_xls")
    if suffix in ("xls", "cell"):
        raise InvalidInput(f"workbook_{suffix}")
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise InvalidInput("workbook_unreadable", "not a zip") from None
    with archive:
        parts = archive.infolist()
        names = {part.filename for part in parts}
        if not all(required in names for required in _REQUIRED_PARTS):
            raise InvalidInput("workbook_unreadable", "not a spreadsheet")
        if sum(part.file_size for part in parts) > MAX_INFLATED or any(_packed_too_tight(p) for p in parts):
            raise InvalidInput("workbook_unreadable", "inflates beyond the limit")
        sheets = [p for p in parts if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml")]
        return any(_holds_formulas(archive, part) for part in sheets)


def _packed_too_tight(part: zipfile.ZipInfo) -> bool:
    return part.file_size > _RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1)


def _holds_formulas(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the sheet's XML has a formula element, read in pieces (the reader stops at the declared size)."""
    tail = b""
    try:
        with archive.open(part) as stream:
            while piece := stream.read(1 << 20):
                if _FORMULA_TAG.search(tail + piece):
                    return True
                tail = piece[-16:]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InvalidInput("workbook_unreadable", str(error)) from None
    return False
