"""The bot keeps a few connections to the Bot API for sending, over aiohttp (bot.telegram_request); the operator
may size the pool and how long a request waits for a free connection."""

from dataclasses import replace

from bot.app import build_application
from bot.settings import load_settings
from bot.telegram_request import AiohttpRequest
from tests.bot.conftest import TOKEN


def _pool(app):
    request = app.bot.request
    assert isinstance(request, AiohttpRequest)
    return request.connections, request.pool_timeout


def test_the_bot_sends_over_eight_connections_unless_the_operator_sizes_it(
    monkeypatch, tmp_path, bot_runtime, emulator
):
    monkeypatch.chdir(tmp_path)
    defaults = load_settings()
    assert (defaults.telegram_connections, defaults.telegram_pool_timeout) == (8, 10.0)
    assert _pool(build_application(bot_runtime, token=TOKEN, api_root=emulator.api_root)) == (8, 10.0)

    monkeypatch.setenv("DONGNE_TELEGRAM_CONNECTIONS", "3")
    monkeypatch.setenv("DONGNE_TELEGRAM_POOL_TIMEOUT", "4.5")
    sized = replace(bot_runtime, settings=load_settings())

    assert _pool(build_application(sized, token=TOKEN, api_root=emulator.api_root)) == (3, 4.5)
