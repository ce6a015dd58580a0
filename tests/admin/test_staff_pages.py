"""The staff pages as an admin uses them on a phone or a desk: find, add and edit staff, grant and revoke
permissions, stop and restart members, and hand out link codes with a QR code; bad input is answered politely
with what was entered, and names are shown exactly as typed, never as markup."""

import base64
import re
from typing import Any

import pytest
import segno
from aiohttp.test_utils import TestClient, TestServer

from bot.admin import views_staff
from bot.admin.app import build_admin_app
from bot.admin.security import MAX_FIELD
from core.staff.directory import CODE_ALPHABET, CODE_LENGTH
from core.staff.values import GrantRequest, StaffDraft, StaffQuery
from core.texts.i18n import t_plain
from tests.admin.conftest import csrf_of, make_admin, sign_in
from tests.builders import make_dong, make_staff

LINK_CODE = re.compile(rf'<code class="secret">([{CODE_ALPHABET}]{{{CODE_LENGTH}}})</code>')


def text(key: str, **params: Any) -> str:
    """A catalog text as the Korean page shows it (HTML-escaped, as Jinja does)."""
    from markupsafe import escape

    return str(escape(t_plain("ko", key, **params)))


async def post(client, path: str, data: dict[str, Any] | list[tuple[str, str]], *, csrf_from: str = "/staff"):
    token = await csrf_of(client, csrf_from)
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    return await client.post(path, data=[("csrf", token), *fields], allow_redirects=False)


def staff_id_in(location: str) -> int:
    match = re.fullmatch(r"/staff/(\d+)\?notice=\w+", location)
    assert match, location
    return int(match[1])


async def version_of(client, staff_id: int) -> str:
    page = await (await client.get(f"/staff/{staff_id}")).text()
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match
    return match[1]


async def test_an_admin_adds_edits_grants_revokes_and_deactivates_a_member(client, admin, services):
    form = await client.get("/staff/new")
    assert form.status == 200 and 'name="saeol_id"' in await form.text()
    added = await post(client, "/staff", {"saeol_id": "kim01", "name": "김민지", "department": "기획예산과"})
    assert added.status == 302
    staff_id = staff_id_in(added.headers["Location"])
    page = await client.get(added.headers["Location"])
    body = await page.text()
    assert text("admin.staff.notice.added") in body and "김민지" in body and "기획예산과" in body

    edited = await post(
        client,
        f"/staff/{staff_id}",
        {"name": "김민지", "department": "공동주택과", "version": await version_of(client, staff_id)},
    )
    assert edited.status == 302 and edited.headers["Location"].endswith("notice=saved")
    assert "공동주택과" in await (await client.get(f"/staff/{staff_id}")).text()

    planning = next(d for d in (await services.staff_admin.role_choices(admin)).departments if d.name == "기획예산과")
    granted = await post(
        client,
        f"/staff/{staff_id}/grants",
        {"permission": "benchmark.coordinate", "scope": "department", "department": str(planning.id)},
    )
    assert granted.status == 302
    body = await (await client.get(granted.headers["Location"])).text()
    assert text("admin.roles.name.benchmark_coordinate") in body
    assert text("admin.roles.scope_department_value", name="기획예산과") in body
    assert (await services.staff_admin.get(admin, staff_id)).grants[0].department_id == planning.id

    revoked = await post(client, f"/staff/{staff_id}/revoke", {"permission": "benchmark.coordinate"})
    assert revoked.status == 302 and revoked.headers["Location"].endswith("notice=revoked")
    twice = await post(client, f"/staff/{staff_id}/revoke", {"permission": "benchmark.coordinate"})
    assert twice.status == 409
    assert text("admin.error.already_revoked", permission="benchmark.coordinate") in await twice.text()

    await services.staff.bind_by_code(
        5001, (await services.staff_admin.issue_link_code(admin, staff_id)).code
    )  # the member starts using the bot
    stopped = await post(client, f"/staff/{staff_id}/deactivate", {})
    assert stopped.status == 302
    assert not (await services.staff.identify(5001)).active  # refused on the very next update
    again = await post(client, f"/staff/{staff_id}/deactivate", {})
    assert again.status == 409 and text("admin.error.already_inactive") in await again.text()
    back = await post(client, f"/staff/{staff_id}/activate", {})
    assert back.status == 302 and (await services.staff.identify(5001)).active
    unbound = await post(client, f"/staff/{staff_id}/unbind", {})
    assert unbound.status == 302 and await services.staff.identify(5001) is None


