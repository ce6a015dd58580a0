"""Reference list pages: an admin adds, renames, reorders and deletes positions, criteria, departments and
dongs from a phone; bad input is refused politely with the form kept, names are escaped everywhere, an
entry in use is not deleted, and unknown lists and ids are simply not found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from bot.admin import views_reference
from core.reference import ReferenceKind
from core.texts.i18n import catalog, t_plain
from core.values import ReferenceDraft
from storage.audit.models import AuditEntry
from tests.admin.conftest import csrf_of
from tests.builders import make_complex

TEMPLATES = Path(views_reference.__file__).with_name("templates")
SEEDED_POSITIONS = ["회장", "부회장", "감사", "이사", "총무"]


pytestmark = pytest.mark.usefixtures("positions_restored")


def escaped(value: str) -> str:
    """As the page shows it: Jinja's autoescape."""
    return str(escape(value))


def text(key: str, **params: object) -> str:
    return escaped(t_plain("ko", f"admin.{key}", **params))


def error(code: str, **params: object) -> str:
    return escaped(t_plain("ko", f"admin.error.{code}", **params))


async def entries(services, admin, kind: ReferenceKind):
    return await services.reference.entries(admin, kind)


async def post(client, path: str, csrf_page: str, **fields: str):
    token = await csrf_of(client, csrf_page)
    return await client.post(path, data={"csrf": token, **fields}, allow_redirects=False)


async def audit_actions(uow_factory) -> list[str]:
    async with uow_factory() as uow:
        rows = await uow._session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.startswith("reference.")).order_by(AuditEntry.id)
        )
        return list(rows)


async def test_the_menu_leads_to_the_four_lists(client, admin):
    home = await (await client.get("/")).text()
    assert 'href="/reference"' in home and text("reference.nav") in home
    index = await client.get("/reference")
    body = await index.text()
    assert index.status == 200
    for slug, kind in views_reference.SLUGS.items():
        assert f'href="/reference/{slug}"' in body and text(f"reference.list.{kind.value}") in body
    assert text("reference.entries", count=5) in body  # the seeded positions


async def test_an_admin_adds_renames_reorders_and_deletes_a_position(client, admin, services, uow_factory):
    page = await client.get("/reference/positions")
    body = await page.text()
    assert page.status == 200
    assert [m for m in re.findall(r"<td>([^<]+)</td>", body) if m in SEEDED_POSITIONS] == SEEDED_POSITIONS

    added = await post(client, "/reference/positions", "/reference/positions", name="  동별   대표 ")
    assert added.status == 303 and added.headers["Location"] == "/reference/positions?done=added"
    listed = await (await client.get(added.headers["Location"])).text()
    assert text("reference.notice.added") in listed and "<td>동별 대표</td>" in listed
    [new] = [e for e in await entries(services, admin, ReferenceKind.POSITION) if e.name == "동별 대표"]

    form = await (await client.get(f"/reference/positions/{new.id}")).text()
    assert 'value="동별 대표"' in form and text("reference.delete_confirm", name="동별 대표") in form
    renamed = await post(client, f"/reference/positions/{new.id}", f"/reference/positions/{new.id}", name="고문")
    assert renamed.status == 303 and renamed.headers["Location"] == "/reference/positions?done=saved"

    moved = await post(client, f"/reference/positions/{new.id}/move", "/reference/positions", direction="up")
    assert moved.status == 303 and moved.headers["Location"] == "/reference/positions?done=moved"
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == [
        "회장",
        "부회장",
        "감사",
        "이사",
        "고문",
        "총무",
    ]

    deleted = await post(client, f"/reference/positions/{new.id}/delete", f"/reference/positions/{new.id}")
    assert deleted.status == 303 and deleted.headers["Location"] == "/reference/positions?done=deleted"
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == SEEDED_POSITIONS
    assert await audit_actions(uow_factory) == ["reference.add", "reference.edit", "reference.move", "reference.delete"]


async def test_a_support_criterion_keeps_its_description_and_amount(client, admin, services):
    added = await post(
        client,
        "/reference/criteria",
        "/reference/criteria",
        name="공동체활성화 지원",
        description="입주민 공동체 프로그램\r\n운영비 지원",
        max_amount="1,590",
    )
    assert added.status == 303
    body = await (await client.get("/reference/criteria")).text()
    assert text("reference.thousand_won", amount="1,590") in body
    assert "입주민 공동체 프로그램\n운영비 지원" in body
    [criterion] = await entries(services, admin, ReferenceKind.SUPPORT_CRITERION)
    assert (criterion.max_amount, criterion.description) == (1590, "입주민 공동체 프로그램\n운영비 지원")
    form = await (await client.get(f"/reference/criteria/{criterion.id}")).text()
    assert 'value="1,590"' in form


