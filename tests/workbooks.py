"""Workbooks the ledger import meets in an office, as plain functions returning bytes: the clerk's own
spreadsheet as Excel, LibreOffice and Hancom Cell save it (``office_sheet``, ``libreoffice_sheet``,
``hancom_sheet``: each must load).

Tests may write with openpyxl directly (production code may not: see the import-linter contract
``workbook-writer``). What openpyxl cannot write (shared strings, a formula's saved value, another program's
traces, a compound file, a lying zip) is made by rewriting the package's XML or by writing the bytes here.
tests/core/test_workbooks_fixtures.py proves each of them is what it claims to be."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.housing.sheets import COLUMNS, sheet_words

# What a test world holds (tests/builders.py: make_two_dongs; the positions the first migration seeds).
DONGS = ("왕십리도선동", "성수1가제1동")
POSITIONS = ("회장", "감사", "이사")

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
