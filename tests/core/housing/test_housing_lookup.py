"""Finding a complex and reading its card, as core decides it (permissions, masking, audit)."""

import pytest
from sqlalchemy import event, select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.housing.lookup import PAGE_SIZE
from core.text_input import MAX_QUERY_LENGTH
from storage.audit.models import AuditEntry
from tests.builders import make_complex, make_staff


async def test_a_name_fragment_finds_the_complex_whatever_the_spacing_and_case(services, uow_factory):
    await make_complex(uow_factory, name="성동삼성쉐르빌(주상복합)")
    await make_complex(uow_factory, name="Raemian 옥수", dong="옥수동", dong_short="옥수")
    reader = await make_staff(services)
    for query in ("쉐르빌", "삼성 쉐르빌", "  삼성   쉐르 빌 "):
        page = await services.housing.search_complexes(reader, query)
        assert [c.name for c in page.items] == ["성동삼성쉐르빌(주상복합)"]
    page = await services.housing.search_complexes(reader, "RAEMIAN")
    assert [c.admin_dong for c in page.items] == ["옥수동"]


async def test_search_text_that_looks_like_sql_or_wildcards_is_only_text(services, uow_factory):
    await make_complex(uow_factory, name="한신아파트")
    reader = await make_staff(services)
    for query in ("%", "_", "' OR 1=1 --", "\\"):
        assert (await services.housing.search_complexes(reader, query)).total == 0


async def test_results_come_in_pages(services, uow_factory):
    for i in range(PAGE_SIZE + 3):
        await make_complex(uow_factory, name=f"푸르지오{i:02d}")
    reader = await make_staff(services)
    first = await services.housing.search_complexes(reader, "푸르지오")
    second = await services.housing.search_complexes(reader, "푸르지오", page=1)
    assert (first.total, len(first.items), first.has_next, first.has_previous) == (
        PAGE_SIZE + 3,
        PAGE_SIZE,
        True,
        False,
    )
    assert (len(second.items), second.has_next, second.has_previous) == (3, False, True)
    assert {c.id for c in first.items}.isdisjoint({c.id for c in second.items})


async def test_empty_or_overlong_searches_are_refused(services):
    reader = await make_staff(services)
    with pytest.raises(InvalidInput) as empty:
        await services.housing.search_complexes(reader, "   ")
    assert empty.value.code == "search_empty"
    with pytest.raises(InvalidInput) as long:
        await services.housing.search_complexes(reader, "가" * (MAX_QUERY_LENGTH + 1))
    assert long.value.code == "search_too_long"


async def test_staff_without_the_housing_role_are_refused_everywhere(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    outsider = await make_staff(services, saeol_id="kim02", roles=("benchmark.execute",))
    with pytest.raises(PermissionDenied):
        await services.housing.search_complexes(outsider, "쉐르빌")
    with pytest.raises(PermissionDenied):
        await services.housing.get_complex_card(outsider, complex_id)
    with pytest.raises(PermissionDenied):
        await services.housing.list_admin_dongs(outsider)


async def test_dongs_list_their_complex_counts(services, uow_factory):
    await make_complex(uow_factory, name="가", dong="행당제1동", dong_short="행1")
    await make_complex(uow_factory, name="나", dong="행당제1동", dong_short="행1")
    await make_complex(uow_factory, name="다", dong="옥수동", dong_short="옥수")
    reader = await make_staff(services)
    counts = {d.name: d.complex_count for d in await services.housing.list_admin_dongs(reader)}
    assert counts == {"행당제1동": 2, "옥수동": 1}
    dong_id = next(d.id for d in await services.housing.list_admin_dongs(reader) if d.name == "행당제1동")
    dong, page = await services.housing.list_complexes_in_dong(reader, dong_id)
    assert dong.short_name == "행1" and [c.name for c in page.items] == ["가", "나"]
    with pytest.raises(NotFound):
        await services.housing.list_complexes_in_dong(reader, 99999)


async def test_the_card_masks_personal_data_for_readers_without_pii_view(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=2, groups=1, projects=1, with_office=True)
    reader = await make_staff(services)
    card = await services.housing.get_complex_card(reader, complex_id)
    assert card.personal_data_masked
    assert card.office is not None and card.office.mobile == "010-****-5678"
    assert card.office.birth is not None and (card.office.birth.year, card.office.birth.full) == (1965, None)
    assert card.office.office_phone == "02-2292-1234"  # the office's line is not personal data
    assert [r.phone for r in card.representatives] == ["010-****-5000", "010-****-5001"]
    assert all(r.birth is not None and r.birth.full is None for r in card.representatives)
    assert card.groups[0].leader_phone == "010-****-5432" and card.groups[0].leader_email == "l***@example.kr"


async def test_pii_holders_see_everything_and_each_view_is_audited(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1, with_office=True)
    officer = await make_staff(services, roles=("housing.read", "pii.view"))
    card = await services.housing.get_complex_card(officer, complex_id)
    assert not card.personal_data_masked
    assert card.office is not None and card.office.mobile == "010-2345-5678"
    assert card.representatives[0].birth is not None and card.representatives[0].birth.full is not None
    async with uow_factory() as uow:
        entries = (
            await uow._session.execute(select(AuditEntry.action, AuditEntry.actor_staff_id, AuditEntry.target_id))
        ).all()
    assert (("pii.view", officer.id, complex_id)) in entries


async def test_the_card_is_read_in_the_same_number_of_queries_however_big_the_complex(services, uow_factory, engine):
    small = await make_complex(uow_factory, name="작은단지", representatives=1, groups=1, projects=1)
    big = await make_complex(uow_factory, name="큰단지", representatives=30, groups=10, projects=20, with_office=True)
    reader = await make_staff(services)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await services.housing.get_complex_card(reader, small)
        small_count = len(statements)
        statements.clear()
        await services.housing.get_complex_card(reader, big)
        big_count = len(statements)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert small_count == big_count <= 8, statements  # seven, and SQLite's BEGIN


async def test_an_unknown_complex_is_not_found(services):
    reader = await make_staff(services)
    with pytest.raises(NotFound):
        await services.housing.get_complex_card(reader, 424242)


async def test_the_card_offers_changes_only_to_housing_writers(services, uow_factory):
    complex_id = await make_complex(uow_factory)
    reader = await make_staff(services)
    writer = await make_staff(services, saeol_id="kim02", name="김주택", roles=("housing.read", "housing.write"))
    assert not (await services.housing.get_complex_card(reader, complex_id)).writable
    assert (await services.housing.get_complex_card(writer, complex_id)).writable
