"""API tokens: an admin creates one and sees it exactly once; it opens the JSON API until it is revoked
or its admin stops being one; revoking twice is answered politely."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape
from sqlalchemy import select, update

from bot.admin.app import all_routes, build_admin_app
from bot.admin.keys import ACTOR
from bot.admin.routing import Access, route
from bot.app import Runtime
from core.staff.values import GrantRequest
from core.texts.i18n import t_plain
from storage.audit.models import AuditEntry
from storage.staff.grants import GrantRepository
from storage.staff.models import Staff
from tests.admin.conftest import csrf_of, make_admin, sign_in

SECRET = re.compile(r'<code class="secret">(dn_[A-Za-z0-9_-]+)</code>')


@route("GET", "/api/test/whoami", "test_whoami", Access.TOKEN)
async def whoami(request: web.Request) -> web.StreamResponse:
    """A stand-in API route: the token middleware is the thing under test, whichever API routes exist."""
    return web.json_response({"saeol_id": request[ACTOR].saeol_id})


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[TestClient[Any, Any]]:
    app = build_admin_app(runtime.services, runtime.engine, routes=[*all_routes(), whoami])
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def text(key: str, **params: object) -> str:
    """A catalog text as the page carries it (autoescaped)."""
    return str(escape(t_plain("ko", f"admin.{key}", **params)))


async def create(client: TestClient[Any, Any], name: str) -> Any:
    return await client.post("/tokens", data={"csrf": await csrf_of(client, "/tokens"), "name": name})


async def create_token(client: TestClient[Any, Any], name: str = "인사시스템 연동") -> str:
    response = await create(client, name)
    assert response.status == 200, await response.text()
    found = SECRET.search(await response.text())
    assert found, "the new token is not on the page"
    return found[1]


async def revoke(client: TestClient[Any, Any], token_id: int) -> Any:
    return await client.post(
        f"/tokens/{token_id}/revoke", data={"csrf": await csrf_of(client, "/tokens")}, allow_redirects=False
    )


async def call_api(client: TestClient[Any, Any], token: str) -> Any:
    return await client.get("/api/test/whoami", headers={"Authorization": f"Bearer {token}"})


async def only_token_id(services: Any, admin: Any) -> int:
    (token,) = await services.admin_access.list_tokens(admin)
    return int(token.id)


async def test_the_menu_leads_to_the_tokens_page(client, admin):
    home = await client.get("/")
    assert 'href="/tokens"' in await home.text()
    page = await client.get("/tokens")
    assert page.status == 200
    assert text("tokens.none") in await page.text()


async def test_a_new_token_is_shown_once_and_opens_the_api(client, admin, services, clock):
    response = await create(client, "인사시스템 연동")
    page = await response.text()
    token = SECRET.search(page)
    assert token and text("tokens.copy_now") in page
    assert text("tokens.created_notice", name="인사시스템 연동") in page
    assert response.headers["Cache-Control"] == "no-store"

    listing = await (await client.get("/tokens")).text()
    assert token[1] not in listing and 'code class="secret"' not in listing  # never shown again
    assert "인사시스템 연동" in listing and admin.name in listing and text("tokens.never") in listing

    clock.advance(timedelta(minutes=7))
    answered = await call_api(client, token[1])
    assert answered.status == 200 and await answered.json() == {"saeol_id": "itadmin"}
    assert (await services.admin_access.authenticate_token(token[1])).id == admin.id
    listing = await (await client.get("/tokens")).text()
    assert text("tokens.never") not in listing
    assert clock.local(clock.now()).strftime("%Y-%m-%d %H:%M") in listing  # last used, in the office's time


async def test_a_revoked_token_stops_working_and_revoking_it_again_is_answered_politely(client, admin, services):
    token = await create_token(client)
    token_id = await only_token_id(services, admin)

    revoked = await revoke(client, token_id)
    assert revoked.status == 302 and revoked.headers["Location"] == "/tokens?done=revoked"
    page = await (await client.get("/tokens?done=revoked")).text()
    assert text("tokens.revoked_notice") in page
    assert f"/tokens/{token_id}/revoke" not in page  # no button for a revoked token

    refused = await call_api(client, token)
    assert refused.status == 401 and (await refused.json())["error"] == "unauthorised"
    assert await services.admin_access.authenticate_token(token) is None

    again = await revoke(client, token_id)
    assert again.status == 422
    assert text("error.token_not_active") in await again.text()
    unknown = await revoke(client, 999_999)
    assert unknown.status == 422 and text("error.token_not_active") in await unknown.text()
    absurd = await revoke(client, 10**40)
    assert absurd.status == 404


async def test_a_deactivated_admins_token_stops_working(client, admin, services, uow_factory):
    token = await create_token(client)
    assert (await call_api(client, token)).status == 200
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Staff).where(Staff.id == admin.id).values(active=False))
        await uow.commit()
    assert (await call_api(client, token)).status == 401
    assert await services.admin_access.authenticate_token(token) is None


async def test_a_token_stops_working_when_its_admin_loses_the_role(client, admin, services, uow_factory):
    colleague = await make_admin(services, saeol_id="itadmin2", name="박전산")
    token = await create_token(client)
    async with uow_factory(write=True) as uow:
        assert await GrantRepository(uow._session).revoke_grant(admin.id, "admin")
        await uow.commit()
    assert (await call_api(client, token)).status == 401
    # The page lists it still, for the remaining admin to revoke.
    client.session.cookie_jar.clear()
    assert (await sign_in(client, "itadmin2")).status == 302
    page = await (await client.get("/tokens")).text()
    assert "인사시스템 연동" in page and colleague.name in page


async def test_taking_admin_away_revokes_the_token_for_good(client, admin, services, uow_factory):
    colleague = await make_admin(services, saeol_id="itadmin2", name="박전산")
    token = await create_token(client)
    assert (await call_api(client, token)).status == 200
    await services.staff_admin.revoke(colleague, admin.id, "admin")
    await services.staff_admin.grant(colleague, admin.id, GrantRequest(permission="admin"))
    refused = await call_api(client, token)  # admin again, but the old token stays revoked
    assert refused.status == 401 and await services.admin_access.authenticate_token(token) is None
    (listed,) = await services.admin_access.list_tokens(colleague)
    assert listed.revoked_at is not None
    assert ("admin.token_revoke", listed.id, {"name": "인사시스템 연동", "via": "admin_revoked"}) in (
        await token_audit(uow_factory)
    )


async def test_deactivating_an_admin_revokes_the_token_for_good(client, admin, services, uow_factory):
    colleague = await make_admin(services, saeol_id="itadmin2", name="박전산")
    token = await create_token(client)
    assert (await call_api(client, token)).status == 200
    await services.staff_admin.deactivate(colleague, admin.id)
    await services.staff_admin.activate(colleague, admin.id)
    assert (await call_api(client, token)).status == 401
    (listed,) = await services.admin_access.list_tokens(colleague)
    assert listed.revoked_at is not None
    assert ("admin.token_revoke", listed.id, {"name": "인사시스템 연동", "via": "staff_deactivated"}) in (
        await token_audit(uow_factory)
    )


async def token_audit(uow_factory: Any) -> list[tuple[str, int | None, dict[str, object]]]:
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(AuditEntry.action, AuditEntry.target_id, AuditEntry.details).where(
                AuditEntry.target_type == "api_token"
            )
        )
        return [(action, target_id, dict(details or {})) for action, target_id, details in rows]


async def test_a_token_needs_a_sensible_name(client, admin):
    empty = await create(client, "   ")
    assert empty.status == 422 and text("error.token_name", limit=60) in await empty.text()
    overlong = await create(client, "가" * 61)
    assert overlong.status == 422 and not SECRET.search(await overlong.text())


async def test_names_are_escaped_everywhere(client, admin):
    await create_token(client, "<script>alert(1)</script>")
    page = await (await client.get("/tokens")).text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_forms_without_their_csrf_token_create_and_revoke_nothing(client, admin, services):
    forged = await client.post("/tokens", data={"name": "몰래"}, allow_redirects=False)
    assert forged.status == 403
    assert await services.admin_access.list_tokens(admin) == []
    await create_token(client)
    token_id = await only_token_id(services, admin)
    assert (await client.post(f"/tokens/{token_id}/revoke", data={"csrf": "forged"})).status == 403
    (token,) = await services.admin_access.list_tokens(admin)
    assert token.revoked_at is None


async def test_the_page_speaks_english_to_an_english_admin(client, admin, uow_factory):
    async with uow_factory(write=True) as uow:
        await uow.staff.set_language(admin.id, "en")
        await uow.commit()
    page = await (await client.get("/tokens")).text()
    assert t_plain("en", "admin.tokens.title") in page and t_plain("en", "admin.tokens.none") in page
