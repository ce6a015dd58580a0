"""대장 관리, record by record: the management office and its manager, groups, support projects and the
complex's own facts, through the chat; a restart midway, and a member whose grant covers another dong."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.emulator import EmulatedUser
from storage.housing.models import Complex, ManagementOffice, ManagerHistory, ResidentGroup, SupportProject
from storage.reference.models import SupportCriterion
from tests.builders import grant, make_complex, make_staff, make_two_dongs
from tests.conversations.conftest import answer_to

WRITER_TG = 3201
WRITER = ("housing.read", "housing.write", "pii.view")


@pytest.fixture
async def writer(bot, services, emulator) -> EmulatedUser:
    await make_staff(services, saeol_id="writer2", name="박대장", roles=WRITER, telegram_id=WRITER_TG)
    return emulator.user(WRITER_TG, first_name="대장")


async def open_ledger(chat: EmulatedUser, part: str, name: str = "쉐르빌") -> None:
    card = (await chat.send(f"/complex {name}"))[-1]
    await chat.press("✏️ 수정", message=card)
    await chat.press(part)


async def rows(uow_factory, *columns):
    async with uow_factory() as uow:
        return (await uow._session.execute(select(*columns))).all()


async def test_naming_a_new_manager_keeps_the_previous_one_in_the_history(writer, uow_factory):
    await make_complex(uow_factory, with_office=True)
    await open_ledger(writer, "관리사무소")
    await writer.press("관리사무소 (소장 이정호)")
    await writer.press("관리소장")
    replies = await writer.send("최소장")
    assert any(m.text == "✅ 저장했습니다." for m in replies)
    [(name, mobile, phone)] = await rows(
        uow_factory, ManagementOffice.manager_name, ManagementOffice.manager_mobile, ManagementOffice.phone
    )
    assert (name, mobile, phone) == ("최소장", None, "02-2292-1234")
    [(former, former_mobile)] = await rows(uow_factory, ManagerHistory.name, ManagerHistory.mobile)
    assert (former, former_mobile) == ("이정호", "010-2345-5678")
    # The office's screen names who ran it before, and until when; the new manager's licence grade is chosen
    # from buttons, the mobile typed in any form.
    await open_ledger(writer, "관리사무소")
    office = await writer.press("관리사무소 (소장 최소장)")
    assert "▶ 이전 관리소장 1명\n• 이정호 · 2013.04.23~2026.11.25 · 주택관리사" in office[-1].text
    await writer.press("자격 등급")
    await writer.press("주택관리사보")
    await open_ledger(writer, "관리사무소")
    await writer.press("관리사무소 (소장 최소장)")
    await writer.press("소장 휴대전화")
    await writer.send("010 3333 4444")
    [(grade, mobile)] = await rows(uow_factory, ManagementOffice.manager_license_grade, ManagementOffice.manager_mobile)
    assert (grade, mobile) == ("보", "010-3333-4444")


async def test_an_office_is_added_where_none_was_and_only_one(writer, uow_factory):
    await make_complex(uow_factory)
    await open_ledger(writer, "관리사무소")
    await writer.press("➕ 추가")
    await writer.send("02-2286-1234")  # office phone
    for _ in range(7):
        await writer.press("건너뛰기")
    replies = await writer.press("💾 저장")
    assert "✅ 관리사무소를 추가했습니다." in [m.text for m in replies]
    await open_ledger(writer, "관리사무소")
    assert not writer.last_message.has_button("➕ 추가")


async def test_a_group_is_added_with_bad_input_refused_at_each_step(writer, uow_factory):
    await make_complex(uow_factory)
    await open_ledger(writer, "단체")
    await writer.press("➕ 추가")
    said = await writer.send("공동체")  # the kind is chosen with buttons
    assert said[-1].text == "아래 버튼으로 골라 주십시오."
    await writer.press("기타 단체")
    too_long = await writer.send("가" * 101)
    assert "너무 깁니다. 100자 이내" in too_long[-1].text
    await writer.send("꽃밭가꾸기회")
    await writer.send("회장")
    await writer.send("정꽃님")
    await writer.send("010-7777-8888")
    await writer.send("flowers@example.kr")
    bad = await writer.send("열두 명")
    assert "0 이상의 정수" in bad[-1].text
    await writer.send("12명")
    await writer.send("2023.04.01")
    await writer.send("정꽃님\n김나무, 이바람")  # 회원 명단, as the group handed it in
    replies = await writer.press("💾 저장")
    assert any("추가했습니다" in m.text for m in replies)
    [(kind, name, count, members)] = await rows(
        uow_factory, ResidentGroup.kind, ResidentGroup.name, ResidentGroup.member_count, ResidentGroup.members
    )
    assert (kind, name, count, members) == ("other", "꽃밭가꾸기회", 12, "정꽃님\n김나무, 이바람")


async def test_a_project_above_a_warning_criterion_is_saved_once_confirmed(writer, uow_factory):
    await make_complex(uow_factory)
    async with uow_factory(write=True) as uow:
        uow._session.add(SupportCriterion(name="공동체활성화", max_amount=2000, enforcement="warn", sort_order=1))
        await uow.commit()
    await open_ledger(writer, "지원사업")
    await writer.press("➕ 추가")
    await writer.press("공동체활성화")
    await writer.send("꽃길 조성")
    await writer.send("2024.03.01")
    await writer.send("2024.02.01")  # ends before it starts: said on the review screen
    await writer.send("2,500")
    await writer.send("3000")  # returned more than granted
    refused = await writer.press("💾 저장")
    assert "사업 종료(2024.02.01)가 사업 시작(2024.03.01)보다 빠를 수 없습니다" in refused[-1].text
    assert await rows(uow_factory, SupportProject.id) == []
    await writer.press("취소")
    await open_ledger(writer, "지원사업")
    await writer.press("➕ 추가")
    await writer.press("공동체활성화")
    await writer.send("꽃길 조성")
    await writer.send("2024.03.01")
    await writer.send("2024.11.30")
    await writer.send("2,500")
    await writer.press("건너뛰기")
    warned = (await writer.press("💾 저장"))[-1]
    assert "한도 2,000천원을 넘습니다" in warned.text
    replies = await writer.press("그래도 저장")
    assert any("추가했습니다" in m.text for m in replies)
    [(amount, returned)] = await rows(uow_factory, SupportProject.amount, SupportProject.returned_amount)
    assert (amount, returned) == (2500, 0)


async def test_complex_facts_reversed_floors_are_refused_and_the_name_is_saved(writer, uow_factory):
    await make_complex(uow_factory)
    await open_ledger(writer, "단지정보")
    await writer.press("최저층")
    refused = await writer.send("30")
    assert "최저층(30)이 최고층(27)보다 높을 수 없습니다" in refused[-1].text
    await writer.press("◀ 이전")
    await writer.press("단지명")
    await writer.send("성동삼성쉐르빌")
    [(name, floors_min, updated_by)] = await rows(uow_factory, Complex.name, Complex.floors_min, Complex.updated_by)
    assert (name, floors_min) == ("성동삼성쉐르빌", 4) and updated_by is not None


async def test_a_restart_midway_through_adding_loses_nothing(writer, bot, uow_factory, kill):
    await make_complex(uow_factory)
    await open_ledger(writer, "입주자대표")
    await writer.press("➕ 추가")
    await writer.press("회장")
    await writer.send("한회장")
    await bot.app.update_persistence()  # the periodic flush before the kill
    await kill()
    asked = await writer.press("남")
    assert "생년월일" in asked[-1].text
    for _ in range(5):
        await writer.press("건너뛰기")
    replies = await writer.press("💾 저장")
    assert any("추가했습니다" in m.text for m in replies)


async def test_a_member_scoped_to_another_dong_gets_no_edit_button_and_a_forged_press_is_refused(
    bot, services, emulator, uow_factory
):
    two = await make_two_dongs(uow_factory, representatives=1)
    member = await make_staff(services, saeol_id="seongsu9", roles=WRITER, telegram_id=3202)
    await grant(uow_factory, member, "housing.write", dongs=(two.seongsu,))
    chat = emulator.user(3202, first_name="성수")
    own = (await chat.send("/complex 성수현대"))[-1]
    assert own.has_button("✏️ 수정")
    other = (await chat.send("/complex 쉐르빌"))[-1]
    assert not other.has_button("✏️ 수정")
    forged = await chat.press_data(other, f"hl:go:{two.wangdo_complex}")
    assert any("권한이 없습니다" in m.text for m in forged)
    malformed, alert = await answer_to(chat, other, "hl:go:abc")
    assert malformed is not None and alert


async def test_a_row_house_made_an_apartment_is_asked_its_management_type_and_saved_with_it(writer, uow_factory):
    await make_complex(uow_factory)
    await open_ledger(writer, "단지정보")
    await writer.press("구분")
    await writer.press("연립·다세대")  # a row house has no management type: it is cleared with the kind
    [(kind, management)] = await rows(uow_factory, Complex.kind, Complex.management_type)
    assert (kind, management) == ("row_house", None)
    await open_ledger(writer, "단지정보")
    await writer.press("구분")
    asked = (await writer.press("아파트"))[-1]
    assert "관리 유형" in asked.text and asked.has_button("의무관리")
    replies = await writer.press("임대")
    assert any(m.text == "✅ 저장했습니다." for m in replies)
    [(kind, management)] = await rows(uow_factory, Complex.kind, Complex.management_type)
    assert (kind, management) == ("apartment", "rental")
