"""문자 보내기's preview as a housing officer uses it before sending: 받는 사람 보기 lists the people a page at
a time (phones masked without pii.view, shown and audited with it) and returns to the preview; an old or
made-up page button asks the current step again. A long text (LMS) asks for its subject, offers the first
line, refuses an overlong one politely, and shows the subject on the preview and the confirmation."""

import pytest
from sqlalchemy import select

from storage.audit.models import AuditEntry
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import answer_to, shown, stop_saving

SENDER_TG, SEER_TG = 3201, 3202
WHO = "입주자대표 · 전체 단지 · 전체 직위"
COMPLEX = "성동삼성쉐르빌(주상복합)"
# Over 90 EUC-KR bytes, so an LMS; its first line is the default subject.
LONG_TEXT = "12월 입주자대표회의 안내\n일시: 12월 10일(목) 14시\n장소: 구청 3층 대회의실\n안건: 장기수선계획 조정"


@pytest.fixture
async def thirteen(uow_factory):
    """One complex with thirteen representatives, each on their own mobile (010-1234-5000 … 5012)."""
    await make_complex(uow_factory, name=COMPLEX, representatives=13)


async def chat_of(services, emulator, telegram_id, saeol_id, roles):
    await make_staff(services, saeol_id=saeol_id, name="문자담당", roles=roles, telegram_id=telegram_id)
    chat = emulator.user(telegram_id, first_name="문자")
    await chat.send("/start")
    return chat


@pytest.fixture
async def sender(bot, services, emulator, thirteen):
    """공동주택과's officer with sms.send and no right to see personal data."""
    return await chat_of(services, emulator, SENDER_TG, "sms01", ("housing.read", "sms.send"))


@pytest.fixture
async def seer(bot, services, emulator, thirteen):
    """An officer who may also see personal data (pii.view, district-wide)."""
    return await chat_of(services, emulator, SEER_TG, "sms02", ("housing.read", "sms.send", "pii.view"))


async def to_every_representative(chat, text):
    await chat.send("/sms")
    await chat.press("👥 입주자대표")
    await chat.press("전체 단지")
    await chat.press("전체 직위")
    return (await chat.send(text))[-1]


