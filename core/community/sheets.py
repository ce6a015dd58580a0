"""마을공동체's records as the office's spreadsheets: a 단체(기관) sheet and a 지원사업 sheet, a column per field,
the headers as the report's screens word them (``cmc.label.*``), with the unit in brackets where there is one
(대지(㎡), 시비(천원)).

The columns are the records' own fields (``core.community.fields``), so a sheet holds exactly what the chat's
dialogues keep and is read back by the same rules. A housing call's project names its complex by 단지명 and the
complex's 행정동. A coded column (분야, 유형, 사업구분, 관할동) is written in the office's words and offers its
list as a drop-down."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.community.fields import FIELDS, HOUSING_ONLY, ORGANIZATION, PROJECT, Kind
from core.community.values import LEGAL_TYPES, ORGANIZATION_FIELDS, SPONSORS
from core.texts.i18n import t_plain
from core.workbook import Column, ExportBook
from core.workbook import Kind as CellKind
from core.workbook_reading import header_key

SHEETS = (ORGANIZATION, PROJECT)
COMPLEX, COMPLEX_DONG = "complex", "complex_dong"  # a housing call's complex, by name and dong
CODED = {"field": ORGANIZATION_FIELDS, "legal_type": LEGAL_TYPES, "sponsor": SPONSORS}
_CODE_WORDS = {"field": "cm.field", "legal_type": "cm.legal_type", "sponsor": "cm.sponsor"}
_UNITS = {Kind.AREA: "area_unit", Kind.FUNDS: "funds_unit"}
_CELL_KINDS = {Kind.DATE: CellKind.DATE, Kind.COUNT: CellKind.COUNT, Kind.FUNDS: CellKind.COUNT}
_WIDE = {Kind.BLOCK: 40, Kind.TEXT: 18}


@dataclass(frozen=True, slots=True)
class SheetColumn:
    key: str  # a field of the record, or COMPLEX / COMPLEX_DONG
    kind: Kind
    required: bool = False
    choices: str | None = None  # the list a coded column picks from: field, legal_type, sponsor or dong


def _columns(record: str) -> tuple[SheetColumn, ...]:
    columns = []
    for field in FIELDS[record]:
        if field.name in HOUSING_ONLY:
            continue
        choices = field.name if field.kind is Kind.CHOICE else "dong" if field.kind is Kind.DONG else None
        columns.append(SheetColumn(field.name, field.kind, field.required, choices))
    if record == PROJECT:
        columns += [SheetColumn(COMPLEX, Kind.TEXT), SheetColumn(COMPLEX_DONG, Kind.DONG, choices="dong")]
    return tuple(columns)


COLUMNS: Mapping[str, tuple[SheetColumn, ...]] = {record: _columns(record) for record in SHEETS}


@dataclass(frozen=True)
class SheetWords:
    """The words of both sheets in one language."""

    title: str
    sheets: Mapping[str, str]  # record -> sheet name
    headers: Mapping[str, Mapping[str, str]]  # record -> column key -> header
    codes: Mapping[str, Mapping[str, str]]  # coded column -> code -> word
    lists_sheet: str
    lists: Mapping[str, str]  # list -> its name on the lists sheet
    generated_at: str


def _header(lang: str, record: str, column: SheetColumn) -> str:
    if column.key in (COMPLEX, COMPLEX_DONG):
        return t_plain(lang, f"cmx.header.{column.key}")
    label = t_plain(lang, f"cmc.label.{record}.{column.key}")
    unit = _UNITS.get(column.kind)
    return f"{label}({t_plain(lang, f'cmx.{unit}')})" if unit else label


def sheet_words(lang: str) -> SheetWords:
    return SheetWords(
        title=t_plain(lang, "cmx.title"),
        sheets={record: t_plain(lang, f"cmx.sheet.{record}") for record in SHEETS},
        headers={record: {c.key: _header(lang, record, c) for c in COLUMNS[record]} for record in SHEETS},
        codes={
            name: {code: t_plain(lang, f"{_CODE_WORDS[name]}.{code}") for code in codes}
            for name, codes in CODED.items()
        },
        lists_sheet=t_plain(lang, "cmx.lists_sheet"),
        lists={name: t_plain(lang, f"cmx.list.{name}") for name in (*CODED, "dong")},
        generated_at=t_plain(lang, "cmx.generated_at", at="{at}"),
    )


def expected_headers(record: str, *languages: SheetWords) -> dict[str, str]:
    """The headers of ``record``'s sheet in every language given, with and without their unit, as compared
    (``header_key``) -> column key."""
    expected: dict[str, str] = {}
    for words in languages:
        for column in COLUMNS[record]:
            header = words.headers[record][column.key]
            expected[header_key(header)] = column.key
            expected[header_key(header.split("(")[0] if column.kind in _UNITS else header)] = column.key
    return expected


def code_of(words: Sequence[SheetWords], name: str, text: str) -> str | None:
    """A coded cell's code: its word in either language, or the code itself."""
    wanted = header_key(text)
    for code in CODED[name]:
        if wanted == header_key(code) or any(wanted == header_key(w.codes[name][code]) for w in words):
            return code
    return None


def add_lists(book: ExportBook, words: SheetWords, dongs: Sequence[str]) -> None:
    """The lists the coded columns' drop-downs pick from (written before the sheets that use them)."""
    lists: dict[str, Sequence[str]] = {
        words.lists[name]: [words.codes[name][code] for code in codes] for name, codes in CODED.items()
    }
    lists[words.lists["dong"]] = list(dongs)
    book.lists(words.lists_sheet, lists)


def template_book(words: SheetWords, dongs: Sequence[str], book: ExportBook) -> ExportBook:
    """The empty workbook: the lists its drop-downs pick from, and a sheet per record under its header."""
    add_lists(book, words, dongs)
    for record in SHEETS:
        book.table(words.sheets[record], columns_of(record, words), heading=f"{words.title} · {words.sheets[record]}")
    return book


def columns_of(record: str, words: SheetWords) -> list[Column]:
    def column(c: SheetColumn) -> Column:
        header = words.headers[record][c.key]
        width = max(_WIDE.get(c.kind, 14), len(header) * 2 + 4)
        choices = words.lists[c.choices] if c.choices else None
        return Column(header, _CELL_KINDS.get(c.kind, CellKind.TEXT), width=width, choices=choices)

    return [column(c) for c in COLUMNS[record]]
