"""The emulator as a Bot API server, driven by a hand-written HTTP client playing the bot."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import BotApiEmulator, EmulatedUser

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


class Client:
    """Plays the bot: calls methods the way different HTTP clients encode them."""

    def __init__(self, session: aiohttp.ClientSession, emu: BotApiEmulator) -> None:
        self.session = session
        self.emu = emu

    async def call(self, method: str, how: str = "form", token: str = TOKEN, **params: Any) -> tuple[int, Any]:
        url = f"{self.emu.api_root}/bot{token}/{method}"
        as_strings = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items() if how != "multipart"}
        if how == "json":
            request = self.session.post(url, json=params)
        elif how == "get":
            request = self.session.get(url, params=as_strings)
        elif how == "multipart":
            form = aiohttp.FormData()
            for key, value in params.items():
                if isinstance(value, tuple):
                    form.add_field(key, value[1], filename=value[0], content_type=value[2])
                else:
                    form.add_field(key, value if isinstance(value, str) else json.dumps(value))
            request = self.session.post(url, data=form)
        else:
            request = self.session.post(url, data=as_strings)
        async with request as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, **params)
        assert body["ok"] is False and body["error_code"] == status, body
        return status, body["description"]


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot", bot_name="동네") as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(session, emu)


@pytest.fixture
def user(emu: BotApiEmulator) -> EmulatedUser:
    """A user who has already written to the bot (so the bot may message them)."""
    person = emu.user(1001, first_name="길동", last_name="홍")
    person.send_nowait("/start")
    return person


async def test_tokens_methods_and_case_insensitive_names(bot: Client, emu: BotApiEmulator) -> None:
    assert await bot.call("getMe", token="123456:WRONG-token-abcdefghijklmnopq") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert await bot.error("getMee") == (404, "Not Found")
    me = await bot.ok("GETME", how="get")
    assert me["id"] == 123456 and me["is_bot"] is True and me["username"] == "dongne_test_bot"
    assert me["first_name"] == "동네" and emu.bot_id == 123456


async def test_every_body_encoding_is_understood(bot: Client, emu: BotApiEmulator, user: EmulatedUser) -> None:
    markup = {"inline_keyboard": [[{"text": "다음 ▶", "callback_data": "page:2"}]]}
    for how in ("form", "json", "get", "multipart"):
        sent = await bot.ok(
            "sendMessage", how=how, chat_id=user.id, text=f"<b>{how}</b>", parse_mode="HTML", reply_markup=markup
        )
        assert sent["text"] == how and sent["reply_markup"] == markup
        assert sent["entities"] == [{"type": "bold", "offset": 0, "length": len(how)}]
    assert [m.text for m in user.messages] == ["form", "json", "get", "multipart"]
    assert all(m.button_texts() == ["다음 ▶"] and m.html == f"<b>{m.text}</b>" for m in user.messages)
    # The call log holds decoded values whatever the encoding was.
    assert all(p["chat_id"] == 1001 and p["reply_markup"] == markup for p in emu.calls("sendMessage"))


async def test_get_updates_confirms_with_offset_and_honours_limit(bot: Client, user: EmulatedUser) -> None:
    user.send_nowait("둘째")
    user.send_nowait("셋째")
    first = await bot.ok("getUpdates")
    assert [u["message"]["text"] for u in first] == ["/start", "둘째", "셋째"]
    ids = [u["update_id"] for u in first]
    assert ids == list(range(ids[0], ids[0] + 3))
    assert first[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert first[0]["message"]["chat"] == {"id": 1001, "type": "private", "first_name": "길동", "last_name": "홍"}
    # Unconfirmed updates come again; an offset confirms (drops) everything before it.
    assert [u["update_id"] for u in await bot.ok("getUpdates")] == ids
    assert [u["update_id"] for u in await bot.ok("getUpdates", offset=ids[1], limit=1)] == [ids[1]]
    assert [u["update_id"] for u in await bot.ok("getUpdates", offset=ids[1])] == ids[1:]
    assert [u["update_id"] for u in await bot.ok("getUpdates", offset=-1)] == [ids[2]]
    assert await bot.ok("getUpdates", offset=ids[2] + 1) == []


async def test_a_long_poll_wakes_as_soon_as_an_update_arrives(bot: Client, emu: BotApiEmulator) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.ok("getUpdates", timeout=0.2) == []
    assert loop.time() - started >= 0.2
    poll = asyncio.create_task(bot.ok("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    started = loop.time()
    replies = await emu.user(1002).send("깨워", expect_reply=False, settle=0)
    updates = await poll
    assert replies == [] and [u["message"]["text"] for u in updates] == ["깨워"]
    assert loop.time() - started < 0.5


async def test_a_second_poller_terminates_the_first(bot: Client) -> None:
    first = asyncio.create_task(bot.call("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.call("getUpdates", timeout=0.1))
    status, body = await first
    assert status == 409 and body["description"].startswith("Conflict: terminated by other getUpdates")
    assert (await second)[0] == 200


async def test_webhook_blocks_polling_until_deleted(bot: Client, emu: BotApiEmulator) -> None:
    assert await bot.error("setWebhook", url="http://example.com/hook") == (
        400,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    )
    assert await bot.ok("setWebhook", url="https://example.com/hook") is True
    assert (await bot.ok("getWebhookInfo"))["url"] == "https://example.com/hook" == emu.webhook_url
    assert await bot.error("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    )
    assert await bot.ok("deleteWebhook") is True
    assert await bot.ok("getUpdates") == []


async def test_text_length_is_counted_after_parsing_in_utf16(bot: Client, user: EmulatedUser) -> None:
    assert (await bot.ok("sendMessage", chat_id=user.id, text="가" * 4096))["text"] == "가" * 4096
    assert await bot.ok("sendMessage", chat_id=user.id, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    too_long = (400, "Bad Request: message is too long")
    assert await bot.error("sendMessage", chat_id=user.id, text="x" * 4097) == too_long
    assert await bot.error("sendMessage", chat_id=user.id, text="😀" * 2049) == too_long
    empty = (400, "Bad Request: message text is empty")
    assert await bot.error("sendMessage", chat_id=user.id, text="") == empty
    assert await bot.error("sendMessage", chat_id=user.id, text=" \n ") == empty
    assert await bot.error("sendMessage", chat_id=user.id, text="<b></b>", parse_mode="HTML") == empty


async def test_captions_photos_and_documents_over_multipart(bot: Client, user: EmulatedUser) -> None:
    photo = ("chart.png", tiny_png(), "image/png")
    sent = await bot.ok(
        "sendPhoto", how="multipart", chat_id=str(user.id), photo=photo, caption="<i>차트</i>", parse_mode="HTML"
    )
    assert sent["photo"][0]["width"] == 1 and sent["caption"] == "차트"
    assert await bot.error("sendPhoto", how="multipart", chat_id=str(user.id), photo=photo, caption="x" * 1025) == (
        400,
        "Bad Request: message caption is too long",
    )
    not_image = ("a.png", b"not an image", "image/png")
    assert await bot.error("sendPhoto", how="multipart", chat_id=str(user.id), photo=not_image) == (
        400,
        "Bad Request: IMAGE_PROCESS_FAILED",
    )
    doc = await bot.ok(
        "sendDocument", how="multipart", chat_id=str(user.id), document=("목록.csv", b"a,b\n", "text/csv")
    )
    again = await bot.ok("sendDocument", chat_id=user.id, document=doc["document"]["file_id"])
    assert again["document"]["file_unique_id"] == doc["document"]["file_unique_id"]
    assert await bot.error("sendDocument", chat_id=user.id, document="no-such-file-id") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    kinds = [(m.kind, m.file_name, m.file_bytes, m.text) for m in user.messages]
    assert kinds[0] == ("photo", "chart.png", tiny_png(), "차트")
    assert kinds[1:] == [("document", "목록.csv", b"a,b\n", "")] * 2


async def test_keyboards_are_validated_like_telegram(bot: Client, user: EmulatedUser) -> None:
    def markup(*buttons: dict[str, Any]) -> dict[str, Any]:
        return {"inline_keyboard": [list(buttons)]}

    fits = "가" * 21 + "a"  # 64 bytes in UTF-8
    assert await bot.ok(
        "sendMessage", chat_id=user.id, text="ok", reply_markup=markup({"text": "t", "callback_data": fits})
    )
    for data in ("가" * 22, "x" * 65, ""):
        assert await bot.error(
            "sendMessage", chat_id=user.id, text="x", reply_markup=markup({"text": "t", "callback_data": data})
        ) == (400, "Bad Request: BUTTON_DATA_INVALID")
    _, reason = await bot.error("sendMessage", chat_id=user.id, text="x", reply_markup=markup({"text": "t"}))
    assert reason.startswith("Bad Request: can't parse inline keyboard button")
    both = {"text": "t", "callback_data": "a", "url": "https://example.com"}
    assert (await bot.error("sendMessage", chat_id=user.id, text="x", reply_markup=markup(both)))[0] == 400
    many = {"inline_keyboard": [[{"text": str(i), "callback_data": str(i)}] for i in range(101)]}
    assert await bot.error("sendMessage", chat_id=user.id, text="x", reply_markup=many) == (
        400,
        "Bad Request: BUTTONS_TOO_MUCH",
    )


async def test_html_errors_reach_the_bot_as_bad_request(bot: Client, user: EmulatedUser) -> None:
    def send(text: str) -> Any:
        return bot.call("sendMessage", chat_id=user.id, text=text, parse_mode="HTML")

    status, body = await send("단지 <b>&lt;김&amp;이&gt;</b>")
    assert (status, body["result"]["text"]) == (200, "단지 <김&이>")
    assert user.last_message is not None and user.last_message.text == "단지 <김&이>"
    cases = {
        "단지 이름 <foo>": 'Unsupported start tag "foo" at byte offset 14',
        "<김&이>": 'Unsupported start tag "김&이" at byte offset 0',
        "김&이": 'Unescaped "&" at byte offset 3: write it as "&amp;"',
        "<b>굵게</i>": 'Unmatched end tag at byte offset 9, expected "</b>", found "</i>"',
        "1 < 2": 'Unsupported start tag "" at byte offset 2',
    }
    for text, reason in cases.items():
        status, body = await send(text)
        assert (status, body["description"]) == (400, f"Bad Request: can't parse entities: {reason}")
    assert await bot.error("sendMessage", chat_id=user.id, text="*x*", parse_mode="MarkdownV2") == (
        400,
        "Bad Request: parse_mode MarkdownV2 is not supported by the emulator; use HTML",
    )


async def test_edits_deletes_and_not_modified(bot: Client, user: EmulatedUser) -> None:
    keyboard = {"inline_keyboard": [[{"text": "새로고침", "callback_data": "r"}]]}
    sent = await bot.ok("sendMessage", chat_id=user.id, text="<b>목록</b>", parse_mode="HTML", reply_markup=keyboard)
    mid = sent["message_id"]
    same = {
        "chat_id": user.id,
        "message_id": mid,
        "text": "<b>목록</b>",
        "parse_mode": "HTML",
        "reply_markup": keyboard,
    }
    assert await bot.error("editMessageText", **same) == (400, NOT_MODIFIED)
    assert await bot.error("editMessageReplyMarkup", chat_id=user.id, message_id=mid, reply_markup=keyboard) == (
        400,
        NOT_MODIFIED,
    )
    # Same text without bold is a change; leaving out reply_markup removes the keyboard.
    edited = await bot.ok("editMessageText", chat_id=user.id, message_id=mid, text="목록")
    assert "reply_markup" not in edited and "entities" not in edited and edited["edit_date"] >= edited["date"]
    shown = user.last_message
    assert shown is not None and (shown.text, shown.buttons, shown.edit_count) == ("목록", [], 1)
    assert await bot.error("editMessageText", chat_id=user.id, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await bot.error("editMessageText", chat_id=user.id, message_id=user.sent_message_ids[0], text="x") == (
        400,
        "Bad Request: message can't be edited",
    )
    assert await bot.ok("deleteMessage", chat_id=user.id, message_id=mid) is True
    assert await bot.error("deleteMessage", chat_id=user.id, message_id=mid) == (
        400,
        "Bad Request: message to delete not found",
    )
    assert user.messages == []


async def test_callback_queries_must_be_answered_once_and_in_time(
    bot: Client, emu: BotApiEmulator, user: EmulatedUser
) -> None:
    keyboard = {"inline_keyboard": [[{"text": "확인", "callback_data": "ok"}]]}
    await bot.ok("sendMessage", chat_id=user.id, text="질문", reply_markup=keyboard)
    await bot.ok("getUpdates")  # the /start
    pressing = asyncio.create_task(user.press("확인", settle=0.05))
    (update,) = [u for u in await bot.ok("getUpdates", timeout=2) if "callback_query" in u]
    query = update["callback_query"]
    assert (query["data"], query["from"]["id"], query["message"]["text"]) == ("ok", user.id, "질문")
    assert await bot.error("answerCallbackQuery", callback_query_id=query["id"], text="x" * 201) == (
        400,
        "Bad Request: MESSAGE_TOO_LONG",
    )
    assert await bot.ok("answerCallbackQuery", callback_query_id=query["id"], text="완료", show_alert=True)
    assert await pressing == []
    assert user.callback_answers == [("완료", True)]
    assert await bot.error("answerCallbackQuery", callback_query_id=query["id"]) == (400, TOO_OLD)
    assert await bot.error("answerCallbackQuery", callback_query_id="12345") == (400, TOO_OLD)

    emu.callback_answer_deadline = 0.05
    pressing = asyncio.create_task(user.press("확인", expect_reply=False, settle=0))
    (late,) = await bot.ok("getUpdates", offset=update["update_id"] + 1, timeout=2)
    await pressing
    await asyncio.sleep(0.1)
    assert await bot.error("answerCallbackQuery", callback_query_id=late["callback_query"]["id"]) == (400, TOO_OLD)


async def test_who_the_bot_may_write_to(bot: Client, emu: BotApiEmulator) -> None:
    stranger = emu.user(2002, first_name="낯선이")
    assert await bot.error("sendMessage", chat_id=stranger.id, text="안녕하세요") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    assert await bot.error("sendMessage", chat_id=424242, text="x") == (400, "Bad Request: chat not found")
    stranger.send_nowait("안녕")
    assert await bot.ok("sendMessage", chat_id=stranger.id, text="반가워요")
    stranger.block()
    assert await bot.error("sendChatAction", chat_id=stranger.id, action="typing") == (
        403,
        "Forbidden: bot was blocked by the user",
    )


async def test_injected_faults(bot: Client, emu: BotApiEmulator, user: EmulatedUser) -> None:
    emu.fail_next("sendmessage", "flood", count=2, retry_after=7)
    emu.fail_next("getMe", "server_error")
    emu.fail_next("getMe", "bad_gateway")
    for _ in range(2):
        assert await bot.call("sendMessage", chat_id=user.id, text="x") == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
        )
    assert await bot.ok("sendMessage", chat_id=user.id, text="x")
    assert await bot.error("getMe") == (500, "Internal Server Error")
    assert await bot.error("getMe") == (502, "Bad Gateway")
    assert [ok for _method, _params, ok in emu.call_log if _method == "sendMessage"] == [False, False, True]
    assert emu.errors[0] == ("sendMessage", "Too Many Requests: retry after 7")
    with pytest.raises(ValueError):
        emu.fail_next("sendMessage", "meteor")


async def test_commands_are_validated_and_kept_per_scope_and_language(bot: Client, emu: BotApiEmulator) -> None:
    ko = [{"command": "complex", "description": "단지 찾기"}, {"command": "help", "description": "도움말"}]
    en = [{"command": "complex", "description": "Find a complex"}]
    assert await bot.ok("setMyCommands", commands=ko, language_code="ko")
    assert await bot.ok("setMyCommands", how="json", commands=en)
    private = {"type": "all_private_chats"}
    assert await bot.ok("setMyCommands", commands=en[:1], scope=private)
    assert emu.commands("ko") == [("complex", "단지 찾기"), ("help", "도움말")]
    assert emu.commands() == [("complex", "Find a complex")]
    assert emu.commands(scope="all_private_chats") == [("complex", "Find a complex")]
    assert emu.commands("en") == []
    assert await bot.ok("getMyCommands", language_code="ko") == ko
    bad = {
        "BOT_COMMAND_INVALID": [{"command": "Complex", "description": "x"}, {"command": "a" * 33, "description": "x"}],
        "BOT_COMMAND_DESCRIPTION_INVALID": [
            {"command": "ok", "description": ""},
            {"command": "ok", "description": "x" * 257},
        ],
    }
    for reason, commands in bad.items():
        for command in commands:
            assert await bot.error("setMyCommands", commands=[command]) == (400, f"Bad Request: {reason}")
    too_many = [{"command": f"c{i}", "description": "x"} for i in range(101)]
    assert await bot.error("setMyCommands", commands=too_many) == (400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
    assert await bot.error("setMyCommands", commands=en, language_code="korean") == (
        400,
        "Bad Request: LANG_CODE_INVALID",
    )
    assert await bot.ok("deleteMyCommands", language_code="ko")
    assert emu.commands("ko") == []
    assert await bot.ok("setMyDescription", description="동네 정보를 찾아 드립니다", language_code="ko")
    assert (await bot.ok("getMyDescription", language_code="ko"))["description"] == "동네 정보를 찾아 드립니다"
    assert emu.profile_text("description", "ko") == "동네 정보를 찾아 드립니다"


async def test_a_user_sees_their_chats_own_commands_before_the_defaults_in_their_language(
    bot: Client, emu: BotApiEmulator
) -> None:
    korean, english = emu.user(5001, language_code="ko"), emu.user(5002, language_code="en-US")
    guest_ko = [{"command": "start", "description": "시작하기"}]
    guest_en = [{"command": "start", "description": "Start"}]
    assert await bot.ok("setMyCommands", commands=guest_ko)
    assert await bot.ok("setMyCommands", commands=guest_en, language_code="en")
    assert korean.command_menu() == [("start", "시작하기")]
    assert english.command_menu() == [("start", "Start")]

    member = [{"command": "stats", "description": "벤치마킹 통계"}]
    assert await bot.ok("setMyCommands", commands=member, scope={"type": "chat", "chat_id": 5002})
    assert english.command_menu() == [("stats", "벤치마킹 통계")]  # a chat's own list, whatever the client
    assert korean.command_menu() == [("start", "시작하기")]
    assert await bot.ok("deleteMyCommands", scope={"type": "chat", "chat_id": 5002})
    assert english.command_menu() == [("start", "Start")]


async def drain(bot: Client) -> int:
    """Fetch and confirm what is queued; returns the offset for the next poll."""
    updates = await bot.ok("getUpdates")
    offset = updates[-1]["update_id"] + 1 if updates else 0
    await bot.ok("getUpdates", offset=offset)
    return offset


async def test_a_reply_lists_each_touched_message_once_in_its_latest_state(bot: Client, user: EmulatedUser) -> None:
    keyboard = {"inline_keyboard": [[{"text": "시작", "callback_data": "go"}]]}
    job = await bot.ok("sendMessage", chat_id=user.id, text="대기", reply_markup=keyboard)
    offset = await drain(bot)

    async def bot_side() -> None:
        (update,) = await bot.ok("getUpdates", offset=offset, timeout=2)
        await bot.ok("answerCallbackQuery", callback_query_id=update["callback_query"]["id"])
        for text in ("50%", "완료"):
            await bot.ok("editMessageText", chat_id=user.id, message_id=job["message_id"], text=text)
        scratch = await bot.ok("sendMessage", chat_id=user.id, text="임시")
        await bot.ok("deleteMessage", chat_id=user.id, message_id=scratch["message_id"])
        await asyncio.sleep(0.05)  # within the settle time, so still part of this reply
        await bot.ok("sendMessage", chat_id=user.id, text="결과")

    replies, _ = await asyncio.gather(user.press("시작"), bot_side())
    assert [(m.text, m.edit_count, m.buttons) for m in replies] == [("완료", 2, []), ("결과", 0, [])]
    assert [m.text for m in user.messages] == ["완료", "결과"]


async def test_updates_the_bot_did_not_ask_for_are_never_delivered(bot: Client, user: EmulatedUser) -> None:
    keyboard = {"inline_keyboard": [[{"text": "확인", "callback_data": "ok"}]]}
    await bot.ok("sendMessage", chat_id=user.id, text="질문", reply_markup=keyboard)
    offset = await drain(bot)
    poll = asyncio.create_task(bot.ok("getUpdates", offset=offset, timeout=0.3, allowed_updates=["message"]))
    with pytest.raises(TimeoutError, match="allowed_updates exclude 'callback_query'"):
        await user.press("확인")
    assert await poll == []


async def test_files_are_downloadable_by_their_path(bot: Client, emu: BotApiEmulator, user: EmulatedUser) -> None:
    poll = asyncio.create_task(bot.ok("getUpdates", offset=await drain(bot), timeout=2))
    await user.send_document("신청서.hwp", b"\x00hwp", mime_type="application/x-hwp", expect_reply=False, settle=0)
    (upload,) = await poll
    document = upload["message"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "신청서.hwp",
        "application/x-hwp",
        4,
    )
    info = await bot.ok("getFile", file_id=document["file_id"])
    assert info["file_path"].startswith("documents/") and info["file_path"].endswith(".hwp")
    url = f"{emu.api_root}/file/bot{TOKEN}/{info['file_path']}"
    async with bot.session.get(url) as response:
        assert (response.status, await response.read()) == (200, b"\x00hwp")
    async with bot.session.get(url.replace("TEST", "BEST")) as response:
        assert response.status == 401
    async with bot.session.get(f"{emu.api_root}/file/bot{TOKEN}/documents/nothing.txt") as response:
        assert response.status == 404
    assert await bot.error("getFile", file_id="nope") == (400, "Bad Request: invalid file_id")


async def test_captions_edit_and_explicit_entities(bot: Client, user: EmulatedUser) -> None:
    entities = [{"type": "bold", "offset": 0, "length": 2}]
    sent = await bot.ok("sendMessage", chat_id=user.id, text="단지 정보", entities=entities)
    assert sent["entities"] == entities
    photo = await bot.ok(
        "sendPhoto", how="multipart", chat_id=str(user.id), photo=("p.png", tiny_png(), "image/png"), caption="전"
    )
    assert await bot.error("editMessageText", chat_id=user.id, message_id=photo["message_id"], text="x") == (
        400,
        "Bad Request: there is no text in the message to edit",
    )
    edited = await bot.ok(
        "editMessageCaption", chat_id=user.id, message_id=photo["message_id"], caption="<b>후</b>", parse_mode="HTML"
    )
    assert (edited["caption"], edited["caption_entities"][0]["type"]) == ("후", "bold")


async def test_stopping_ends_a_pending_long_poll_at_once() -> None:
    emulator = BotApiEmulator(token=TOKEN)
    await emulator.start()
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(Client(session, emulator).call("getUpdates", timeout=30))
        await asyncio.sleep(0.05)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await emulator.stop()
        assert await poll == (200, {"ok": True, "result": []})
        assert loop.time() - started < 1


async def test_more_injected_faults(bot: Client, emu: BotApiEmulator, user: EmulatedUser) -> None:
    emu.fail_next("editMessageText", "not_modified")
    emu.fail_next("answerCallbackQuery", "query_too_old")
    emu.fail_next("sendMessage", "forbidden")
    status, reason = await bot.error("editMessageText", chat_id=user.id, message_id=1, text="x")
    assert (status, reason) == (400, NOT_MODIFIED)
    assert await bot.error("answerCallbackQuery", callback_query_id="1") == (400, TOO_OLD)
    assert await bot.error("sendMessage", chat_id=user.id, text="x") == (403, "Forbidden: bot was blocked by the user")


async def test_a_typing_bot_is_given_time_and_refused_calls_are_reported(bot: Client, user: EmulatedUser) -> None:
    offset = await drain(bot)

    async def bot_side() -> None:
        await bot.ok("getUpdates", offset=offset, timeout=2)
        await bot.ok("sendChatAction", chat_id=user.id, action="typing")
        await asyncio.sleep(0.4)  # longer than settle: the chat action promised a reply
        await bot.call("sendMessage", chat_id=user.id, text="<b>결과", parse_mode="HTML")
        await bot.ok("sendMessage", chat_id=user.id, text="결과")

    replies, _ = await asyncio.gather(user.send("/complex 쉐르빌"), bot_side())
    assert [m.text for m in replies] == ["결과"]
    assert user.errors == [
        ("sendMessage", "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"")
    ]


async def test_commands_carry_a_bot_command_entity_with_the_bot_name(bot: Client, user: EmulatedUser) -> None:
    user.send_nowait("/complex@dongne_test_bot 쉐르빌")
    user.send_nowait("쉐르빌 /complex")
    _, named, plain = await bot.ok("getUpdates")
    assert named["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert "entities" not in plain["message"]


async def test_locations_and_venues_are_validated_like_telegram(bot: Client, user: EmulatedUser) -> None:
    sent = await bot.ok("sendLocation", chat_id=user.id, latitude=37.5613, longitude="127.038")
    assert sent["location"] == {"latitude": 37.5613, "longitude": 127.038}
    venue = await bot.ok(
        "sendVenue", how="json", chat_id=user.id, latitude=37.5613, longitude=127.038, title="단지", address="무학로"
    )
    assert venue["venue"] == {"location": venue["location"], "title": "단지", "address": "무학로"}
    assert await bot.error("sendLocation", chat_id=user.id, latitude=91, longitude=0) == (
        400,
        "Bad Request: wrong latitude or longitude specified",
    )
    assert await bot.error("sendLocation", chat_id=user.id, latitude="north", longitude=0) == (
        400,
        "Bad Request: invalid latitude specified",
    )
    assert await bot.error("sendLocation", chat_id=user.id, latitude=37.5) == (
        400,
        "Bad Request: there is no latitude or longitude in the request",
    )
    no_title = {"chat_id": user.id, "latitude": 37.5, "longitude": 127.0, "title": " ", "address": "무학로"}
    assert await bot.error("sendVenue", **no_title) == (400, "Bad Request: VENUE_TITLE_EMPTY")
    no_address = {**no_title, "title": "단지", "address": ""}
    assert await bot.error("sendVenue", **no_address) == (400, "Bad Request: VENUE_ADDRESS_EMPTY")
    shown = [(m.kind, m.location, m.venue_title, m.venue_address) for m in user.messages]
    assert shown == [("location", (37.5613, 127.038), None, None), ("venue", (37.5613, 127.038), "단지", "무학로")]


async def test_an_album_is_sent_as_messages_sharing_one_media_group(bot: Client, user: EmulatedUser) -> None:
    first = await bot.ok("sendPhoto", how="multipart", chat_id=str(user.id), photo=("a.png", tiny_png(), "image/png"))
    media = [
        {"type": "photo", "media": first["photo"][0]["file_id"], "caption": "<b>정문</b>", "parse_mode": "HTML"},
        {"type": "photo", "media": "attach://second"},
    ]
    album = await bot.ok(
        "sendMediaGroup", how="multipart", chat_id=str(user.id), media=media, second=("b.png", tiny_png(), "image/png")
    )
    assert [m["caption"] if "caption" in m else None for m in album] == ["정문", None]
    assert len({m["media_group_id"] for m in album}) == 1 and "media_group_id" not in first
    assert [m.kind for m in user.messages] == ["photo"] * 3 and user.messages[1].html == "<b>정문</b>"
    documents = [{"type": "document", "media": "attach://one"}, {"type": "document", "media": "attach://two"}]
    files = await bot.ok(
        "sendMediaGroup",
        how="multipart",
        chat_id=str(user.id),
        media=documents,
        one=("1.txt", b"1", "text/plain"),
        two=("2.txt", b"2", "text/plain"),
    )
    assert [m["document"]["file_name"] for m in files] == ["1.txt", "2.txt"]
    photo_id = first["photo"][0]["file_id"]
    for params, description in (
        ({"media": [{"type": "photo", "media": photo_id}]}, "wrong number of items in the media group"),
        ({"media": [{"type": "photo", "media": photo_id}] * 11}, "wrong number of items in the media group"),
        (
            {
                "media": [
                    {"type": "photo", "media": photo_id},
                    {"type": "document", "media": files[0]["document"]["file_id"]},
                ]
            },
            "documents can't be mixed with other media types",
        ),
        (
            {"media": [{"type": "photo", "media": photo_id}] * 2, "reply_markup": {"inline_keyboard": []}},
            "a media group can't have a reply markup",
        ),
        ({"media": [{"type": "photo", "media": "nope"}] * 2}, "wrong file identifier/HTTP URL specified"),
        ({"media": "[not json"}, "can't parse media JSON object"),
    ):
        assert await bot.error("sendMediaGroup", chat_id=user.id, **params) == (400, f"Bad Request: {description}")
    assert len(user.messages) == 5  # a refused album sends nothing, not even its first items


async def test_photos_picked_together_arrive_as_an_album_of_messages(bot: Client, user: EmulatedUser) -> None:
    offset = await drain(bot)
    sending = asyncio.create_task(
        user.send_album(
            [tiny_png(), tiny_png(), tiny_png()], captions=["정문", None, "놀이터"], expect_reply=False, settle=0
        )
    )
    updates: list[Any] = []
    while len(updates) < 3:
        batch = await bot.ok("getUpdates", offset=offset, timeout=2)
        updates += batch
        offset = batch[-1]["update_id"] + 1 if batch else offset
    await bot.ok("getUpdates", offset=offset)
    await sending
    messages = [u["message"] for u in updates]
    assert len({m["media_group_id"] for m in messages}) == 1
    assert [m.get("caption") for m in messages] == ["정문", None, "놀이터"]
    assert all(m["photo"][0]["width"] == 1 for m in messages)
    files = asyncio.create_task(
        user.send_album([("a.jpg", b"\xff\xd8\xff"), ("b.jpg", b"\xff\xd8\xff\x00")], expect_reply=False, settle=0)
    )
    batch = await bot.ok("getUpdates", offset=offset, timeout=2)
    while len(batch) < 2:
        batch += await bot.ok("getUpdates", offset=batch[-1]["update_id"] + 1, timeout=2)
    await bot.ok("getUpdates", offset=batch[-1]["update_id"] + 1)
    await files
    assert [u["message"]["document"]["file_name"] for u in batch] == ["a.jpg", "b.jpg"]
    with pytest.raises(ValueError, match="2 to 10"):
        await user.send_album([tiny_png()])
    with pytest.raises(ValueError, match="do not mix"):
        await user.send_album([tiny_png(), ("a.txt", b"a")])
