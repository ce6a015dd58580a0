"""Workbooks the ledger import meets in an office, as plain functions returning bytes: the clerk's own
spreadsheet as Excel, LibreOffice and Hancom Cell save it (``office_sheet``, ``libreoffice_sheet``,
``hancom_sheet``: each must load), and the files that must be refused whole (``xls_file``, ``cell_file``,
``encrypted_workbook``, ``zip_bomb``, ``not_a_workbook``, ``formulas``, ``wrong_headers``,
``too_many_rows``).

Tests may write with openpyxl directly (production code may not: see the import-linter contract
``workbook-writer``). What openpyxl cannot write (shared strings, a formula's saved value, another program's
traces, a compound file, a lying zip) is made by rewriting the package's XML or by writing the bytes here.
tests/core/test_workbooks_fixtures.py proves each of them is what it claims to be."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.housing.sheets import COLUMNS, sheet_words
from tests.builders import make_png

# What a test world holds (tests/builders.py: make_two_dongs; the positions the first migration seeds).
DONGS = ("왕십리도선동", "성수1가제1동")
POSITIONS = ("회장", "감사", "이사")
PASSWORD = "1234"  # what an office puts on a file of phone numbers
ROW_LIMIT = 100_000  # the limit; too_many_rows() goes one past it

CellValue = str | int | float | date | datetime | None
Rows = Mapping[str, tuple[Mapping[str, object], ...]]

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = f"{REL_NS}/sharedStrings"
EXCEL_APPLICATION = "Microsoft Excel"
LIBREOFFICE_APPLICATION = "LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2"
HANCOM_APPLICATION = "Hancom Office Cell"


@dataclass(frozen=True, slots=True)
class OfficeSheet:
    """A workbook and what its rows must load as: per record (complex, representative), each row by the
    sheet's column keys (``core.housing.sheets.COLUMNS``) with values as the ledger stores them (codes,
    dates, normalised phones), in the file's order, as ``core.housing.sheets.EXAMPLES`` writes them."""

    content: bytes
    expected: Rows
    hidden_sheet: str  # an extra sheet of the clerk's, hidden; not one of the ledger's


@dataclass(frozen=True, slots=True)
class _Sheet:
    """A sheet as cells from A1 on, and how the clerk dressed it."""

    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    header_row: int = 0  # 1-based; 0 for none
    merged: tuple[str, ...] = ()
    ruled_rows: int = 0  # empty rows with borders under the table, as a sheet prepared for more entries
    hidden: bool = False


# -- the office's own spreadsheet ----------------------------------------------------------------------


def _broken(word: str) -> str:
    """A header with a line break, as a narrow column's header is typed (단지명 -> 단지\\n명)."""
    if " " in word:
        return word.replace(" ", "\n", 1)
    cut = (len(word) + 1) // 2
    return f"{word[:cut]}\n{word[cut:]}"


def _spaced(word: str) -> str:
    """A header spread over a wide column with spaces (행정동 -> 행 정 동)."""
    return " ".join(word.replace(" ", ""))


_MESSY_HEADERS: Mapping[str, Mapping[str, Callable[[str], str]]] = {
    "complex": {
        "name": _broken,
        "admin_dong": _spaced,
        "address": lambda word: f" {word} ",
        "household_count": _broken,
        "approved_on": _broken,
        "kapt_code": _broken,
    },
    "representative": {
        "admin_dong": _spaced,
        "position": _spaced,
        "birth_date": _broken,
        "phone": _broken,
        "term_start": _broken,
    },
}


def _headers(record: str) -> tuple[str, ...]:
    words = sheet_words("ko").headers[record]
    messy = _MESSY_HEADERS.get(record, {})
    return tuple(messy.get(c.key, str)(words[c.key]) for c in COLUMNS[record])


