"""The office's spreadsheets coming in: a workbook in the template's shape is checked (every problem, and what
would be added, changed and left alone) and loaded whole or not at all, each change audited old → new."""

import asyncio
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from bot.demo_data import load_demo_district
from core.errors import PermissionDenied
from core.housing.ledger_import import ImportAlreadyApplied, ImportChangedMeanwhile
from storage.audit.models import AuditEntry
from storage.community.models import GrantProject
from storage.housing.models import Complex, Representative
from tests.builders import grant, make_complex, make_staff, make_two_dongs

HEADER_ROW = 4  # as the export writes it: title, caption, an empty row, then the header


@pytest.fixture
async def officer(services):
    return await make_staff(services, saeol_id="ledger01", roles=("housing.read", "housing.write", "pii.view"))


def cells(content, sheet):
    """A sheet's header and rows, without the title and caption above (the caption says when it was made)."""
    return [list(row) for row in load_workbook(BytesIO(content))[sheet].iter_rows(min_row=HEADER_ROW, values_only=True)]


def edited(content, sheet, row, header, value):
    """The workbook with one cell changed, as a clerk would in Excel: ``row`` counts from the first data row."""
    book = load_workbook(BytesIO(content))
    top = next(r for r in range(1, 10) if book[sheet].cell(r, 1).value == "단지명")  # a masked copy has a note
    columns = [c.value for c in book[sheet][top]]
    book[sheet].cell(top + row, columns.index(header) + 1, value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def filled_template(services, officer, **sheets):
    """The template with rows typed in, as a clerk fills it: ``sheets`` maps a sheet's name to its rows."""
    book = load_workbook(BytesIO(await services.ledger_book.template(officer, "ko")))
    for name, rows in sheets.items():
        for row in rows:
            book[name].append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def count(uow_factory, model, *where):
    async with uow_factory() as uow:
        return await uow._session.scalar(select(func.count()).select_from(model).where(*where))


async def audit(uow_factory, action):
    """The entries of ``action`` as (details, actor)."""
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(AuditEntry.details, AuditEntry.actor_staff_id).where(AuditEntry.action == action)
        )
        return [(details, actor) for details, actor in rows]


async def test_an_exported_ledger_comes_back_whole_into_an_empty_one(services, uow_factory, clock, officer):
    await load_demo_district(uow_factory, clock)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    async with uow_factory(write=True) as uow:
        await uow._session.execute(delete(GrantProject))  # the community's projects for complexes hold them
        await uow._session.execute(delete(Complex))
        await uow.commit()

    checked = await services.ledger_import.check(officer, exported.content, "대장.xlsx", "ko")
    assert checked.ok and not checked.applied
    assert {s.record: s.added for s in checked.sheets} == {
        "complex": 164,
        "office": 121,
        "representative": 563,
        "group": 80,
        "project": 20,
    }
    assert await count(uow_factory, Complex) == 0  # a check writes nothing

    loaded = await services.ledger_import.apply(
        officer, exported.content, "대장.xlsx", "ko", expected=checked.fingerprint
    )
    assert loaded.applied and loaded.sheets == checked.sheets
    again = await services.ledger_book.export(officer, "ko", via="test")
    for sheet in ("단지", "관리사무소", "입주자대표", "자생단체", "지원사업"):
        assert cells(again.content, sheet) == cells(exported.content, sheet), sheet
    assert len(await audit(uow_factory, "housing.representative.add")) == 563
    ((summary, _),) = await audit(uow_factory, "housing.import")
    assert summary["file"] == "대장.xlsx" and summary["sheets"]["complex"]["added"] == 164


async def test_the_same_file_twice_changes_nothing(services, uow_factory, officer):
    await make_two_dongs(uow_factory)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    before = len(await audit(uow_factory, "housing.import"))

    report = await services.ledger_import.apply(officer, exported.content, "대장.xlsx", "ko")
    assert report.ok and not report.has_changes
    assert {s.record: s.unchanged for s in report.sheets}["representative"] == 6
    assert len(await audit(uow_factory, "housing.import")) == before  # nothing changed, nothing to audit
    with pytest.raises(ImportAlreadyApplied):
        await services.ledger_import.apply(officer, exported.content, "대장.xlsx", "ko", expected="an older check")


