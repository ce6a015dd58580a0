"""Every workbook staff download looks the same as 벤치마킹 통계: a title, a caption with 작성 일시, a bold
framed header that stays in view, columns as wide as their content (Hangul counting double), dates as Excel
dates and counts as numbers with thousands separators, printed landscape one page wide with the header on
each page. The SMS results workbook speaks Korean (states and reasons) and says a batch was not sent only when
its sender had no UMS, whatever the settings of the process that writes the file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import update

from conversations.benchmark.stats import labels_for as report_labels
from core.audit import AuditFilter
from core.benchmark.reports import render_workbook
from core.services import Services
from core.sms.dispatch import DispatchSettings, SmsDispatch
from core.sms.gateway import UnconfiguredGateway
from core.sms.labels import export_labels
from core.sms.values import RecipientSelection
from core.workbook import Column, ExportBook, Kind, Row, display_width
from storage.sms.models import SmsMessage
from tests.builders import grant, make_case, make_complex, make_coordinator, make_executor, make_staff
from tests.core.test_audit_log import LABELS as AUDIT_LABELS

REPS = RecipientSelection("representatives")
HEADER_ROW = 4  # title, caption (작성 일시), an empty row, then the header


def assert_one_style(sheet: Worksheet, *, header_row: int = HEADER_ROW, frozen_column: str = "A") -> None:
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet.freeze_panes == f"{frozen_column}{header_row + 1}"
    header = [cell for cell in sheet[header_row] if cell.value is not None]
    assert header and all(cell.font.b for cell in header)
    assert all(cell.border.bottom.style == "thin" for cell in header)
    for cell in header:
        assert sheet.column_dimensions[cell.column_letter].width >= display_width(str(cell.value))
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header_row}:${header_row}"


def column_of(sheet: Worksheet, header: str, header_row: int = HEADER_ROW) -> list:
    names = [cell.value for cell in sheet[header_row]]
    index = names.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=header_row + 1)]


def test_a_table_declares_columns_and_rows_and_gets_the_whole_style():
    book = ExportBook(title="시험 자료", created=datetime(2026, 11, 25, 10, 5), created_label="작성 일시: {at}")
    columns = [
        Column("이름"),
        Column("건수", Kind.COUNT),
        Column("날짜", Kind.DATE),
        Column("일시", Kind.DATETIME),
        Column("합계", Kind.COUNT, total=True),
    ]
    rows = [
        ("성동구청 교통행정과 주차관리팀", 1320, date(2026, 11, 25), datetime(2026, 11, 25, 9, 30), 1320),
        ("=1+2교통행정과", 5, None, None, 5),
        Row(("합계", 1325, None, None, 1325), total=True),
    ]
    book.table("자료", columns, rows, caption="전체 연도")
    sheet = load_workbook(BytesIO(book.save()))["자료"]
    assert_one_style(sheet)
    assert sheet["A1"].value == "시험 자료"
    assert sheet["A2"].value == "전체 연도 · 작성 일시: 2026-11-25 10:05"
    # Hangul counts double: 15 wide characters and 2 spaces take 32 columns, plus a margin.
    assert sheet.column_dimensions["A"].width == display_width(rows[0][0]) + 3 == 33
    name, count, day, at, total = sheet[5]
    assert (count.value, count.data_type, count.number_format) == (1320, "n", "#,##0")
    assert day.is_date and day.value == datetime(2026, 11, 25) and day.number_format == "yyyy-mm-dd"
    assert at.is_date and at.value == datetime(2026, 11, 25, 9, 30) and at.number_format == "yyyy-mm-dd hh:mm"
    assert total.font.b and not name.font.b and name.alignment.horizontal == "left"
    formula = sheet["A6"]
    assert formula.value == "=1+2교통행정과" and formula.data_type == "s" and formula.quotePrefix
    assert all(cell.font.b for cell in sheet[7]) and sheet["A7"].fill.fgColor.rgb.endswith("F2F2F2")


def test_the_statistics_workbook_keeps_its_content_in_the_one_style(services, clock):
    labels = report_labels("ko", None)
    tables_book = load_workbook(BytesIO(render_workbook(_empty_tables(), labels, datetime(2026, 11, 25, 10, 0))))
    sheet = tables_book[labels.adoption_by_department]
    assert_one_style(sheet, frozen_column="B")
    assert sheet["A1"].value == f"{labels.title} · {labels.adoption_by_department}"
    assert sheet["A2"].value == f"{labels.period} · 작성 일시: 2026-11-25 10:00"
    assert sheet["A4"].value == labels.department and sheet["A5"].value == labels.total
    assert sheet["A6"].value == labels.no_data


def _empty_tables():
    from core.benchmark.statistics import BenchmarkTables, CountTable

    empty = CountTable(columns=(), rows=())
    return BenchmarkTables(
        year=None,
        adoption_by_department=empty,
        adoption_by_year=empty,
        progress_by_department=empty,
        progress_by_year=empty,
        state_by_department=empty,
    )


async def test_the_statistics_workbook_with_cases_has_counts_as_numbers(services, clock):
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    await make_case(services, coordinator, officer)
    tables = await services.statistics.tables(coordinator)
    labels = report_labels("ko", None)
    book = load_workbook(BytesIO(render_workbook(tables, labels, clock.local())))
    sheet = book[labels.state_by_department]
    assert_one_style(sheet, frozen_column="B")
    assert isinstance(sheet["A5"].value, str) and sheet["A5"].value != labels.total  # a department
    totals = column_of(sheet, labels.total)
    assert totals and all(isinstance(cell.value, int) and cell.number_format == "#,##0" for cell in totals)


async def sent_with_a_ums(uow_factory, clock, tmp_path):
    """A batch written by a process with a UMS, its messages then delivered or failed as the UMS reported."""
    configured = Services.build(
        uow_factory, clock, link_code_ttl=timedelta(hours=24), photo_dir=tmp_path / "photos", ums_configured=True
    )
    await make_complex(uow_factory, representatives=3)
    actor = await make_staff(configured, saeol_id="sms01", name="문자담당", roles=("sms.send",))
    batch = await configured.sms.send(actor, REPS, "안내 말씀 드립니다")
    outcomes = [("delivered", None), ("failed", "invalid_number"), ("unknown", "ums_no_answer")]
    async with uow_factory(write=True) as uow:
        ids = sorted((await uow.sms.list_messages(batch.id, offset=0, limit=None))[0], key=lambda m: m.id)
        for message, (state, reason) in zip(ids, outcomes, strict=True):
            await uow._session.execute(
                update(SmsMessage)
                .where(SmsMessage.id == message.id)
                .values(state=state, failure_reason=reason, attempts=1)
            )
        await uow.commit()
    return actor, batch


async def test_the_sms_results_workbook_is_korean_and_describes_the_batch_not_the_viewer(
    services, uow_factory, clock, tmp_path
):
    actor, batch = await sent_with_a_ums(uow_factory, clock, tmp_path)
    # ``services`` has no UMS: the process writing the file is not the one that sent the batch.
    assert not services.sms.ums_configured
    assert (await services.sms.batch(actor, batch.id)).ums_configured
    body = await services.sms.export_results(actor, batch.id, export_labels("ko"))
    sheet = load_workbook(BytesIO(body))["전송결과"]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any("미설정" in text for text in texts)
    assert sheet["A1"].value == f"문자 전송결과 #{batch.id}"
    assert sheet["A2"].value == f"작성 일시: {clock.local().strftime('%Y-%m-%d %H:%M')}"
    assert sheet["A3"].value == f"발송번호 #{batch.id} · 발송자 문자담당 · 유형 SMS(단문) · 등록 일시 2026-11-25 10:00"
    assert sheet["A4"].value == "내용: 안내 말씀 드립니다"
    header_row = 6
    assert [c.value for c in sheet[header_row]] == [
        "번호", "이름", "휴대전화", "단지명", "상태", "상태변경일시", "시도횟수", "실패사유"
    ]  # fmt: skip
    assert_one_style(sheet, header_row=header_row, frozen_column="C")
    states = [c.value for c in column_of(sheet, "상태", header_row)]
    reasons = [c.value for c in column_of(sheet, "실패사유", header_row)]
    assert states == ["전달 완료", "실패", "결과 미확인"]
    assert reasons == [None, "없는 번호(결번)", "UMS가 접수를 확인하지 않아 재시도를 멈춤(결과 미확인)"]
    assert not {"delivered", "failed", "invalid_number", "ums_no_answer"} & set(texts)
    changed = column_of(sheet, "상태변경일시", header_row)
    assert all(c.is_date and c.number_format == "yyyy-mm-dd hh:mm" for c in changed)
    assert changed[0].value == clock.local().replace(tzinfo=None)  # the office's time, not UTC
    numbers = column_of(sheet, "번호", header_row) + column_of(sheet, "시도횟수", header_row)
    assert all(c.data_type == "n" and c.number_format == "#,##0" for c in numbers)
    # The widest reason sets its column's width (Hangul counting double).
    assert sheet.column_dimensions["H"].width == min(display_width(reasons[2]) + 3, 60)


async def test_a_batch_its_sender_had_no_ums_for_says_so_even_when_the_viewer_has_one(
    services, uow_factory, clock, tmp_path
):
    await make_complex(uow_factory, representatives=1)
    actor = await make_staff(services, saeol_id="sms01", name="문자담당", roles=("sms.send",))
    batch = await services.sms.send(actor, REPS, "안내")
    viewer = Services.build(
        uow_factory, clock, link_code_ttl=timedelta(hours=24), photo_dir=tmp_path / "photos", ums_configured=True
    )
    assert not (await viewer.sms.batch(actor, batch.id)).ums_configured
    listed = await viewer.sms.list_batches(actor)
    assert [b.ums_configured for b in listed.items] == [False]
    body = await viewer.sms.export_results(actor, batch.id, export_labels("ko"))
    texts = [c for row in load_workbook(BytesIO(body)).active.iter_rows(values_only=True) for c in row if c]
    assert "UMS 미설정: 이 문자는 실제로 발송되지 않았습니다." in texts


async def test_the_audit_workbook_has_dates_as_dates_and_the_count_as_a_number(services, uow_factory, clock):
    admin = await make_staff(services, saeol_id="itadmin", name="임희철", roles=("admin",))
    await grant(uow_factory, admin, "pii.view")
    body = await services.audit_log.export(admin, AuditFilter(), AUDIT_LABELS)
    book = load_workbook(BytesIO(body))
    sheet = book["감사 기록"]
    assert_one_style(sheet, frozen_column="B")  # the time stays in view while scrolling right
    assert sheet["A1"].value == "감사 기록"
    assert sheet["A2"].value.endswith(f"작성 일시: {clock.local().strftime('%Y-%m-%d %H:%M')}")
    at = column_of(sheet, "일시")
    assert at and all(c.is_date and c.number_format == "yyyy-mm-dd hh:mm" for c in at)
    conditions = book["조회 조건"]
    assert_one_style(conditions)
    count, created = conditions["D5"], conditions["E5"]
    assert count.data_type == "n" and count.number_format == "#,##0" and count.value == len(at)
    assert created.is_date and created.value == clock.local().replace(tzinfo=None)


async def test_a_batch_made_with_a_ums_but_dispatched_without_one_says_it_was_not_sent(uow_factory, clock, tmp_path):
    configured = Services.build(
        uow_factory, clock, link_code_ttl=timedelta(hours=24), photo_dir=tmp_path / "photos", ums_configured=True
    )
    await make_complex(uow_factory, representatives=1)
    actor = await make_staff(configured, saeol_id="sms01", name="문자담당", roles=("sms.send",))
    batch = await configured.sms.send(actor, REPS, "안내")
    assert (await configured.sms.batch(actor, batch.id)).ums_configured
    dispatch = SmsDispatch(uow_factory, clock, UnconfiguredGateway(), DispatchSettings())
    assert await dispatch.dispatch_once() == 1
    assert not (await configured.sms.batch(actor, batch.id)).ums_configured
