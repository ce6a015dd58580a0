"""Text the endpoint refuses (NUL, other control characters, lone surrogates) is answered with a clear
message and changes nothing, in the address, every form and every JSON body, on both engines; and every
answer, refusals and failures included, carries the same security headers as a page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bot.admin.app import all_routes, build_admin_app
from bot.admin.routing import Access, route
from bot.admin.security import SECURITY_HEADERS
from bot.app import Runtime
from core.staff.directory import SYSTEM_ACTOR
from core.staff.values import StaffQuery
from core.texts.i18n import t_plain
from tests.admin.conftest import csrf_of, make_admin, sign_in
from tests.builders import make_staff

# A lone surrogate cannot travel in an address or a form (they carry UTF-8); JSON's \ud800 is tried below.
UNSAFE = ["a\x00b", "a\x1bb"]


def refusal(field: str) -> str:
    return t_plain("ko", "admin.error.unsafe_text", field=field)


@route("GET", "/test/broken", "test_broken_page")
async def broken_page(request: web.Request) -> web.StreamResponse:
    raise RuntimeError("a page that fails")


@route("GET", "/api/test/broken", "test_broken_api", Access.TOKEN)
async def broken_api(request: web.Request) -> web.StreamResponse:
    raise RuntimeError("an API route that fails")


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[TestClient[Any, Any]]:
    app = build_admin_app(runtime.services, runtime.engine, routes=[*all_routes(), broken_page, broken_api])
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.fixture
async def bearer(services, admin) -> dict[str, str]:
    issued = await services.admin_access.create_token(admin, "스크립트")
    return {"Authorization": f"Bearer {issued.token}", "Content-Type": "application/json"}


async def staff_count(services) -> int:
    page = await services.staff_admin.list_staff(SYSTEM_ACTOR, StaffQuery())
    return page.total


@pytest.mark.parametrize("value", UNSAFE)
async def test_a_search_with_a_control_character_is_refused_on_the_page_and_in_the_api(client, admin, bearer, value):
    page = await client.get("/staff", params={"q": f"김{value}"})
    assert page.status == 422
    assert str(escape(refusal("q"))) in await page.text()
    api = await client.get("/api/v1/staff", params={"q": f"김{value}"}, headers=bearer)
    assert (api.status, await api.json()) == (422, {"error": "unsafe_text", "message": refusal("q")})


@pytest.mark.parametrize("value", UNSAFE)
async def test_forms_refuse_a_control_character_and_change_nothing(client, admin, services, value):
    before = await staff_count(services)
    fields = {"saeol_id": "kimmj01", "name": f"김민지{value}", "department": "공동주택과"}
    added = await client.post("/staff", data={"csrf": await csrf_of(client, "/staff/new"), **fields})
    assert added.status == 422 and str(escape(refusal("name"))) in await added.text()
    token = await client.post("/tokens", data={"csrf": await csrf_of(client, "/tokens"), "name": f"연동{value}"})
    assert token.status == 422 and str(escape(refusal("name"))) in await token.text()
    assert await staff_count(services) == before
    assert await services.admin_access.list_tokens(admin) == []


@pytest.mark.parametrize("value", UNSAFE)
async def test_the_sign_in_form_refuses_a_control_character_in_the_user_name(client, services, value):
    await make_admin(services)
    response = await sign_in(client, username=f"itadmin{value}")
    assert response.status == 422 and str(escape(refusal("username"))) in await response.text()
    assert "dongne_session" not in response.cookies


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (r'{"saeol_id": "kimmj01", "name": "김\u0000민지", "department": "공동주택과"}', "name"),
        (r'{"saeol_id": "kimmj01", "name": "김\ud800민지", "department": "공동주택과"}', "name"),
        (r'{"saeol_id": "kimmj01", "name": "김민지", "department": "공동주택과", "roles": ["a\u001bb"]}', "roles[0]"),
        (r'{"saeol_id": "kimmj01", "name\u0000": "김민지", "department": "공동주택과"}', "(body)"),
    ],
)
async def test_the_api_refuses_a_control_character_anywhere_in_the_body(client, services, bearer, body, field):
    before = await staff_count(services)
    response = await client.post("/api/v1/staff", data=body.encode(), headers=bearer)
    assert (response.status, await response.json()) == (422, {"error": "unsafe_text", "message": refusal(field)})
    assert await staff_count(services) == before


async def test_every_answer_carries_the_security_headers(client, services):
    """Pages and refusals alike, HTML and JSON: 200, 302, 401, 403, 404, 405, 422 and 500."""
    stranger = [
        ("GET", "/sign-in", {}, 200),
        ("GET", "/staff", {}, 302),
        ("POST", "/staff", {}, 403),
        ("GET", "/nowhere", {}, 404),
        ("GET", "/api/v1/nowhere", {}, 404),
        ("PUT", "/sign-in", {}, 405),
        ("PUT", "/api/v1/staff", {}, 405),
        ("GET", "/api/v1/staff", {}, 401),
    ]
    admin = await make_admin(services)
    issued = await services.admin_access.create_token(admin, "스크립트")
    token = {"Authorization": f"Bearer {issued.token}"}
    member = await make_staff(services)
    signed_in = [
        ("GET", "/staff?q=%00", {}, 422),
        ("GET", "/api/v1/staff?q=%00", token, 422),
        ("GET", f"/api/v1/staff/{member.id + 1000}", token, 404),
        ("GET", "/test/broken", {}, 500),
        ("GET", "/api/test/broken", token, 500),
    ]
    for method, path, headers, status in stranger:
        await check_headers(client, method, path, headers, status)
    assert (await sign_in(client)).status == 302
    for method, path, headers, status in signed_in:
        await check_headers(client, method, path, headers, status)


async def check_headers(client, method: str, path: str, headers: dict[str, str], status: int) -> None:
    response = await client.request(method, path, headers=headers, allow_redirects=False)
    assert response.status == status, (method, path, response.status)
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS, (method, path)
