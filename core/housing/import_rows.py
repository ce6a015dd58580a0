"""A row of an office's housing sheet read as a ledger record: each cell by its column's kind, with the same
rules as the chat's dialogues (``core.housing.fields.parse``, ``core.housing.validation``), and the natural
key the import matches it by.

Cells come as the office's spreadsheets hold them: dates as Excel dates or as text (2016.03.14, 2016-3-14,
16.3.14), phone numbers with or without hyphens (or as a number that lost its leading 0), counts as numbers
or as text with commas and units (1,369세대), coded columns in words (의무관리) in either language. A
personal cell masked on export (010-****-5678, 1954.**.**) stands for the stored value it hides, so a member
without ``pii.view`` can bring back what they took away; it cannot stand for anything new."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.errors import InvalidInput
from core.housing.fields import LARGEST_NUMBER, Kind, parse, parse_date
from core.housing.sheets import COLUMNS, FIXED_LISTS, SheetColumn, SheetWords, masked_cell
from core.housing.validation import AREA_BANDS, TEXT_LIMITS
from core.housing.values import PERSONAL_FIELDS
from core.workbook_reading import ReadCell, ReadRow, header_key

IMPORTED = ("complex", "office", "representative", "group", "project")  # the ledger's records
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (after its 1900 leap-year quirk)
_SHORT_DATE = re.compile(r"(\d{2})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\.?")
_KOREAN_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일?")
_BANDS = tuple(f"area_{band}" for band in range(1, AREA_BANDS + 1))
ComplexKey = tuple[str, str]  # a complex as the sheets name it: 단지명, 행정동
_KINDS = {record: {c.key: c.kind for c in COLUMNS[record]} for record in IMPORTED}


class Masked(str):
    """A personal cell as a masked copy shows it (010-****-5678): it stands for the stored value it hides."""


class CellProblem(InvalidInput):
    """A cell that cannot be read: ``column`` is its column key (the report shows its header)."""

    def __init__(self, column: str, error: InvalidInput) -> None:
        super().__init__(error.code, str(error), **error.params)
        self.column = column


@dataclass(frozen=True, slots=True)
class SheetRecord:
    """One row as a ledger record: its complex, its fields by the ledger's names (``core.housing.fields``),
    and the key that finds it among the complex's records."""

    record: str
    row: int
    complex: ComplexKey
    values: Mapping[str, object]
    key: tuple[object, ...]
    formulas: tuple[str, ...] = ()  # column keys whose saved formula values were taken


def code_words(words: SheetWords, other: SheetWords) -> dict[str, dict[str, str]]:
    """Each fixed list's words in both languages (and its codes) -> code, compared as headers are."""
    found: dict[str, dict[str, str]] = {}
    for name, codes in FIXED_LISTS.items():
        found[name] = {header_key(code): code for code in codes}
        for each in (words, other):
            found[name].update({header_key(word): code for code, word in each.codes[name].items()})
    return found


def read_record(record: str, row: ReadRow, codes: Mapping[str, Mapping[str, str]], today: date) -> SheetRecord:
    """The row as ``record``'s values; ``CellProblem`` for the first cell that cannot be read (the caller
    collects every row's first problem, so the report names them all at once)."""
    values: dict[str, object] = {}
    for column in COLUMNS[record]:
        cell = row.cells.get(column.key)
        try:
            values[column.key] = _value(record, column, cell, codes, today)
        except InvalidInput as error:
            raise CellProblem(column.key, error) from None
    complex_key = (str(values.pop("complex", values.get("name"))), str(values.get("admin_dong")))
    if record != "complex":
        values.pop("admin_dong", None)
    else:
        values["households_by_area"] = tuple(values.pop(band) for band in _BANDS)
    if record == "project" and values.get("returned_amount") is None:
        values["returned_amount"] = 0  # as the ledger stores a project nothing was returned from
    formulas = tuple(key for key, cell in row.cells.items() if cell.formula is not None)
    return SheetRecord(record, row.number, complex_key, values, natural_key(record, values), formulas)


def unmasked(item: SheetRecord, stored: Mapping[str, object] | None) -> SheetRecord:
    """The record with each masked cell standing for the stored value it hides; ``InvalidInput`` naming the
    first that hides something else, or anything at all for a record not stored yet."""
    masked = {key: value for key, value in item.values.items() if isinstance(value, Masked)}
    if not masked:
        return item
    values = dict(item.values)
    for key, value in masked.items():
        kept = stored.get(key) if stored is not None else None
        if kept is None or masked_cell(_KINDS[item.record][key], kept) != value:
            raise CellProblem(key, InvalidInput("import_masked"))
        values[key] = kept
    return SheetRecord(item.record, item.row, item.complex, values, item.key, item.formulas)


