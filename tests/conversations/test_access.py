"""Who may talk to the bot: binding with a link code, and refusals for everyone else."""

from datetime import timedelta

from sqlalchemy import update

from core.staff.directory import MAX_FAILED_ATTEMPTS, SYSTEM_ACTOR
from storage.staff.models import Staff
from tests.conversations.conftest import shown


async def issue_code(services, saeol_id="hong01"):
    _, issued = await services.staff.add_staff(
        SYSTEM_ACTOR, saeol_id=saeol_id, name="홍길동", department="공동주택과", permissions=["housing.read"]
    )
    return issued.code


async def test_a_new_officer_taps_the_deep_link_and_is_bound(bot, services, emulator):
    code = await issue_code(services)
    newcomer = emulator.user(2001)
    replies = await newcomer.open_start_link(f"https://t.me/dongne_test_bot?start={code}")
    assert replies[0].text == shown("ko", "start.bound", name="홍길동", department="공동주택과")
    assert replies[-1].text == shown("ko", "start.menu", name="홍길동")
    replies = await newcomer.send("/complex")
    assert replies[-1].text == shown("ko", "lookup.ask_name")


async def test_strangers_are_refused_on_every_kind_of_update(bot, emulator):
    stranger = emulator.user(3001, language_code="ko")
    refusal = shown("ko", "gate.not_bound")
    for text in ("안녕하세요", "/complex 쉐르빌", "/start", "/cancel"):
        replies = await stranger.send(text)
        assert [m.text for m in replies] == [refusal]
    # Only what the guest's command menu offers answers: how to begin, and in which language.
    assert [m.text for m in await stranger.send("/help")] == [shown("ko", "help.guest")]
    replies = await stranger.edit(stranger.sent_message_ids[0], "수정")
    assert [m.text for m in replies] == [refusal]
    english = emulator.user(3002, language_code="en-US")
    assert (await english.send("hello"))[0].text == shown("en", "gate.not_bound")


async def test_wrong_reused_and_expired_codes_are_refused(bot, services, emulator, clock):
    code = await issue_code(services)
    first, second = emulator.user(2001), emulator.user(2002)
    rejected = shown("ko", "error.link_code_rejected")
    assert (await first.send("/start WRONGCODE1"))[-1].text == rejected
    assert (await first.send(f"/start {code}"))[0].text.startswith("✅")
    assert (await second.send(f"/start {code}"))[-1].text == rejected  # used once already
    later = await issue_code(services, saeol_id="lee02")
    clock.advance(timedelta(hours=25))
    assert (await second.send(f"/start {later}"))[-1].text == rejected
    assert (await second.send("/complex"))[-1].text == shown("ko", "gate.not_bound")


async def test_guessing_codes_is_throttled(bot, services, emulator):
    code = await issue_code(services)
    guesser = emulator.user(2666)
    for i in range(MAX_FAILED_ATTEMPTS):
        await guesser.send(f"/start GUESS{i:05d}")
    replies = await guesser.send(f"/start {code}")
    assert replies[-1].text == shown("ko", "error.too_many_attempts", minutes=15)
    assert (await guesser.send("/complex"))[-1].text == shown("ko", "gate.not_bound")


async def test_a_deactivated_officer_is_refused_from_the_next_update_even_on_old_buttons(officer, uow_factory):
    menu = (await officer.send("/start"))[-1]
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Staff).values(active=False))
        await uow.commit()
    assert (await officer.send("/complex"))[-1].text == shown("ko", "gate.inactive")
    await officer.press("🏢 단지 조회", message=menu)
    assert officer.callback_answers[-1] == (shown("ko", "gate.inactive"), True)


async def test_the_default_command_menu_is_the_guests_in_korean_and_english(bot, emulator):
    """Each member's own menu, by their roles, is set per chat (tests/conversations/test_help.py)."""
    korean = dict(emulator.commands())
    english = dict(emulator.commands(language_code="en"))
    assert korean["help"] == "도움말"
    assert english["help"] == "Help"
    assert set(korean) == set(english) == {"start", "language", "help"}