async def phone_views(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(select(AuditEntry.details).where(AuditEntry.action == "pii.view"))
        return [details for (details,) in rows]


async def test_the_recipients_are_listed_ten_a_page_masked_and_the_preview_sends_after_going_back(sender, uow_factory):
    preview = await to_every_representative(sender, "{이름}님, 입주자대표회의 안내드립니다.")
    assert preview.has_button("👥 받는 사람 보기 (13명)")

    first = (await sender.press("👥 받는 사람 보기 (13명)"))[-1]
    assert first.message_id == preview.message_id  # in the preview's place, not below it
    assert first.text.startswith(shown("ko", "sms.recipients.head", who=WHO, count=13))
    assert f"\n1. 김대표1 · 회장 · {COMPLEX} · 010-****-5000\n" in first.text
    assert "\n10. " in first.text and "\n11. " not in first.text
    assert "010-1234-" not in first.text and first.text.endswith(shown("ko", "sms.recipients.masked"))
    assert first.button_texts() == ["1/2", "다음 ▶", "◀ 미리보기로", "✖ 취소"]

    second = (await sender.press("다음 ▶"))[-1]
    assert "\n11. " in second.text and "\n13. " in second.text and "\n10. " not in second.text
    assert second.button_texts()[:2] == ["◀ 이전", "2/2"]
    back = (await sender.press("◀ 미리보기로"))[-1]
    assert back.message_id == preview.message_id and back.text == preview.text
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    assert confirm.text.endswith(shown("ko", "sms.confirm.ask"))
    done = (await sender.press("✅ 보내기"))[-1]
    assert done.text.startswith("✅ 문자 #1을 13명에게")
    assert await phone_views(uow_factory) == []  # nobody saw a number, nothing to audit


async def test_an_officer_with_pii_view_sees_the_numbers_and_each_look_is_audited(seer, uow_factory):
    await to_every_representative(seer, "회의 안내드립니다.")
    first = (await seer.press("👥 받는 사람 보기 (13명)"))[-1]
    assert f"\n1. 김대표1 · 회장 · {COMPLEX} · 010-1234-5000\n" in first.text
    assert shown("ko", "sms.recipients.masked") not in first.text
    await seer.press("다음 ▶")
    assert await phone_views(uow_factory) == [
        {"via": "sms_preview_recipients", "phones": 10},
        {"via": "sms_preview_recipients", "phones": 3},
    ]


async def test_an_old_or_made_up_page_button_asks_the_current_step_again(sender):
    preview = await to_every_representative(sender, "회의 안내드립니다.")
    listed = (await sender.press("👥 받는 사람 보기 (13명)"))[-1]
    # A page that does not exist (the people changed since, or the data was made up) shows the preview anew.
    for data in ("sm:rp:7", "sm:rp:x"):
        assert await answer_to(sender, listed, data) == (shown("ko", "common.screen_outdated"), False)
        assert sender.last_message.text == preview.text and sender.last_message.has_button("📤 지금 보내기")
    await sender.press("📤 지금 보내기", message=sender.last_message)
    # At the confirmation, the list's page button is a button of an earlier step.
    assert await answer_to(sender, listed, "sm:rp:1") == (shown("ko", "common.screen_outdated"), False)
    assert sender.last_message.text.endswith(shown("ko", "sms.confirm.ask"))
    done = (await sender.press("✅ 보내기"))[-1]
    assert done.text.startswith("✅ 문자 #1을 13명에게")


async def test_a_long_message_asks_for_a_subject_refuses_an_overlong_one_and_sends_it(sender, services):
    asked = await to_every_representative(sender, LONG_TEXT)
    assert asked.text.startswith(shown("ko", "sms.subject.ask", length=97, limit=60))
    assert shown("ko", "sms.subject.default", subject="12월 입주자대표회의 안내") in asked.text
    overlong = (await sender.send("가" * 31))[-1]
    assert overlong.text == shown("ko", "error.sms_subject_too_long", chars=31, length=62, limit=60, char_limit=40)
    personal = (await sender.send("{이름}님께 드리는 안내"))[-1]
    assert personal.text == shown("ko", "error.sms_subject_fields")
    preview = (await sender.send("입주자대표회의 일정 안내"))[-1]
    assert shown("ko", "sms.preview.subject", subject="입주자대표회의 일정 안내") in preview.text
    assert "문자 유형: LMS(장문)" in preview.text
    again = (await sender.press("🏷 제목 바꾸기"))[-1]
    assert shown("ko", "sms.subject.current", subject="입주자대표회의 일정 안내") in again.text
    preview = (await sender.press("👍 기본 제목으로 하기"))[-1]
    assert shown("ko", "sms.preview.subject", subject="12월 입주자대표회의 안내") in preview.text
    confirm = (await sender.press("📤 지금 보내기"))[-1]
    assert shown("ko", "sms.preview.subject", subject="12월 입주자대표회의 안내") in confirm.text
    await sender.press("✅ 보내기")
    staff = await services.staff.identify(SENDER_TG)
    assert (await services.sms.batch(staff, 1)).subject == "12월 입주자대표회의 안내"
    detail = (await sender.press("📨 전송결과 보기"))[-1]
    assert shown("ko", "sms.preview.subject", subject="12월 입주자대표회의 안내") in detail.text


async def test_a_new_short_text_drops_the_subject_and_a_restart_keeps_the_subject_step(sender, bot):
    await to_every_representative(sender, LONG_TEXT)
    await bot.restart()
    preview = (await sender.send("회의 안내"))[-1]  # typed as the subject after the restart
    assert shown("ko", "sms.preview.subject", subject="회의 안내") in preview.text
    await sender.press("✏️ 문구 고치기")
    short = (await sender.send("짧은 안내입니다."))[-1]
    assert "문자 유형: SMS(단문)" in short.text and "제목:" not in short.text
    assert not short.has_button("🏷 제목 바꾸기")


async def test_a_kill_after_the_subject_asks_for_it_again_and_the_preview_buttons_are_outdated(
    sender, bot, kill, monkeypatch
):
    await to_every_representative(sender, LONG_TEXT)
    await bot.app.update_persistence()  # the last periodic flush before the kill: the subject step
    stop_saving(bot, monkeypatch)
    preview = (await sender.press("👍 기본 제목으로 하기"))[-1]
    await kill()  # the composition is back at the subject, which the dead process never saved

    asked = (await sender.press("👥 받는 사람 보기 (13명)", message=preview))[-1]
    assert sender.callback_answers[-1] == (shown("ko", "common.screen_outdated"), False)
    assert asked.text.startswith(shown("ko", "sms.subject.ask", length=97, limit=60))
    preview = (await sender.press("👍 기본 제목으로 하기", message=asked))[-1]
    listed = (await sender.press("👥 받는 사람 보기 (13명)", message=preview))[-1]
    assert f"\n1. 김대표1 · 회장 · {COMPLEX} · 010-****-5000\n" in listed.text