def _office_data(dongs: Sequence[str], positions: Sequence[str]) -> tuple[tuple[_Sheet, ...], Rows]:
    """The clerk's 단지 and 입주자대표 sheets, a hidden 코드표, and what their rows load as."""
    words = sheet_words("ko")
    wangdo, seongsu = dongs[0], dongs[1]
    chair, auditor, director = positions[0], positions[1], positions[2]
    complex_rows: tuple[tuple[CellValue, ...], ...] = (
        # 세대수 as text with a comma, a real Excel date, a K-apt code, remarks over two lines.
        ("센트라스 1단지", wangdo, "아파트", "의무관리", "왕십리로 410", 10, "1,369", 8, 29, datetime(2016, 11, 25),
         0, 412, 655, 302, 0, "A13390701", "2016년 11월 입주\n관리동 별도"),
        # A trailing space after the name; a date as text with dots; a band as text.
        ("성수쌍용 ", seongsu, "아파트", "임의관리", "뚝섬로17가길 48", 2, 148, 5, 15, "2003.06.30",
         0, "148", 0, 0, 0, None, None),
        # A row house (no 관리 유형); a date as text with dashes and no leading zeros.
        ("행복빌라", seongsu, "연립·다세대", None, "성수이로7길 12", 1, 18, 4, 4, "1998-7-2",
         0, 18, 0, 0, 0, None, None),
    )  # fmt: skip
    council_rows: tuple[tuple[CellValue, ...], ...] = (
        ("센트라스 1단지", wangdo, chair, "김영수", "남", datetime(1954, 2, 11), "101동 1203호", "010-3291-4475",
         "2016.03.14", "2018.03.13"),
        ("센트라스 1단지", wangdo, auditor, "이순자", "여", "1958.07.02", "103동 502호", "01022847716",
         "2016-3-14", "2018-3-13"),
        ("센트라스 1단지", wangdo, director, "박민호", "남", "1961-11-30", "105동 1101호", "010 4471 2209",
         "16.3.14", "18.3.13"),
        ("성수쌍용", seongsu, chair, "정미경", "여", datetime(1962, 5, 20), "1동 304호", "010.5532.1098",
         datetime(2015, 1, 1), datetime(2016, 12, 31)),
    )  # fmt: skip
    complex_width = len(COLUMNS["complex"])
    council_width = len(COLUMNS["representative"])
    last_complex = get_column_letter(complex_width)
    last_council = get_column_letter(council_width)
    sheets = (
        _Sheet(
            words.sheets["complex"],
            (
                ("2016년 공동주택 현황 (성동구 주택과)",),
                ("(2016. 5. 2. 현재)",),
                (),
                _headers("complex"),
                *complex_rows,
            ),
            header_row=4,
            merged=(f"A1:{last_complex}1", f"A2:{last_complex}2"),
            ruled_rows=12,
        ),
        _Sheet(
            words.sheets["representative"],
            (("입주자대표회의 구성 현황",), (), _headers("representative"), *council_rows),
            header_row=3,
            merged=(f"A1:{last_council}1",),
            ruled_rows=6,
        ),
        _Sheet("코드표", tuple(zip(dongs, positions, strict=False)), hidden=True),
    )
    expected: Rows = {
        "complex": (
            _complex("센트라스 1단지", wangdo, "mandatory", "왕십리로 410", 10, 1369, (8, 29), date(2016, 11, 25),
                     (0, 412, 655, 302, 0), "A13390701", "2016년 11월 입주\n관리동 별도"),
            _complex("성수쌍용", seongsu, "voluntary", "뚝섬로17가길 48", 2, 148, (5, 15), date(2003, 6, 30),
                     (0, 148, 0, 0, 0)),
            _complex("행복빌라", seongsu, None, "성수이로7길 12", 1, 18, (4, 4), date(1998, 7, 2), (0, 18, 0, 0, 0),
                     kind="row_house"),
        ),
        "representative": (
            _member("센트라스 1단지", wangdo, chair, "김영수", "M", date(1954, 2, 11), "101동 1203호", "010-3291-4475",
                    (date(2016, 3, 14), date(2018, 3, 13))),
            _member("센트라스 1단지", wangdo, auditor, "이순자", "F", date(1958, 7, 2), "103동 502호", "010-2284-7716",
                    (date(2016, 3, 14), date(2018, 3, 13))),
            _member("센트라스 1단지", wangdo, director, "박민호", "M", date(1961, 11, 30), "105동 1101호",
                    "010-4471-2209", (date(2016, 3, 14), date(2018, 3, 13))),
            _member("성수쌍용", seongsu, chair, "정미경", "F", date(1962, 5, 20), "1동 304호", "010-5532-1098",
                    (date(2015, 1, 1), date(2016, 12, 31))),
        ),
    }  # fmt: skip
    assert all(len(row) == complex_width for row in complex_rows)
    assert all(len(row) == council_width for row in council_rows)
    return sheets, expected