async def test_dongs_are_granted_with_checkboxes_and_shown_by_name(client, admin, services, uow_factory):
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    geumho = await make_dong(uow_factory, "금호1가동", "금호1")
    member = await make_staff(services)
    granted = await post(
        client,
        f"/staff/{member.id}/grants",
        [("permission", "housing.read"), ("scope", "dongs"), ("dong", str(seongsu)), ("dong", str(geumho))],
    )
    assert granted.status == 302
    [grant] = (await services.staff_admin.get(admin, member.id)).grants
    assert set(grant.dong_ids) == {seongsu, geumho}
    body = await (await client.get(f"/staff/{member.id}")).text()
    assert "성수1가제1동" in body and "금호1가동" in body


async def test_sending_text_messages_is_limited_to_dongs_with_the_same_form(client, admin, services, uow_factory):
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    member = await make_staff(services, roles=("sms.send",))
    granted = await post(
        client, f"/staff/{member.id}/grants", [("permission", "sms.send"), ("scope", "dongs"), ("dong", str(seongsu))]
    )
    assert granted.status == 302
    [grant] = (await services.staff_admin.get(admin, member.id)).grants
    assert (grant.permission, grant.dong_ids) == ("sms.send", (seongsu,))
    body = await (await client.get(f"/staff/{member.id}")).text()
    assert text("admin.roles.scope_dongs_value", names="성수1가제1동") in body


async def test_a_new_link_code_shows_the_deep_link_and_its_qr_code(runtime, services):
    await make_admin(services)
    member = await make_staff(services)
    app = build_admin_app(runtime.services, runtime.engine, bot_username="@seongdong_dongne_bot")
    async with TestClient(TestServer(app)) as client:
        assert (await sign_in(client)).status == 302
        issued = await post(client, f"/staff/{member.id}/link-code", {})
        assert issued.status == 200
        body = await issued.text()
    code = LINK_CODE.search(body)[1]
    link = f"https://t.me/seongdong_dongne_bot?start={code}"
    assert link in body and "2026-11-26 10:00" in body  # 24 h from 10:00 in Seoul
    qr = re.search(r'<img src="(data:image/png;base64,[^"]+)"', body)[1]
    assert base64.b64decode(qr.split(",", 1)[1]).startswith(b"\x89PNG")
    assert qr == segno.make(link, error="m").png_data_uri(scale=6, border=2)  # the QR code encodes the link
    bound = await services.staff.bind_by_code(6001, code)
    assert bound.id == member.id


async def test_without_the_bot_username_the_code_comes_with_the_start_command(client, admin, services):
    member = await make_staff(services)
    issued = await post(client, f"/staff/{member.id}/link-code", {})
    body = await issued.text()
    code = LINK_CODE.search(body)[1]
    assert text("admin.staff.link.no_link", code=code) in body and "<img" not in body
    inactive = await make_staff(services, saeol_id="gone01")
    await services.staff_admin.deactivate(admin, inactive.id)
    refused = await post(client, f"/staff/{inactive.id}/link-code", {})
    assert refused.status == 400 and text("admin.error.staff_inactive") in await refused.text()


