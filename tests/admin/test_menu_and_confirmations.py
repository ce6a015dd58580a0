"""What an IT admin of 전산정보과 meets on the pages: a menu of only the pages their permissions open (the daily
ones first, API tokens last), a refusal that names who can grant a missing permission (not their own
department), the staff list's roles column, and a confirmation before a member is stopped or a permission taken
away, which works as plain forms with the session's CSRF token."""

import re
from typing import Any

from markupsafe import escape

from core.staff.values import GrantRequest
from core.texts.i18n import t_plain
from tests.admin.conftest import csrf_of
from tests.builders import grant, make_dong, make_staff


def text(key: str, **params: Any) -> str:
    """A catalog text as the Korean page shows it (HTML-escaped, as Jinja does)."""
    return str(escape(t_plain("ko", key, **params)))


def menu_of(page: str) -> list[str]:
    nav = re.search(r"<nav>(.*?)</nav>", page, re.S)
    assert nav, "no menu"
    return re.findall(r'href="([^"]+)"', nav[1])


async def test_an_it_admin_without_sms_send_is_offered_only_what_they_may_open(client, admin, uow_factory):
    home = await (await client.get("/")).text()
    # Daily pages first, then API tokens; no 문자 전송결과, which this admin could not open.
    assert menu_of(home) == ["/", "/staff", "/reference", "/audit", "/tokens"]
    assert text("admin.sms.nav") not in home

    # Opening it anyway (an old bookmark): told which permission it needs and that another admin grants it,
    # not to "ask 전산정보과", the department they are in.
    refused = await client.get("/sms")
    body = await refused.text()
    assert refused.status == 403
    assert text("admin.error.permission_needed", role=t_plain("ko", "admin.roles.short.sms_send")) in body
    assert "전산정보과" not in body.split("<main>")[1]

    await grant(uow_factory, admin, "sms.send")
    home = await (await client.get("/")).text()
    assert menu_of(home) == ["/", "/staff", "/reference", "/audit", "/sms", "/tokens"]
    assert (await client.get("/sms")).status == 200


async def test_the_staff_list_shows_each_members_roles_in_korean_with_their_scope(client, admin, services, uow_factory):
    wangdo = await make_dong(uow_factory, "왕십리도선동", "왕도")
    haengdang = await make_dong(uow_factory, "행당1동", "행1")
    seongsu = await make_dong(uow_factory, "성수1가1동", "성1")
    member = await make_staff(services, saeol_id="goji01", name="고지현", roles=())
    await services.staff_admin.grant(admin, member.id, GrantRequest("housing.read", dong_ids={wangdo, haengdang}))
    await services.staff_admin.grant(admin, member.id, GrantRequest("sms.send", dong_ids={wangdo, haengdang, seongsu}))
    await services.staff_admin.grant(admin, member.id, GrantRequest("benchmark.execute"))
    await make_staff(services, saeol_id="none01", name="권한없음", roles=())

    page = await (await client.get("/staff")).text()
    assert f"<th>{text('admin.staff.roles')}</th>" in page
    row = re.search(rf'<tr>\s*<td><a href="/staff/{member.id}">고지현</a>.*?</tr>', page, re.S)
    assert row, page
    assert "공동주택 조회(왕십리도선동, 행당1동)" in row[0]
    assert "문자 발송(왕십리도선동, 행당1동 외 1곳)" in row[0]
    assert "벤치마킹 추진" in row[0] and "housing.read" not in row[0]
    empty = re.search(r"<td><a [^>]*>권한없음</a>.*?</tr>", page, re.S)
    assert empty and text("admin.staff.no_roles") in empty[0]
    admin_row = re.search(r"<td><a [^>]*>임희철</a>.*?</tr>", page, re.S)
    assert admin_row and t_plain("ko", "admin.roles.short.admin") in admin_row[0]


