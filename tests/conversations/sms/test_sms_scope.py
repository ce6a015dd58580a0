"""문자 보내기 for a 성수1가제1동 officer whose ``sms.send`` 전산정보과 scoped to 성수 (``housing.read`` still
covers the district): "전체 단지" reaches 성수's people alone, only 성수 is offered as a dong and only its
complexes by name, an old or forged button for another dong or complex is refused, and a list saved under
the wider grant says how many of its people it now leaves out."""

import pytest

from core.sms.values import RecipientSelection
from core.staff.values import GrantRequest
from tests.builders import make_staff, make_two_dongs
from tests.conversations.conftest import answer_to, shown

OFFICER_TG = 3101


@pytest.fixture
async def district(uow_factory):
    return await make_two_dongs(uow_factory)


@pytest.fixture
async def scope_to_seongsu(services, district):
    """Scope the officer's sms.send to 성수 through the admin service, as the IT department does."""
    admin = await make_staff(services, saeol_id="itadmin", name="임희철", department="전산정보과", roles=("admin",))

    async def scope(member):
        await services.staff_admin.grant(
            admin, member.id, GrantRequest("sms.send", dong_ids=frozenset({district.seongsu}))
        )

    return scope


@pytest.fixture
async def officer(bot, services, emulator, scope_to_seongsu):
    member = await make_staff(
        services, saeol_id="seongsu1", name="성수담당", roles=("housing.read", "sms.send"), telegram_id=OFFICER_TG
    )
    await scope_to_seongsu(member)
    chat = emulator.user(OFFICER_TG, first_name="성수")
    await chat.send("/start")
    return chat


async def test_every_complex_reaches_only_the_officers_dong_in_the_preview_and_the_batch(officer, services):
    await officer.send("/sms")
    await officer.press("👥 입주자대표")
    await officer.press("전체 단지")
    resolved = (await officer.press("전체 직위"))[-1]
    assert "받으실 분: 3명" in resolved.text
    preview = (await officer.send("{이름}님, 입주자대표회의 안내드립니다."))[-1]
    assert "받는 분: 입주자대표 · 전체 단지 · 전체 직위 — 3명" in preview.text
    assert "성수대표1님, 입주자대표회의" in preview.text and "왕도" not in preview.text
    await officer.press("📤 지금 보내기")
    done = (await officer.press("✅ 보내기"))[-1]
    assert done.text.startswith("✅ 문자 #1을 3명에게")
    member = await services.staff.identify(OFFICER_TG)
    assert member is not None
    names = {m.name for m in (await services.sms.recipients(member, 1)).items}
    assert names == {"성수대표1", "성수대표2", "성수대표3"}


async def test_only_the_officers_dong_and_its_complexes_are_offered_and_forged_buttons_are_refused(officer, district):
    await officer.send("/sms")
    await officer.press("🏢 관리소장")
    dongs = (await officer.press("동별"))[-1]
    assert [b for b in dongs.button_texts() if "동" in b] == ["성수1가제1동"]
    forged = f"sm:d:{district.wangdo}"
    assert await answer_to(officer, dongs, forged) == (shown("ko", "common.button_invalid"), True)
    resolved = (await officer.press("성수1가제1동", message=dongs))[-1]
    assert "관리소장 · 성수1가제1동" in resolved.text and "받으실 분: 1명" in resolved.text

    await officer.send("/sms")
    await officer.press("🏢 관리소장")
    await officer.press("단지 선택")
    found = (await officer.send("아파트"))[-1]
    assert [b for b in found.button_texts() if b.startswith("▫️")] == ["▫️ 성수현대아파트"]
    assert not [b for b in (await officer.send("쉐르빌"))[-1].button_texts() if b.startswith("▫️")]
    forged = f"sm:c:{district.wangdo_complex}:0"
    assert await answer_to(officer, found, forged) == (shown("ko", "common.button_invalid"), True)


async def test_a_list_saved_under_the_wider_grant_says_how_many_it_leaves_out(
    bot, services, emulator, district, scope_to_seongsu
):
    member = await make_staff(
        services, saeol_id="seongsu1", name="성수담당", roles=("sms.send",), telegram_id=OFFICER_TG
    )
    await services.sms_lists.save_selection(member, "대표 전체", RecipientSelection("representatives"))
    await scope_to_seongsu(member)
    chat = emulator.user(OFFICER_TG, first_name="성수")
    await chat.send("/start")
    kinds = (await chat.send("/sms"))[-1]
    await chat.press("📋 저장된 목록", message=kinds)
    chosen = (await chat.press("대표 전체 (6명)"))[-1]
    assert "받으실 분: 3명" in chosen.text and shown("ko", "sms.resolved.outside_scope", count=3) in chosen.text
    preview = (await chat.send("{이름}님 안내"))[-1]
    assert shown("ko", "sms.resolved.outside_scope", count=3) in preview.text and "— 3명" in preview.text