async def test_a_malformed_amount_is_refused_with_the_form_kept(client, admin, services):
    for amount in ["12abc", "-5", "1.5", "1,59", "１２", "9" * 16, "100,000,001"]:
        refused = await post(
            client, "/reference/criteria", "/reference/criteria", name="주차장 보수", max_amount=amount
        )
        body = await refused.text()
        assert refused.status == 422, amount
        assert error("reference_amount", limit="100,000,000") in body
        assert 'value="주차장 보수"' in body and f'value="{escaped(amount)}"' in body
    assert await entries(services, admin, ReferenceKind.SUPPORT_CRITERION) == []


async def test_html_in_a_name_is_shown_as_written_and_never_run(client, admin, services):
    name = '<script>alert("x")</script>&'
    added = await post(client, "/reference/departments", "/reference/departments", name=name)
    assert added.status == 303
    for path in ["/reference/departments"] + [
        f"/reference/departments/{e.id}" for e in await entries(services, admin, ReferenceKind.DEPARTMENT)
    ]:
        body = await (await client.get(path)).text()
        assert "<script>" not in body
    listed = await (await client.get("/reference/departments")).text()
    assert f"<td>{escaped(name)}</td>" in listed
    again = await post(client, "/reference/departments", "/reference/departments", name=name)
    assert again.status == 409 and "<script>" not in await again.text()


async def test_a_duplicate_is_refused_and_the_form_kept(client, admin, services):
    refused = await post(client, "/reference/positions", "/reference/positions", name="회장")
    body = await refused.text()
    assert refused.status == 409
    assert error("duplicate_reference", field=t_plain("ko", "admin.reference.field.name"), value="회장") in body
    assert 'id="add-name" name="name" type="text" maxlength="20" value="회장"' in body
    [vice] = [e for e in await entries(services, admin, ReferenceKind.POSITION) if e.name == "부회장"]
    renamed = await post(client, f"/reference/positions/{vice.id}", f"/reference/positions/{vice.id}", name="회장")
    assert renamed.status == 409 and 'value="회장"' in await renamed.text()
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == SEEDED_POSITIONS


@pytest.mark.parametrize(
    ("path", "fields", "code", "params"),
    [
        ("/reference/positions", {"name": "   "}, "reference_required", {"field": "이름"}),
        ("/reference/positions", {}, "reference_required", {"field": "이름"}),
        (
            "/reference/positions",
            {"name": "가" * 21},
            "reference_too_long",
            {"field": "이름", "limit": 20, "length": 21},
        ),
        ("/reference/dongs", {"name": "성수1가제1동"}, "reference_required", {"field": "줄임말"}),
        (
            "/reference/dongs",
            {"name": "성수1가제1동", "short_name": "성" * 11},
            "reference_too_long",
            {"field": "줄임말", "limit": 10, "length": 11},
        ),
    ],
)
async def test_malformed_fields_are_refused_naming_the_field(client, admin, path, fields, code, params):
    refused = await post(client, path, path, **fields)
    assert refused.status == 422
    assert error(code, **params) in await refused.text()


async def test_an_overlong_field_is_refused_before_anything_is_parsed(client, admin, services):
    refused = await post(client, "/reference/positions", "/reference/positions", name="가" * 2001)
    assert refused.status == 422 and error("field_too_long", limit=2000) in await refused.text()
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == SEEDED_POSITIONS


async def test_a_position_in_use_says_how_many_use_it_and_stays(client, admin, services, uow_factory):
    await make_complex(uow_factory, representatives=1)
    [chair, *_] = await entries(services, admin, ReferenceKind.POSITION)
    page = await (await client.get(f"/reference/positions/{chair.id}")).text()
    assert text("reference.delete_blocked") in page and f"/reference/positions/{chair.id}/delete" not in page
    assert text("reference.usage.representatives", count=1) in page
    listed = await (await client.get("/reference/positions")).text()
    assert text("reference.usage.representatives", count=1) in listed and text("reference.unused") in listed
    # A forged or stale delete (the form of a moment ago) is refused all the same.
    refused = await post(client, f"/reference/positions/{chair.id}/delete", "/reference/positions")
    assert refused.status == 409
    assert error("already_in_use_position", name="회장", representatives=1) in await refused.text()
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == SEEDED_POSITIONS


