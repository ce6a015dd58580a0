"""The workbooks of tests/workbooks.py are what they claim to be: the office's sheet is messy in the ways the
issue lists and reads the same whichever program saved it; each broken file is broken in its own way and
no other (a bomb is a bomb of a valid-looking workbook, the encrypted file opens with its password)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import load_workbook

from core.housing.sheets import COLUMNS, sheet_words
from tests import workbooks

WORDS = sheet_words("ko")
COMPLEXES, COUNCILS = WORDS.sheets["complex"], WORDS.sheets["representative"]


def part(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read(name)


def grid(content: bytes, *, read_only: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's rows as values, trailing empty cells dropped (programs differ in what they store)."""
    book = load_workbook(io.BytesIO(content), read_only=read_only)
    try:
        sheets = {}
        for sheet in book.worksheets:
            rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
            sheets[sheet.title] = [
                row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in rows
            ]
        return sheets
    finally:
        book.close()


def test_the_office_sheet_has_merged_titles_a_hidden_sheet_and_messy_headers_over_the_templates_columns():
    office = workbooks.office_sheet()
    book = load_workbook(io.BytesIO(office.content))
    assert book.sheetnames == [COMPLEXES, COUNCILS, office.hidden_sheet]
    assert book[office.hidden_sheet].sheet_state == "hidden"
    complexes = book[COMPLEXES]
    assert {str(cells) for cells in complexes.merged_cells.ranges} == {"A1:Q1", "A2:Q2"}
    assert complexes["A1"].value == "2016년 공동주택 현황 (성동구 주택과)"
    assert all(cell.value is None for cell in complexes[3])  # an empty row above the header
    header = [cell.value for cell in complexes[4]]
    assert header[:2] == ["단지\n명", "행 정 동"]
    squeezed = ["".join(str(word).split()) for word in header]
    assert squeezed == ["".join(WORDS.headers["complex"][c.key].split()) for c in COLUMNS["complex"]]
    assert [cell.value for cell in book[COUNCILS][3]][2] == "직 위"


def test_the_office_sheet_mixes_dates_phones_and_numbers_as_clerks_type_them():
    office = workbooks.office_sheet()
    sheets = grid(office.content, read_only=False)
    complexes, councils = sheets[COMPLEXES][4:7], sheets[COUNCILS][3:7]
    approved = [row[9] for row in complexes]
    assert isinstance(approved[0], datetime) and approved[1:] == ["2003.06.30", "1998-7-2"]
    assert complexes[0][6] == "1,369" and complexes[1][11] == "148"  # numbers as text
    assert complexes[1][0] == "성수쌍용 " and councils[3][0] == "성수쌍용"
    assert [row[8] for row in councils] == ["2016.03.14", "2016-3-14", "16.3.14", datetime(2015, 1, 1)]
    assert [row[7] for row in councils] == ["010-3291-4475", "01022847716", "010 4471 2209", "010.5532.1098"]
    assert len(office.expected["complex"]) == len(complexes) and len(office.expected["representative"]) == 4
    assert office.expected["complex"][0]["household_count"] == 1369
    assert {row["phone"] for row in office.expected["representative"]} >= {"010-2284-7716", "010-4471-2209"}


def test_the_office_sheet_keeps_ruled_empty_rows_under_its_tables():
    book = load_workbook(io.BytesIO(workbooks.office_sheet().content))
    complexes = book[COMPLEXES]
    assert complexes.max_row == 4 + 3 + 12
    last = complexes[complexes.max_row]
    assert all(cell.value is None for cell in last) and last[0].border.bottom.style == "thin"


def test_excel_libreoffice_and_hancom_save_the_same_cells_each_in_its_own_way():
    excel, calc, hancom = workbooks.office_sheet(), workbooks.libreoffice_sheet(), workbooks.hancom_sheet()
    assert excel.expected == calc.expected == hancom.expected
    assert grid(excel.content) == grid(calc.content) == grid(hancom.content) == grid(excel.content, read_only=False)
    assert b"<Application>Microsoft Excel</Application>" in part(excel.content, "docProps/app.xml")
    assert b"<Application>LibreOffice/" in part(calc.content, "docProps/app.xml")
    assert b"<Application>Hancom Office Cell</Application>" in part(hancom.content, "docProps/app.xml")
    for shared in (excel, calc):
        sheet = part(shared.content, "xl/worksheets/sheet1.xml")
        assert b't="s"' in sheet and b"inlineStr" not in sheet and b"<dimension" in sheet
    assert b'customHeight="false"' in part(calc.content, "xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(io.BytesIO(hancom.content)) as package:
        names = package.namelist()
        sheet = package.read("xl/worksheets/sheet1.xml")
    assert "xl/sharedStrings.xml" not in names and "docProps/core.xml" not in names
    assert b"<x:worksheet" in sheet and b't="inlineStr"' in sheet and b"dimension" not in sheet
