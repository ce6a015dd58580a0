"""What an uploaded file may be: an .xlsx as Excel, LibreOffice or Hancom save it, read however its clerk laid
it out; anything else refused before it is parsed, with the reason staff can act on."""

import zipfile
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from core import workbook_reading
from core.errors import InvalidInput
from core.workbook_reading import WorkbookReader, header_key

EXPECTED = {header_key("단지명"): "complex", header_key("행정동"): "admin_dong", header_key("세대수"): "households"}


def saved(book):
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def clerks_sheet():
    """A sheet as a clerk keeps it: a merged title, a note, header words broken over lines, empty rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "단지"
    sheet.append(["2016년 공동주택 현황 (성동구 주택과)"])
    sheet.merge_cells("A1:C1")
    sheet.append(["※ 2016.3.14 기준"])
    sheet.append([])
    sheet.append(["단지\n명", "행 정 동", "세대수 *", None])
    sheet.append(["쉐르빌", "왕십리도선동", "1,369"])
    sheet.append([None, None, None])
    sheet.append(["현대", "성수1가제1동", 342])
    for _ in range(30):
        sheet.append([None, "  ", None])
    hidden = book.create_sheet("옛 자료")
    hidden.sheet_state = "hidden"
    return saved(book)


def refusal(content, name="대장.xlsx"):
    with pytest.raises(InvalidInput) as refused:
        WorkbookReader(content, name)
    return refused.value.code


def test_a_clerks_sheet_is_read_past_its_title_and_empty_rows():
    with WorkbookReader(clerks_sheet(), "현황.xlsx") as reader:
        assert reader.sheet_names == ["단지", "옛 자료"]
        assert reader.find_sheet({"단 지"}) == "단지"
        header = reader.header("단지", EXPECTED, {"complex", "households"})
        assert header is not None and header.row == 4 and not header.missing and not header.unknown
        assert header.titles == {"complex": "단지 명", "admin_dong": "행 정 동", "households": "세대수 *"}
        rows = [(row.number, {k: c.value for k, c in row.cells.items()}) for row in reader.rows("단지", header)]
    assert rows == [
        (5, {"complex": "쉐르빌", "admin_dong": "왕십리도선동", "households": "1,369"}),
        (7, {"complex": "현대", "admin_dong": "성수1가제1동", "households": 342}),
    ]


def test_a_header_names_what_the_sheet_lacks_and_what_it_has_extra():
    book = Workbook()
    book.active.append(["단지명", "행정동", "담당자"])
    with WorkbookReader(saved(book), "a.xlsx") as reader:
        header = reader.header(book.active.title, EXPECTED, {"households"})
    assert header is not None and header.missing == ("households",) and header.unknown == ("담당자",)


def test_old_and_foreign_formats_are_refused_with_how_to_save_them():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert refusal(ole, "대장.xls") == "workbook_xls"
    assert refusal(ole, "대장.xlsx") == "workbook_xls"  # renamed, still the old format inside
    assert refusal(ole, "대장.cell") == "workbook_cell"
    assert refusal(b"PK\x03\x04 anything", "대장.cell") == "workbook_cell"
    assert refusal(ole + "EncryptedPackage".encode("utf-16-le"), "대장.xlsx") == "workbook_encrypted"
    assert refusal(b"\x89PNG\r\n\x1a\n not a sheet", "사진.xlsx") == "workbook_unreadable"


def test_a_zip_that_is_not_a_workbook_or_would_inflate_beyond_reason_is_refused():
    plain = BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(plain.getvalue()) == "workbook_unreadable"

    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = bytes(1 << 20)
            for _ in range(64):  # 64 MB of zeros pack into a few dozen kilobytes
                member.write(zeros)
    assert len(bomb.getvalue()) < 200_000
    assert refusal(bomb.getvalue()) == "workbook_unreadable"


def test_size_and_row_limits(monkeypatch):
    content = clerks_sheet()
    monkeypatch.setattr(workbook_reading, "MAX_BYTES", len(content) - 1)
    assert refusal(content) == "workbook_too_large"
    monkeypatch.setattr(workbook_reading, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(workbook_reading, "MAX_ROWS", 1)
    with WorkbookReader(content, "a.xlsx") as reader:
        header = reader.header("단지", EXPECTED, set())
        assert header is not None
        with pytest.raises(InvalidInput) as refused:
            list(reader.rows("단지", header))
    assert refused.value.code == "workbook_too_many_rows"


def test_a_formula_comes_with_its_saved_value_when_the_file_has_one():
    book = Workbook()
    book.active.append(["단지명", "행정동", "세대수"])
    book.active.append(["쉐르빌", "왕십리도선동", "=300+42"])
    book.active.append(["현대", "성수1가제1동", datetime(2016, 3, 14)])
    content = _with_saved_value(saved(book), "C2", "342")
    with WorkbookReader(content, "a.xlsx") as reader:
        header = reader.header(book.active.title, EXPECTED, set())
        assert header is not None
        first, second = reader.rows(book.active.title, header)
    assert first.cells["households"].formula == "=300+42" and first.cells["households"].value == 342
    assert second.cells["households"].value == datetime(2016, 3, 14) and second.cells["households"].formula is None


def _with_saved_value(content, ref, value):
    """The workbook as Excel saves it: a formula's last result kept beside it (openpyxl writes none)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{ref}"')
                end = text.index("</c>", start)
                text = text[:start] + text[start:end].replace("<v />", "") + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()
