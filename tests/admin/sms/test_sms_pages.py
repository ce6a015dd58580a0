"""The text message pages as the IT department reads them: 전송결과 조회 lists the batches with their counts,
전송결과 상세조회 shows each recipient's state and failure reason (phones masked without pii.view), a scheduled
batch is cancelled with the page's form (and only with its CSRF token), and the results download as a real
Excel workbook. The office has a UMS (the fake one); an office without one is told plainly nothing was sent."""

import io
import re
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape
from playwright.async_api import expect
from sqlalchemy import select

from bot.admin import views_sms
from bot.admin.app import build_admin_app
from bot.app import build_runtime
from bot.settings import Settings
from core.sms.values import ListEntry, RecipientSelection, StateCounts
from core.texts.i18n import has_text, t_plain
from storage.audit.models import AuditEntry
from tests.admin.conftest import csrf_of, make_admin, sign_in
from tests.builders import grant, make_complex, make_dong, make_staff
from tests.core.community.test_validation import GEUMOK

REPRESENTATIVES = RecipientSelection("representatives")
MEETING = "{이름}님, 11월 26일 10시 입주자대표회의에 참석해 주십시오."
TOMORROW = datetime.fromisoformat("2026-11-26T09:30:00+09:00")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(key: str, lang: str = "ko", **params: Any) -> str:
    """A catalog text as a page shows it (HTML-escaped, as Jinja does)."""
    return str(escape(t_plain(lang, key, **params)))


def counts_line(lang: str = "ko", **counts: int) -> str:
    c = StateCounts(**counts)
    return text(
        "sms.counts", lang, total=c.total, sent=c.sent, delivered=c.delivered, failed=c.failed, pending=c.pending
    )


@pytest.fixture
async def sender(admin, uow_factory):
    """The signed-in admin, who also sends text messages (sms.send) but may not see phones (no pii.view)."""
    return await grant(uow_factory, admin, "sms.send")


async def deliver(runtime) -> None:
    """The dispatcher hands what is due to the UMS, then reads the UMS's delivery reports."""
    await runtime.sms_dispatch.dispatch_once()
    await runtime.sms_dispatch.poll_reports()


@pytest.fixture
def ten_per_page(monkeypatch):
    """Pages of ten, so paging shows with a few batches and people."""
    monkeypatch.setattr(views_sms, "BATCHES_PER_PAGE", 10)
    monkeypatch.setattr(views_sms, "RECIPIENTS_PER_PAGE", 10)


