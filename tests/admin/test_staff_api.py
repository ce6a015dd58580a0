"""The JSON API as a script uses it: the same staff and role operations as the pages, with an API token,
JSON in and out, refusals as JSON with the catalog's message, and an OpenAPI description that lists every
API route the endpoint serves and nothing else."""

import json
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.admin.app import all_routes, build_admin_app
from bot.admin.openapi import openapi_path
from bot.admin.routing import Access
from core.staff.directory import CODE_LENGTH
from core.texts.i18n import t_plain
from tests.builders import make_dong, make_staff


def message(key: str, **params: Any) -> str:
    return t_plain("ko", key, **params)


@pytest.fixture
async def api(client, admin, services):
    """The test client with a Bearer token of the signed-in admin."""
    issued = await services.admin_access.create_token(admin, "test")
    headers = {"Authorization": f"Bearer {issued.token}"}

    async def call(method: str, path: str, body: Any = None, *, raw: bytes | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = await client.request(
            method, path, data=data, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.content_type == "application/json", (method, path, response.status)
        return response.status, await response.json()

    return call


async def test_a_script_adds_edits_grants_revokes_and_deactivates_a_member(api, services, admin):
    status, created = await api(
        "POST", "/api/v1/staff", {"saeol_id": "kim01", "name": "김민지", "department": "기획예산과"}
    )
    assert status == 201 and created["saeol_id"] == "kim01" and created["grants"] == [] and created["version"] == 1
    staff_id = created["id"]
    assert (await api("GET", f"/api/v1/staff/{staff_id}"))[1] == created

    status, edited = await api("PATCH", f"/api/v1/staff/{staff_id}", {"department": "공동주택과", "version": 1})
    assert status == 200 and edited["name"] == "김민지" and edited["department"]["name"] == "공동주택과"
    status, stale = await api("PATCH", f"/api/v1/staff/{staff_id}", {"name": "김철수", "version": 1})
    assert status == 409 and stale == {"error": "stale_record", "message": message("error.stale_record")}

    _, roles = await api("GET", "/api/v1/roles")
    planning = next(d for d in roles["departments"] if d["name"] == "기획예산과")
    assert {"permission": "benchmark.coordinate", "scope": "department"} in roles["permissions"]
    status, granted = await api(
        "PUT", f"/api/v1/staff/{staff_id}/grants/benchmark.coordinate", {"department_id": planning["id"]}
    )
    assert status == 200
    [grant] = granted["grants"]
    assert grant["scope"] == "department" and grant["department"] == planning and grant["dongs"] == []

    status, revoked = await api("DELETE", f"/api/v1/staff/{staff_id}/grants/benchmark.coordinate")
    assert status == 200 and revoked["grants"] == []
    status, twice = await api("DELETE", f"/api/v1/staff/{staff_id}/grants/benchmark.coordinate")
    assert status == 409 and twice["error"] == "already_revoked"
    assert twice["message"] == message("admin.error.already_revoked", permission="benchmark.coordinate")

    status, code = await api("POST", f"/api/v1/staff/{staff_id}/link-code")
    assert status == 201 and len(code["code"]) == CODE_LENGTH and code["deep_link"] is None
    assert code["expires_at"] == "2026-11-26T10:00:00+09:00"
    await services.staff.bind_by_code(5001, code["code"])

    status, stopped = await api("POST", f"/api/v1/staff/{staff_id}/deactivate")
    assert status == 200 and stopped["active"] is False
    assert not (await services.staff.identify(5001)).active  # the bot refuses the very next update
    assert (await api("POST", f"/api/v1/staff/{staff_id}/deactivate"))[0] == 409
    assert (await api("POST", f"/api/v1/staff/{staff_id}/activate"))[1]["active"] is True
    status, unbound = await api("POST", f"/api/v1/staff/{staff_id}/unbind")
    assert status == 200 and unbound["telegram_bound"] is False
    assert (await api("POST", f"/api/v1/staff/{staff_id}/unbind"))[1]["error"] == "already_unbound"


async def test_dong_scopes_and_the_staff_list(api, services, uow_factory):
    dong = await make_dong(uow_factory, "성수1가제1동", "성수1")
    for number in range(3):
        await make_staff(services, saeol_id=f"user{number}", name=f"직원{number}")
    status, page = await api("GET", "/api/v1/staff?q=USER&size=2&page=2")
    assert status == 200 and page["total"] == 3 and page["pages"] == 2 and page["page"] == 2
    assert [s["saeol_id"] for s in page["items"]] == ["user2"]
    status, scoped = await api(
        "PUT", f"/api/v1/staff/{page['items'][0]['id']}/grants/housing.read", {"dong_ids": [dong]}
    )
    assert status == 200
    assert scoped["grants"][0]["dongs"] == [{"id": dong, "name": "성수1가제1동"}]
    status, everywhere = await api("PUT", f"/api/v1/staff/{scoped['id']}/grants/housing.read")
    assert status == 200 and everywhere["grants"][0]["scope"] == "none"
    _, active = await api("GET", "/api/v1/staff?active=false")
    assert active["total"] == 0


async def test_bad_input_is_refused_as_json_with_the_catalog_message(api, services):
    member = await make_staff(services)
    one = f"/api/v1/staff/{member.id}"
    cases = [
        ("POST", "/api/v1/staff", None, b"{not json", "api_json_invalid", {}),
        ("POST", "/api/v1/staff", None, b"[1, 2]", "api_json_invalid", {}),
        ("POST", "/api/v1/staff", None, b"\xff\xfe", "api_json_invalid", {}),
        ("POST", "/api/v1/staff", None, b"[" * 100_00, "api_json_invalid", {}),
        (
            "POST",
            "/api/v1/staff",
            {"saeol_id": 7, "name": "김", "department": "과"},
            None,
            "api_field_invalid",
            {"field": "saeol_id", "expected": "string"},
        ),
        (
            "POST",
            "/api/v1/staff",
            {"name": "김", "department": "과"},
            None,
            "api_field_invalid",
            {"field": "saeol_id", "expected": "string"},
        ),
        (
            "POST",
            "/api/v1/staff",
            {"saeol_id": "김민지", "name": "김", "department": "과"},
            None,
            "invalid_saeol_id",
            {},
        ),
        (
            "POST",
            "/api/v1/staff",
            {"saeol_id": "kim01", "name": "가" * 51, "department": "과"},
            None,
            "invalid_name",
            {"limit": 50},
        ),
        ("PATCH", one, {"name": "김"}, None, "api_field_invalid", {"field": "version", "expected": "integer"}),
        (
            "PATCH",
            one,
            {"name": "김", "version": True},
            None,
            "api_field_invalid",
            {"field": "version", "expected": "integer"},
        ),
        ("PATCH", one, {"department": "", "version": 1}, None, "invalid_department", {"limit": 50}),
        (
            "PUT",
            f"{one}/grants/housing.read",
            {"dong_ids": "1"},
            None,
            "api_field_invalid",
            {"field": "dong_ids", "expected": "array of integers"},
        ),
        (
            "PUT",
            f"{one}/grants/housing.read",
            {"dong_ids": [1], "department_id": member.department_id},
            None,
            "grant_scope_both",
            {},
        ),
        (
            "PUT",
            f"{one}/grants/housing.read",
            {"department_id": 10**40},
            None,
            "grant_scope_not_applicable",
            {"permission": "housing.read", "scope": "department"},
        ),
        ("PUT", f"{one}/grants/benchmark.execute", {"department_id": 10**40}, None, "grant_department_unknown", {}),
        ("PUT", f"{one}/grants/root", None, None, "unknown_permission", {"names": "root"}),
        ("DELETE", f"{one}/grants/root", None, None, "unknown_permission", {"names": "root"}),
        (
            "GET",
            "/api/v1/staff?page=0",
            None,
            None,
            "api_field_invalid",
            {"field": "page", "expected": "integer 1-999999"},
        ),
        (
            "GET",
            "/api/v1/staff?size=101",
            None,
            None,
            "api_field_invalid",
            {"field": "size", "expected": "integer 1-100"},
        ),
        (
            "GET",
            "/api/v1/staff?active=maybe",
            None,
            None,
            "api_field_invalid",
            {"field": "active", "expected": "true or false"},
        ),
        ("GET", "/api/v1/staff?q=" + "가" * 51, None, None, "search_too_long", {"limit": 50}),
    ]
    for method, path, body, raw, code, params in cases:
        status, answer = await api(method, path, body, raw=raw)
        assert status == 422, (method, path, status, answer)
        key = f"admin.error.{code}" if code != "search_too_long" else "error.search_too_long"
        assert answer == {"error": code, "message": message(key, **params)}, (method, path)


async def test_duplicates_unknown_ids_and_strangers(api, services, client):
    await make_staff(services, saeol_id="kim01")
    status, duplicate = await api("POST", "/api/v1/staff", {"saeol_id": "KIM01", "name": "김", "department": "과"})
    assert status == 409 and duplicate["message"] == message("admin.error.duplicate_staff", saeol_id="kim01")
    for method, path in [
        ("GET", "/api/v1/staff/424242"),
        ("GET", "/api/v1/staff/99999999999999999999"),
        ("GET", "/api/v1/staff/" + "9" * 5000),  # beyond what int() converts: not a 500
        ("POST", "/api/v1/staff/" + "9" * 5000 + "/deactivate"),
        ("PATCH", "/api/v1/staff/424242"),
        ("POST", "/api/v1/staff/424242/deactivate"),
        ("POST", "/api/v1/staff/424242/link-code"),
        ("PUT", "/api/v1/staff/424242/grants/housing.read"),
        ("DELETE", "/api/v1/staff/424242/grants/housing.read"),
        ("GET", "/api/v1/staff/abc"),
    ]:
        status, answer = await api(method, path, {"version": 1} if method == "PATCH" else None)
        assert status == 404 and answer["error"] == "not_found", (method, path)
    # The signed-in browser session is no API credential: only the Bearer token is.
    anonymous = await client.get("/api/v1/staff")
    assert anonymous.status == 401 and (await anonymous.json())["error"] == "unauthorised"


async def test_html_in_names_comes_back_as_data(api):
    name = "<script>alert(1)</script>"
    status, created = await api("POST", "/api/v1/staff", {"saeol_id": "xss01", "name": name, "department": "과"})
    assert status == 201 and created["name"] == name  # JSON is data; the pages escape it when they show it


async def test_a_link_code_comes_with_the_deep_link_when_the_bot_is_known(runtime, services, admin):
    member = await make_staff(services)
    token = (await services.admin_access.create_token(admin, "test")).token
    app = build_admin_app(runtime.services, runtime.engine, bot_username=lambda: "seongdong_dongne_bot")
    async with TestClient(TestServer(app)) as client:
        response = await client.post(
            f"/api/v1/staff/{member.id}/link-code", headers={"Authorization": f"Bearer {token}"}
        )
        answer = await response.json()
    assert response.status == 201
    assert answer["deep_link"] == f"https://t.me/seongdong_dongne_bot?start={answer['code']}"


async def test_the_openapi_description_lists_every_api_route_and_only_those(client):
    response = await client.get("/api/openapi.json")
    assert response.status == 200
    spec = await response.json()
    assert spec["openapi"].startswith("3.1")
    served = {(openapi_path(r.path), r.method.lower()) for r in all_routes() if r.path.startswith("/api/")}
    described = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert described == served
    tokens = {(openapi_path(r.path), r.method.lower()): r.access for r in all_routes() if r.path.startswith("/api/")}
    for (path, method), access in tokens.items():
        operation = spec["paths"][path][method]
        assert bool(operation["security"]) == (access is Access.TOKEN), (path, method)
        if access is Access.TOKEN:
            assert "401" in operation["responses"]
        for name in re.findall(r"\{(\w+)\}", path):
            assert any(p["name"] == name and p["in"] == "path" for p in operation["parameters"]), (path, name)
    references = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(spec)))
    assert references and references <= set(spec["components"]["schemas"])
    assert len({op["operationId"] for ops in spec["paths"].values() for op in ops.values()}) == len(served)