async def test_stopping_a_members_use_asks_first_and_cancelling_changes_nothing(client, admin, services):
    member = await make_staff(services, saeol_id="goji01", name="고지현")
    page = await (await client.get(f"/staff/{member.id}")).text()
    # The member's page offers the step as a link to a confirmation, not as a form that acts at once.
    assert f'href="/staff/{member.id}/deactivate"' in page
    assert f'action="/staff/{member.id}/deactivate"' not in page

    confirm = await client.get(f"/staff/{member.id}/deactivate")
    body = await confirm.text()
    assert confirm.status == 200
    assert text("admin.staff.confirm.deactivate_title", name="고지현") in body
    assert text("admin.staff.confirm.deactivate_bot", name="고지현") in body
    assert f'action="/staff/{member.id}/deactivate"' in body and 'name="csrf"' in body
    assert f'href="/staff/{member.id}">{text("admin.staff.confirm.cancel")}</a>' in body
    assert (await services.staff_admin.get(admin, member.id)).active  # looking asks; it changes nothing

    forged = await client.post(f"/staff/{member.id}/deactivate", data={}, allow_redirects=False)
    assert forged.status == 403  # the confirmation's form carries the session's CSRF token; nothing else works
    token = await csrf_of(client, f"/staff/{member.id}/deactivate")
    done = await client.post(f"/staff/{member.id}/deactivate", data={"csrf": token}, allow_redirects=False)
    assert done.status == 302 and done.headers["Location"] == f"/staff/{member.id}?notice=deactivated"
    assert not (await services.staff_admin.get(admin, member.id)).active

    # The confirmation opened again (another tab, the back button): the member's page says it is done already.
    again = await client.get(f"/staff/{member.id}/deactivate", allow_redirects=False)
    assert again.status == 302 and again.headers["Location"] == f"/staff/{member.id}?notice=already_inactive"
    shown = await (await client.get(again.headers["Location"])).text()
    assert text("admin.staff.notice.already_inactive") in shown


async def test_revoking_a_permission_asks_first_naming_the_role_and_its_scope(client, admin, services, uow_factory):
    wangdo = await make_dong(uow_factory, "왕십리도선동", "왕도")
    member = await make_staff(services, saeol_id="goji01", name="고지현", roles=())
    await services.staff_admin.grant(admin, member.id, GrantRequest("housing.read", dong_ids={wangdo}))
    page = await (await client.get(f"/staff/{member.id}")).text()
    assert f'href="/staff/{member.id}/revoke?permission=housing.read"' in page
    assert f'action="/staff/{member.id}/revoke"' not in page

    confirm = await (await client.get(f"/staff/{member.id}/revoke?permission=housing.read")).text()
    role = "공동주택 조회(왕십리도선동)"
    assert text("admin.staff.confirm.revoke_title", name="고지현", role=role) in confirm
    assert 'name="permission" value="housing.read"' in confirm
    assert (await services.staff_admin.get(admin, member.id)).grants  # still held until the form is sent

    token = await csrf_of(client, f"/staff/{member.id}/revoke?permission=housing.read")
    done = await client.post(
        f"/staff/{member.id}/revoke", data={"csrf": token, "permission": "housing.read"}, allow_redirects=False
    )
    assert done.status == 302 and done.headers["Location"] == f"/staff/{member.id}?notice=revoked"
    assert not (await services.staff_admin.get(admin, member.id)).grants

    for stale in ("housing.read", "nonsense", ""):  # revoked meanwhile, or an address typed by hand
        answer = await client.get(f"/staff/{member.id}/revoke?permission={stale}", allow_redirects=False)
        assert answer.status == 302 and answer.headers["Location"] == f"/staff/{member.id}?notice=already_revoked"


async def test_revoking_the_administrator_permission_says_sessions_and_tokens_end(client, admin, services):
    other = await make_staff(services, saeol_id="admin02", name="박관리", department="전산정보과", roles=("admin",))
    confirm = await (await client.get(f"/staff/{other.id}/revoke?permission=admin")).text()
    assert text("admin.staff.confirm.revoke_admin", name="박관리") in confirm