async def test_a_changed_cell_is_one_audited_change_old_to_new(services, uow_factory, officer):
    await make_two_dongs(uow_factory)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    chair = cells(exported.content, "입주자대표")[1]
    changed = edited(exported.content, "입주자대표", 1, "휴대전화", "01099998888")

    report = await services.ledger_import.apply(officer, changed, "대장.xlsx", "ko")
    assert report.applied
    assert [(s.record, s.changed) for s in report.sheets if s.changed] == [("representative", 1)]
    ((entry, actor),) = await audit(uow_factory, "housing.representative.edit")
    phone_column = cells(exported.content, "입주자대표")[0].index("휴대전화")
    assert entry["changes"] == {"phone": [chair[phone_column], "010-9999-8888"]}
    assert entry["via"] == "import" and actor == officer.id
    assert await count(uow_factory, Representative, Representative.phone == "010-9999-8888") == 1


async def test_a_file_with_problems_loads_nothing_and_names_each_one(services, uow_factory, officer):
    await make_two_dongs(uow_factory)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    broken = edited(exported.content, "단지", 2, "세대수", "삼백")  # its records are not checked against it
    broken = edited(broken, "입주자대표", 1, "휴대전화", "01012345678")  # fine on its own: must not load either
    broken = edited(broken, "입주자대표", 2, "직위", "대표회장")
    broken = edited(broken, "입주자대표", 3, "임기 시작", "2016.13.40")
    broken = edited(broken, "관리사무소", 1, "행정동", "없는동")

    report = await services.ledger_import.apply(officer, broken, "대장.xlsx", "ko")
    assert not report.applied and report.problem_count == 4
    found = {(p.sheet, p.row, p.column, p.value) for p in report.problems}
    assert ("단지", 6, "세대수", "삼백") in found
    assert ("입주자대표", 6, "직위", "대표회장") in found
    assert ("입주자대표", 7, "임기 시작", "2016.13.40") in found
    assert ("관리사무소", 5, "행정동", "없는동") in found
    assert all(p.reason and "{" not in p.reason for p in report.problems)
    assert await count(uow_factory, Representative, Representative.phone == "010-1234-5678") == 0
    assert await audit(uow_factory, "housing.import") == []


async def test_duplicates_and_wrong_headers_are_refused(services, uow_factory, officer):
    await make_complex(uow_factory, representatives=2)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    book = load_workbook(BytesIO(exported.content))
    sheet = book["입주자대표"]
    sheet.append([c.value for c in sheet[HEADER_ROW + 1]])  # the first representative again
    book["자생단체"].cell(HEADER_ROW, 3, "단체 종류(기타)")  # a header the template does not have
    out = BytesIO()
    book.save(out)

    report = await services.ledger_import.check(officer, out.getvalue(), "대장.xlsx", "ko")
    reasons = {(p.sheet, p.column): p.reason for p in report.problems}
    assert "중복" in reasons[("입주자대표", "")]
    assert "양식에 없는 열" in reasons[("자생단체", "단체 종류(기타)")]
    assert "꼭 있어야 하는 열" in reasons[("자생단체", "단체 구분")]


async def test_a_new_complex_and_its_council_come_in_together(services, uow_factory, officer):
    await make_complex(uow_factory)
    content = await filled_template(
        services,
        officer,
        단지=[
            ["새싹아파트", "왕십리도선동", "아파트", "임대", "왕십리로 1", 2, 100, 1, 15, "2016-3-14", 0, 100, 0, 0, 0]
        ],
        입주자대표=[["새싹아파트", "왕십리도선동", "회장", "김새싹", "여", "16.3.14"]],
    )

    report = await services.ledger_import.apply(officer, content, "새싹.xlsx", "ko")
    assert report.applied, report.problems
    assert [(s.record, s.added) for s in report.sheets if s.added] == [("complex", 1), ("representative", 1)]
    async with uow_factory() as uow:
        (found,), _ = await uow.housing.find_complexes_by_name("새싹", offset=0, limit=5)
        ledger = await uow.ledger.load(found.id)
    assert ledger is not None
    assert ledger["complex"][0].values["approved_on"] == date(2016, 3, 14)
    (chair,) = ledger["representative"]
    assert chair.values["gender"] == "F" and chair.values["birth_date"] == date(2016, 3, 14)


