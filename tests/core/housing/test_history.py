"""변경 이력: a complex's changes as core reads them from the audit log (scope, masking, audit of unmasked views)."""

from datetime import date

import pytest
from sqlalchemy import select

from core.errors import PermissionDenied
from core.housing.history import MASKS, PAGE_SIZE
from core.housing.values import PERSONAL_FIELDS
from storage.audit.models import AuditEntry
from tests.builders import grant, make_complex, make_dong, make_staff

WRITER = ("housing.read", "housing.write", "pii.view")


async def _pii_views(uow_factory, via="complex_history"):
    async with uow_factory() as uow:
        details = await uow._session.scalars(select(AuditEntry.details).where(AuditEntry.action == "pii.view"))
        return [d for d in details if d.get("via") == via]


def test_every_personal_field_has_its_mask():
    assert set().union(*PERSONAL_FIELDS.values()) <= MASKS.keys()


async def test_the_history_lists_the_ledgers_changes_newest_first_with_old_and_new_values(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    officer = await make_staff(services, roles=WRITER)
    rep = (await services.ledger.open(officer, complex_id)).representatives[0]
    await services.ledger.edit(
        officer, complex_id, "representative", rep.id, rep.version, {"term_end": date(2020, 3, 13)}
    )
    await services.ledger.add(officer, complex_id, "representative", {"position": "감사", "name": "박감사"})
    history = await services.housing_history.changes(officer, complex_id)
    assert history.complex_name == "성동삼성쉐르빌(주상복합)" and history.page.total == 2
    added, edited = history.page.items
    assert (added.record, added.verb, added.actor) == ("representative", "add", "홍길동")
    assert (edited.verb, [(c.field, c.old, c.new) for c in edited.changes]) == (
        "edit",
        [("term_end", "2018-03-13", "2020-03-13")],
    )
    assert edited.at.tzinfo is not None and edited.at.utcoffset().total_seconds() == 9 * 3600  # the office's zone


async def test_personal_values_are_masked_without_pii_view_and_an_unmasked_page_is_audited(services, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    officer = await make_staff(services, saeol_id="officer1", roles=WRITER)
    reader = await make_staff(services, saeol_id="reader1", roles=("housing.read",))
    rep = (await services.ledger.open(officer, complex_id)).representatives[0]
    await services.ledger.edit(
        officer, complex_id, "representative", rep.id, rep.version,
        {"phone": "010-9999-8888", "birth_date": date(1961, 2, 3), "name": "김새이름"},
    )  # fmt: skip
    masked = await services.housing_history.changes(reader, complex_id)
    changes = {c.field: (c.old, c.new) for c in masked.page.items[0].changes}
    assert masked.personal_data_masked
    assert changes == {
        "phone": ("010-****-5000", "010-****-8888"),
        "birth_date": ("1960", "1961"),
        "name": ("김대표1", "김새이름"),  # a representative's name is the registry's, not masked
    }
    assert await _pii_views(uow_factory) == []
    whole = await services.housing_history.changes(officer, complex_id)
    assert {c.field: c.new for c in whole.page.items[0].changes}["phone"] == "010-9999-8888"
    assert await _pii_views(uow_factory) == [{"via": "complex_history", "page": 0}]


async def test_another_dongs_complex_is_refused_and_reads_are_paged(services, uow_factory):
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성1-1")
    complex_id = await make_complex(uow_factory, representatives=1)
    officer = await make_staff(services, roles=WRITER)
    scoped = await make_staff(services, saeol_id="scoped1", roles=("housing.read",))
    scoped = await grant(uow_factory, scoped, "housing.read", dongs=(seongsu,))
    rep = (await services.ledger.open(officer, complex_id)).representatives[0]
    version = rep.version
    for n in range(PAGE_SIZE + 2):
        version = (
            await services.ledger.edit(officer, complex_id, "representative", rep.id, version, {"name": f"이름{n}"})
        ).version
    with pytest.raises(PermissionDenied):
        await services.housing_history.changes(scoped, complex_id)
    second = await services.housing_history.changes(officer, complex_id, page=1)
    assert (second.page.total, second.page.count, len(second.page.items)) == (PAGE_SIZE + 2, 2, 2)
    assert [c.new for c in second.page.items[-1].changes] == ["이름0"]
