"""The housing ledger's workbook in the chat: an officer takes the ledger of their dongs away as Excel
(masked where they may not see personal data), corrects it on their PC and sends it back; the bot checks it,
says what would change and what is wrong, and ✅ 적용 loads it, once."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.emulator import EmulatedUser
from storage.audit.models import AuditEntry
from tests.builders import make_complex, make_staff, make_two_dongs
from tests.conversations.conftest import answer_to
from tests.workbooks import xls_file

WRITER_TG, READER_TG, NOBODY_TG = 3501, 3502, 3503
HEADER_ROW = 4


@pytest.fixture
async def writer(bot, services, emulator) -> EmulatedUser:
    roles = ("housing.read", "housing.write", "pii.view")
    await make_staff(services, saeol_id="book01", name="대장담당", roles=roles, telegram_id=WRITER_TG)
    return emulator.user(WRITER_TG, first_name="대장")


@pytest.fixture
async def reader(bot, services, emulator) -> EmulatedUser:
    await make_staff(services, saeol_id="book02", name="열람담당", roles=("housing.read",), telegram_id=READER_TG)
    return emulator.user(READER_TG, first_name="열람")


def sheet_rows(content: bytes, sheet: str) -> list[list[object]]:
    """The sheet from its header row down (a masked copy has a note above the header), without empty rows."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = [list(row) for row in book[sheet].iter_rows(values_only=True) if any(v is not None for v in row)]
    header = next(i for i, row in enumerate(rows) if row[0] in ("단지명", "시트"))
    return rows[header:]


