"""문자전송 to the representatives of 마을공동체 단체(기관) (the report's 2-다): 마을공동체과 texts every
organisation's representative, one dong's, one 분야's or 유형's, or chosen organisations'; each message names the
organisation where a housing message names the complex; a sender scoped to dongs reaches their dongs only, and a
sender who may not read the community register reaches none of it."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, OutsideScope, PermissionDenied
from core.sms.selection import describe, request_digest
from core.sms.values import RecipientSelection
from storage.audit.models import AuditEntry
from storage.sms.models import SmsMessage
from tests.builders import grant, make_dong, make_staff
from tests.core.community.test_validation import GEUMOK

LEADERS = RecipientSelection("organization_leaders")


@pytest.fixture
async def dongs(uow_factory):
    return {
        "금호2.3가동": await make_dong(uow_factory, "금호2.3가동", "금2.3"),
        "성수1가제2동": await make_dong(uow_factory, "성수1가제2동", "성1-2"),
    }


@pytest.fixture
async def organizations(services, dongs):
    clerk = await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))
    seongsu = replace(
        GEUMOK,
        name="성수 협동조합",
        field="social_venture",
        legal_type="social_economy",
        admin_dong="성수1가제2동",
        representative="박성수",
        mobile="010-3333-4444",
    )
    nobody = replace(GEUMOK, name="대표 없는 모임", representative=None, mobile=None)
    saved = [await services.organizations.register(clerk, d) for d in (GEUMOK, seongsu, nobody)]
    return {s.organization.name: s.id for s in saved}


@pytest.fixture
async def sender(services):
    return await make_staff(services, saeol_id="village02", name="마을담당", roles=("community.read", "sms.send"))


async def test_every_organisations_representative_and_narrower_choices(services, uow_factory, organizations, sender):
    everyone = await services.sms.resolve(sender, LEADERS)
    assert [(r.name, r.complex_name) for r in everyone.recipients] == [
        ("고은정", "금옥마을"),
        ("박성수", "성수 협동조합"),
    ]
    ventures = await services.sms.resolve(sender, replace(LEADERS, field="social_venture"))
    assert [r.name for r in ventures.recipients] == ["박성수"]
    civic = await services.sms.resolve(sender, replace(LEADERS, legal_type="nonprofit_civic_group"))
    assert [r.name for r in civic.recipients] == ["고은정"]
    chosen = await services.sms.resolve(sender, replace(LEADERS, organization_ids=(organizations["금옥마을"],)))
    assert [r.name for r in chosen.recipients] == ["고은정"]

    preview = await services.sms.preview(sender, LEADERS, "{이름}님, {단지명} 모임 안내")
    assert preview.recipient_count == 2 and preview.sample == "고은정님, 금옥마을 모임 안내"
    batch = await services.sms.send(sender, LEADERS, "{이름}님, {단지명} 모임 안내")
    async with uow_factory() as uow:
        rows = (
            await uow._session.execute(
                select(SmsMessage.name, SmsMessage.complex_name).where(SmsMessage.batch_id == batch.id)
            )
        ).all()
    assert sorted(rows) == [("고은정", "금옥마을"), ("박성수", "성수 협동조합")]


async def test_a_sender_scoped_to_dongs_reaches_their_organisations_only(
    services, uow_factory, dongs, organizations, sender
):
    scoped = await grant(uow_factory, sender, "community.read", dongs=(dongs["성수1가제2동"],))
    assert [r.name for r in (await services.sms.resolve(scoped, LEADERS)).recipients] == ["박성수"]
    with pytest.raises(OutsideScope):
        await services.sms.resolve(scoped, replace(LEADERS, admin_dong_id=dongs["금호2.3가동"]))
    with pytest.raises(OutsideScope) as refused:
        await services.sms.resolve(scoped, replace(LEADERS, organization_ids=(organizations["금옥마을"],)))
    assert refused.value.code == "sms_organizations_outside_scope"
    assert [d.name for d in await services.sms_organizations.dongs(scoped)] == ["성수1가제2동"]
    assert [o.name for o in (await services.sms_organizations.find(scoped, "마을")).items] == []
    by_sms = await grant(uow_factory, sender, "sms.send", dongs=(dongs["금호2.3가동"],))  # and the sms grant too
    assert [r.name for r in (await services.sms.resolve(by_sms, LEADERS)).recipients] == []


async def test_a_sender_who_cannot_read_the_community_register_reaches_none_of_it(services, organizations):
    housing = await make_staff(services, saeol_id="house01", roles=("housing.read", "sms.send"))
    with pytest.raises(PermissionDenied):
        await services.sms.resolve(housing, LEADERS)
    with pytest.raises(PermissionDenied):
        await services.sms_organizations.find(housing, "마을")


async def test_the_housing_kinds_keep_their_fingerprints_and_take_no_community_narrowing(services, sender):
    reps = RecipientSelection("representatives", admin_dong_id=3)
    assert describe(reps) == {"kind": "representatives", "complex_ids": [], "admin_dong_id": 3, "position": None}
    assert request_digest(reps, "안내", None) == request_digest(
        RecipientSelection("representatives", admin_dong_id=3), "안내", None
    )
    assert describe(replace(LEADERS, field="space"))["field"] == "space"
    with pytest.raises(InvalidInput):
        await services.sms.resolve(sender, replace(reps, field="space"))


async def test_organisations_representatives_are_not_saved_as_a_list(services, organizations, sender):
    with pytest.raises(InvalidInput) as refused:
        await services.sms_lists.save_selection(sender, "마을 대표들", LEADERS)
    assert refused.value.code == "sms_list_not_for_organizations"


async def test_the_recipients_are_masked_unless_the_sender_sees_phones_and_an_unmasked_look_and_the_send_are_audited(
    services, uow_factory, organizations, sender
):
    masked = await services.sms.recipient_page(sender, replace(LEADERS, field="space"))
    assert [(p.name, p.complex_name, p.phone) for p in masked.items] == [("고은정", "금옥마을", "010-****-1234")]
    assert await audited(uow_factory, "pii.view") == []

    seer = await grant(uow_factory, sender, "pii.view")
    shown = await services.sms.recipient_page(seer, replace(LEADERS, field="space"))
    assert [p.phone for p in shown.items] == ["010-2286-1234"]
    assert await audited(uow_factory, "pii.view") == [{"via": "sms_preview_recipients", "phones": 1}]

    batch = await services.sms.send(sender, replace(LEADERS, legal_type="social_economy"), "총회 안내")
    [details] = await audited(uow_factory, "sms.send")
    assert details["recipients"] == 1 and details["kind"] == "organization_leaders"
    assert details["legal_type"] == "social_economy" and "field" not in details
    assert [m.phone for m in (await services.sms.recipients(sender, batch.id)).items] == ["010-****-4444"]


async def audited(uow_factory, action):
    async with uow_factory() as uow:
        rows = await uow._session.scalars(select(AuditEntry.details).where(AuditEntry.action == action))
        return list(rows)