async def test_someone_elses_change_between_the_check_and_applying_refuses_it(services, uow_factory, officer):
    complex_id = await make_complex(uow_factory, representatives=1)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    changed = edited(exported.content, "단지", 1, "비고", "엑셀로 고침")
    checked = await services.ledger_import.check(officer, changed, "대장.xlsx", "ko")
    record = await services.ledger.record(officer, complex_id, "complex", complex_id)
    await services.ledger.edit(officer, complex_id, "complex", complex_id, record.version, {"address": "다른 주소 1"})

    with pytest.raises(ImportChangedMeanwhile):
        await services.ledger_import.apply(officer, changed, "대장.xlsx", "ko", expected=checked.fingerprint)
    async with uow_factory() as uow:
        assert (await uow.ledger.get("complex", complex_id, complex_id)).values["remarks"] != "엑셀로 고침"


async def test_only_a_writer_imports_and_only_in_their_dongs(services, uow_factory):
    world = await make_two_dongs(uow_factory)
    reader = await make_staff(services, saeol_id="reader01", roles=("housing.read", "pii.view"))
    everything = await services.ledger_book.export(reader, "ko", via="test")
    with pytest.raises(PermissionDenied):
        await services.ledger_import.check(reader, everything.content, "대장.xlsx", "ko")

    writer = await make_staff(services, saeol_id="writer01", roles=("housing.read", "housing.write"))
    writer = await grant(uow_factory, writer, "housing.write", dongs=(world.wangdo,))
    report = await services.ledger_import.check(writer, everything.content, "대장.xlsx", "ko")
    assert not report.ok
    assert {p.value for p in report.problems if "담당하시는 행정동이 아니" in p.reason} == {"성수1가제1동"}


async def test_a_formula_without_a_saved_value_is_a_problem(services, uow_factory, officer):
    await make_complex(uow_factory)
    # openpyxl keeps no saved value beside a formula, as with a sheet never opened in Excel
    content = await filled_template(
        services,
        officer,
        단지=[
            ["수식아파트", "왕십리도선동", "아파트", "의무관리", "왕십리로 2", 1, "=20*5", 1, 5, None, 0, 100, 0, 0, 0]
        ],
    )
    report = await services.ledger_import.check(officer, content, "수식.xlsx", "ko")
    assert [(p.column, p.value) for p in report.problems] == [("세대수", "=20*5")]
    assert "계산된 값이 저장되어 있지 않습니다" in report.problems[0].reason


def test_a_workbook_of_problems_lists_them_with_their_reasons(services):
    from core.import_report import ImportReport, Problem

    report = ImportReport(
        "대장.xlsx", (), (Problem("단지", 5, "세대수", "삼백", "0 이상의 정수여야 합니다."),), 1, (), "x"
    )
    book = load_workbook(BytesIO(services.ledger_import.problems_workbook(report, "ko")))
    rows = [list(r) for r in book["문제"].iter_rows(values_only=True) if r[0] == "단지"]
    assert rows == [["단지", 5, "세대수", "삼백", "0 이상의 정수여야 합니다."]]


def blank_workbook():
    out = BytesIO()
    Workbook().save(out)
    return out.getvalue()


async def test_a_workbook_without_ledger_sheets_says_which_sheets_it_wants(services, uow_factory, officer):
    report = await services.ledger_import.check(officer, blank_workbook(), "빈파일.xlsx", "ko")
    assert report.problem_count == 1 and "시트 이름은 단지" in report.problems[0].reason


async def test_a_broken_complex_row_is_one_problem_not_one_per_record(services, uow_factory, officer):
    await make_complex(uow_factory)
    council = [["새싹아파트", "왕십리도선동", "이사", name] for name in ("김하나", "김둘", "김셋")]
    content = await filled_template(
        services,
        officer,
        단지=[
            ["새싹아파트", "왕십리도선동", "아파트", "임대", "왕십리로 1", 2, "백세대", 1, 15, None, 0, 100, 0, 0, 0]
        ],
        입주자대표=council,
    )
    report = await services.ledger_import.check(officer, content, "새싹.xlsx", "ko")
    assert [(p.sheet, p.column, p.value) for p in report.problems] == [("단지", "세대수", "백세대")]


async def test_a_workbook_written_in_english_comes_back_unchanged(services, uow_factory, officer):
    await make_two_dongs(uow_factory)
    exported = await services.ledger_book.export(officer, "en", via="test")
    report = await services.ledger_import.check(officer, exported.content, "ledger.xlsx", "ko")
    assert report.ok and not report.has_changes
    assert report.sheets[0].sheet == "Complexes" and report.sheets[0].unchanged == 2