async def test_the_list_searches_filters_and_pages(client, admin, services):
    for number in range(23):
        await services.staff_admin.add(admin, StaffDraft(f"user{number:02d}", f"직원{number:02d}", "공동주택과"))
    first = await (await client.get("/staff")).text()
    assert "직원00" in first and "직원19" not in first  # by name, 20 a page (the admin, 임희철, sorts first)
    assert text("admin.staff.page", number=1, count=2, total=24) in first
    assert 'href="/staff?page=2"' in first
    second = await (await client.get("/staff?page=2")).text()
    assert "직원22" in second and "직원00" not in second
    found = await (await client.get("/staff?q=USER07")).text()
    assert "직원07" in found and "직원08" not in found
    [user05] = (await services.staff_admin.list_staff(admin, StaffQuery(text="user05"))).items
    await services.staff_admin.deactivate(admin, user05.id)
    stopped = await (await client.get("/staff?active=inactive")).text()
    assert text("admin.staff.page", number=1, count=1, total=1) in stopped
    filtered = await (await client.get("/staff?q=%EC%A7%81%EC%9B%90&active=active&page=2")).text()
    assert 'href="/staff?q=%EC%A7%81%EC%9B%90&amp;active=active&amp;page=1"' in filtered  # the pager keeps filters
    nothing = await (await client.get("/staff?q=nobody")).text()
    assert text("admin.staff.empty") in nothing
    garbage = await client.get("/staff?page=-3&active=maybe")
    assert garbage.status == 200
    too_long = await client.get("/staff?q=" + "가" * 51)
    assert too_long.status == 422 and text("error.search_too_long", limit=50) in await too_long.text()


async def test_bad_staff_details_are_shown_again_with_a_polite_message(client, admin, services):
    cases = [
        ({"saeol_id": "김민지", "name": "김민지", "department": "기획예산과"}, 422, "admin.error.invalid_saeol_id", {}),
        (
            {"saeol_id": "kim01", "name": "가" * 51, "department": "기획예산과"},
            422,
            "admin.error.invalid_name",
            {"limit": 50},
        ),
        ({"saeol_id": "kim01", "name": "김", "department": " "}, 422, "admin.error.invalid_department", {"limit": 50}),
    ]
    for values, status, key, params in cases:
        refused = await post(client, "/staff", values)
        body = await refused.text()
        assert refused.status == status and text(key, **params) in body
        assert f'value="{values["saeol_id"]}"' in body and f'value="{values["name"]}"' in body  # kept
    await make_staff(services, saeol_id="kim01")
    duplicate = await post(client, "/staff", {"saeol_id": "KIM01", "name": "김민지", "department": "기획예산과"})
    assert duplicate.status == 409 and text("admin.error.duplicate_staff", saeol_id="kim01") in await duplicate.text()
    overlong = await post(client, "/staff", {"saeol_id": "x", "name": "가" * (MAX_FIELD + 1), "department": "과"})
    assert overlong.status == 422 and text("admin.error.field_too_long", limit=MAX_FIELD) in await overlong.text()
    missing = await post(client, "/staff", {})
    assert missing.status == 422
    assert (await services.staff_admin.list_staff(admin, StaffQuery())).total == 2


async def test_html_in_a_name_is_shown_as_written(client, admin, services):
    name = "<script>alert(1)</script>"
    added = await post(client, "/staff", {"saeol_id": "xss01", "name": name, "department": "<b>과</b>"})
    assert added.status == 302
    for path in (added.headers["Location"], "/staff", "/staff?q=%3Cscript"):
        body = await (await client.get(path)).text()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body, path
        assert "&lt;b&gt;과&lt;/b&gt;" in body
    refused = await post(client, "/staff", {"saeol_id": "bad id", "name": name, "department": "과"})
    body = await refused.text()
    assert refused.status == 422 and "<script>" not in body and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in body


async def test_a_stale_edit_is_refused_and_keeps_what_was_entered(client, admin, services):
    member = await make_staff(services)
    version = await version_of(client, member.id)
    await services.staff_admin.deactivate(admin, member.id)  # another admin acts meanwhile
    stale = await post(
        client, f"/staff/{member.id}", {"name": "홍길순", "department": "공동주택과", "version": version}
    )
    body = await stale.text()
    assert stale.status == 409 and text("error.stale_record") in body and text("admin.staff.stale_hint") in body
    assert 'value="홍길순"' in body and f'name="version" value="{int(version) + 1}"' in body
    assert (await services.staff_admin.get(admin, member.id)).name == "홍길동"
    forged = await post(client, f"/staff/{member.id}", {"name": "홍길순", "department": "공동주택과", "version": "x"})
    assert forged.status == 409
    invalid = await post(
        client, f"/staff/{member.id}", {"name": "", "department": "공동주택과", "version": str(int(version) + 1)}
    )
    assert invalid.status == 422 and text("admin.error.invalid_name", limit=50) in await invalid.text()


