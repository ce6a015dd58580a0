"""Stories of people using bots through the emulator, with python-telegram-bot as the real client."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.emulator import BotApiEmulator, run_console
from bot.emulator.echo import build_echo_application, emulator_builder, start_polling_app, stop_polling_app
from bot.processor import PerConversationUpdateProcessor

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
PAGES = 3


def page_keyboard(page: int) -> InlineKeyboardMarkup:
    row = []
    if page > 1:
        row.append(InlineKeyboardButton("◀ 이전", callback_data=f"page:{page - 1}"))
    if page < PAGES:
        row.append(InlineKeyboardButton("다음 ▶", callback_data=f"page:{page + 1}"))
    return InlineKeyboardMarkup([row])


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("<b>1쪽</b>", parse_mode=ParseMode.HTML, reply_markup=page_keyboard(1))


async def turn_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    kind, _, number = query.data.partition(":")
    if kind != "page" or not number.isdigit() or not 1 <= int(number) <= PAGES:
        await query.answer("이 버튼은 더 이상 쓸 수 없어요", show_alert=True)
        return
    await query.answer()
    page = int(number)
    await query.edit_message_text(f"<b>{page}쪽</b>", parse_mode=ParseMode.HTML, reply_markup=page_keyboard(page))


async def ask_then_notice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question with buttons, then a notification without any (a daily reminder arriving just then)."""
    await menu(update, context)
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, "🔔 알림입니다")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = context.args[0] if context.args else "없음"
    await update.effective_message.reply_text(f"시작: {payload}")


async def notify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None and context.args
    await context.bot.send_message(int(context.args[0]), f"{update.effective_user.first_name}님이 부릅니다")
    await update.effective_message.reply_text("보냈어요")


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"고쳐 쓴 글: {update.edited_message.text}")


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_document(
        bytes(data).upper(), filename="답장.txt", caption=f"{message.document.file_name}: {len(data)}바이트"
    )


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.photo
    data = await (await message.photo[-1].get_file()).download_as_bytearray()
    await message.reply_photo(bytes(data), caption="사진 잘 받았어요")


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.location is not None
    point = message.location
    await message.reply_location(latitude=point.latitude, longitude=point.longitude)
    await message.reply_venue(
        latitude=point.latitude + 0.001, longitude=point.longitude, title="왕십리역", address="왕십리로 지하 300"
    )


async def remember_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.bot_data.setdefault("errors", []).append(context.error)


def build_story_bot(emu: BotApiEmulator) -> Application[Any, Any, Any, Any, Any, Any]:
    app = emulator_builder(emu.api_root, emu.token).build()
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("ask", ask_then_notice))
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("notify", notify))
    app.add_handler(CallbackQueryHandler(turn_page))
    app.add_handler(MessageHandler(filters.Document.ALL, document))
    app.add_handler(MessageHandler(filters.PHOTO, photo))
    app.add_handler(MessageHandler(filters.LOCATION, location))
    app.add_error_handler(remember_error)
    return app


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot", bot_name="동네") as emulator:
        yield emulator


@pytest.fixture
async def story_bot(emu: BotApiEmulator) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    app = build_story_bot(emu)
    await start_polling_app(app)
    try:
        yield app
    finally:
        await stop_polling_app(app)


async def test_the_echo_bot_answers_over_real_http(emu: BotApiEmulator) -> None:
    app = build_echo_application(emu.api_root, emu.token)
    await start_polling_app(app)
    try:
        user = emu.user(1001, first_name="길동", last_name="홍")
        (reply,) = await user.send("안녕하세요 <김&이>")
        assert (reply.text, reply.kind, reply.chat_id) == ("안녕하세요 <김&이>", "text", 1001)
        assert reply.message_id == user.sent_message_ids[0] + 1
        assert [m.text for m in user.messages] == ["안녕하세요 <김&이>"]
        assert [name for name, _params, _ok in emu.call_log][:2] == ["getMe", "deleteWebhook"]
    finally:
        await stop_polling_app(app)
    assert emu.calls("getUpdates")[-1]["timeout"] == 0  # PTB confirms the last update on shutdown


async def test_paging_through_a_menu_with_buttons(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001, first_name="길동")
    (menu_message,) = await user.send("/menu")
    assert (menu_message.text, menu_message.html, menu_message.button_texts()) == ("1쪽", "<b>1쪽</b>", ["다음 ▶"])
    (page_two,) = await user.press("다음 ▶")
    assert page_two.message_id == menu_message.message_id
    assert (page_two.text, page_two.edit_count, page_two.button_texts()) == ("2쪽", 1, ["◀ 이전", "다음 ▶"])
    assert user.callback_answers == [(None, False)]
    (page_three,) = await user.press("다음 ▶")
    assert not page_three.has_button("다음 ▶") and page_three.edit_count == 2
    assert len(user.messages) == 1  # edits replace, they do not add

    # A second tap on the keyboard the phone still showed before the edit arrived.
    await user.press("다음 ▶", message=page_two)
    assert emu.errors[-1][1].startswith("Bad Request: message is not modified")
    assert "not modified" in str(story_bot.bot_data["errors"][-1])
    with pytest.raises(LookupError, match="no button"):
        await user.press("없는 버튼")


