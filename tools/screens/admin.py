"""The admin pages, photographed in Debian's chromium (driven by Playwright, which never downloads a browser
here) at a phone's width and a desk's, after the chat has sent its text message, so the results pages have
a batch to show."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.async_api import BrowserContext, Page, async_playwright

from core.staff.directory import SYSTEM_ACTOR
from core.texts.i18n import t_plain

from .world import ADMIN_PASSWORD, ADMIN_SAEOL_ID, World

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic"]  # as tests/admin/conftest.py starts it
# The phone of the review (an iPhone's 390 CSS pixels) and an office monitor.
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
# A long page is cut here: the reader sees its head and its layout, and the repository stays small.
TALLEST = 2400
# A palette of 256 colours keeps text and tables sharp at a quarter of the bytes.
COLOURS = 256
NEW_MEMBER = ("park01", "박서연", "공동주택과")
TOKEN_NAME = "인사시스템 연동"


@dataclass
class Shot:
    slug: str
    title: str
    files: dict[str, str]  # width name -> file name under docs/screens/admin


def chromium() -> str | None:
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def text(key: str, **params: object) -> str:
    return t_plain("ko", f"admin.{key}", **params)


def squeeze(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > TALLEST:
        image = image.crop((0, 0, image.width, TALLEST))
    out = io.BytesIO()
    image.quantize(colors=COLOURS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def fresh_folder(folder: Path) -> None:
    """An empty folder for the pictures: a page that went away takes its pictures with it."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()


async def prepare(world: World) -> int:
    """A member not yet bound to Telegram (whose page offers a link code) and one API token, so that those
    pages show what they are for. Returns the member's staff id."""
    services = world.runtime.services
    saeol_id, name, department = NEW_MEMBER
    member, _ = await services.staff.add_staff(
        SYSTEM_ACTOR, saeol_id=saeol_id, name=name, department=department, permissions=["housing.read"]
    )
    await services.admin_access.create_token(world.admin, TOKEN_NAME)
    return member.id


async def draw_admin(world: World, out: Path) -> list[Shot]:
    executable = chromium()
    if executable is None:
        raise RuntimeError("no chromium on PATH: install Debian's package (apt-get install chromium)")
    member_id = await prepare(world)
    shots: dict[str, Shot] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for width_name, (width, height) in WIDTHS.items():
                context = await browser.new_context(
                    locale="ko-KR", viewport={"width": width, "height": height}, device_scale_factor=1
                )
                try:
                    await _walk(context, world, member_id, width_name, out, shots)
                finally:
                    await context.close()
        finally:
            await browser.close()
    return list(shots.values())


async def _walk(
    context: BrowserContext, world: World, member_id: int, width: str, out: Path, shots: dict[str, Shot]
) -> None:
    site = world.admin_site
    page = await context.new_page()
    page.set_default_timeout(15_000)

    async def snap(slug: str, title: str) -> None:
        # The pages are drawn on the server and load no scripts: once loaded (and the fonts ready), they are done.
        await page.wait_for_load_state("load")
        await page.evaluate("document.fonts.ready.then(() => true)")
        name = f"{slug}-{width}.png"
        (out / name).write_bytes(squeeze(await page.screenshot(full_page=True, animations="disabled")))
        shots.setdefault(slug, Shot(slug, title, {})).files[width] = name

    async def visit(path: str, slug: str, title: str) -> None:
        await page.goto(f"{site}{path}")
        await snap(slug, title)

    await visit("/sign-in", "sign-in", "로그인")
    await sign_in(page, site)
    await snap("home", "첫 화면과 메뉴")
    await visit("/staff", "staff-list", "직원 목록")
    await visit(f"/staff/{world.officer.id}", "staff-member", "직원 한 명의 화면 (권한)")
    await page.goto(f"{site}/staff/{member_id}")
    await page.get_by_role("button", name=text("staff.link_code")).click()
    await page.wait_for_load_state()
    await snap("link-code", "연결 코드 발급")
    await visit("/reference", "reference", "기준 목록")
    await visit("/reference/positions", "reference-positions", "기준 목록: 직위")
    await visit("/sms", "sms-results", "문자 전송결과")
    await visit("/sms/1", "sms-detail", "문자 전송결과 상세")
    await visit("/tokens", "tokens", "API 토큰")
    await visit("/audit", "audit", "감사 기록")
    await page.close()


async def sign_in(page: Page, site: str) -> None:
    await page.get_by_label(text("sign_in.username")).fill(ADMIN_SAEOL_ID)
    await page.get_by_label(text("sign_in.password")).fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name=text("sign_in.submit")).click()
    await page.wait_for_url(f"{site}/")
