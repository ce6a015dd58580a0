"""/help and Telegram's command menu offer each member only what their roles let them use."""

import asyncio

from sqlalchemy import update

from core.staff.directory import SYSTEM_ACTOR
from storage.staff.models import Staff
from tests.builders import grant, make_staff
from tests.conversations.conftest import STAFF_TELEGRAM_ID, shown

GUEST = ["start", "language", "help"]
HOUSING_OFFICER = [
    "start",
    "complex",
    "rep",
    "complaints",
    "housing_stats",
    "housing_export",
    "language",
    "help",
    "cancel",
]
COORDINATOR = ["start", "cases", "newcase", "approvals", "stats", "language", "help", "cancel"]


def names(chat):
    return [command for command, _ in chat.command_menu()]


async def test_a_housing_officer_is_offered_the_complex_lookup_and_nothing_of_benchmarking_or_sms(officer):
    help_text = (await officer.send("/help"))[-1].text

    assert help_text.startswith(shown("ko", "help.head"))
    assert shown("ko", "help.line.complex") in help_text and shown("ko", "help.tip_masked") in help_text
    for command in ("/stats", "/newcase", "/approvals", "/cases", "/sms", "/sms_results"):
        assert command not in help_text
    assert names(officer) == HOUSING_OFFICER
    assert ("complex", "공동주택 단지 조회") in officer.command_menu()


async def test_a_coordinator_is_offered_benchmarking_and_not_the_complex_lookup(team):
    _, _, coordinator, officer = team
    help_text = (await coordinator.send("/help"))[-1].text

    assert shown("ko", "help.line.stats") in help_text and shown("ko", "help.line.approvals") in help_text
    assert "/complex" not in help_text and "/sms" not in help_text
    assert shown("ko", "help.tip_search").strip() not in help_text  # a tip for the complex lookup only
    assert names(coordinator) == COORDINATOR
    assert names(officer) == ["start", "cases", "language", "help", "cancel"]  # an executing department


async def test_someone_not_yet_bound_sees_how_to_begin_and_gets_their_commands_once_bound(bot, services, emulator):
    newcomer = emulator.user(2001, language_code="ko")
    assert names(newcomer) == GUEST
    assert (await newcomer.send("/help"))[-1].text == shown("ko", "help.guest")
    assert (await newcomer.send("/language"))[-1].text == shown("ko", "language.guest")
    assert (await newcomer.send("/complex"))[-1].text == shown("ko", "gate.not_bound")
    english = emulator.user(2002, language_code="en")
    assert english.command_menu()[0] == ("start", "Start / main menu")

    _, issued = await services.staff.add_staff(
        SYSTEM_ACTOR, saeol_id="hong01", name="홍길동", department="공동주택과", permissions=["housing.read"]
    )
    await newcomer.send(f"/start {issued.code}")
    assert names(newcomer) == HOUSING_OFFICER


async def test_a_role_granted_on_the_admin_pages_reaches_help_and_the_menu_by_the_next_message(
    officer, services, uow_factory
):
    await officer.send("/start")
    member = await services.staff.identify(STAFF_TELEGRAM_ID)
    await grant(uow_factory, member, "sms.send")

    help_text = (await officer.send("/help"))[-1].text
    assert shown("ko", "help.line.sms") in help_text and shown("ko", "help.line.sms_results") in help_text
    assert names(officer) == [
        "start",
        "complex",
        "rep",
        "complaints",
        "housing_stats",
        "housing_export",
        "sms",
        "sms_results",
        "language",
        "help",
        "cancel",
    ]


async def test_a_deactivated_member_falls_back_to_the_guests_menu(officer, uow_factory):
    await officer.send("/start")
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Staff).values(active=False))
        await uow.commit()
    assert (await officer.send("/help"))[-1].text == shown("ko", "gate.inactive")
    assert names(officer) == GUEST


async def test_an_english_speaking_member_gets_their_menu_in_english(officer):
    await officer.send("/language")
    await officer.press("English")
    assert ("complex", "Look up a housing complex") in officer.command_menu()
    assert (await officer.send("/help"))[-1].text.startswith(shown("en", "help.head"))


async def test_every_bound_member_gets_their_menu_when_the_bot_starts_before_writing_anything(bot, services, emulator):
    await make_staff(services, saeol_id="lee01", name="이영희", telegram_id=3001)
    quiet = emulator.user(3001, language_code="ko")
    await bot.restart()
    for _ in range(200):  # set beside the polling, so it may land a moment after the start
        if names(quiet) == HOUSING_OFFICER:
            break
        await asyncio.sleep(0.05)
    assert names(quiet) == HOUSING_OFFICER