def _complex(
    name: str,
    dong: str,
    management_type: str | None,
    address: str,
    buildings: int,
    households: int,
    floors: tuple[int, int],
    approved_on: date,
    bands: tuple[int, int, int, int, int],
    kapt_code: str | None = None,
    remarks: str | None = None,
    *,
    kind: str = "apartment",
) -> dict[str, object]:
    row: dict[str, object] = {
        "name": name,
        "admin_dong": dong,
        "kind": kind,
        "management_type": management_type,
        "address": address,
        "building_count": buildings,
        "household_count": households,
        "floors_min": floors[0],
        "floors_max": floors[1],
        "approved_on": approved_on,
    }
    row.update({f"area_{band}": count for band, count in enumerate(bands, 1)})
    row.update(kapt_code=kapt_code, remarks=remarks)
    return row


def _member(
    complex_: str,
    dong: str,
    position: str,
    name: str,
    gender: str,
    birth_date: date,
    building_unit: str,
    phone: str,
    term: tuple[date, date],
) -> dict[str, object]:
    return {
        "complex": complex_,
        "admin_dong": dong,
        "position": position,
        "name": name,
        "gender": gender,
        "birth_date": birth_date,
        "building_unit": building_unit,
        "phone": phone,
        "term_start": term[0],
        "term_end": term[1],
    }


def office_sheet(dongs: Sequence[str] = DONGS, positions: Sequence[str] = POSITIONS) -> OfficeSheet:
    """The clerk's spreadsheet as Excel saves it: 단지 and 입주자대표 in the template's column order under a
    merged title (two rows on 단지, one on 입주자대표) and an empty row; headers with spaces and line breaks
    (단지\\n명, 행 정 동); dates as Excel dates and as text (2016.03.14, 2016-3-14, 16.3.14); phones with and
    without hyphens; numbers as text with commas (1,369); ruled empty rows under each table; a hidden
    코드표. Strings are shared, as Excel writes them. ``dongs`` (two) and ``positions`` (three: chair,
    auditor, director) must exist in the test's world; the defaults are what ``make_two_dongs`` and the
    first migration give."""
    sheets, expected = _office_data(dongs, positions)
    content = _rewritten(
        _openpyxl_book(sheets),
        app=_app_xml(EXCEL_APPLICATION, "16.0300"),
        workbook=lambda xml: re.sub(rb"<calcPr [^>]*/>", b'<calcPr calcId="191029"/>', xml),
    )
    return OfficeSheet(content, expected, sheets[-1].name)


def libreoffice_sheet(dongs: Sequence[str] = DONGS, positions: Sequence[str] = POSITIONS) -> OfficeSheet:
    """The same spreadsheet as LibreOffice Calc saves it: its Application in docProps/app.xml, shared strings,
    and every row and sheet spelled out the way Calc writes them (customFormat, ht, hidden="false", ...)."""
    sheets, expected = _office_data(dongs, positions)

    def calc_sheet(xml: bytes) -> bytes:
        calc_properties = b'<sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr>'
        xml = re.sub(rb"<sheetPr>.*?</sheetPr>", calc_properties, xml)
        return re.sub(
            rb'<row r="(\d+)"',
            rb'<row r="\1" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" '
            rb'collapsed="false"',
            xml,
        )

    content = _rewritten(_openpyxl_book(sheets), app=_app_xml(LIBREOFFICE_APPLICATION, None), sheet=calc_sheet)
    return OfficeSheet(content, expected, sheets[-1].name)


def hancom_sheet(dongs: Sequence[str] = DONGS, positions: Sequence[str] = POSITIONS) -> OfficeSheet:
    """The same spreadsheet as Hancom Cell's .xlsx is made, as far as a test can mimic it: every element
    under the ``x:`` prefix, strings inline in the cells (no sharedStrings.xml), no <dimension>, its own
    Application in docProps/app.xml and no docProps/core.xml. Written here part by part, not by openpyxl."""
    sheets, expected = _office_data(dongs, positions)
    return OfficeSheet(_hancom_book(sheets), expected, sheets[-1].name)


# -- writing the sheets: openpyxl, then another program's traces -------------------------------------------

_THIN = Side(style="thin")
_RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_DATE_FORMAT = "yyyy-mm-dd"