async def test_bad_grants_are_refused_politely(client, admin, services, uow_factory):
    dong = await make_dong(uow_factory)
    member = await make_staff(services)
    cases = [
        ({"permission": "housing.read", "scope": "dongs"}, "admin.error.grant_scope_missing", {}),
        ({"permission": "housing.read", "scope": "department"}, "admin.error.grant_scope_missing", {}),
        ({"permission": "housing.read", "scope": "planet"}, "admin.error.grant_scope_missing", {}),
        ({"permission": "", "scope": "none"}, "admin.error.unknown_permission", {"names": ""}),
        ({"permission": "root", "scope": "none"}, "admin.error.unknown_permission", {"names": "root"}),
        (
            {"permission": "admin", "scope": "department", "department": str(member.department_id)},
            "admin.error.grant_scope_not_applicable",
            {"permission": "admin", "scope": "department"},
        ),
        ({"permission": "housing.read", "scope": "dongs", "dong": "abc"}, "admin.error.grant_dong_unknown", {}),
        ({"permission": "housing.read", "scope": "dongs", "dong": "99999"}, "admin.error.grant_dong_unknown", {}),
        (
            {"permission": "benchmark.execute", "scope": "department", "department": "9" * 12},
            "admin.error.grant_scope_missing",
            {},
        ),
    ]
    for values, key, params in cases:
        refused = await post(client, f"/staff/{member.id}/grants", values)
        body = await refused.text()
        assert refused.status == 422, (values, refused.status)
        assert text(key, **params) in body, values
    kept = await post(
        client,
        f"/staff/{member.id}/grants",
        {"permission": "housing.read", "scope": "dongs", "dong": str(dong), "department": "x"},
    )
    assert kept.status == 302  # the department field counts only when the department scope is picked
    assert (await services.staff_admin.get(admin, member.id)).grants[0].dong_ids == (dong,)


async def test_an_admin_cannot_stop_themselves(client, admin):
    refused = await post(client, f"/staff/{admin.id}/deactivate", {})
    assert refused.status == 422 and text("admin.error.staff_own_account") in await refused.text()
    assert (await client.get("/staff", allow_redirects=False)).status == 200  # still signed in


async def test_unknown_members_are_not_found(client, admin):
    for path in ("/staff/424242", "/staff/99999999999999999999", "/staff/" + "9" * 5000, "/staff/0"):
        response = await client.get(path)
        assert response.status == 404 and text("admin.error.not_found") in await response.text()
    for action in ("", "/deactivate", "/activate", "/unbind", "/link-code", "/grants", "/revoke"):
        response = await post(client, f"/staff/424242{action}", {"permission": "housing.read", "version": "1"})
        assert response.status == 404, action
    assert (await client.get("/staff/abc")).status == 404


@pytest.mark.parametrize("forged", [None, "forged"])
async def test_every_staff_form_needs_its_csrf_token(client, admin, services, forged):
    member = await make_staff(services)
    for entry in views_staff.ROUTES:
        if entry.method != "POST":
            continue
        path = entry.path.replace(r"{staff_id:\d+}", str(member.id))
        data = {"name": "x", "saeol_id": "csrf01", "department": "과", "permission": "housing.read", "version": "1"}
        if forged:
            data["csrf"] = forged
        response = await client.post(path, data=data, allow_redirects=False)
        assert response.status == 403, (path, response.status)
    assert (await services.staff_admin.get(admin, member.id)).active  # nothing happened
    assert (await services.staff_admin.get(admin, member.id)).grants[0].permission == "housing.read"


async def test_the_pages_fit_a_phone(client, admin, services):
    member = await make_staff(services)
    await services.staff_admin.grant(admin, member.id, GrantRequest("housing.write"))
    for path in ("/staff", "/staff/new", f"/staff/{member.id}"):
        body = await (await client.get(path)).text()
        assert 'name="viewport"' in body
        assert body.count("<table") == body.count('<div class="scroll">\n<table'), path  # wide tables scroll