async def test_an_old_menu_keeps_working_and_forged_data_is_refused(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001)
    (old,) = await user.send("/menu@dongne_test_bot")
    (new,) = await user.send("/menu")
    (edited_old,) = await user.press("다음 ▶", message=old)
    assert edited_old.message_id == old.message_id and edited_old.text == "2쪽"
    assert user.messages[1].text == "1쪽" == new.text
    assert await user.press_data(new, "page:99") == []
    assert user.callback_answers[-1] == ("이 버튼은 더 이상 쓸 수 없어요", True)


async def test_deep_links_start_the_bot_with_their_payload(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001)
    (reply,) = await user.open_start_link("https://t.me/dongne_test_bot?start=complex_42-A")
    assert reply.text == "시작: complex_42-A"
    (reply,) = await user.open_start_link("tg://resolve?domain=Dongne_Test_Bot&start=x")
    assert reply.text == "시작: x"
    for bad in ("a b", "쉐르빌", "x" * 65, "", "a.b"):
        with pytest.raises(ValueError, match="start payload"):
            await user.open_start_link(f"https://t.me/dongne_test_bot?start={bad}")
    with pytest.raises(ValueError, match="not @dongne_test_bot"):
        await user.open_start_link("https://t.me/other_bot?start=abc")
    assert [p["text"] for p in emu.calls("sendMessage")] == ["시작: complex_42-A", "시작: x"]


async def test_editing_a_sent_message_reaches_the_bot(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001)
    await user.send("/start")
    (reply,) = await user.edit(user.sent_message_ids[0], "/start 고침")
    assert reply.text == "고쳐 쓴 글: /start 고침"


async def test_a_notification_reaches_the_other_user(emu: BotApiEmulator, story_bot: Any) -> None:
    caller, callee = emu.user(1001, first_name="길동"), emu.user(1002, first_name="춘향")
    await callee.send("/start")
    replies = await caller.send("/notify 1002")
    assert [m.text for m in replies] == ["보냈어요"]
    note = await callee.wait_for_message(lambda m: "부릅니다" in m.text, timeout=1)
    assert note.text == "길동님이 부릅니다" and callee.last_message == note
    with pytest.raises(TimeoutError):
        await callee.wait_for_message(timeout=0.1)


async def test_documents_and_photos_travel_both_ways(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001)
    (reply,) = await user.send_document("단지목록.csv", b"name,units\nabc,10\n", mime_type="text/csv")
    assert (reply.kind, reply.file_name, reply.text) == ("document", "답장.txt", "단지목록.csv: 18바이트")
    assert reply.file_bytes == b"NAME,UNITS\nABC,10\n"
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
        "0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082"
    )
    (reply,) = await user.send_photo(png, caption="놀이터")
    assert (reply.kind, reply.text, reply.file_bytes) == ("photo", "사진 잘 받았어요", png)
    assert [p["file_id"] for p in emu.calls("getFile")] and all(ok for _m, _p, ok in emu.call_log)