def rows(page: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>.*?</tr>", page, flags=re.S)


async def test_the_list_shows_each_batch_with_its_counts_and_filters_the_scheduled(
    client, sender, services, uow_factory, runtime, fake_ums, ten_per_page
):
    await make_complex(uow_factory, representatives=3)
    fake_ums.faults.failed_numbers = {"01012345001"}
    sent = await services.sms.send(sender, REPRESENTATIVES, MEETING)
    await deliver(runtime)
    scheduled = await services.sms.send(sender, REPRESENTATIVES, "가" * 50, TOMORROW)

    page = await (await client.get("/sms")).text()
    assert text("admin.sms.not_configured") not in page  # this office has a UMS
    listed = rows(page)
    assert len(listed) == 2 and f"#{scheduled.id}" in listed[0] and f"#{sent.id}" in listed[1]
    newest, oldest = listed
    assert "2026-11-26 09:30" in newest and text("sms.type.lms") in newest and "가" * 20 in newest
    assert counts_line(scheduled=3) in newest
    assert "2026-11-25 10:00" in oldest and "임희철" in oldest and text("sms.type.sms") in oldest
    assert text("admin.sms.now") in oldest and escape(MEETING[:20]) in oldest
    assert counts_line(delivered=2, failed=1, failed_after_submit=1) in oldest

    only_scheduled = await (await client.get("/sms?scheduled=1")).text()
    assert [f"#{scheduled.id}" in row for row in rows(only_scheduled)] == [True]
    assert 'name="scheduled" value="1" checked' in only_scheduled

    for _ in range(9):
        await services.sms.send(sender, REPRESENTATIVES, "안내")
    first = await (await client.get("/sms")).text()
    assert len(rows(first)) == 10 and text("admin.sms.page", number=1, pages=2) in first
    assert 'href="/sms?page=2"' in first
    second = await (await client.get("/sms?page=2")).text()
    assert len(rows(second)) == 1 and f"#{sent.id}" in second


async def test_the_detail_shows_each_recipients_state_and_failure_with_masked_phones(
    client, sender, services, uow_factory, runtime, fake_ums, ten_per_page
):
    await make_complex(uow_factory, name="행당한진타운", representatives=12)
    fake_ums.faults.failed_numbers = {"01012345001"}
    batch = await services.sms.send(sender, REPRESENTATIVES, MEETING)
    await deliver(runtime)

    page = await (await client.get(f"/sms/{batch.id}")).text()
    assert text("admin.sms.detail_title", id=batch.id) in page
    assert escape(MEETING) in page and "02-2286-5114" in page
    assert text("admin.sms.size", type=t_plain("ko", "sms.type.sms"), length=batch.byte_length) in page
    assert counts_line(delivered=11, failed=1, failed_after_submit=1) in page
    assert text("admin.sms.recipients", count=12) in page
    listed = rows(page)
    assert len(listed) == 10
    failed = next(row for row in listed if "김대표2<" in row)
    assert "010-****-5001" in failed and text("sms.state.failed") in failed and "단말기 전원 꺼짐" in failed
    assert "2026-11-25 10:00" in failed and "<td>1</td>" in failed
    assert all(text("sms.state.delivered") in row for row in listed if row is not failed)
    assert "010-1234-" not in page  # no pii.view: every phone masked
    # Sent now, not reserved: nothing to cancel. The page says so instead of offering the form.
    assert f'action="/sms/{batch.id}/cancel"' not in page and text("admin.sms.not_cancellable_now") in page
    assert f'href="/sms/{batch.id}/results.xlsx"' in page

    second = await (await client.get(f"/sms/{batch.id}?page=2")).text()
    assert len(rows(second)) == 2 and "<td>11</td>" in second and "<td>12</td>" in second
    assert f'href="/sms/{batch.id}?failed=1"' in page
    failures = await (await client.get(f"/sms/{batch.id}?failed=1")).text()
    assert text("admin.sms.recipients_failed", count=1) in failures
    assert len(rows(failures)) == 1 and "김대표2<" in rows(failures)[0]
    assert f'<a href="/sms/{batch.id}">{text("admin.sms.all_recipients")}</a>' in failures

    await grant(uow_factory, sender, "pii.view")
    unmasked = await (await client.get(f"/sms/{batch.id}")).text()
    assert "010-1234-5001" in unmasked
    async with uow_factory() as uow:
        viewed = await uow._session.execute(
            select(AuditEntry.target_type, AuditEntry.target_id, AuditEntry.details).where(
                AuditEntry.action == "pii.view"
            )
        )
        assert [(kind, target, details["via"]) for kind, target, details in viewed] == [
            ("sms_batch", batch.id, "sms_results")
        ]


async def test_a_scheduled_batch_is_cancelled_with_the_form_and_never_without_its_token(
    client, sender, services, uow_factory, runtime, clock
):
    await make_complex(uow_factory, representatives=3)
    batch = await services.sms.send(sender, REPRESENTATIVES, MEETING, TOMORROW)
    page = await (await client.get(f"/sms/{batch.id}")).text()
    assert f'action="/sms/{batch.id}/cancel"' in page and text("admin.sms.cancel_help") in page

    for forged in ({}, {"csrf": "forged"}):
        refused = await client.post(f"/sms/{batch.id}/cancel", data=forged, allow_redirects=False)
        assert refused.status == 403
    assert (await services.sms.batch(sender, batch.id)).cancellable

    token = await csrf_of(client, f"/sms/{batch.id}")
    done = await client.post(f"/sms/{batch.id}/cancel", data={"csrf": token}, allow_redirects=False)
    assert done.status == 302 and done.headers["Location"] == f"/sms/{batch.id}?notice=cancelled"
    after = await (await client.get(done.headers["Location"])).text()
    assert text("admin.sms.notice.cancelled", id=batch.id) in after
    assert counts_line(cancelled=3) in after and text("sms.counts_extra.cancelled", count=3) in after
    assert f'action="/sms/{batch.id}/cancel"' not in after
    assert text("admin.sms.not_cancellable_cancelled", at="2026-11-25 10:00") in after

    # A page opened before the reservation's time still shows the form; once it went out, the refusal says why.
    soon = await services.sms.send(sender, REPRESENTATIVES, MEETING, datetime.fromisoformat("2026-11-25T10:05"))
    token = await csrf_of(client, f"/sms/{soon.id}")
    clock.advance(timedelta(minutes=6))  # (within the session's idle limit)
    await runtime.sms_dispatch.dispatch_once()
    late = await client.post(f"/sms/{soon.id}/cancel", data={"csrf": token}, allow_redirects=False)
    assert late.status == 422
    body = await late.text()
    assert text("error.sms_already_sent") in body and text("admin.sms.not_cancellable_sent") in body
    assert text("sms.counts_extra.submitted", count=3) in body


async def test_the_results_download_is_an_excel_workbook(client, sender, services, uow_factory, runtime):
    await make_complex(uow_factory, representatives=2)
    batch = await services.sms.send(sender, REPRESENTATIVES, MEETING)
    await deliver(runtime)
    response = await client.get(f"/sms/{batch.id}/results.xlsx")
    assert response.status == 200 and response.content_type == XLSX
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(await response.read()))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "김대표1" in values and "010-****-5000" in values
    assert text("sms.state.delivered") in values and "delivered" not in values  # the state in Korean


