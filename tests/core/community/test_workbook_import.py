"""The community import in core: a member fills the template, checks it and applies it with the check's
fingerprint; a change made in between refuses the load, a second apply finds nothing to do, and rows of a dong
beyond the member's grant are problems, not loads."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.community.workbook_import import ImportAlreadyApplied, ImportChangedMeanwhile
from core.errors import InvalidInput, PermissionDenied
from tests.builders import grant, make_dong, make_staff

HEADER_ROW = 4


@pytest.fixture
async def clerk(services, uow_factory):
    await make_dong(uow_factory, "금호2.3가동", "금2.3")
    await make_dong(uow_factory, "성수1가제2동", "성1-2")
    return await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))


async def filled(services, clerk, rows):
    book = load_workbook(BytesIO(await services.community_book.template(clerk, "ko")))
    sheet = book["단체(기관)"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    for offset, row in enumerate(rows, start=1):
        for header, value in row.items():
            sheet.cell(HEADER_ROW + offset, headers.index(header) + 1, value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


GEUMOK = {
    "분야": "Community space",
    "유형": "비영리민간단체",
    "단체(기관)명": "금옥마을",
    "관할동": "금호2.3가동",
    "회원수": "10명",
}
SEONGSU = {"분야": "단체(기관)", "유형": "주민모임", "단체(기관)명": "성수 책모임", "관할동": "성수1가제2동"}


async def test_a_checked_file_is_applied_once_and_a_change_in_between_refuses_it(services, clerk):
    content = await filled(services, clerk, [GEUMOK, SEONGSU])
    checked = await services.community_import.check(clerk, content, "단체.xlsx", "ko")
    assert checked.ok and [(s.record, s.added) for s in checked.sheets] == [("organization", 2), ("project", 0)]
    assert (await services.organizations.search(clerk, "금옥")).total == 0  # a check writes nothing

    other = await filled(services, clerk, [GEUMOK])
    await services.community_import.apply(clerk, other, "먼저.xlsx", "ko")
    with pytest.raises(ImportChangedMeanwhile):
        await services.community_import.apply(clerk, content, "단체.xlsx", "ko", expected=checked.fingerprint)
    again = await services.community_import.check(clerk, content, "단체.xlsx", "ko")
    loaded = await services.community_import.apply(clerk, content, "단체.xlsx", "ko", expected=again.fingerprint)
    assert loaded.applied and (loaded.sheets[0].added, loaded.sheets[0].unchanged) == (1, 1)
    with pytest.raises(ImportAlreadyApplied):
        await services.community_import.apply(clerk, content, "단체.xlsx", "ko", expected=again.fingerprint)
    found = await services.organizations.search(clerk, "금옥")
    card = await services.organizations.card(clerk, found.items[0].id)
    assert card.organization.field == "space" and card.organization.member_count == 10  # English words too


async def test_rows_beyond_the_members_dongs_are_problems_and_readers_import_nothing(services, uow_factory, clerk):
    seongsu = next(d.id for d in await services.organizations.dongs(clerk) if d.name == "성수1가제2동")
    scoped = await grant(uow_factory, clerk, "community.write", dongs=(seongsu,))
    content = await filled(services, clerk, [GEUMOK, SEONGSU])
    report = await services.community_import.apply(scoped, content, "단체.xlsx", "ko")
    assert not report.applied and [(p.row, p.column) for p in report.problems] == [(5, "관할동")]
    assert (await services.organizations.search(clerk, "책모임")).total == 0  # all or nothing
    reader = await make_staff(services, saeol_id="reader01", roles=("community.read",))
    with pytest.raises(PermissionDenied):
        await services.community_import.check(reader, content, "단체.xlsx", "ko")
    with pytest.raises(InvalidInput):
        await services.community_import.check(clerk, b"not a workbook at all", "단체.xlsx", "ko")


async def test_a_masked_export_comes_back_unchanged_but_a_masked_cell_cannot_change_a_value(services, clerk):
    content = await filled(services, clerk, [{**GEUMOK, "휴대번호": "010-2286-1234"}, SEONGSU])
    await services.community_import.apply(clerk, content, "단체.xlsx", "ko")
    exported = await services.community_book.export(clerk, "ko", via="test")
    assert exported.masked and exported.rows == {"organization": 2, "project": 0}
    book = load_workbook(BytesIO(exported.content))
    mobiles = [row[7] for row in book["단체(기관)"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert "010-****-1234" in mobiles
    back = await services.community_import.check(clerk, exported.content, "받은.xlsx", "ko")
    first = back.sheets[0]
    assert back.ok and (first.added, first.changed, first.unchanged) == (0, 0, 2)

    sheet = book["단체(기관)"]
    row = HEADER_ROW + 1 + mobiles.index("010-****-1234")
    sheet.cell(row, 8, "010-****-9999")
    out = BytesIO()
    book.save(out)
    wrong = await services.community_import.check(clerk, out.getvalue(), "받은.xlsx", "ko")
    assert [(p.row, p.column) for p in wrong.problems] == [(row, "휴대번호")]
