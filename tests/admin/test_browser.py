"""In a real browser: headless Debian chromium, driven by Playwright, against the endpoint on a loopback port,
beside the real bot polling the local Bot API emulator, as ``dongne run`` serves both.

Each test starts a fresh chromium (about half a second) and runs on both database engines like the rest: the
file takes about ten seconds in all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from playwright.async_api import Page, Response, expect

from bot.admin.views_staff import permission_key
from bot.emulator import BotApiEmulator
from core.services import Services
from core.texts.i18n import t_plain
from tests.admin.conftest import ADMIN_PASSWORD, make_admin
from tests.builders import make_staff
from tests.conversations.conftest import shown

MEMBER_TELEGRAM_ID = 2001


def text(key: str, **params: object) -> str:
    return t_plain("ko", f"admin.{key}", **params)


def watch_for_server_errors(page: Page) -> list[str]:
    """Every answer of 500 or more the browser receives, to assert at the end that there were none."""
    failures: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 500:
            failures.append(f"{response.status} {response.url}")

    page.on("response", check)
    return failures


async def assert_no_traceback(page: Page) -> None:
    body = await page.content()
    assert "Traceback" not in body and 'File "' not in body


async def sign_in(page: Page, site: str) -> None:
    await page.goto(f"{site}/sign-in")
    await page.get_by_label(text("sign_in.username")).fill("itadmin")
    await page.get_by_label(text("sign_in.password")).fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name=text("sign_in.submit")).click()
    await page.wait_for_url(f"{site}/")


async def test_an_admin_signs_in_through_the_browser_after_a_polite_refusal(page, admin_site, services: Services):
    await make_admin(services)
    failures = watch_for_server_errors(page)
    await page.goto(f"{admin_site}/")  # a stranger is sent to the sign-in page
    assert page.url == f"{admin_site}/sign-in"

    # A wrong password, with markup typed as the ID: refused politely, the ID shown back as typed, inert.
    typed = '"><b id="injected">x</b>'
    await page.get_by_label(text("sign_in.username")).fill(typed)
    await page.get_by_label(text("sign_in.password")).fill("not the password")
    await page.get_by_role("button", name=text("sign_in.submit")).click()
    await expect(page.get_by_role("alert")).to_have_text(text("error.sign_in_refused"))
    assert await page.get_by_label(text("sign_in.username")).input_value() == typed
    assert await page.locator("#injected").count() == 0
    await assert_no_traceback(page)

    await page.get_by_label(text("sign_in.username")).fill("itadmin")
    await page.get_by_label(text("sign_in.password")).fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name=text("sign_in.submit")).click()
    await page.wait_for_url(f"{admin_site}/")
    assert await page.get_by_role("heading", level=1).inner_text() == text("home.title", name="임희철")
    await assert_no_traceback(page)
    assert failures == []


async def test_a_grant_made_in_the_browser_shows_in_the_members_next_bot_menu(
    page, admin_site, bot, emulator: BotApiEmulator, services: Services
):
    await make_admin(services)
    await make_staff(services, department="기획예산과", roles=("housing.read",), telegram_id=MEMBER_TELEGRAM_ID)
    member = emulator.user(MEMBER_TELEGRAM_ID, first_name="길동")
    coordinators_items = [shown("ko", "menu.approvals", count=0), shown("ko", "menu.bm_new")]
    before = (await member.send("/start"))[-1].button_texts()
    assert not set(coordinators_items) & set(before)

    failures = watch_for_server_errors(page)
    await sign_in(page, admin_site)
    await page.get_by_role("link", name=text("staff.nav")).first.click()
    await page.get_by_label(text("staff.search_label")).fill("hong01")
    await page.get_by_role("button", name=text("staff.search"), exact=True).click()
    await expect(page).to_have_url(re.compile(r"q=hong01"))
    await page.get_by_role("link", name="홍길동").click()
    await page.wait_for_url(f"{admin_site}/staff/*")

    # Markup typed as a name is kept as typed and shown as text, never run as markup.
    typed = '<b id="injected">홍길동</b>'
    await page.get_by_label(text("staff.name"), exact=True).fill(typed)
    await page.get_by_role("button", name=text("staff.save"), exact=True).click()
    await expect(page.get_by_role("status")).to_have_text(text("staff.notice.saved"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"{typed} (hong01)")
    assert await page.locator("#injected").count() == 0

    coordinate = text(permission_key("benchmark.coordinate"))
    await page.get_by_label(text("roles.permission"), exact=True).select_option(label=coordinate)
    await page.get_by_label(text("roles.scope_none"), exact=True).check()
    await page.get_by_role("button", name=text("roles.grant"), exact=True).click()
    # The page before still shows the "saved" notice: expect() waits for the page after the grant.
    await expect(page.get_by_role("status")).to_have_text(text("staff.notice.granted"))
    await expect(page.get_by_role("row").filter(has_text=coordinate)).to_have_count(1)  # the member's grants
    await assert_no_traceback(page)
    assert failures == []

    # The member's very next update, with the bot never restarted, shows the coordinator's menu.
    replies = await member.send("/start")
    assert replies[-1].text == shown("ko", "start.menu", name=typed)
    assert set(coordinators_items) <= set(replies[-1].button_texts())


# Two different syllables drawn in the heading's own font: a font with Hangul draws two different shapes,
# while a machine without one draws the same .notdef box ("tofu") for both, or nothing at all.
GLYPHS_OF = """(heading) => {
    const style = getComputedStyle(heading);
    const syllables = [...new Set([...heading.textContent].filter((c) => c >= "\\uAC00" && c <= "\\uD7A3"))];
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    const ctx = canvas.getContext("2d");
    const draw = (character) => {
        ctx.clearRect(0, 0, 64, 64);
        ctx.font = `${style.fontWeight} 40px ${style.fontFamily}`;
        ctx.textBaseline = "top";
        ctx.fillText(character, 4, 4);
        return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(",");
    };
    const empty = draw(" ");
    return {syllables: syllables.slice(0, 2), shapes: syllables.slice(0, 2).map(draw), empty: empty};
}"""


def korean_fonts() -> list[str]:
    """The fonts fontconfig offers for Korean (what chromium falls back to for Hangul)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    listed = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True, check=False)
    return [line for line in listed.stdout.splitlines() if line.strip()]