def _openpyxl_book(sheets: Sequence[_Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        width = max((len(row) for row in spec.rows), default=0)
        for row in spec.rows:
            sheet.append(list(row))
        for number, row in enumerate(spec.rows, 1):
            for column, value in enumerate(row, 1):
                cell = sheet.cell(number, column)
                if isinstance(value, date):
                    cell.number_format = _DATE_FORMAT
                if spec.header_row and number >= spec.header_row:
                    cell.border = _RULED
                if number == spec.header_row:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, horizontal="center")
        for number in range(len(spec.rows) + 1, len(spec.rows) + 1 + spec.ruled_rows):
            for column in range(1, width + 1):
                sheet.cell(number, column).border = _RULED
        for cells in spec.merged:
            sheet.merge_cells(cells)
        if spec.merged:
            sheet[spec.merged[0].split(":")[0]].font = Font(bold=True, size=14)
        if spec.header_row:
            sheet.freeze_panes = sheet.cell(spec.header_row + 1, 3)
            sheet.auto_filter.ref = f"A{spec.header_row}:{get_column_letter(width)}{len(spec.rows)}"
        if spec.hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _app_xml(application: str, version: str | None) -> bytes:
    app_version = f"<AppVersion>{version}</AppVersion>" if version else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{_APP_NS}">'
        f"<Application>{escape(application)}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        f"{app_version}</Properties>"
    ).encode()


_INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', re.DOTALL)


class _SharedStrings:
    """Collects the strings of every sheet as Excel keeps them: once, in xl/sharedStrings.xml."""

    def __init__(self) -> None:
        self.index: dict[bytes, int] = {}
        self.count = 0

    def sheet(self, xml: bytes) -> bytes:
        def shared(found: re.Match[bytes]) -> bytes:
            self.count += 1
            number = self.index.setdefault(found[3], len(self.index))
            return b'<c %bt="s"%b><v>%d</v></c>' % (found[1], found[2], number)

        return _INLINE.sub(shared, xml)

    def part(self) -> bytes:
        items = b"".join(b'<si><t xml:space="preserve">%b</t></si>' % text for text in self.index)
        head = f'<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{len(self.index)}">'.encode()
        return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + head + items + b"</sst>"


def _rewritten(
    content: bytes,
    *,
    app: bytes,
    sheet: Callable[[bytes], bytes] = lambda xml: xml,
    workbook: Callable[[bytes], bytes] = lambda xml: xml,
) -> bytes:
    """``content`` (openpyxl's, which writes strings inline) with the strings shared as Excel and Calc keep
    them, each worksheet then passed through ``sheet``, docProps/app.xml replaced by ``app`` and
    xl/workbook.xml passed through ``workbook``."""
    strings = _SharedStrings()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = sheet(strings.sheet(data))
    parts["docProps/app.xml"] = app
    parts["xl/workbook.xml"] = workbook(parts["xl/workbook.xml"])
    parts["xl/sharedStrings.xml"] = strings.part()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>'.encode()
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdSst" Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>'.encode(),
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


# -- Hancom Cell's way, part by part -----------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)


def _hancom_cell(reference: str, value: CellValue, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<x:c r="{reference}"{s}/>'
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return f'<x:c r="{reference}" s="1"><x:v>{(day - _EXCEL_EPOCH).days}</x:v></x:c>'
    if isinstance(value, int | float):
        return f'<x:c r="{reference}"{s}><x:v>{value}</x:v></x:c>'
    text = escape(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<x:c r="{reference}"{s} t="inlineStr"><x:is><x:t{space}>{text}</x:t></x:is></x:c>'


def _hancom_worksheet(spec: _Sheet) -> bytes:
    width = max((len(row) for row in spec.rows), default=0)
    rows = []
    for number, row in enumerate(spec.rows, 1):
        style = 2 if spec.header_row and number >= spec.header_row else 0
        cells = "".join(
            _hancom_cell(f"{get_column_letter(column)}{number}", value, style) for column, value in enumerate(row, 1)
        )
        rows.append(f'<x:row r="{number}">{cells}</x:row>' if cells else "")
    for number in range(len(spec.rows) + 1, len(spec.rows) + 1 + spec.ruled_rows):
        cells = "".join(f'<x:c r="{get_column_letter(column)}{number}" s="2"/>' for column in range(1, width + 1))
        rows.append(f'<x:row r="{number}">{cells}</x:row>')
    merged = "".join(f'<x:mergeCell ref="{cells}"/>' for cells in spec.merged)
    merges = f'<x:mergeCells count="{len(spec.merged)}">{merged}</x:mergeCells>' if spec.merged else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<x:worksheet xmlns:x="{MAIN_NS}" xmlns:r="{REL_NS}"><x:sheetViews><x:sheetView workbookViewId="0"/>'
        f'</x:sheetViews><x:sheetFormatPr defaultRowHeight="16.5"/><x:sheetData>{"".join(rows)}</x:sheetData>'
        f"{merges}</x:worksheet>"
    ).encode()


_HANCOM_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<x:styleSheet xmlns:x="{MAIN_NS}"><x:fonts count="1"><x:font><x:sz val="10"/><x:name val="함초롬돋움"/>'
    '</x:font></x:fonts><x:fills count="2"><x:fill><x:patternFill patternType="none"/></x:fill><x:fill>'
    '<x:patternFill patternType="gray125"/></x:fill></x:fills><x:borders count="2"><x:border><x:left/><x:right/>'
    "<x:top/><x:bottom/><x:diagonal/></x:border><x:border>"
    '<x:left style="thin"/><x:right style="thin"/><x:top style="thin"/><x:bottom style="thin"/><x:diagonal/>'
    '</x:border></x:borders><x:cellStyleXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</x:cellStyleXfs><x:cellXfs count="3"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<x:xf numFmtId="14" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1"/>'
    '<x:xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/></x:cellXfs>'
    '<x:cellStyles count="1"><x:cellStyle name="Normal" xfId="0" builtinId="0"/></x:cellStyles></x:styleSheet>'
)