def corrected(content: bytes, sheet: str, row: int, header: str, value: object) -> bytes:
    """What the officer does on their PC: one cell changed, saved again."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    columns = [c.value for c in book[sheet][HEADER_ROW]]
    book[sheet].cell(HEADER_ROW + row, columns.index(header) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def exported_ledger(chat: EmulatedUser) -> bytes:
    sent = [m for m in await chat.send("/housing_export", timeout=30) if m.kind == "document"]
    document = sent[-1] if sent else await chat.wait_for_message(lambda m: m.kind == "document", timeout=30)
    assert document.file_bytes is not None
    return document.file_bytes


async def audit_count(uow_factory, action: str) -> int:
    async with uow_factory() as uow:
        return int(await uow._session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0)


async def test_an_officer_takes_the_ledger_away_whole_and_a_reader_gets_it_masked(writer, reader, uow_factory):
    await make_two_dongs(uow_factory)
    whole = await exported_ledger(writer)
    caption = writer.messages[-1].text
    assert "📥 공동주택 대장입니다: 단지 2행" in caption and "가려져" not in caption
    council = sheet_rows(whole, "입주자대표")
    phone = council[0].index("휴대전화")
    assert all(str(row[phone]).startswith("010-") and "*" not in str(row[phone]) for row in council[1:])
    assert await audit_count(uow_factory, "pii.view") == 1

    masked = await exported_ledger(reader)
    assert "개인정보는 가려져 있습니다" in reader.messages[-1].text
    assert all("*" in str(row[phone]) for row in sheet_rows(masked, "입주자대표")[1:])
    assert await audit_count(uow_factory, "pii.view") == 1  # nothing unmasked went out the second time


async def test_a_corrected_ledger_is_checked_then_applied_once(writer, services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=2, with_office=True)
    ledger = await exported_ledger(writer)

    opened = await writer.send("/housing_import", timeout=30)
    assert "파일로 보내 주십시오" in opened[0].text
    template = next(m for m in [*opened, *writer.messages] if m.kind == "document")
    assert template.file_name == "공동주택_대장_양식.xlsx"

    changed = corrected(ledger, "단지", 1, "비고", "2016년 재도색 완료")
    checked = (await writer.send_document("대장_수정.xlsx", changed))[-1]
    assert "📋 대장_수정.xlsx 점검 결과" in checked.text
    assert (
        "• 단지: 추가 0 · 변경 1 · 유지 0" in checked.text and "• 입주자대표: 추가 0 · 변경 0 · 유지 2" in checked.text
    )
    assert checked.button_texts() == ["✅ 적용", "✖️ 취소"]

    applied = (await writer.press("✅ 적용", message=checked))[-1]
    assert "✅ 대장_수정.xlsx를 대장에 반영했습니다." in applied.text and not applied.buttons
    record = await services.ledger.record(await the_writer(services), complex_id, "complex", complex_id)
    assert record.values["remarks"] == "2016년 재도색 완료"

    # The same press again, from a client that still shows the old buttons: nothing is loaded twice.
    data = checked.button("✅ 적용").callback_data
    text, _ = await answer_to(writer, checked, data)
    assert text is not None
    assert await audit_count(uow_factory, "housing.complex.edit") == 1
    assert await audit_count(uow_factory, "housing.import") == 1


async def the_writer(services):
    return await services.staff.identify(WRITER_TG)


async def test_a_file_with_problems_is_listed_and_cannot_be_applied(writer, uow_factory):
    await make_complex(uow_factory, representatives=12)
    ledger = await exported_ledger(writer)
    await writer.send("/housing_import", timeout=30)
    broken = ledger
    for row in range(1, 13):  # twelve birth dates no calendar has: more than a message lists
        broken = corrected(broken, "입주자대표", row, "생년월일", "1960.13.01")
    replies = await writer.send_document("대장.xlsx", broken, timeout=30)
    checked = next(m for m in replies if m.kind == "text" and "점검 결과" in m.text)
    assert "⚠️ 문제 12건이 있어 이대로는 반영할 수 없습니다." in checked.text
    assert "• 입주자대표 5행 [생년월일] ‘1960.13.01’: 날짜를 알아볼 수 없습니다." in checked.text
    assert "… 외 2건은 첨부한 파일을 보십시오." in checked.text
    assert "✅ 적용" not in checked.button_texts()
    listed = [
        m for m in [*replies, *writer.messages] if m.kind == "document" and m.file_name == "가져오기_점검결과.xlsx"
    ]
    if not listed:
        listed = [await writer.wait_for_message(lambda m: m.kind == "document", timeout=30)]
    problems = sheet_rows(listed[-1].file_bytes, "문제")
    assert sum(1 for row in problems if row[0] == "입주자대표") == 12


async def test_an_old_excel_file_is_refused_with_how_to_save_it_and_the_dialogue_waits(writer, uow_factory):
    await make_complex(uow_factory)
    ledger = await exported_ledger(writer)
    await writer.send("/housing_import", timeout=30)
    refused = (await writer.send_document("대장.xls", xls_file(), mime_type="application/vnd.ms-excel"))[-1]
    assert "Excel 통합 문서(*.xlsx)" in refused.text
    checked = (await writer.send_document("대장.xlsx", ledger))[-1]
    assert "바꿀 내용이 없습니다" in checked.text


async def test_applying_after_someone_else_changed_the_complex_is_refused(writer, services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    ledger = await exported_ledger(writer)
    await writer.send("/housing_import", timeout=30)
    checked = (await writer.send_document("대장.xlsx", corrected(ledger, "단지", 1, "비고", "고침")))[-1]
    member = await the_writer(services)
    record = await services.ledger.record(member, complex_id, "complex", complex_id)
    await services.ledger.edit(member, complex_id, "complex", complex_id, record.version, {"address": "새 주소 1"})

    refused = (await writer.press("✅ 적용", message=checked))[-1]
    assert "점검한 뒤에 대장이 바뀌어 적용하지 않았습니다" in refused.text
    assert await audit_count(uow_factory, "housing.import") == 0


async def test_only_a_writer_may_import(reader, uow_factory, emulator):
    await make_complex(uow_factory)
    refused = (await reader.send("/housing_import"))[-1]
    assert "권한이 없습니다" in refused.text
    stranger = emulator.user(NOBODY_TG, first_name="외부")
    replies = await stranger.send("/housing_export")
    assert all(m.kind == "text" for m in replies)


async def test_a_checked_file_can_still_be_applied_after_a_restart(writer, bot, services, uow_factory):
    complex_id = await make_complex(uow_factory)
    ledger = await exported_ledger(writer)
    await writer.send("/housing_import", timeout=30)
    checked = (await writer.send_document("대장.xlsx", corrected(ledger, "단지", 1, "비고", "재시작 뒤 반영")))[-1]
    await bot.restart()

    applied = (await writer.press("✅ 적용", message=checked))[-1]
    assert "반영했습니다" in applied.text
    record = await services.ledger.record(await the_writer(services), complex_id, "complex", complex_id)
    assert record.values["remarks"] == "재시작 뒤 반영"
