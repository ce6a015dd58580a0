"""업무 인계 on the admin pages and in the API: find the successor, see what moves, hand it over in one step."""

import json
import re
from typing import Any

import pytest

from tests.admin.conftest import csrf_of
from tests.admin.test_staff_pages import text
from tests.builders import make_case, make_coordinator, make_staff

ROLES = ("benchmark.execute", "sms.send")


@pytest.fixture
async def pair(services):
    coordinator = await make_coordinator(services)
    departing = await make_staff(services, saeol_id="lee01", name="이숙영", department="총무과", roles=ROLES)
    successor = await make_staff(services, saeol_id="park01", name="박후임", department="총무과", roles=ROLES)
    await make_case(services, coordinator, departing, title="구내식당 <페이백>")
    return departing, successor


async def test_an_admin_finds_the_successor_previews_and_hands_over_ending_the_roles(client, admin, services, pair):
    departing, successor = pair
    member_page = await (await client.get(f"/staff/{departing.id}")).text()
    assert f'href="/staff/{departing.id}/handover"' in member_page
    found = await (await client.get(f"/staff/{departing.id}/handover", params={"q": "박후"})).text()
    assert "박후임" in found and f"to={successor.id}" in found
    preview = await (
        await client.get(f"/staff/{departing.id}/handover", params={"q": "박후", "to": successor.id})
    ).text()
    assert text("admin.handover.cases", count=1) in preview
    assert "구내식당 &lt;페이백&gt;" in preview  # a title is shown as typed, never as markup
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', preview)
    assert fingerprint
    token = await csrf_of(client, f"/staff/{departing.id}/handover")
    response = await client.post(
        f"/staff/{departing.id}/handover",
        data={"csrf": token, "to": str(successor.id), "fingerprint": fingerprint[1], "end_roles": "on"},
        allow_redirects=False,
    )
    assert response.status == 302 and response.headers["Location"] == f"/staff/{departing.id}?notice=handed_over"
    after = await (await client.get(response.headers["Location"])).text()
    assert text("admin.staff.notice.handed_over") in after
    left = await services.staff_admin.get(admin, departing.id)
    assert left.grants == ()


async def test_a_stale_preview_is_refused_with_the_work_shown_again(client, admin, services, pair):
    departing, successor = pair
    token = await csrf_of(client, f"/staff/{departing.id}/handover")
    response = await client.post(
        f"/staff/{departing.id}/handover",
        data={"csrf": token, "to": str(successor.id), "fingerprint": "0" * 16},
        allow_redirects=False,
    )
    page = await response.text()
    assert response.status == 409 and text("admin.error.handover_changed") in page
    assert 'name="fingerprint"' in page  # the fresh preview, to look at again


async def test_without_the_csrf_token_nothing_moves(client, admin, services, pair):
    departing, successor = pair
    response = await client.post(
        f"/staff/{departing.id}/handover", data={"to": str(successor.id), "fingerprint": "x"}, allow_redirects=False
    )
    assert response.status == 403
    plan = await services.handover.preview(admin, departing.id, successor.id)
    assert len(plan.cases) == 1


async def test_the_api_previews_and_hands_over_with_the_fingerprint(client, admin, services, pair):
    departing, successor = pair
    issued = await services.admin_access.create_token(admin, "handover")
    headers = {"Authorization": f"Bearer {issued.token}", "Content-Type": "application/json"}

    async def call(path: str, body: dict[str, Any]) -> tuple[int, Any]:
        response = await client.post(path, data=json.dumps(body), headers=headers)
        return response.status, await response.json()

    base = f"/api/v1/staff/{departing.id}/handover"
    status, plan = await call(base + "/preview", {"successor_id": successor.id})
    assert status == 200 and [c["title"] for c in plan["cases"]] == ["구내식당 <페이백>"] and plan["blockers"] == []
    status, refused = await call(base, {"successor_id": successor.id})
    assert status == 422 and refused["error"] == "api_field_invalid"
    status, done = await call(base, {"successor_id": successor.id, "fingerprint": plan["fingerprint"]})
    assert status == 200 and done["roles_ended"] == []
    status, again = await call(base, {"successor_id": successor.id, "fingerprint": plan["fingerprint"]})
    assert (status, again["error"]) == (409, "handover_changed")  # the work has moved since that preview