async def test_a_korean_heading_is_drawn_in_hangul_not_as_empty_boxes(page, admin_site):
    # An IT admin on a freshly set-up machine opens the sign-in page: its heading must read as Korean.
    await page.goto(f"{admin_site}/sign-in")
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text(text("sign_in.title"))
    drawn = await heading.evaluate(GLYPHS_OF)
    assert len(drawn["syllables"]) == 2, drawn["syllables"]
    first, second = drawn["shapes"]
    if first != second and drawn["empty"] not in (first, second):
        return  # two different syllables, two different shapes: Hangul is really drawn
    if korean_fonts():  # a Korean font is installed, yet the page's font stack does not reach it
        pytest.fail(f"the heading's Hangul renders as missing glyphs although fc-list offers {korean_fonts()}")
    reason = (
        "no Korean font installed (fc-list :lang=ko is empty), so Hangul renders as empty boxes: install Debian's "
        "fonts-nanum (`sudo apt-get install fonts-nanum`, or run `python3 dev.py test` as root or with sudo)"
    )
    if os.environ.get("DONGNE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


async def test_on_a_phone_the_staff_list_keeps_korean_names_whole(page, admin_site, services: Services):
    # A 390-px phone: six columns squeeze, and a cell may wrap between words but never inside a name
    # (the review saw "고지/현"); the roles column names each member's permissions with their dongs.
    await make_admin(services)
    for number, (name, department) in enumerate(
        [("고지현", "공동주택과"), ("남궁민수", "마을공동체과"), ("황보혜정", "기획예산과"), ("선우재덕", "공동주택과")]
    ):
        await make_staff(
            services,
            saeol_id=f"member{number:02d}",
            name=name,
            department=department,
            roles=("housing.read", "housing.write", "pii.view", "community.read", "sms.send"),
        )
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in(page, admin_site)
    await page.goto(f"{admin_site}/staff")
    names = page.locator("tbody td:first-child a")
    await expect(names).to_have_count(5)
    for link in await names.all():
        lines = await link.evaluate(
            "(a) => { const r = document.createRange(); r.selectNodeContents(a); return r.getClientRects().length; }"
        )
        assert lines == 1, f"{await link.inner_text()} wraps over {lines} lines"
    role_cells = page.locator("tbody td:nth-child(4) .role")
    assert await role_cells.first.inner_text() != ""
    # Nothing scrolls sideways: the menu wraps, and the table shows its essential columns only.
    for path in ("/", "/staff"):
        await page.goto(f"{admin_site}{path}")
        widest = await page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth,"
            " ...[...document.querySelectorAll('.scroll')].map((box) => box.scrollWidth))"
        )
        assert widest <= 390, f"{path} is {widest} px wide on a 390-px phone"


async def test_an_it_admin_stops_a_member_only_after_confirming_on_a_page_of_its_own(
    page, admin_site, services: Services
):
    admin = await make_admin(services)
    member = await make_staff(services, saeol_id="goji01", name="고지현")
    failures = watch_for_server_errors(page)
    await sign_in(page, admin_site)
    # The menu: the daily pages, API tokens last, and no 문자 전송결과 for an admin who does not send messages.
    menu = [await link.inner_text() for link in await page.locator("header nav a").all()]
    assert menu == [text("nav.home"), text("staff.nav"), text("reference.nav"), text("audit.nav"), text("tokens.nav")]

    await page.goto(f"{admin_site}/staff/{member.id}")
    await page.get_by_role("link", name=text("staff.deactivate"), exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        text("staff.confirm.deactivate_title", name="고지현")
    )
    await page.get_by_role("link", name=text("staff.confirm.cancel"), exact=True).click()  # changed their mind
    await page.wait_for_url(f"{admin_site}/staff/{member.id}")
    assert (await services.staff_admin.get(admin, member.id)).active

    await page.get_by_role("link", name=text("staff.deactivate"), exact=True).click()
    await page.get_by_role("button", name=text("staff.deactivate"), exact=True).click()
    await expect(page.get_by_role("status")).to_have_text(text("staff.notice.deactivated"))
    assert not (await services.staff_admin.get(admin, member.id)).active
    await assert_no_traceback(page)
    assert failures == []
