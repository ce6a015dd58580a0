"""An IT admin issues a link code where ``DONGNE_BOT_USERNAME`` was never set, only the bot's token: the page
asks Telegram who the bot is (getMe, here the local Bot API emulator) and shows the t.me link and its QR code;
when Telegram cannot answer, the code comes with a polite note, and the reason goes to the log."""

import logging
import re
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bot.admin.app import build_admin_app
from bot.emulator import BotApiEmulator
from bot.serving import admin_bot_lookup
from bot.settings import Settings
from core.staff.directory import CODE_ALPHABET, CODE_LENGTH
from core.texts.i18n import t_plain
from tests.admin.conftest import csrf_of, make_admin, sign_in
from tests.builders import make_staff
from tests.conversations.conftest import TOKEN

LINK_CODE = re.compile(rf'<code class="secret">([{CODE_ALPHABET}]{{{CODE_LENGTH}}})</code>')


def text(key: str, **params: Any) -> str:
    return str(escape(t_plain("ko", key, **params)))


def settings_with_token_only(emulator: BotApiEmulator) -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=emulator.api_root)  # type: ignore[call-arg]


async def issue_code(client: TestClient[Any, Any], staff_id: int) -> str:
    token = await csrf_of(client, f"/staff/{staff_id}")
    issued = await client.post(f"/staff/{staff_id}/link-code", data={"csrf": token})
    assert issued.status == 200
    return await issued.text()


def get_me_calls(emulator: BotApiEmulator) -> int:
    return sum(1 for method, _, _ in emulator.call_log if method == "getMe")


async def test_with_only_a_token_the_link_code_page_asks_telegram_once_and_shows_the_link(
    runtime, services, emulator: BotApiEmulator
):
    await make_admin(services)
    member = await make_staff(services)
    lookup = admin_bot_lookup(settings_with_token_only(emulator))
    assert lookup is not None
    app = build_admin_app(runtime.services, runtime.engine, bot_lookup=lookup)
    async with TestClient(TestServer(app)) as client:
        assert (await sign_in(client)).status == 302
        first = await issue_code(client, member.id)
        second = await issue_code(client, member.id)  # a second code: the username is kept, not asked again
    for body in (first, second):
        code = LINK_CODE.search(body)[1]
        assert f"https://t.me/dongne_test_bot?start={code}" in body
        assert '<img src="data:image/png;base64,' in body
    assert get_me_calls(emulator) == 1


async def test_when_telegram_cannot_say_the_code_comes_with_a_polite_note_and_a_log_line(
    runtime, services, emulator: BotApiEmulator, caplog
):
    await make_admin(services)
    member = await make_staff(services)
    emulator.fail_next("getMe", "server_error")
    app = build_admin_app(
        runtime.services, runtime.engine, bot_lookup=admin_bot_lookup(settings_with_token_only(emulator))
    )
    async with TestClient(TestServer(app)) as client:
        assert (await sign_in(client)).status == 302
        with caplog.at_level(logging.WARNING, logger="dongne.admin"):
            body = await issue_code(client, member.id)
    code = LINK_CODE.search(body)[1]
    assert text("admin.staff.link.lookup_failed", code=code) in body
    assert "t.me/" not in body and "<img" not in body
    assert any("getMe" in record.getMessage() for record in caplog.records)
    assert all(TOKEN not in record.getMessage() for record in caplog.records)  # the token never reaches a log


def test_telegram_is_asked_only_when_a_token_is_set_and_no_username():
    assert admin_bot_lookup(Settings(_env_file=None)) is None  # type: ignore[call-arg]
    named = Settings(_env_file=None, bot_token=TOKEN, bot_username="seongdong_dongne_bot")  # type: ignore[call-arg]
    assert admin_bot_lookup(named) is None
