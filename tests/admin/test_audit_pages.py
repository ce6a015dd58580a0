"""The audit log page: sign-ins and failures, grants, staff and record changes with readable old and new
values, filtered by staff member, action and dates of the office's calendar, paged, and downloaded as an
Excel file holding exactly what the page's filter selects. A malformed filter gets a polite message."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import unquote

from markupsafe import escape
from openpyxl import load_workbook

from core.audit import PAGE_SIZE
from core.reference import ReferenceKind
from core.texts.i18n import t_plain
from core.values import ReferenceDraft
from tests.admin.conftest import sign_in
from tests.builders import make_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(key: str, **params: object) -> str:
    """A catalog text as the page shows it (Jinja's autoescape)."""
    return str(escape(t_plain("ko", f"admin.{key}", **params)))


class _Table(HTMLParser):
    """The cells of the page's table body, as text (line breaks inside a cell kept as newlines)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = []
        elif self._cell is not None and tag == "br":
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(body: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(body)
    return parser.rows


def action_label(action: str) -> str:
    return t_plain("ko", f"admin.audit.actions.{action}")


async def write(uow_factory, at, action: str, actor_id: int | None = None, **extra) -> None:
    async with uow_factory(write=True) as uow:
        await uow.audit.record(at=at, actor_staff_id=actor_id, action=action, **extra)
        await uow.commit()


async def test_sign_ins_and_failed_ones_are_listed_newest_first(client, admin):
    refused = await sign_in(client, username="intruder", password="guess guess")
    assert refused.status == 401
    page = await client.get("/audit")
    body = await page.text()
    assert page.status == 200 and 'href="/audit"' in body
    rows = table(body)
    assert [row[2] for row in rows[:3]] == [
        action_label("admin.sign_in_failed"),
        action_label("admin.sign_in"),
        action_label("admin.password"),
    ]
    failed = rows[0]
    assert failed[0] == "2026-11-25 10:00:00"  # the office's time, not the server's UTC
    assert failed[1] == t_plain("ko", "admin.audit.unknown_user", username="intruder")
    assert failed[4] == t_plain("ko", "admin.audit.detail.address", value="127.0.0.1")  # 접속 주소 127.0.0.1
    assert rows[1][1] == "임희철\nitadmin"


async def test_a_grant_and_a_reference_change_read_as_old_and_new_values(client, admin, services, uow_factory, clock):
    member = await make_staff(services, saeol_id="hong01", name="홍길동")
    # As the roles page writes a grant scoped to the member's department.
    await write(
        uow_factory,
        clock.now(),
        "role.grant",
        admin.id,
        target_type="staff",
        target_id=member.id,
        details={
            "permission": "benchmark.execute",
            "old": None,
            "new": {"department_id": member.department_id, "dong_ids": []},
        },
    )
    await services.reference.edit(
        admin, ReferenceKind.DEPARTMENT, member.department_id, ReferenceDraft(name="공동주택관리과")
    )
    rows = table(await (await client.get("/audit")).text())
    edit = next(row for row in rows if row[2] == action_label("reference.edit"))
    assert edit[3] == f"{t_plain('ko', 'admin.audit.targets.department')} 공동주택관리과"
    assert edit[4] == f"{t_plain('ko', 'admin.audit.fields.name')}: 공동주택과 → 공동주택관리과"
    granted = next(row for row in rows if row[2] == action_label("role.grant"))
    assert granted[3] == f"{t_plain('ko', 'admin.audit.targets.staff')} 홍길동"
    # One line: the permission's Korean name, then its scope, the department named as it is called now.
    scope = t_plain("ko", "admin.roles.scope_department_value", name="공동주택관리과")
    assert granted[4] == " · ".join(
        (t_plain("ko", "admin.roles.short.benchmark_execute"), t_plain("ko", "admin.audit.detail.scope", value=scope))
    )


async def test_the_filters_choose_staff_action_and_days(client, admin, services, uow_factory, clock):
    member = await make_staff(services, saeol_id="hong01", name="홍길동")
    yesterday = clock.now() - timedelta(days=1)
    await write(uow_factory, yesterday, "pii.view", member.id, target_type="complex", target_id=7)
    await write(uow_factory, clock.now(), "pii.view", member.id, target_type="complex", target_id=8)
    await write(uow_factory, clock.now(), "staff.deactivate", admin.id, target_type="staff", target_id=member.id)
    page = await (await client.get("/audit")).text()
    assert f'<option value="{member.id}">홍길동 (hong01, 공동주택과)</option>' in page
    assert f'<option value="pii.view">{text("audit.actions.pii.view")}</option>' in page

    by_member = table(await (await client.get(f"/audit?staff={member.id}")).text())
    assert [row[2] for row in by_member] == [
        action_label("staff.deactivate"),
        action_label("pii.view"),
        action_label("staff.add"),
        action_label("pii.view"),
    ]
    views_today = await (
        await client.get(f"/audit?staff={member.id}&action=pii.view&from=2026-11-25&to=2026-11-25")
    ).text()
    assert [row[0] for row in table(views_today)] == ["2026-11-25 10:00:00"]
    assert f'<option value="{member.id}" selected>' in views_today
    assert '<option value="pii.view" selected>' in views_today
    assert 'name="from" value="2026-11-25"' in views_today
    nothing = await (await client.get("/audit?action=community.add")).text()
    assert table(nothing) == [] and text("audit.none") in nothing
    # The chosen action stays chosen though the log holds none of it, named by its group.
    label = f"{text('audit.groups.community')} (community.add)"
    assert f'<option value="community.add" selected>{label}</option>' in nothing


async def test_a_malformed_filter_gets_a_polite_message_not_an_error_page(client, admin):
    cases = [
        ("from=2026-11-25&to=2026-11-24", "audit_dates_reversed", {"date_from": "2026-11-25", "date_to": "2026-11-24"}),
        ("from=2026-02-30", "audit_date", {"value": "2026-02-30"}),
        ("to=9999-12-31", "audit_date", {"value": "9999-12-31"}),
        ("from=" + "1" * 5000, "audit_date", {"value": "1" * 20}),
        ("staff=%3Cscript%3E", "audit_staff", {"value": "<script>"}),
        ("action=%3Cb%3Ebold%3C%2Fb%3E", "audit_action", {"value": "<b>bold</b>"}),
    ]
    for query, code, params in cases:
        response = await client.get(f"/audit?{query}")
        body = await response.text()
        assert response.status == 422, query
        assert str(escape(t_plain("ko", f"admin.error.{code}", **params))) in body, query
        assert "<script>" not in body and "<b>bold" not in body
        assert text("audit.search") in body  # the filter form is there to correct it
        assert table(body) == []
    odd_page = await client.get("/audit?page=abc")
    assert odd_page.status == 200


async def test_the_log_is_paged_and_the_pager_keeps_the_filter(client, admin, uow_factory, clock):
    for minute in range(PAGE_SIZE + 5):
        await write(uow_factory, clock.now() + timedelta(minutes=minute), "pii.view", admin.id)
    first = await (await client.get("/audit?action=pii.view")).text()
    assert len(table(first)) == PAGE_SIZE and text("audit.page", number=1, pages=2) in first
    assert text("audit.count", count=f"{PAGE_SIZE + 5:,}") in first
    assert 'href="/audit?action=pii.view&amp;page=2"' in first
    second = await (await client.get("/audit?action=pii.view&page=2")).text()
    assert len(table(second)) == 5 and 'href="/audit?action=pii.view&amp;page=1"' in second
    assert table(second)[-1][0] == clock.local(clock.now()).strftime("%Y-%m-%d %H:%M:%S")
    past_the_end = await (await client.get("/audit?action=pii.view&page=999999")).text()
    assert table(past_the_end) == table(second)


async def test_the_excel_file_holds_what_the_page_shows(client, admin, services, uow_factory, clock):
    member = await make_staff(services, saeol_id="hong01", name="홍길동")
    for minute in range(7):
        await write(
            uow_factory,
            clock.now() + timedelta(minutes=minute),
            "pii.view",
            member.id,
            target_type="complex",
            target_id=minute,
        )
    await write(uow_factory, clock.now() + timedelta(days=2), "pii.view", member.id)  # outside the dates
    page = await (await client.get(f"/audit?staff={member.id}&action=pii.view&from=2026-11-25&to=2026-11-25")).text()
    shown = table(page)
    link = unescape(page.split('href="/audit/export.xlsx?', 1)[1].split('"', 1)[0])
    response = await client.get(f"/audit/export.xlsx?{link}")
    assert response.status == 200 and response.headers["Content-Type"] == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-log-20261125-1000.xlsx"; ')
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == "감사기록_20261125-1000.xlsx"
    book = load_workbook(BytesIO(await response.read()))
    rows = list(book[t_plain("ko", "admin.audit.sheet")].iter_rows(values_only=True))[3:]  # under title and caption
    assert rows[0] == tuple(
        t_plain("ko", f"admin.audit.{key}")
        for key in ("at", "staff", "saeol_id", "action", "target", "details", "action_code")
    )
    assert len(rows) - 1 == len(shown) == 7
    for excel, html_row in zip(rows[1:], shown, strict=True):
        assert excel[0].strftime("%Y-%m-%d %H:%M:%S") == html_row[0]
        assert (excel[1], excel[2]) == ("홍길동", "hong01")
        assert excel[3] == html_row[2] == action_label("pii.view")
        assert excel[4] == html_row[3] and excel[6] == "pii.view"
    header, values = list(book[t_plain("ko", "admin.audit.conditions_sheet")].iter_rows(values_only=True))[3:]
    conditions = dict(zip(header, values, strict=True))
    assert conditions[t_plain("ko", "admin.audit.staff")] == "홍길동 (hong01)"
    assert conditions[t_plain("ko", "admin.audit.period")] == "2026-11-25 ~ 2026-11-25"
    after = table(await (await client.get("/audit?action=audit.export")).text())
    assert [row[2] for row in after] == [action_label("audit.export")]


async def test_an_export_with_a_malformed_filter_explains_itself(client, admin):
    response = await client.get("/audit/export.xlsx?from=2026-11-26&to=2026-11-01")
    assert response.status == 422 and response.headers["Content-Type"].startswith("text/html")
    assert (
        str(escape(t_plain("ko", "admin.error.audit_dates_reversed", date_from="2026-11-26", date_to="2026-11-01")))
        in await response.text()
    )


async def test_html_in_logged_names_and_values_is_escaped(client, admin, services, uow_factory, clock):
    member = await make_staff(services, saeol_id="hong01", name="<img src=x onerror=alert(1)>")
    await write(
        uow_factory,
        clock.now(),
        "staff.edit",
        admin.id,
        target_type="staff",
        target_id=member.id,
        details={"old": {"name": "<b>before</b>"}, "new": {"name": "<script>after</script>"}},
    )
    body = await (await client.get("/audit")).text()
    assert "<img src=x" not in body and "<script>after" not in body and "<b>before" not in body
    assert str(escape("<img src=x onerror=alert(1)>")) in body
    assert str(escape("<b>before</b> → <script>after</script>")) in body


async def test_strangers_are_sent_to_sign_in(client):
    assert (await client.get("/audit", allow_redirects=False)).status == 302
    assert (await client.get("/audit/export.xlsx", allow_redirects=False)).status == 302


def test_every_action_the_code_records_has_a_label_in_both_languages():
    import re
    from pathlib import Path

    from core.benchmark.values import CaseAction
    from core.texts.i18n import catalog

    root = Path(__file__).resolve().parents[2]
    written = {f"benchmark.{action.value}" for action in CaseAction}
    for path in root.glob("core/**/*.py"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', source))
        written |= set(re.findall(r'"(reference\.[a-z_]+)"', source))  # core/reference.py's _audit
        for first, second in re.findall(r'\baction="([a-z_]+\.[a-z_]+)" if .+? else "([a-z_]+\.[a-z_]+)"', source):
            written |= {first, second}
    assert {"admin.sign_in", "admin.sign_in_failed", "pii.view", "reference.edit", "audit.export"} <= written
    for language in ("ko", "en"):
        missing = sorted(a for a in written if f"admin.audit.actions.{a}" not in catalog(language))
        assert not missing, (language, missing)
