"""The bot's requests to the Bot API over aiohttp (bot.telegram_request): what arrives is what PTB's httpx
request sent (form fields; multipart with the files), and a slow or absent server gives PTB's own errors."""

import asyncio
import json
import socket

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_request import AiohttpRequest


@pytest.fixture
async def server():
    seen: list[dict] = []

    async def record(request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            fields = await request.json()
        elif request.content_type == "multipart/form-data":
            form = await request.post()
            fields = {
                k: (v.filename, v.content_type, v.file.read()) if hasattr(v, "file") else v for k, v in form.items()
            }
        else:
            fields = dict(await request.post())
        seen.append({"method": request.method, "type": request.content_type, "fields": fields})
        return web.json_response({"ok": True, "result": True})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/record", record)
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


@pytest.fixture
async def request_():
    request = AiohttpRequest(connections=2, pool_timeout=1.0)
    await request.initialize()
    yield request
    await request.shutdown()


async def test_parameters_go_as_one_json_object_of_the_values_ptb_puts_in_form_fields(server, request_):
    root, seen = server
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("상세", callback_data="c:1")]])
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 7),
            RequestParameter.from_input("text", "안녕하세요 & ="),
            RequestParameter.from_input("reply_markup", keyboard),
        ]
    )

    status, body = await request_.do_request(f"{root}/record", "POST", data)

    assert status == 200 and b'"ok": true' in body
    [got] = seen
    assert got["type"] == "application/json"
    assert got["fields"] == data.json_parameters  # what a form would carry, field for field
    assert got["fields"]["text"] == "안녕하세요 & =" and json.loads(got["fields"]["reply_markup"]) == keyboard.to_dict()


async def test_a_file_goes_as_multipart_beside_the_other_parameters(server, request_):
    root, seen = server
    workbook = InputFile(b"PK\x03\x04 workbook bytes", filename="현황.xlsx", attach=False)
    data = RequestData([RequestParameter.from_input("chat_id", 7), RequestParameter.from_input("document", workbook)])

    status, _ = await request_.do_request(f"{root}/record", "POST", data)

    assert status == 200
    [got] = seen
    assert got["type"] == "multipart/form-data"
    assert got["fields"]["chat_id"] == "7"
    filename, content_type, content = got["fields"]["document"]
    assert (filename, content) == ("현황.xlsx", b"PK\x03\x04 workbook bytes")
    assert content_type == workbook.mimetype


async def test_a_server_slower_than_the_read_timeout_is_timed_out(server, request_):
    root, _ = server
    with pytest.raises(TimedOut):
        await request_.do_request(f"{root}/slow", "POST", RequestData([]), read_timeout=0.2)


async def test_no_server_at_all_is_a_network_error(request_):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    with pytest.raises(NetworkError):
        await request_.do_request(f"http://127.0.0.1:{port}/x", "POST", RequestData([]))


async def test_it_must_be_initialized_and_can_be_again_after_shutdown(server):
    root, seen = server
    request = AiohttpRequest(connections=1, pool_timeout=1.0)
    with pytest.raises(RuntimeError):
        await request.do_request(f"{root}/record", "POST", RequestData([]))
    async with request:
        await request.do_request(f"{root}/record", "POST", RequestData([]))
    await request.initialize()
    await request.do_request(f"{root}/record", "POST", RequestData([]))
    await request.shutdown()
    assert len(seen) == 2