async def test_the_detail_shows_an_lms_subject_and_an_sms_none(client, sender, services, uow_factory):
    await make_complex(uow_factory, representatives=1)
    long = "12월 입주자대표회의 안내\n" + "일시: 12월 10일(목) 14시, 장소: 구청 3층 대회의실입니다. " * 2
    lms = await services.sms.send(sender, REPRESENTATIVES, long, subject="입주자대표회의 안내")
    page = await (await client.get(f"/sms/{lms.id}")).text()
    assert f"<th>{text('admin.sms.subject')}</th><td>입주자대표회의 안내</td>" in page
    sms = await services.sms.send(sender, REPRESENTATIVES, MEETING)
    assert f"<th>{text('admin.sms.subject')}</th>" not in await (await client.get(f"/sms/{sms.id}")).text()


async def test_a_batch_sent_to_a_saved_list_says_so(client, sender, services):
    people = [ListEntry("김통장", "010-1111-2222"), ListEntry("이통장", "02-123-4567")]
    saved = await services.sms_lists.save_entries(sender, "통장 회의", people)
    batch = await services.sms.send(sender, RecipientSelection("saved", list_id=saved.saved.id), "안내")
    page = await (await client.get(f"/sms/{batch.id}")).text()
    kind = "sms.kind.saved" if has_text("ko", "sms.kind.saved") else "admin.sms.kind_saved"
    assert f"<td>{text(kind)}</td>" in page and "010-****-2222" in page and "이통장" not in page


async def test_strangers_unknown_batches_and_admins_without_sms_send(client, admin, services, uow_factory):
    home = await (await client.get("/")).text()
    assert 'href="/sms"' not in home  # the menu offers only what this admin may open
    refused = await client.get("/sms")
    assert refused.status == 403  # an admin who does not send text messages
    await grant(uow_factory, admin, "sms.send")
    home = await (await client.get("/")).text()
    assert f'href="/sms">{text("admin.sms.nav")}</a>' in home
    for path in ("/sms/424242", "/sms/99999999999", "/sms/" + "9" * 5000, "/sms/424242/results.xlsx"):
        assert (await client.get(path)).status == 404, path
    empty = await (await client.get("/sms?page=banana")).text()
    assert text("admin.sms.none") in empty


async def test_english_pages_for_an_admin_who_reads_english(client, sender, services, uow_factory):
    await make_complex(uow_factory, representatives=1)
    batch = await services.sms.send(sender, REPRESENTATIVES, "Meeting tomorrow", TOMORROW)
    async with uow_factory(write=True) as uow:
        await uow.staff.set_language(sender.id, "en")
        await uow.commit()
    listing = await (await client.get("/sms")).text()
    assert text("admin.sms.title", "en") in listing and counts_line("en", scheduled=1) in listing
    detail = await (await client.get(f"/sms/{batch.id}")).text()
    assert text("sms.state.scheduled", "en") in detail and text("admin.sms.cancel", "en") in detail


