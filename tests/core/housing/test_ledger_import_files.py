"""The files offices really send (tests/workbooks.py) through the import: the clerk's own spreadsheet loads
whichever program saved it, every cell as the ledger stores it, and loads nothing new the second time; each
broken file is refused whole, with the reason staff can act on, and leaves the ledger as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from core import workbook_reading
from core.errors import InvalidInput
from storage.housing.models import Complex
from tests import workbooks
from tests.builders import make_dong, make_staff


@pytest.fixture
async def officer(services):
    return await make_staff(services, saeol_id="ledger01", roles=("housing.read", "housing.write", "pii.view"))


@pytest.fixture
async def dongs(uow_factory):
    """The dongs tests/workbooks.py's sheets name (the positions are the first migration's)."""
    await make_dong(uow_factory, workbooks.DONGS[0], "왕도")
    await make_dong(uow_factory, workbooks.DONGS[1], "성수1")


async def ledger(uow_factory, record, keys):
    """``record``'s rows in the ledger, each as the given column keys, in a stable order."""
    async with uow_factory() as uow:
        rows = [{key: row[key] for key in keys} async for row in uow.ledger_sheets.rows(record, None)]
    return sorted(rows, key=repr)


async def complexes(uow_factory):
    async with uow_factory() as uow:
        return await uow._session.scalar(select(func.count()).select_from(Complex))


@pytest.mark.parametrize("made_by", [workbooks.office_sheet, workbooks.libreoffice_sheet, workbooks.hancom_sheet])
async def test_the_clerks_own_spreadsheet_loads_as_typed_and_the_second_time_changes_nothing(
    services, uow_factory, officer, dongs, made_by
):
    sheet = made_by()
    checked = await services.ledger_import.check(officer, sheet.content, "2016 현황.xlsx", "ko")
    assert checked.ok and not checked.notices, checked.problems
    assert {s.record: (s.added, s.changed, s.unchanged) for s in checked.sheets} == {
        "complex": (3, 0, 0),
        "representative": (4, 0, 0),
    }

    loaded = await services.ledger_import.apply(officer, sheet.content, "2016 현황.xlsx", "ko")
    assert loaded.applied
    for record, rows in sheet.expected.items():
        assert await ledger(uow_factory, record, rows[0].keys()) == sorted(map(dict, rows), key=repr), record

    again = await services.ledger_import.apply(officer, sheet.content, "2016 현황.xlsx", "ko")
    assert not again.has_changes
    assert {s.record: (s.added, s.changed, s.unchanged) for s in again.sheets} == {
        "complex": (0, 0, 3),
        "representative": (0, 0, 4),
    }


@pytest.mark.parametrize(
    ("content", "file_name", "code"),
    [
        (workbooks.xls_file, "현황.xls", "workbook_xls"),
        (workbooks.xls_file, "현황.xlsx", "workbook_xls"),  # renamed: what it is counts, not its name
        (workbooks.cell_file, "현황.cell", "workbook_cell"),
        (lambda: workbooks.hancom_sheet().content, "현황.cell", "workbook_cell"),  # a newer Hancom's .cell
        (workbooks.encrypted_workbook, "현황.xlsx", "workbook_encrypted"),
        (workbooks.zip_bomb, "현황.xlsx", "workbook_unreadable"),
        (lambda: workbooks.zip_bomb(lying=True), "현황.xlsx", "workbook_unreadable"),
        (lambda: workbooks.not_a_workbook("png"), "현황.xlsx", "workbook_unreadable"),
        (lambda: workbooks.not_a_workbook("csv"), "현황.xlsx", "workbook_unreadable"),
        (lambda: workbooks.not_a_workbook("zip"), "현황.xlsx", "workbook_unreadable"),
    ],
    ids=["xls", "xls-renamed", "cell", "cell-ooxml", "encrypted", "zip-bomb", "lying-zip-bomb", "png", "csv", "zip"],
)
async def test_what_is_no_readable_xlsx_is_refused_before_anything_is_read(
    services, uow_factory, officer, dongs, content, file_name, code
):
    for step in (services.ledger_import.check, services.ledger_import.apply):
        with pytest.raises(InvalidInput) as refused:
            await step(officer, content(), file_name, "ko")
        assert refused.value.code == code
    assert await complexes(uow_factory) == 0


async def test_a_file_over_the_row_limit_is_refused_whole(services, uow_factory, officer, dongs, monkeypatch):
    # The limit is 100,000 rows; a file past it at a tenth of a millisecond a row would make a slow test.
    monkeypatch.setattr(workbook_reading, "MAX_ROWS", 40)
    with pytest.raises(InvalidInput) as refused:
        await services.ledger_import.apply(officer, workbooks.too_many_rows(41), "현황.xlsx", "ko")
    assert refused.value.code == "workbook_too_many_rows"
    assert await complexes(uow_factory) == 0


async def test_a_formula_with_its_saved_value_loads_and_says_so_one_without_loads_nothing(
    services, uow_factory, officer, dongs
):
    where = workbooks.formula_cell()
    saved = await services.ledger_import.apply(officer, workbooks.formulas(cached=True), "수식.xlsx", "ko")
    assert saved.applied and not saved.problems
    assert [(n.sheet, n.row, n.column) for n in saved.notices] == [(where.sheet, where.row, where.column)]
    assert await ledger(uow_factory, "complex", ["household_count"]) == [{"household_count": where.cached}]

    async with uow_factory(write=True) as uow:
        await uow._session.execute(delete(Complex))
        await uow.commit()
    unsaved = await services.ledger_import.apply(officer, workbooks.formulas(cached=False), "수식.xlsx", "ko")
    assert not unsaved.applied and unsaved.problem_count == 1
    assert [(p.sheet, p.row, p.column) for p in unsaved.problems] == [(where.sheet, where.row, where.column)]
    assert await complexes(uow_factory) == 0


async def test_headers_not_the_templates_are_each_named_and_nothing_loads(services, uow_factory, officer, dongs):
    made = workbooks.wrong_headers_made()
    report = await services.ledger_import.apply(officer, workbooks.wrong_headers(), "현황.xlsx", "ko")
    assert not report.applied
    named = {p.column for p in report.problems}
    assert {made.misspelled[0].strip(), made.missing, made.unknown} <= named
    assert await complexes(uow_factory) == 0
