"""The workbooks of tests/workbooks.py are what they claim to be: the office's sheet is messy in the ways the
issue lists and reads the same whichever program saved it; each broken file is broken in its own way and
no other (a bomb is a bomb of a valid-looking workbook, the encrypted file opens with its password)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import msoffcrypto
import olefile
import pytest
from msoffcrypto.exceptions import InvalidKeyError
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


def test_the_xls_file_is_a_compound_file_with_a_biff8_workbook_stream():
    content = workbooks.xls_file()
    assert content[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    with olefile.OleFileIO(io.BytesIO(content)) as compound:
        assert compound.listdir() == [["Workbook"]]
        stream = compound.openstream("Workbook").read()
    assert stream[:6] == bytes.fromhex("0908 1000 0006")  # BOF, 16 bytes, BIFF8
    assert "단지명".encode("utf-16-le") in stream
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    assert office.format == "xls97" and not office.is_encrypted()


def test_the_cell_file_is_a_compound_file_but_neither_xls_nor_encrypted_xlsx():
    content = workbooks.cell_file()
    with olefile.OleFileIO(io.BytesIO(content)) as compound:
        streams = {"/".join(path) for path in compound.listdir()}
    assert streams and not streams & {"Workbook", "Book", "EncryptionInfo", "EncryptedPackage"}


def test_the_encrypted_workbook_opens_with_its_password_only():
    content = workbooks.encrypted_workbook()
    assert not zipfile.is_zipfile(io.BytesIO(content))
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    assert office.format == "ooxml" and office.is_encrypted()
    office.load_key(password=workbooks.PASSWORD)
    opened = io.BytesIO()
    office.decrypt(opened)
    assert grid(opened.getvalue()) == grid(workbooks.office_sheet().content)
    wrong = msoffcrypto.OfficeFile(io.BytesIO(content))
    wrong.load_key(password="0000")
    with pytest.raises(InvalidKeyError):
        wrong.decrypt(io.BytesIO())


def test_the_zip_bomb_is_a_small_workbook_whose_sheet_says_it_inflates_to_gigabytes():
    content = workbooks.zip_bomb()
    assert len(content) < 20 * 2**20  # under the import's limit: only the inflated size gives it away
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= set(package.namelist())
        sheet = package.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size == workbooks.BOMB_SIZE >= 3 * 2**30
        with package.open(sheet) as stream:  # it inflates to what it says, as far as a test cares to look
            start = stream.read(2**20)
    assert start.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet') and start.count(b"<row>") > 10_000


def test_the_lying_zip_bomb_declares_a_small_sheet_and_fails_its_check_when_read_that_far():
    with zipfile.ZipFile(io.BytesIO(workbooks.zip_bomb(lying=True))) as package:
        assert package.getinfo("xl/worksheets/sheet1.xml").file_size == workbooks.BOMB_LIE
        read = 0
        # In small reads, as a streaming parser reads: ZipFile.read() would inflate ~2 GiB at once before
        # cutting it to the declared size.
        with package.open("xl/worksheets/sheet1.xml") as stream, pytest.raises(zipfile.BadZipFile, match="CRC"):
            while chunk := stream.read(2**16):
                read += len(chunk)
        assert workbooks.BOMB_LIE - 2**16 <= read <= workbooks.BOMB_LIE  # never past what it declared


def test_a_photo_or_csv_text_renamed_xlsx_is_no_zip_and_a_zip_of_photos_holds_no_workbook():
    assert workbooks.not_a_workbook("png").startswith(b"\x89PNG\r\n")
    csv = workbooks.not_a_workbook("csv")
    assert csv.decode("cp949").startswith(WORDS.headers["complex"]["name"])
    for content in (workbooks.not_a_workbook("png"), csv):
        assert not zipfile.is_zipfile(io.BytesIO(content))
    with zipfile.ZipFile(io.BytesIO(workbooks.not_a_workbook("zip"))) as package:
        assert package.namelist() and "xl/workbook.xml" not in package.namelist()


@pytest.mark.parametrize("cached", [True, False])
def test_the_formula_sits_where_a_number_belongs_with_its_saved_value_only_when_cached(cached):
    where = workbooks.formula_cell()
    content = workbooks.formulas(cached)
    header = grid(content)[where.sheet][0]
    column = header.index(where.column) + 1
    formulas = load_workbook(io.BytesIO(content))[where.sheet]
    assert formulas.cell(where.row, column).value == where.formula
    saved = load_workbook(io.BytesIO(content), read_only=True, data_only=True)[where.sheet]
    assert next(saved.iter_rows(min_row=where.row, max_row=where.row, values_only=True))[column - 1] == (
        where.cached if cached else None
    )


def test_the_wrong_headers_misspell_one_leave_one_out_and_add_one():
    made = workbooks.wrong_headers_made()
    header = grid(workbooks.wrong_headers())[COMPLEXES][0]
    assert made.misspelled[0] in header and made.misspelled[1] not in header
    assert made.missing not in header and header[-1] == made.unknown


def test_too_many_rows_writes_as_many_representatives_as_asked():
    rows = grid(workbooks.too_many_rows(250))[COUNCILS]
    assert len(rows) == 251 and rows[0][3] == WORDS.headers["representative"]["name"]
    assert len({row[3] for row in rows[1:]}) == 250
