"""The community import where offices' real files go wrong: a member scoped to a dong brings their own export
back, a refusal always names its column, an empty required cell is a problem (not a crash), two imports of
the same file at once add each organisation once, and the operator may lift the row limit."""

import asyncio
from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.community.workbook_import import ImportChangedMeanwhile
from core.errors import InvalidInput
from tests.builders import grant, make_complex, make_dong, make_staff
from tests.core.community.test_validation import BIRTH_OF_A_FAMILY
from tests.core.community.test_workbook_import import GEUMOK, HEADER_ROW, SEONGSU, filled

PROJECTS = "지원사업"


@pytest.fixture
async def clerk(services, uow_factory):
    await make_dong(uow_factory, "금호2.3가동", "금2.3")
    await make_dong(uow_factory, "성수1가제2동", "성1-2")
    roles = ("community.read", "community.write", "pii.view")
    return await make_staff(services, saeol_id="village01", roles=roles)


def edited(content: bytes, sheet_name: str, changes: dict[tuple[int, str], object]) -> bytes:
    """The workbook with the cells at (row below the header, header) set as given."""
    book = load_workbook(BytesIO(content))
    sheet = book[sheet_name]
    headers = [c.value for c in sheet[HEADER_ROW]]
    for (offset, header), value in changes.items():
        sheet.cell(HEADER_ROW + offset, headers.index(header) + 1, value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def problems(report) -> list[tuple[str, int | None, str]]:
    return [(p.sheet, p.row, p.column) for p in report.problems]


async def test_a_member_scoped_to_a_dong_brings_their_own_export_back_unchanged(services, uow_factory, clerk):
    content = await filled(services, clerk, [GEUMOK, {**SEONGSU, "휴대번호": "010-3344-5566"}])
    await services.community_import.apply(clerk, content, "단체.xlsx", "ko")
    wangdo = await make_complex(uow_factory)  # 왕십리도선동, beyond the member below
    housing = replace(BIRTH_OF_A_FAMILY, sponsor="housing", name="쉐르빌 이웃 만들기", complex_id=wangdo)
    await services.grant_projects.register(clerk, housing)
    await services.grant_projects.register(clerk, BIRTH_OF_A_FAMILY)
    seongsu = next(d.id for d in await services.organizations.dongs(clerk) if d.name == "성수1가제2동")
    member = await make_staff(services, saeol_id="seongsu01", roles=())
    member = await grant(uow_factory, member, "community.read", dongs=(seongsu,))
    member = await grant(uow_factory, member, "community.write", dongs=(seongsu,))

    exported = await services.community_book.export(member, "ko", via="test")
    assert exported.masked and exported.rows == {"organization": 1, "project": 2}
    back = await services.community_import.check(member, exported.content, "받은.xlsx", "ko")
    assert back.ok, problems(back)
    assert [(s.added, s.changed, s.unchanged) for s in back.sheets] == [(0, 0, 1), (0, 0, 2)]

    # Left alone, another dong's project passes; changed, it is refused at its complex.
    sheet = load_workbook(BytesIO(exported.content))[PROJECTS]
    names = [c.value for c in sheet["E"][HEADER_ROW:]]
    assert sheet[f"E{HEADER_ROW}"].value == "사업명"
    offset = 1 + names.index("쉐르빌 이웃 만들기")
    changed = edited(exported.content, PROJECTS, {(offset, "회원수"): 30})
    refused = await services.community_import.check(member, changed, "받은.xlsx", "ko")
    assert problems(refused) == [(PROJECTS, HEADER_ROW + offset, "단지명")]


async def test_every_refusal_names_its_column(services, clerk):
    rows = [
        {**GEUMOK, "이메일": "geumok@"},
        {**SEONGSU, "특이사항": "가" * 501},
        {**SEONGSU, "단체(기관)명": "홈페이지 모임", "홈페이지": "javascript:alert(1)"},
    ]
    report = await services.community_import.check(clerk, await filled(services, clerk, rows), "단체.xlsx", "ko")
    assert [(p.row, p.column) for p in report.problems] == [
        (HEADER_ROW + 1, "이메일"),
        (HEADER_ROW + 2, "특이사항"),
        (HEADER_ROW + 3, "홈페이지"),
    ]
    assert all(p.reason and p.column for p in report.problems)


async def test_an_empty_required_cell_is_a_problem_at_its_column(services, clerk):
    content = await filled(services, clerk, [{**GEUMOK, "관할동": None}, SEONGSU])
    project = edited(
        content,
        PROJECTS,
        {(1, "사업구분"): "서울시", (1, "사업명"): "해가 없는 사업", (2, "년도"): 2015},
    )
    report = await services.community_import.check(clerk, project, "단체.xlsx", "ko")
    assert problems(report) == [
        ("단체(기관)", HEADER_ROW + 1, "관할동"),
        (PROJECTS, HEADER_ROW + 1, "년도"),
        (PROJECTS, HEADER_ROW + 2, "사업구분"),
        (PROJECTS, HEADER_ROW + 2, "사업명"),
    ]
    assert {p.reason for p in report.problems} == {"꼭 적어야 하는 칸이 비어 있습니다."}


async def test_two_imports_of_one_file_at_once_add_each_organisation_once(services, clerk):
    content = await filled(services, clerk, [GEUMOK, SEONGSU])

    async def load():
        try:
            return await services.community_import.apply(clerk, content, "단체.xlsx", "ko")
        except ImportChangedMeanwhile as error:  # SQLite's writer found the other's rows first
            return error

    outcomes = await asyncio.gather(load(), load())
    added = sorted(o.sheets[0].added for o in outcomes if not isinstance(o, Exception))
    assert added in ([0, 2], [2])
    assert (await services.organizations.search(clerk, "금옥")).total == 1
    assert (await services.organizations.search(clerk, "책모임")).total == 1


async def test_the_operator_may_lift_the_row_limit(services, clerk):
    content = await filled(services, clerk, [GEUMOK, SEONGSU])
    with pytest.raises(InvalidInput) as refused:
        await services.community_import.check(clerk, content, "단체.xlsx", "ko", max_rows=1)
    assert refused.value.code == "workbook_too_many_rows"
    report = await services.community_import.check(clerk, content, "단체.xlsx", "ko", max_rows=2)
    assert report.ok and report.sheets[0].added == 2
