"""The housing ledger as the office's workbook: the template to fill in, and the whole ledger in the same
shape, within the reader's dongs, masked without pii.view and audited when it goes out unmasked."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.demo_data import load_demo_district
from core.errors import PermissionDenied
from storage.audit.models import AuditEntry
from tests.builders import grant, make_complex, make_staff, make_two_dongs

SHEETS = ["단지", "관리사무소", "입주자대표", "자생단체", "지원사업", "민원"]
HEADER_ROW = 4  # title, caption (작성 일시), an empty row, then the header


def header(sheet):
    return [cell.value for cell in sheet[HEADER_ROW]]


def body(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


@pytest.fixture
async def reader(services):
    return await make_staff(services, saeol_id="ledger01", name="대장담당", roles=("housing.read",))


async def test_the_template_has_a_sheet_per_record_with_the_offices_headers_and_drop_downs(
    services, uow_factory, reader
):
    await make_complex(uow_factory)
    book = load_workbook(BytesIO(await services.ledger_book.template(reader, "ko")))
    assert book.sheetnames == ["목록", *SHEETS, "작성 안내", "작성 예시"]
    assert book["목록"].sheet_state == "hidden"
    complexes = book["단지"]
    assert header(complexes)[:4] == ["단지명", "행정동", "구분", "관리 유형"]
    assert "33㎡이하" in header(complexes) and "132㎡이상" in header(complexes)
    assert header(book["입주자대표"])[:4] == ["단지명", "행정동", "직위", "성명"]
    assert complexes.freeze_panes == "C5" and body(complexes) == []
    lists = {column[0].value: [c.value for c in column[1:] if c.value] for column in book["목록"].iter_cols()}
    assert lists["행정동"] == ["왕십리도선동"] and lists["관리 유형"] == ["의무관리", "임의관리", "임대"]
    dong_list = next(v for v in complexes.data_validations.dataValidation if "B5:" in str(v.sqref))
    assert dong_list.type == "list" and dong_list.formula1 == "'목록'!$H$2:$H$2"  # the one dong
    notes = body(book["작성 안내"])
    assert ["단지", "단지명", "필수"] == notes[0][:3]
    examples = [row for row in book["작성 예시"].iter_rows(values_only=True)]
    assert any(row[0] == "성동삼성쉐르빌(주상복합)" and "의무관리" in row for row in examples)
    assert ("단지명", "행정동", "직위", "성명") == next(row[:4] for row in examples if row[2] == "직위")


async def test_the_ledger_goes_out_whole_in_the_templates_shape(services, uow_factory, clock):
    await load_demo_district(uow_factory, clock)
    officer = await make_staff(services, saeol_id="ledger02", roles=("housing.read", "pii.view"))
    exported = await services.ledger_book.export(officer, "ko", via="test")
    assert exported.rows["complex"] == 164 and exported.rows["representative"] == 563 and not exported.masked
    book = load_workbook(BytesIO(exported.content))
    complexes = body(book["단지"])
    example = next(row for row in complexes if row[0] == "성동삼성쉐르빌(주상복합)")
    assert example[:8] == ["성동삼성쉐르빌(주상복합)", "왕십리도선동", "아파트", "의무관리", "무학로6길 50", 3, 342, 4]
    council = [row for row in body(book["입주자대표"]) if row[0] == "성동삼성쉐르빌(주상복합)"]
    assert [row[2] for row in council] == ["회장", "감사", "이사", "이사", "이사", "총무"]  # the positions' order
    assert "010-3291-4475" in council[0]
    async with uow_factory() as uow:
        entry = (await uow._session.scalars(select(AuditEntry).where(AuditEntry.action == "pii.view"))).one()
        assert entry.target_type == "housing_ledger" and entry.details["via"] == "test"
        assert entry.details["rows"]["representative"] == 563


async def test_a_reader_without_pii_view_gets_it_masked_and_nothing_is_audited(services, uow_factory, reader):
    await make_complex(uow_factory, representatives=2, with_office=True)
    exported = await services.ledger_book.export(reader, "ko", via="test")
    assert exported.masked
    book = load_workbook(BytesIO(exported.content))
    sheet = book["입주자대표"]
    assert sheet["A3"].value == "열람 권한이 없는 동의 개인정보(휴대전화, 생년월일 등)는 가려져 있습니다."
    chair = next(list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True))
    assert "010-****-5000" in chair and "1960.**.**" in chair and "010-1234-5000" not in chair
    async with uow_factory() as uow:
        assert (await uow._session.scalars(select(AuditEntry).where(AuditEntry.action == "pii.view"))).all() == []


async def test_a_dong_scoped_reader_exports_only_their_dongs(services, uow_factory):
    two = await make_two_dongs(uow_factory, representatives=2)
    officer = await make_staff(services, saeol_id="seongsu9", roles=("housing.read",))
    officer = await grant(uow_factory, officer, "housing.read", dongs=(two.seongsu,))
    exported = await services.ledger_book.export(officer, "ko", via="test")
    book = load_workbook(BytesIO(exported.content))
    assert {row[1] for row in body(book["단지"])} == {"성수1가제1동"} and exported.rows["complex"] == 1


async def test_text_that_looks_like_a_formula_stays_text_and_only_readers_may_export(services, uow_factory, reader):
    await make_complex(uow_factory, name="=1+2빌라", remarks="@SUM(A1)")
    book = load_workbook(BytesIO((await services.ledger_book.export(reader, "ko", via="test")).content))
    row = body(book["단지"])[0]
    assert row[0] == "=1+2빌라" and row[-1] == "@SUM(A1)"
    assert book["단지"].cell(HEADER_ROW + 1, 1).data_type == "s"
    outsider = await make_staff(services, saeol_id="bm09", roles=("benchmark.execute",))
    with pytest.raises(PermissionDenied):
        await services.ledger_book.export(outsider, "ko", via="test")
    with pytest.raises(PermissionDenied):
        await services.ledger_book.template(outsider, "ko")