def _hancom_book(sheets: Sequence[_Sheet]) -> bytes:
    worksheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    hidden = ' state="hidden"'
    entries = "".join(
        f'<x:sheet name={quoteattr(spec.name)} sheetId="{number}"{hidden if spec.hidden else ""} r:id="rId{number}"/>'
        for number, spec in enumerate(sheets, 1)
    )
    relations = "".join(
        f'<Relationship Id="rId{number}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, len(sheets) + 1)
    )
    styles_id = len(sheets) + 1
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{worksheet_type}"/>'
        for number in range(1, len(sheets) + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": f'{head}<Types xmlns="{_CT_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'{head}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>',
        "docProps/app.xml": _app_xml(HANCOM_APPLICATION, "12.0300").decode(),
        "xl/workbook.xml": f'{head}<x:workbook xmlns:x="{MAIN_NS}" xmlns:r="{REL_NS}"><x:bookViews>'
        f'<x:workbookView activeTab="0"/></x:bookViews><x:sheets>{entries}</x:sheets></x:workbook>',
        "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{_PKG_REL_NS}">{relations}'
        f'<Relationship Id="rId{styles_id}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": _HANCOM_STYLES,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
        for number, spec in enumerate(sheets, 1):
            package.writestr(f"xl/worksheets/sheet{number}.xml", _hancom_worksheet(spec))
    return out.getvalue()


# -- files the import must refuse whole --------------------------------------------------------------------


def _plain_book(sheets: Mapping[str, Sequence[Sequence[CellValue]]]) -> bytes:
    """A plain workbook: each sheet's rows from A1 on, the header first."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _template_row(record: str, values: Mapping[str, CellValue]) -> tuple[CellValue, ...]:
    return tuple(values.get(c.key) for c in COLUMNS[record])


def _one_complex(dong: str, **changes: CellValue) -> dict[str, CellValue]:
    """A complex of the report's example card, as a clerk writes it in the 단지 sheet."""
    values: dict[str, CellValue] = {
        "name": "성동삼성쉐르빌(주상복합)",
        "admin_dong": dong,
        "kind": "아파트",
        "management_type": "의무관리",
        "address": "무학로6길 50",
        "building_count": 3,
        "household_count": 342,
        "floors_min": 4,
        "floors_max": 27,
        "approved_on": date(2006, 9, 13),
        "area_1": 0,
        "area_2": 0,
        "area_3": 40,
        "area_4": 302,
        "area_5": 0,
        "kapt_code": "A13301001",
    }
    values.update(changes)
    return values


@dataclass(frozen=True, slots=True)
class FormulaCell:
    sheet: str
    row: int
    column: str  # the header's word
    formula: str
    cached: int  # what Excel saved beside it, when it did


def formula_cell() -> FormulaCell:
    """Where ``formulas()`` puts its formula: 세대수 of the first complex, the sum of its area bands."""
    words = sheet_words("ko")
    letters = {c.key: get_column_letter(number) for number, c in enumerate(COLUMNS["complex"], 1)}
    return FormulaCell(
        words.sheets["complex"],
        2,
        words.headers["complex"]["household_count"],
        f"=SUM({letters['area_1']}2:{letters['area_5']}2)",
        342,
    )


def formulas(cached: bool, dong: str = DONGS[0]) -> bytes:
    """A 단지 sheet whose 세대수 is a formula (``formula_cell()``) where a number is expected: with the value
    Excel saved beside it (``<v>342</v>``) when ``cached``, without one otherwise, as a program that never
    calculated writes it (openpyxl among them: the cached value is put in by rewriting the sheet)."""
    where = formula_cell()
    words = sheet_words("ko")
    header = tuple(words.headers["complex"][c.key] for c in COLUMNS["complex"])
    content = _plain_book(
        {where.sheet: [header, _template_row("complex", _one_complex(dong, household_count=where.formula))]}
    )
    saved = b"<v>%d</v>" % where.cached if cached else b""

    def sheet(xml: bytes) -> bytes:
        rewritten, count = re.subn(rb"(<f>[^<]*</f>)<v\s*/>", rb"\1" + saved, xml)
        assert count == 1, "openpyxl wrote the formula differently than expected"
        return rewritten

    return _rewritten(content, app=_app_xml(EXCEL_APPLICATION, "16.0300"), sheet=sheet)


@dataclass(frozen=True, slots=True)
class WrongHeaders:
    misspelled: tuple[str, str]  # (what the sheet says, what the template says)
    missing: str  # a required column left out
    unknown: str  # a column the ledger does not have


def wrong_headers_made() -> WrongHeaders:
    headers = sheet_words("ko").headers["complex"]
    return WrongHeaders((" 단지 이름", headers["name"]), headers["household_count"], "담당 주무관")


def wrong_headers(dong: str = DONGS[0]) -> bytes:
    """A 단지 sheet whose header does not match the template (``wrong_headers_made()``): 단지명 written as
    "단지 이름", 세대수 left out, and a column of the clerk's own (담당 주무관) added; one complex below."""
    made = wrong_headers_made()
    words = sheet_words("ko")
    keys = [c.key for c in COLUMNS["complex"] if words.headers["complex"][c.key] != made.missing]
    header = [made.misspelled[0] if key == "name" else words.headers["complex"][key] for key in keys]
    complex_ = _one_complex(dong)
    return _plain_book(
        {words.sheets["complex"]: [[*header, made.unknown], [*(complex_.get(key) for key in keys), "홍길동"]]}
    )


@cache  # about five seconds at the default size; bytes, so a test cannot spoil it for the next
def too_many_rows(n: int = ROW_LIMIT + 1, dong: str = DONGS[0], position: str = POSITIONS[0]) -> bytes:
    """An 입주자대표 sheet of ``n`` representatives under its header (default: one past the limit), streamed in
    openpyxl's write-only mode, so making it holds no row in memory for long."""
    words = sheet_words("ko")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(words.sheets["representative"])
    sheet.append([words.headers["representative"][c.key] for c in COLUMNS["representative"]])
    for number in range(n):
        sheet.append(
            _template_row(
                "representative",
                {
                    "complex": "성동삼성쉐르빌(주상복합)",
                    "admin_dong": dong,
                    "position": position,
                    "name": f"주민{number:06d}",
                    "building_unit": f"{101 + number % 3}동 {number % 2000 + 1}호",
                },
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def not_a_workbook(kind: Literal["png", "csv", "zip"] = "png") -> bytes:
    """Something renamed to .xlsx: a photo (png), the ledger saved as CSV text (csv: what "다른 이름으로
    저장" gives when the wrong type is picked), or a zip of other files (zip: no workbook inside)."""
    if kind == "png":
        return make_png(7, width=32, height=32)
    words = sheet_words("ko")
    if kind == "csv":
        header = ",".join(words.headers["complex"][c.key] for c in COLUMNS["complex"])
        return f"{header}\r\n성동삼성쉐르빌(주상복합),{DONGS[0]},아파트,의무관리,무학로6길 50,3,342\r\n".encode("cp949")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("사진/현장1.png", make_png(1))
        archive.writestr("설명.txt", "현장 사진입니다.".encode())
    return out.getvalue()


def encrypted_workbook(password: str = PASSWORD) -> bytes:
    """The office's spreadsheet (``office_sheet``) saved with a password to open it, as Excel does ("파일 >
    정보 > 통합 문서 보호 > 암호 설정"): an OOXML package encrypted (ECMA-376 agile encryption) inside a
    compound file, made by msoffcrypto-tool."""
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(office_sheet().content)).encrypt(password, encrypted)
    return encrypted.getvalue()


# -- a zip bomb ---------------------------------------------------------------------------------------------

BOMB_SIZE = 3 * 2**30  # what the sheet inflates to: 3 GiB
BOMB_LIE = 2**20  # what the lying bomb says it inflates to
_BOMB_CHUNK = 2**20  # the bomb's data is built from this many inflated bytes at a time


def _bomb_period() -> bytes:
    """One row of the bomb's sheet, 64 bytes, so that a whole number of them fills each chunk."""
    row = b'<row><c t="inlineStr"><is><t>A</t></is></c></row>'
    return row + b" " * (64 - len(row))


@cache
def _bomb_stream(size: int) -> tuple[bytes, int]:
    """Raw deflate data that inflates to ``size`` bytes of a worksheet (its head, rows, its tail), and that
    data's CRC-32. Deflating gigabytes would take a test half a minute, so one chunk of rows is deflated
    with a full flush: every chunk after the first few sees the same 32 KiB window and deflates to the same
    bytes, which are then repeated. Only the CRC walks over every inflated byte (about 0.3 s a GiB)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    body = size - len(head) - len(tail)
    chunk = _bomb_period() * (_BOMB_CHUNK // 64)
    chunks, rest = divmod(body, len(chunk))
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(head)
    steady: bytes | None = None
    previous = b""
    for _ in range(chunks):
        if steady is None:
            deflated = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
            if deflated == previous:
                steady = deflated
            previous = deflated
            parts.append(deflated)
        else:
            parts.append(steady)
        crc = zlib.crc32(chunk, crc)
    ending = chunk[:rest] + tail
    parts.append(deflate.compress(ending) + deflate.flush(zlib.Z_FINISH))
    crc = zlib.crc32(ending, crc)
    return b"".join(parts), crc


def _zip(members: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members (name, raw deflate data, CRC-32, inflated size as declared), written by hand
    so that a size can be declared that is not the truth; with ZIP64 records, as for a large file."""
    out = io.BytesIO()
    central = []
    for name, data, crc, declared in members:
        encoded = name.encode()
        offset = out.tell()
        big = declared >= 0xFFFFFFFF or len(data) >= 0xFFFFFFFF or offset >= 0xFFFFFFFF
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(data), declared)
        version = 45 if big else 20
        # version needed, flags (UTF-8 names), deflated, time, date (1980-01-01), CRC, compressed, inflated
        common = struct.pack("<HHHHHIII", version, 0x800, 8, 0, 0x21, crc, *sizes)
        extra = struct.pack("<HHQQ", 1, 16, declared, len(data)) if big else b""
        out.write(struct.pack("<I", 0x04034B50) + common + struct.pack("<HH", len(encoded), len(extra)))
        out.write(encoded + extra + data)
        extra = struct.pack("<HHQQQ", 1, 24, declared, len(data), offset) if big else b""
        # made by, common, name, extra, comment, disk, internal and external attributes, where the member starts
        tail = struct.pack("<HHHHHII", len(encoded), len(extra), 0, 0, 0, 0, 0xFFFFFFFF if big else offset)
        central.append(struct.pack("<IH", 0x02014B50, version) + common + tail + encoded + extra)
    start = out.tell()
    directory = b"".join(central)
    count = len(members)
    out.write(directory)
    end = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, len(directory), start))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def zip_bomb(*, lying: bool = False, size: int = BOMB_SIZE) -> bytes:
    """A workbook whose one sheet inflates to ``size`` bytes (3 GiB) of rows from a file of a few MB, with
    every other part of a real workbook around it. Its directory tells the truth (a reader can refuse it
    before inflating anything), unless ``lying``: then the sheet's headers say it inflates to 1 MiB, and
    only a reader that stops at the declared size (and finds the CRC wrong) is safe."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(_plain_book({sheet_words("ko").sheets["complex"]: [("단지명",)]}))) as plain:
        for name in plain.namelist():
            if name != "xl/worksheets/sheet1.xml":
                parts[name] = plain.read(name)
    members = []
    for name, data in parts.items():
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        members.append((name, deflate.compress(data) + deflate.flush(), zlib.crc32(data), len(data)))
    stream, crc = _bomb_stream(size)
    members.append(("xl/worksheets/sheet1.xml", stream, crc, BOMB_LIE if lying else size))
    return _zip(members)


# -- compound files: .xls and Hancom Cell's own .cell ----------------------------------------------------------

_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_SECTOR = 512
_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_MINI_CUTOFF = 4096


def _compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A compound file (MS-CFB version 3: 512-byte sectors) holding ``streams`` in its root storage. Each
    stream is padded to the mini-stream cut-off (4,096 bytes, as Excel pads its Workbook stream), so every
    one lives in ordinary sectors and the file needs no mini FAT; one FAT sector and one directory sector
    (root and three streams at most) are enough for what the fixtures hold."""
    assert len(streams) <= 3
    padded = [(name, data + b"\0" * max(0, _MINI_CUTOFF - len(data))) for name, data in streams.items()]
    sectors = [-(-len(data) // _SECTOR) for _, data in padded]
    assert 2 + sum(sectors) <= _SECTOR // 4, "one FAT sector is not enough"
    fat = [_FAT_SECTOR, _END]  # sector 0: the FAT itself; sector 1: the directory
    starts = []
    for count in sectors:
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, right: int, child: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return struct.pack(
            "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NO_STREAM, right, child, b"\0" * 16, 0, 0, 0,
            start, size,
        )  # fmt: skip

    # The root's children as a tree of right siblings, in the order the format sorts names (length, then name).
    order = sorted(range(len(padded)), key=lambda i: (len(padded[i][0]), padded[i][0].upper()))
    right = {order[i]: order[i + 1] + 1 for i in range(len(order) - 1)}
    directory = entry("Root Entry", 5, _END, 0, _NO_STREAM, order[0] + 1 if order else _NO_STREAM)
    for index, ((name, _), start) in enumerate(zip(padded, starts, strict=True)):
        size = len(streams[name]) if len(streams[name]) >= _MINI_CUTOFF else _MINI_CUTOFF
        directory += entry(name, 2, start, size, right.get(index, _NO_STREAM), _NO_STREAM)
    unused = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM, b"", 0, 0, 0, 0, 0)
    directory += unused * (4 - len(padded) - 1)
    header = (
        _CFB_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"", 0, 1, 1, 0, _MINI_CUTOFF, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    body = b"".join(data + b"\0" * (-len(data) % _SECTOR) for _, data in padded)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + body


def _biff(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff_text(text: str) -> bytes:
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def _biff_sheet(rows: Sequence[Sequence[CellValue]]) -> bytes:
    """A BIFF8 worksheet substream: BOF, DIMENSIONS, a LABEL or NUMBER record a cell, EOF."""
    width = max(len(row) for row in rows)
    records = [
        _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0406)),
        _biff(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)),
    ]
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, int | float):
                records.append(_biff(0x0203, struct.pack("<HHHd", number, column, 15, float(value))))
            elif isinstance(value, str):
                records.append(_biff(0x0204, struct.pack("<HHH", number, column, 15) + _biff_text(value)))
    records.append(_biff(0x000A))
    return b"".join(records)