async def test_an_office_without_a_ums_says_plainly_that_nothing_was_sent(database_url, clock, uow_factory):
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    office = build_runtime(settings, clock=clock)
    try:
        admin = await make_admin(office.services)
        sender = await grant(uow_factory, admin, "sms.send")
        await make_complex(uow_factory, representatives=1)
        batch = await office.services.sms.send(sender, REPRESENTATIVES, MEETING)
        assert office.sms_dispatch is not None
        await office.sms_dispatch.dispatch_once()
        async with TestClient(TestServer(build_admin_app(office.services, office.engine))) as client:
            assert (await sign_in(client)).status == 302
            listing = await (await client.get("/sms")).text()
            detail = await (await client.get(f"/sms/{batch.id}")).text()
    finally:
        await office.close()
    banner = text("admin.sms.not_configured")
    assert banner == "UMS 미설정: 실제로 발송되지 않았습니다." and banner in listing and banner in detail
    assert text("sms.reason.ums_not_configured") in detail and counts_line(failed=1) in detail


async def test_an_admin_cancels_a_scheduled_batch_in_the_browser(page, admin_site, services, uow_factory):
    admin = await make_admin(services)
    sender = await grant(uow_factory, admin, "sms.send")
    await make_complex(uow_factory, representatives=2)
    batch = await services.sms.send(sender, REPRESENTATIVES, MEETING, TOMORROW)

    await page.goto(f"{admin_site}/sign-in")
    await page.get_by_label(t_plain("ko", "admin.sign_in.username")).fill("itadmin")
    await page.get_by_label(t_plain("ko", "admin.sign_in.password")).fill("correct horse battery")
    await page.get_by_role("button", name=t_plain("ko", "admin.sign_in.submit")).click()
    await page.get_by_role("link", name=t_plain("ko", "admin.sms.nav")).first.click()
    await page.get_by_role("link", name=f"#{batch.id}").click()
    await page.get_by_role("button", name=t_plain("ko", "admin.sms.cancel")).click()
    await expect(page.get_by_role("status")).to_have_text(t_plain("ko", "admin.sms.notice.cancelled", id=batch.id))
    assert (await services.sms.batch(sender, batch.id)).counts.cancelled == 2


async def test_a_batch_sent_through_a_ums_is_not_called_unsent_by_an_admin_site_without_one(
    sender, services, runtime, fake_ums, database_url, clock, uow_factory
):
    """The pages say what the batch was sent with, not the settings of the process serving them."""
    assert services.sms.ums_configured
    await make_complex(uow_factory, representatives=2)
    batch = await services.sms.send(sender, REPRESENTATIVES, MEETING)
    await deliver(runtime)
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    office = build_runtime(settings, clock=clock)  # no DONGNE_UMS_URL
    try:
        assert not office.services.sms.ums_configured
        async with TestClient(TestServer(build_admin_app(office.services, office.engine))) as client:
            assert (await sign_in(client)).status == 302
            listing = await (await client.get("/sms")).text()
            detail = await (await client.get(f"/sms/{batch.id}")).text()
            workbook = await (await client.get(f"/sms/{batch.id}/results.xlsx")).read()
    finally:
        await office.close()
    banner = text("admin.sms.not_configured")
    assert f"#{batch.id}" in listing and banner not in listing and banner not in detail
    assert counts_line(delivered=2) in detail
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any("미설정" in c for c in cells) and cells.count(text("sms.state.delivered")) == 2


async def test_a_batch_to_community_organisations_names_each_organisation_in_the_page_and_the_workbook(
    client, sender, services, uow_factory, runtime
):
    await make_dong(uow_factory, "금호2.3가동", "금2.3")
    clerk = await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))
    await services.organizations.register(clerk, GEUMOK)
    sender = await grant(uow_factory, sender, "community.read")
    batch = await services.sms.send(sender, RecipientSelection("organization_leaders"), "{이름}님, {단지명} 총회 안내")
    await deliver(runtime)

    page = await (await client.get(f"/sms/{batch.id}")).text()
    assert f"<td>{text('sms.kind.organization_leaders')}</td>" in page
    assert f">{text('admin.sms.organization')}</th>" in page and f">{text('admin.sms.complex')}</th>" not in page
    [row] = rows(page)
    assert "<td>고은정</td>" in row and "<td>금옥마을</td>" in row and "010-****-1234" in row

    response = await client.get(f"/sms/{batch.id}/results.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(await response.read()))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "금옥마을" in values and t_plain("ko", "sms.export.organization") in values
    assert t_plain("ko", "sms.export.headers.complex") not in values

    # A housing batch keeps its 단지명 header.
    await make_complex(uow_factory, representatives=1)
    housing = await services.sms.send(sender, REPRESENTATIVES, MEETING)
    page = await (await client.get(f"/sms/{housing.id}")).text()
    assert f">{text('admin.sms.complex')}</th>" in page and f">{text('admin.sms.organization')}</th>" not in page
