"""Garbage, overlong text, forged and stale buttons: a clear reply each time, and nothing changes."""

import pytest

from core.housing.lookup import PAGE_SIZE
from core.text_input import MAX_QUERY_LENGTH
from tests.builders import make_complex
from tests.conversations.conftest import shown


async def test_overlong_and_garbage_text_at_every_step(officer, uow_factory):
    await make_complex(uow_factory)
    too_long = shown("ko", "error.search_too_long", limit=MAX_QUERY_LENGTH)
    assert (await officer.send("가" * 5000))[-1].text == shown("ko", "common.use_menu")  # outside a dialogue
    await officer.send("/complex")
    assert (await officer.send("가" * 5000))[-1].text == too_long
    assert (await officer.send("/complex " + "x" * 4000))[-1].text == too_long
    for garbage in ("'; DROP TABLE complex; --", "%%%", "😀🏠", "\u200b\u200b"):
        reply = (await officer.send(garbage))[-1]
        assert reply.text in (
            shown("ko", "lookup.no_match", query=" ".join(garbage.split())),
            shown("ko", "error.search_empty"),
        )
    assert (await officer.send("쉐르빌"))[-1].text.startswith("🏢 성동삼성쉐르빌")  # still intact


async def test_unknown_commands_and_edits_get_a_polite_answer(officer):
    assert (await officer.send("/frobnicate"))[-1].text == shown("ko", "common.unknown_command")
    first = officer.sent_message_ids[0]
    assert (await officer.edit(first, "/complex"))[-1].text == shown("ko", "common.edited_ignored")


@pytest.mark.parametrize(
    "forged",
    [
        "cx:open:abc",
        "cx:open:99999999999",
        "cx:sec:1:passwords:0",
        "cx:q:0:zzzzzzzz",
        "cx:dong:1:99999999",
        "zz:evil",
        "lang:xx",
        "menu:nothing",
        "",
        "cx:open:1;DROP",
    ],
)
async def test_forged_button_data_is_refused_politely(officer, uow_factory, forged):
    await make_complex(uow_factory)
    menu = (await officer.send("/start"))[-1]
    before = len(officer.messages)
    replies = await officer.press_data(menu, forged or "x", expect_reply=False)
    await officer.wait_for_answers(1)  # every press is answered
    text, alert = officer.callback_answers[-1]
    if text is not None:
        assert alert and text in (shown("ko", "common.button_invalid"), shown("ko", "error.stale_search"))
    assert all(m.text in (shown("ko", "error.not_found"), shown("ko", "error.stale_search")) for m in replies)
    assert len(officer.messages) - before == len([m for m in replies if m.message_id > menu.message_id])


async def test_a_card_button_for_a_complex_that_does_not_exist(officer, uow_factory):
    await make_complex(uow_factory)
    card = (await officer.send("/complex 쉐르빌"))[-1]
    replies = await officer.press_data(card, "cx:open:424242")
    assert replies[-1].text == shown("ko", "error.not_found")


async def test_a_page_button_from_an_earlier_search_is_stale(officer, uow_factory):
    for i in range(PAGE_SIZE + 1):
        await make_complex(uow_factory, name=f"자이{i:02d}")
        await make_complex(uow_factory, name=f"힐스테이트{i:02d}")
    old = (await officer.send("/complex 자이"))[-1]
    await officer.send("힐스테이트")
    replies = await officer.press("다음 ▶", message=old)
    assert replies[-1].text == shown("ko", "error.stale_search")


async def test_buttons_of_an_ended_dialogue_still_open_what_they_show(officer, uow_factory):
    await make_complex(uow_factory, representatives=7)
    card = (await officer.send("/complex 쉐르빌"))[-1]
    await officer.send("/cancel")
    section = (await officer.press("입주자대표 (7명)", message=card))[-1]
    assert "1. 회장 김대표1" in section.text


async def test_telegram_refusing_an_answer_or_an_edit_does_not_reach_the_user(officer, uow_factory, emulator):
    for i in range(PAGE_SIZE + 2):
        await make_complex(uow_factory, name=f"센트라스{i:02d}")
    results = (await officer.send("/complex 센트라스"))[-1]
    emulator.fail_next("answerCallbackQuery", "query_too_old")
    page2 = (await officer.press("다음 ▶", message=results))[-1]
    assert "센트라스09 · 왕십리도선동" in page2.button_texts()
    emulator.fail_next("editMessageText", "not_modified")
    await officer.press("◀ 이전", message=page2, expect_reply=False)
    assert not [m for m in officer.messages if m.text == shown("ko", "error.unexpected")]


async def test_a_flood_limit_is_waited_out(officer, uow_factory, emulator):
    await make_complex(uow_factory)
    emulator.fail_next("sendMessage", "flood", retry_after=1)
    # The reply comes once the bot has waited out the limit; the user's wait ends when it has.
    *_, card = await officer.send("/complex 쉐르빌")
    assert card.text.startswith("🏢 성동삼성쉐르빌")
    assert [ok for name, _params, ok in emulator.call_log if name == "sendMessage"][-2:] == [False, True]


@pytest.mark.parametrize("text", ["/complex 쉐르\x00빌", "쉐르\x00빌", "쉐르\x1b빌"])
async def test_text_with_a_control_character_is_refused_politely_and_the_step_stays(officer, uow_factory, text):
    await make_complex(uow_factory)
    await officer.send("/complex")
    assert [m.text for m in await officer.send(text)] == [shown("ko", "error.unsafe_text")]
    assert (await officer.send("쉐르빌"))[-1].text.startswith("🏢 성동삼성쉐르빌")  # still in the search step


async def test_a_button_with_a_control_character_is_refused_with_an_alert(officer):
    menu = (await officer.send("/start"))[-1]
    assert await officer.press_data(menu, "cx:q:0:\x00", expect_reply=False) == []
    assert officer.callback_answers[-1] == (shown("ko", "error.unsafe_text"), True)