async def test_ptb_sees_flood_control_and_forbidden(
    emu: BotApiEmulator, story_bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns about int retry_after unless opted in to timedeltas; warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    emu.user(1001).send_nowait("안녕")
    emu.fail_next("sendMessage", "flood", retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await story_bot.bot.send_message(1001, "x")
    assert flood.value.retry_after == dtm.timedelta(seconds=3)
    emu.user(1003)
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await story_bot.bot.send_message(1003, "처음 뵙겠습니다")


async def test_a_bot_that_stays_silent_times_out_with_a_reason(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001)
    with pytest.raises(TimeoutError, match="made no call for chat 1001"):
        await user.send("그냥 하는 말", timeout=0.3)
    assert await user.send("또 하는 말", expect_reply=False, settle=0.05) == []


async def two_replies(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Replies, works on for longer than a user's quiet period, then replies again."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("접수했습니다")
    await asyncio.sleep(QUIET * 4)
    await update.effective_message.reply_text("처리했습니다")


async def silent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    return None


QUIET = 0.1


@pytest.fixture
async def reporting_bot(emu: BotApiEmulator) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A bot whose update processor tells the emulator when it has finished handling each update."""
    processor = PerConversationUpdateProcessor(max_concurrent_updates=8, on_handled=emu.connect_handling())
    app = emulator_builder(emu.api_root, emu.token).concurrent_updates(processor).build()
    app.add_handler(CommandHandler("two", two_replies))
    app.add_handler(MessageHandler(filters.TEXT, silent))
    await start_polling_app(app)
    try:
        yield app
    finally:
        await stop_polling_app(app)


async def test_a_user_waits_until_the_bot_has_handled_the_message_not_for_a_quiet_chat(
    emu: BotApiEmulator, reporting_bot: Any
) -> None:
    first, second = emu.user(1001), emu.user(1002)
    mine, theirs = await asyncio.gather(first.send("/two", settle=QUIET), second.send("/two", settle=QUIET))
    assert [m.text for m in mine] == [m.text for m in theirs] == ["접수했습니다", "처리했습니다"]
    assert await first.send("혼잣말", expect_reply=False) == []
    with pytest.raises(TimeoutError, match=r"handled update .* without a call for chat 1001"):
        await first.send("혼잣말")


async def test_a_bot_that_is_not_polling_times_out_with_a_reason(emu: BotApiEmulator) -> None:
    with pytest.raises(TimeoutError, match="did not fetch update"):
        await emu.user(1001).send("여보세요", timeout=0.1)


async def test_locations_and_venues_travel_both_ways(emu: BotApiEmulator, story_bot: Any) -> None:
    user = emu.user(1001)
    sent, venue = await user.send_location(37.5613, 127.038)
    assert (sent.kind, sent.location, sent.text) == ("location", (37.5613, 127.038), "")
    assert (venue.kind, venue.venue_title, venue.venue_address) == ("venue", "왕십리역", "왕십리로 지하 300")
    assert venue.location == pytest.approx((37.5623, 127.038))
    assert [c for c, _p, _ok in emu.call_log if c in ("sendLocation", "sendVenue")] == ["sendLocation", "sendVenue"]


async def test_chatting_in_the_terminal(emu: BotApiEmulator, story_bot: Any) -> None:
    typed = iter(["1", "9", "그냥 하는 말", "@37.5613, 127.0380", "/quit"])
    shown: list[str] = []

    async def read_line() -> str | None:
        await asyncio.sleep(0)
        return next(typed, None)

    await run_console(emu.user(1001), read_line=read_line, write=shown.append, first_input="/menu", reply_timeout=0.3)
    assert shown == [
        "동네 봇 에뮬레이터입니다. 번호를 입력하면 버튼을 누릅니다. "
        "위치 보내기: @위도,경도 (예: @37.5613,127.0380). 종료: /quit",
        "1쪽",
        "[1] 다음 ▶",
        "(수정됨) 2쪽",
        "[1] ◀ 이전  [2] 다음 ▶",
        "9번 버튼이 없습니다.",
        "(봇이 응답하지 않았습니다)",
        "[1] ◀ 이전  [2] 다음 ▶",
        "[위치 37.5613, 127.038]",
        "[장소 왕십리역 · 왕십리로 지하 300 (37.5623, 127.038)]",
        "대화를 마칩니다.",
    ]


async def test_a_notice_after_a_question_leaves_the_questions_buttons_to_press(
    emu: BotApiEmulator, story_bot: Any
) -> None:
    typed = iter(["1", "/quit"])
    shown: list[str] = []

    async def read_line() -> str | None:
        await asyncio.sleep(0)
        return next(typed, None)

    await run_console(emu.user(1002), read_line=read_line, write=shown.append, first_input="/ask", greeting="")
    assert shown[1:] == [
        "1쪽",
        "🔔 알림입니다",
        "[1] 다음 ▶",
        "(수정됨) 2쪽",
        "[1] ◀ 이전  [2] 다음 ▶",
        "대화를 마칩니다.",
    ]


async def test_the_console_shows_media_and_ends_on_eof(emu: BotApiEmulator, story_bot: Any) -> None:
    shown: list[str] = []

    async def end_of_input() -> str | None:
        return None

    user = emu.user(1001)
    await user.send_document("a.txt", b"abc")
    await run_console(user, read_line=end_of_input, write=shown.append, first_input=None, language="en")
    assert shown == [
        "Dongne bot emulator. Type a number to press that button. "
        "Share a location: @latitude,longitude (e.g. @37.5613,127.0380). Quit: /quit",
        "Bye.",
    ]
    await run_console(user, read_line=end_of_input, write=shown.append, first_input="/start", greeting="")
    assert shown[-4:] == ["", "[문서 답장.txt]\na.txt: 3바이트", "시작: 없음", "대화를 마칩니다."]