async def test_a_dong_with_complexes_is_kept_and_departments_have_no_order(client, admin, services, uow_factory):
    await make_complex(uow_factory, dong="왕십리도선동", dong_short="왕도")
    [dong] = await entries(services, admin, ReferenceKind.ADMIN_DONG)
    refused = await post(client, f"/reference/dongs/{dong.id}/delete", "/reference/dongs")
    assert refused.status == 409
    assert error("already_in_use_admin_dong", name="왕십리도선동", complexes=1, grants=0) in await refused.text()
    departments = await (await client.get("/reference/departments")).text()
    assert "/move" not in departments and "전산정보과" in departments
    [department] = await entries(services, admin, ReferenceKind.DEPARTMENT)
    moved = await post(client, f"/reference/departments/{department.id}/move", "/reference/departments", direction="up")
    assert moved.status == 422 and error("reference_not_ordered") in await moved.text()


async def test_a_forged_move_is_refused(client, admin, services):
    [chair, *_] = await entries(services, admin, ReferenceKind.POSITION)
    refused = await post(client, f"/reference/positions/{chair.id}/move", "/reference/positions", direction="sideways")
    assert refused.status == 422 and error("reference_move") in await refused.text()
    top = await post(client, f"/reference/positions/{chair.id}/move", "/reference/positions", direction="up")
    assert top.status == 303  # already first: nothing to do, nothing to complain about
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == SEEDED_POSITIONS


UNKNOWN = [
    ("GET", "/reference/nothing"),
    ("GET", "/reference/positions/987654"),
    ("GET", "/reference/positions/0"),
    ("GET", "/reference/positions/99999999999"),
    ("GET", "/reference/positions/" + "9" * 5000),
    ("POST", "/reference/nothing"),
    ("POST", "/reference/positions/987654"),
    ("POST", "/reference/positions/987654/move"),
    ("POST", "/reference/positions/987654/delete"),
    ("POST", "/reference/positions/99999999999/delete"),
]


async def test_unknown_lists_and_ids_are_not_found(client, admin):
    token = await csrf_of(client, "/reference")
    for method, path in UNKNOWN:
        response = await client.request(method, path, data={"csrf": token, "name": "고문", "direction": "up"})
        assert response.status == 404, (method, path[:60])
        assert text("error.not_found") in await response.text()


async def test_a_form_without_its_token_changes_nothing(client, admin, services):
    for path, fields in [
        ("/reference/positions", {"name": "고문"}),
        ("/reference/positions/1/delete", {}),
        ("/reference/positions/1/move", {"direction": "down"}),
    ]:
        refused = await client.post(path, data=fields, allow_redirects=False)
        assert refused.status == 403
        forged = await client.post(path, data={**fields, "csrf": "forged"}, allow_redirects=False)
        assert forged.status == 403
    assert [e.name for e in await entries(services, admin, ReferenceKind.POSITION)] == SEEDED_POSITIONS


async def test_every_text_the_pages_name_exists_in_both_languages():
    used: set[str] = set()
    for template in [*TEMPLATES.glob("reference_*.html"), *TEMPLATES.glob("audit*.html")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""", template.read_text(encoding="utf-8")))
    assert len(used) > 30
    for language in ("ko", "en"):
        missing = sorted(key for key in used if f"admin.{key}" not in catalog(language))
        assert not missing, (language, missing)
        for kind in ReferenceKind:
            for prefix in ("list", "about"):
                assert f"admin.reference.{prefix}.{kind.value}" in catalog(language)
            assert f"admin.error.already_in_use_{kind.value}" in catalog(language)


async def test_an_edit_made_on_a_stale_page_is_refused_not_silently_applied(client, admin, services):
    entry = await services.reference.add(admin, ReferenceKind.SUPPORT_CRITERION, ReferenceDraft(name="승강기 교체"))
    page = await client.get(f"/reference/criteria/{entry.id}")
    html = await page.text()
    seen = re.search(r'name="seen" value="([^"]+)"', html)[1]
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)[1]
    # Meanwhile another admin renames it.
    await services.reference.edit(
        admin, ReferenceKind.SUPPORT_CRITERION, entry.id, ReferenceDraft(name="승강기 교체·보수")
    )
    stale = await client.post(
        f"/reference/criteria/{entry.id}",
        data={"csrf": csrf, "seen": seen, "name": "승강기 전면 교체"},
        allow_redirects=False,
    )
    assert stale.status == 409
    current = await services.reference.get(admin, ReferenceKind.SUPPORT_CRITERION, entry.id)
    assert current.name == "승강기 교체·보수"
