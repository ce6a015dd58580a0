"""대장 수정: a housing officer keeps a complex's ledger current from its card, through the chat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.emulator import EmulatedUser
from conversations.housing.buttons import LEDGER
from storage.audit.models import AuditEntry
from storage.housing.models import Representative
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import answer_to

WRITER_TG = 3101
WRITER = ("housing.read", "housing.write", "pii.view")


@pytest.fixture
async def writer(bot, services, emulator) -> EmulatedUser:
    await make_staff(services, saeol_id="writer1", name="김주택", roles=WRITER, telegram_id=WRITER_TG)
    return emulator.user(WRITER_TG, first_name="주택")


async def open_ledger(chat: EmulatedUser, part: str) -> None:
    card = (await chat.send("/complex 쉐르빌"))[-1]
    assert card.text.startswith("🏢 ")
    await chat.press("✏️ 수정", message=card)
    await chat.press(part)


async def test_an_officer_edits_a_representatives_term_and_sees_the_card_again(writer, uow_factory):
    await make_complex(uow_factory, representatives=1)
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("임기 종료")
    refused = await writer.send("2016.03.13")  # before the term's start: refused, nothing changes
    assert "임기 종료(2016.03.13)가 임기 시작(2016.03.14)보다 늦어야" in refused[-1].text
    refused = await writer.send("내년 봄")
    assert "날짜를 알아볼 수 없습니다" in refused[-1].text
    replies = await writer.send("20200313")
    texts = [m.text for m in replies]
    assert "✅ 저장했습니다." in texts
    assert "임기 2016.03.14~2020.03.13" in replies[-1].text and replies[-1].text.startswith("🏢 ")
    async with uow_factory() as uow:
        actions = list(await uow._session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("housing.%"))))
    assert actions == ["housing.representative.edit"]


async def test_an_officer_adds_a_representative_step_by_step_and_removes_one(writer, uow_factory):
    await make_complex(uow_factory, representatives=1)
    await open_ledger(writer, "입주자대표")
    await writer.press("➕ 추가")
    await writer.press("감사")  # the admin's positions, as buttons
    await writer.send("박감사")
    await writer.press("여")
    await writer.press("건너뛰기")  # birth date
    await writer.send("101동 1203호")
    refused = await writer.send("1234")
    assert "전화번호를 알아볼 수 없습니다" in refused[-1].text
    await writer.send("01098765432")
    await writer.send("2024.03.14")
    review = (await writer.send("2026.03.13"))[-1]
    assert "• 휴대전화: 010-9876-5432" in review.text and "• 성별: 여" in review.text
    replies = await writer.press("💾 저장")
    assert "✅ 입주자대표를 추가했습니다." in [m.text for m in replies]
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("🗑 삭제")
    replies = await writer.press("🗑 삭제합니다")
    assert any(m.text == "✅ 삭제했습니다." for m in replies)
    async with uow_factory() as uow:
        names = list(await uow._session.scalars(select(Representative.name)))
    assert names == ["박감사"]


async def test_a_concurrent_edit_is_refused_with_who_changed_it_and_can_be_applied_again(
    writer, bot, services, emulator, uow_factory
):
    await make_complex(uow_factory, representatives=1)
    await make_staff(services, saeol_id="other1", name="이동료", roles=WRITER, telegram_id=3102)
    colleague = emulator.user(3102, first_name="동료")
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("성명")
    # Meanwhile the colleague changes the same representative's phone.
    await open_ledger(colleague, "입주자대표")
    await colleague.press("회장 김대표1")
    await colleague.press("휴대전화")
    await colleague.send("010-5555-6666")
    conflict = (await writer.send("김회장"))[-1]
    assert "그사이 이동료 님이 바꿨습니다" in conflict.text and "010-5555-6666" in conflict.text
    replies = await writer.press("🔁 제 변경을 다시 적용")
    assert any(m.text == "✅ 저장했습니다." for m in replies)
    async with uow_factory() as uow:
        [(name, phone, version)] = (
            await uow._session.execute(select(Representative.name, Representative.phone, Representative.version))
        ).all()
    assert (name, phone, version) == ("김회장", "010-5555-6666", 3)


async def test_a_button_pressed_twice_saves_once(writer, uow_factory):
    await make_complex(uow_factory, representatives=1)
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("🗑 삭제")
    question = writer.last_message
    assert question is not None
    pressed = question.button("🗑 삭제합니다")
    assert pressed is not None and pressed.callback_data is not None
    await writer.press("🗑 삭제합니다", message=question)
    text, _ = await answer_to(writer, question, pressed.callback_data)  # the same press again
    assert text is not None
    async with uow_factory() as uow:
        removed = list(
            await uow._session.scalars(
                select(AuditEntry.action).where(AuditEntry.action == "housing.representative.remove")
            )
        )
    assert removed == ["housing.representative.remove"]


async def test_a_reader_without_housing_write_gets_no_edit_button_and_a_forged_one_is_refused(officer, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    card = (await officer.send("/complex 쉐르빌"))[-1]
    assert not card.has_button("✏️ 수정")
    replies = await officer.press_data(card, LEDGER(complex_id))
    assert any("권한이 없습니다" in m.text for m in replies)
    async with uow_factory() as uow:
        assert (
            list(await uow._session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("housing.%")))) == []
        )


async def test_complex_facts_area_bands_warn_and_save_once_confirmed(writer, uow_factory):
    await make_complex(uow_factory, households=342)
    await open_ledger(writer, "단지정보")
    await writer.press("면적별 가구수")
    refused = await writer.send("1 2 3")
    assert "다섯 개의 수" in refused[-1].text
    warned = (await writer.send("0 0 100 100 0"))[-1]
    assert "합(200)이 세대수(342)와 다릅니다" in warned.text
    replies = await writer.press("그래도 저장")
    assert any(m.text == "✅ 저장했습니다." for m in replies)


async def test_a_removal_after_a_colleagues_change_is_asked_again_and_kept_when_dropped(
    writer, services, emulator, uow_factory
):
    await make_complex(uow_factory, representatives=1)
    await make_staff(services, saeol_id="other2", name="최동료", roles=WRITER, telegram_id=3103)
    colleague = emulator.user(3103, first_name="동료")
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("🗑 삭제")
    await open_ledger(colleague, "입주자대표")
    await colleague.press("회장 김대표1")
    await colleague.press("동호수")
    await colleague.send("102동 304호")
    conflict = (await writer.press("🗑 삭제합니다"))[-1]
    assert "그사이 최동료 님이 바꿨습니다" in conflict.text and "102동 304호" in conflict.text
    replies = await writer.press("버리기")
    assert any("변경을 버렸습니다" in m.text for m in replies)
    async with uow_factory() as uow:
        assert list(await uow._session.scalars(select(Representative.building_unit))) == ["102동 304호"]


async def test_a_change_to_a_record_removed_meanwhile_is_refused_and_the_card_shown(
    writer, services, emulator, uow_factory
):
    await make_complex(uow_factory, representatives=1)
    await make_staff(services, saeol_id="other3", name="정동료", roles=WRITER, telegram_id=3104)
    colleague = emulator.user(3104, first_name="동료")
    await open_ledger(writer, "입주자대표")
    await writer.press("회장 김대표1")
    await writer.press("성명")
    await open_ledger(colleague, "입주자대표")
    await colleague.press("회장 김대표1")
    await colleague.press("🗑 삭제")
    await colleague.press("🗑 삭제합니다")
    replies = await writer.send("김회장")
    assert any("그사이 다른 분이 이 항목을 삭제했습니다" in m.text for m in replies)
    assert replies[-1].text.startswith("🏢 ")


async def test_a_forged_field_of_another_record_and_a_second_save_change_nothing(writer, uow_factory):
    await make_complex(uow_factory, representatives=1)
    await open_ledger(writer, "입주자대표")
    record = (await writer.press("회장 김대표1"))[-1]
    text, alert = await answer_to(writer, record, "hl:f:kapt_code")  # a complex's field on a representative
    assert alert and text is not None
    text, alert = await answer_to(writer, record, "hl:f:no_such_field")
    assert alert and text is not None
    await open_ledger(writer, "입주자대표")
    await writer.press("➕ 추가")
    await writer.press("감사")
    await writer.send("서감사")
    for _ in range(6):
        await writer.press("건너뛰기")
    review = writer.last_message
    assert review is not None
    save = review.button("💾 저장")
    assert save is not None and save.callback_data is not None
    await writer.press("💾 저장", message=review)
    await answer_to(writer, review, save.callback_data)  # pressed again
    async with uow_factory() as uow:
        names = list(await uow._session.scalars(select(Representative.name).order_by(Representative.id)))
    assert names == ["김대표1", "서감사"]


async def test_forged_add_and_remove_buttons_from_a_reader_are_refused(officer, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=1)
    async with uow_factory() as uow:
        [rep_id] = list(await uow._session.scalars(select(Representative.id)))
    card = (await officer.send("/complex 쉐르빌"))[-1]
    for data in (f"hl:new:{complex_id}:representative", f"hl:rm:{complex_id}:representative:{rep_id}:1"):
        replies = await officer.press_data(card, data)
        assert any("권한이 없습니다" in m.text for m in replies), data
    async with uow_factory() as uow:
        assert list(await uow._session.scalars(select(Representative.id))) == [rep_id]
        assert (
            list(await uow._session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("housing.%")))) == []
        )
