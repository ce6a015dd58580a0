"""Nothing is lost when the bot process restarts in the middle of a dialogue."""

from core.housing.lookup import PAGE_SIZE
from tests.builders import make_complex
from tests.conversations.conftest import shown


async def test_the_officer_continues_the_dialogue_after_a_restart(bot, officer, uow_factory):
    await make_complex(uow_factory)
    assert (await officer.send("/complex"))[-1].text == shown("ko", "lookup.ask_name")
    await bot.restart()
    card = (await officer.send("쉐르빌"))[-1]
    assert card.text.startswith("🏢 성동삼성쉐르빌")


async def test_paging_continues_after_a_restart(bot, officer, uow_factory):
    for i in range(PAGE_SIZE + 1):
        await make_complex(uow_factory, name=f"두산위브{i:02d}")
    results = (await officer.send("/complex 두산위브"))[-1]
    await bot.restart()
    page2 = (await officer.press("다음 ▶", message=results))[-1]
    assert page2.button_texts()[0] == "두산위브08 · 왕십리도선동"


async def test_a_killed_process_keeps_what_was_flushed(bot, officer, uow_factory, runtime):
    await make_complex(uow_factory)
    await officer.send("/complex")
    await bot.app.update_persistence()  # what the periodic flush does every few seconds
    # A kill skips the clean stop: start a second application without stopping the first cleanly.
    first = bot.app
    await bot.stop_taking_updates()
    bot.app = None
    await bot.start()
    card = (await officer.send("쉐르빌"))[-1]
    assert card.text.startswith("🏢 성동삼성쉐르빌")
    await first.stop()
    await first.shutdown()