def masked_key(record: str, values: Mapping[str, object]) -> tuple[object, ...] | None:
    """A stored representative's key as a masked copy writes it (name, 1954.**.**), when it differs."""
    born = values.get("birth_date")
    if record != "representative" or born is None:
        return None
    return (values.get("name"), masked_cell(Kind.DATE, born))


def natural_key(record: str, values: Mapping[str, object]) -> tuple[object, ...]:
    """What finds a record among its complex's: the office is one per complex, a representative is their name
    and birth date, a group its name, a project its kind, name and start. A complex is found by its K-apt code
    or, without one, by name and dong (the import's own rule)."""
    if record == "office":
        return ()
    if record == "representative":
        return (values.get("name"), values.get("birth_date"))
    if record == "group":
        return (values.get("name"),)
    if record == "project":
        return (values.get("kind"), values.get("name"), values.get("period_start"))
    return (values.get("name"), values.get("admin_dong"))


def _value(
    record: str, column: SheetColumn, cell: ReadCell | None, codes: Mapping[str, Mapping[str, str]], today: date
) -> object:
    raw = cell.value if cell is not None else None
    if cell is not None and cell.formula is not None and raw is None:
        raise InvalidInput("import_formula_without_value", formula=cell.formula)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise InvalidInput("ledger_required", field=column.key)
        return None
    if isinstance(raw, bool):
        raise InvalidInput("import_not_a_value")
    if column.key in ("complex", "admin_dong"):
        return _text(raw, TEXT_LIMITS["complex.name"])
    if column.key in _BANDS:
        return _count(raw, "ledger_number", LARGEST_NUMBER)
    if isinstance(raw, str) and "*" in raw and column.key in PERSONAL_FIELDS.get(record, frozenset()):
        return Masked(" ".join(raw.split()) if column.kind is not Kind.BLOCK else raw.strip())
    kind = column.kind
    if kind is Kind.DATE:
        return _date(column.key, raw, today)
    if kind is Kind.PHONE and isinstance(raw, int | float):
        raw = f"0{int(raw)}"  # a number column drops the leading 0 of 010…
    if kind in (Kind.NUMBER, Kind.AMOUNT) and isinstance(raw, int | float):
        if raw != int(raw):
            raise InvalidInput("ledger_amount" if kind is Kind.AMOUNT else "ledger_number", field=column.key)
        raw = str(int(raw))
    if kind is Kind.CHOICE and column.choices is not None:
        code = codes[column.choices].get(header_key(raw))
        if code is None:
            raise InvalidInput("import_not_in_list")
        return code
    text = _plain(raw)
    if record == "complex" and column.key == "kapt_code":
        text = text.upper()
    return parse(record, column.key, text)


def _text(raw: object, limit: int) -> str:
    text = " ".join(_plain(raw).split())
    if len(text) > limit:
        raise InvalidInput("ledger_too_long", limit=limit, length=len(text))
    return text


def _plain(raw: object) -> str:
    """A cell as text: a whole number without ".0", a date as the office writes it."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime | date):
        return f"{raw:%Y.%m.%d}"
    return str(raw)


def _count(raw: object, code: str, limit: int) -> int:
    if isinstance(raw, int | float):
        if raw != int(raw) or not 0 <= raw <= limit:
            raise InvalidInput(code)
        return int(raw)
    return int(str(parse("complex", "household_count", str(raw))))


def _date(name: str, raw: object, today: date) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float):
        digits = str(int(raw))
        if len(digits) == 8:  # 20160314 typed as a number
            return parse_date(name, digits)
        if 1 <= raw < 2_958_466 and raw == int(raw):  # an Excel serial date the sheet did not format as one
            return parse_date(name, f"{_EXCEL_EPOCH + timedelta(days=int(raw)):%Y.%m.%d}")
        raise InvalidInput("ledger_date", field=name, value=digits)
    text = str(raw).strip()
    short = _SHORT_DATE.fullmatch(text)
    if short:  # 16.3.14: a two-digit year is this century's unless that would be in the future
        year = int(short.group(1))
        year += 2000 if 2000 + year <= today.year else 1900
        text = f"{year}.{short.group(2)}.{short.group(3)}"
    korean = _KOREAN_DATE.fullmatch(text)
    if korean:
        text = ".".join(korean.groups())
    return parse_date(name, text)
