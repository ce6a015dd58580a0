"""입주자대표 찾기 as core decides it: by part of a name across the complexes the reader may see, phones
masked unless pii.view covers the dong, unmasked pages audited per complex."""

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, PermissionDenied
from core.housing.people import PAGE_SIZE
from storage.audit.models import AuditEntry
from storage.uow import UnitOfWorkFactory
from tests.builders import grant, make_complex, make_dong, make_staff


async def pii_views(uow_factory: UnitOfWorkFactory) -> list[tuple[object, ...]]:
    async with uow_factory() as uow:
        session = uow._session
        assert session is not None
        rows = await session.execute(
            select(AuditEntry.actor_staff_id, AuditEntry.target_id, AuditEntry.details)
            .where(AuditEntry.action == "pii.view")
            .order_by(AuditEntry.target_id)
        )
        return [(actor, target, (details or {}).get("via")) for actor, target, details in rows]


async def test_a_name_fragment_finds_representatives_across_complexes_with_masked_phones(services, uow_factory):
    first = await make_complex(uow_factory, name="쉐르빌", representatives=2)
    second = await make_complex(uow_factory, name="옥수현대", dong="옥수동", dong_short="옥수", representatives=1)
    reader = await make_staff(services)
    page = await services.representatives.find_representatives(reader, "김 대표1")
    assert [(h.name, h.complex_name, h.admin_dong, h.phone, h.phone_masked) for h in page.items] == [
        ("김대표1", "쉐르빌", "왕십리도선동", "010-****-5000", True),
        ("김대표1", "옥수현대", "옥수동", "010-****-5000", True),
    ]
    assert {h.complex_id for h in page.items} == {first, second}
    assert page.items[0].position
    assert (await services.representatives.find_representatives(reader, "대표2")).total == 1
    assert (await services.representatives.find_representatives(reader, "%")).total == 0
    assert await pii_views(uow_factory) == []


async def test_a_dong_scoped_reader_finds_only_their_dongs_representatives(services, uow_factory):
    await make_complex(uow_factory, name="쉐르빌", representatives=1)
    await make_complex(uow_factory, name="옥수현대", dong="옥수동", dong_short="옥수", representatives=1)
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    reader = await grant(uow_factory, await make_staff(services), "housing.read", dongs=(oksu,))
    page = await services.representatives.find_representatives(reader, "김대표")
    assert [h.complex_name for h in page.items] == ["옥수현대"] and page.total == 1


async def test_pii_view_unmasks_where_it_reaches_and_each_unmasked_complex_is_audited(services, uow_factory):
    seongsu = await make_complex(uow_factory, name="쉐르빌", representatives=1)
    oksu_complex = await make_complex(uow_factory, name="옥수현대", dong="옥수동", dong_short="옥수", representatives=1)
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    reader = await make_staff(services, roles=("housing.read", "pii.view"))
    reader = await grant(uow_factory, reader, "pii.view", dongs=(oksu,))
    page = await services.representatives.find_representatives(reader, "김대표")
    assert {h.complex_id: (h.phone, h.phone_masked) for h in page.items} == {
        seongsu: ("010-****-5000", True),
        oksu_complex: ("010-1234-5000", False),
    }
    assert await pii_views(uow_factory) == [(reader.id, oksu_complex, "representative_search")]


async def test_results_come_in_pages_and_bad_searches_are_refused(services, uow_factory):
    await make_complex(uow_factory, name="쉐르빌", representatives=PAGE_SIZE + 2)
    reader = await make_staff(services)
    first = await services.representatives.find_representatives(reader, "김대표")
    second = await services.representatives.find_representatives(reader, "김대표", 1)
    assert (first.total, len(first.items), len(second.items)) == (PAGE_SIZE + 2, PAGE_SIZE, 2)
    assert {h.id for h in first.items}.isdisjoint({h.id for h in second.items})
    with pytest.raises(InvalidInput):
        await services.representatives.find_representatives(reader, "  ")
    outsider = await make_staff(services, saeol_id="kim02", roles=("benchmark.execute",))
    with pytest.raises(PermissionDenied):
        await services.representatives.find_representatives(outsider, "김")