def xls_file(dong: str = DONGS[0]) -> bytes:
    """The template's 단지 sheet as Excel 97-2003 (.xls) keeps it: a compound file whose Workbook stream is
    BIFF8 (a globals substream naming the sheet, then the sheet's header and a complex as LABEL and NUMBER
    records). Excel would want more records (fonts, formats) to open it; the import must refuse it long
    before, by what it is."""
    words = sheet_words("ko")
    header = tuple(words.headers["complex"][c.key] for c in COLUMNS["complex"])
    complex_ = _one_complex(dong, approved_on=None)
    sheet = _biff_sheet([header, _template_row("complex", complex_)])
    name = words.sheets["complex"]

    def globals_(sheet_at: int) -> bytes:
        return b"".join(
            (
                _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0406)),
                _biff(0x0042, struct.pack("<H", 1200)),  # CODEPAGE: UTF-16
                _biff(0x0085, struct.pack("<IBB", sheet_at, 0, 0) + struct.pack("<BB", len(name), 1)
                      + name.encode("utf-16-le")),  # BOUNDSHEET8: where the sheet's substream starts
                _biff(0x000A),
            )
        )  # fmt: skip

    head = globals_(0)
    return _compound_file({"Workbook": globals_(len(head)) + sheet})


def cell_file() -> bytes:
    """A file as older Hancom Cell saves its own format (.cell): a compound file, but not Excel's (no Workbook
    stream, no encryption streams). Its streams here are made up (their names and content stand in for
    Hancom's, which are not public): the import can tell it only by its name (.cell) and by being a compound
    file that is neither .xls nor a password-protected .xlsx. A newer Hancom Cell's .cell is an OOXML
    package instead; ``hancom_sheet()`` with a .cell name stands for that one."""
    return _compound_file(
        {
            "HCellFileHeader": b"HCell Document File\0" + struct.pack("<I", 0x0A000000),
            "HCellBody": zlib.compress("단지명\t행정동\n성동삼성쉐르빌(주상복합)\t왕십리도선동\n".encode()),
        }
    )