async def test_pressing_apply_twice_at_once_loads_the_file_once(services, uow_factory, officer):
    complex_id = await make_complex(uow_factory, representatives=1)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    changed = edited(exported.content, "단지", 1, "비고", "한 번만")
    checked = await services.ledger_import.check(officer, changed, "대장.xlsx", "ko")

    async def press():
        try:
            return await services.ledger_import.apply(officer, changed, "대장.xlsx", "ko", expected=checked.fingerprint)
        except ImportAlreadyApplied as refused:
            return refused

    outcomes = await asyncio.gather(press(), press())
    assert sorted(type(o).__name__ for o in outcomes) == ["ImportAlreadyApplied", "ImportReport"]
    assert len(await audit(uow_factory, "housing.complex.edit")) == 1
    async with uow_factory() as uow:
        assert (await uow.ledger.get("complex", complex_id, complex_id)).version == 2


async def test_a_masked_copy_comes_back_with_the_personal_data_it_hid_left_as_it_was(services, uow_factory):
    await make_complex(uow_factory, representatives=2, with_office=True)
    masked_writer = await make_staff(services, saeol_id="writer02", roles=("housing.read", "housing.write"))
    exported = await services.ledger_book.export(masked_writer, "ko", via="test")
    assert exported.masked
    unchanged = await services.ledger_import.check(masked_writer, exported.content, "대장.xlsx", "ko")
    assert unchanged.ok and not unchanged.has_changes

    corrected = edited(exported.content, "입주자대표", 1, "동호수", "102동 101호")
    report = await services.ledger_import.apply(masked_writer, corrected, "대장.xlsx", "ko")
    assert report.applied and [(s.record, s.changed) for s in report.sheets if s.changed] == [("representative", 1)]
    ((entry, _),) = await audit(uow_factory, "housing.representative.edit")
    assert entry["changes"] == {"building_unit": ["101동 101호", "102동 101호"]}  # the phone stayed as stored
    assert await count(uow_factory, Representative, Representative.phone.like("%*%")) == 0


async def test_a_masked_cell_cannot_stand_for_something_else_or_for_a_new_record(services, uow_factory):
    await make_complex(uow_factory, representatives=1)
    masked_writer = await make_staff(services, saeol_id="writer03", roles=("housing.read", "housing.write"))
    exported = await services.ledger_book.export(masked_writer, "ko", via="test")
    typed_over = edited(exported.content, "입주자대표", 1, "휴대전화", "010-****-0000")
    book = load_workbook(BytesIO(typed_over))
    sheet = book["입주자대표"]
    header = next(r for r in range(1, 8) if sheet.cell(r, 1).value == "단지명")
    new = [c.value for c in sheet[header + 1]]
    new[3] = "새대표"
    sheet.append(new)
    out = BytesIO()
    book.save(out)

    report = await services.ledger_import.check(masked_writer, out.getvalue(), "대장.xlsx", "ko")
    assert {(p.column, p.value) for p in report.problems} == {("휴대전화", "010-****-0000"), ("생년월일", "1960.**.**")}
    assert all("가려진 개인정보" in p.reason for p in report.problems)


def test_every_rule_a_sheet_can_break_has_its_reason_in_both_languages():
    import re
    from pathlib import Path

    from core.texts.i18n import has_text

    root = Path(__file__).resolve().parents[3] / "core"
    sources = ["housing/validation.py", "housing/fields.py", "housing/import_rows.py", "housing/import_run.py"]
    codes = {c for s in sources for c in re.findall(r'InvalidInput\(\s*"([a-z_]+)"', (root / s).read_text())}
    assert {"term_reversed", "import_masked", "ledger_date"} <= codes
    unused = {"ledger_unknown_field", "ledger_bands", "unknown_kapt_management_mode"}  # no sheet gets there
    for lang in ("ko", "en"):
        missing = [
            c for c in codes - unused if not has_text(lang, f"hx.problem.{c}") and not has_text(lang, f"error.{c}")
        ]
        assert missing == [], lang


async def test_a_term_that_ends_before_it_starts_points_at_its_end(services, uow_factory, officer):
    await make_complex(uow_factory, representatives=1)
    exported = await services.ledger_book.export(officer, "ko", via="test")
    report = await services.ledger_import.check(
        officer, edited(exported.content, "입주자대표", 1, "임기 종료", "2010.01.01"), "a.xlsx", "ko"
    )
    [problem] = report.problems
    assert (problem.column, problem.value) == ("임기 종료", "2010.01.01")
    assert problem.reason == "임기 종료(2010.01.01)가 임기 시작(2016.03.14)보다 늦어야 합니다."
