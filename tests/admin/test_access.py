"""Who may come in: every route refuses strangers, forms need their CSRF token, sessions end, and a
deactivated admin's session stops working (guessing is slowed down: test_sign_in_throttle.py)."""

from datetime import timedelta

from sqlalchemy import update

from bot.admin.app import all_routes
from bot.admin.routing import Access
from core.staff.access import SESSION_IDLE
from storage.staff.models import Staff
from tests.admin.conftest import csrf_of, make_admin, sign_in


def concrete(path: str) -> str:
    """A route's path with its parameters filled in, so it can be requested."""
    import re

    return re.sub(r"\{[^}]+\}", "1", path)


async def test_every_route_refuses_a_stranger(client):
    routes = all_routes()
    assert {r.access for r in routes} >= {Access.PUBLIC, Access.SESSION}
    for entry in routes:
        if entry.access is Access.PUBLIC:
            continue
        response = await client.request(entry.method, concrete(entry.path), allow_redirects=False)
        if entry.access is Access.SESSION:
            expected = {302} if entry.method == "GET" else {403}
            assert response.status in expected, (entry.method, entry.path, response.status)
            if response.status == 302:
                assert response.headers["Location"] == "/sign-in"
        else:
            assert response.status == 401, (entry.method, entry.path, response.status)


async def test_an_admin_signs_in_and_out(client, services):
    await make_admin(services)
    signed_in = await sign_in(client)
    assert signed_in.status == 302 and signed_in.headers["Location"] == "/"
    cookie = signed_in.cookies["dongne_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    home = await client.get("/")
    assert home.status == 200 and "임희철" in await home.text()
    token = await csrf_of(client, "/")
    out = await client.post("/sign-out", data={"csrf": token}, allow_redirects=False)
    assert out.status == 302 and out.headers["Location"] == "/sign-in"
    after = await client.get("/", allow_redirects=False)
    assert after.status == 302


async def test_a_wrong_password_is_refused_politely_and_changes_nothing(client, services):
    await make_admin(services)
    refused = await sign_in(client, password="not the password")
    assert refused.status == 401
    assert "아이디 또는 비밀번호가 맞지 않습니다." in await refused.text()
    assert "dongne_session" not in refused.cookies
    unknown = await sign_in(client, username="nobody")
    assert unknown.status == 401  # the same answer, so usernames cannot be probed


async def test_a_form_without_its_csrf_token_is_refused(client, admin):
    assert (await client.post("/sign-out", data={}, allow_redirects=False)).status == 403
    assert (await client.post("/sign-out", data={"csrf": "forged"}, allow_redirects=False)).status == 403
    assert (await client.get("/", allow_redirects=False)).status == 200  # still signed in


async def test_the_sign_in_form_needs_its_token_too(client, services):
    await make_admin(services)
    response = await client.post(
        "/sign-in", data={"username": "itadmin", "password": "correct horse battery"}, allow_redirects=False
    )
    assert response.status == 403


async def test_an_idle_session_expires(client, admin, clock):
    clock.advance(SESSION_IDLE + timedelta(seconds=1))
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_a_deactivated_admin_is_signed_out_at_once(client, admin, uow_factory):
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Staff).where(Staff.id == admin.id).values(active=False))
        await uow.commit()
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_health_reports_database_schema_and_bot(client, runtime):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "database": "ok",
        "schema": "ok",
        "admin_pages": "ok",
        "bot": "not_expected",
    }


async def test_health_fails_when_the_bot_has_stopped(runtime):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.admin.app import build_admin_app

    app = build_admin_app(runtime.services, runtime.engine, bot_running=lambda: False)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/healthz")
        assert response.status == 503 and (await response.json())["bot"] == "stopped"
