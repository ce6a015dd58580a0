"""The screen gallery (``python3 dev.py screens``): drawn from the running bot in a frozen demo world, the same
on every run, and readable as Markdown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from bot.emulator import BotMessage, InlineButton
from tools.screens import generate
from tools.screens.admin import TALLEST, WIDTHS, chromium
from tools.screens.markdown import button_rows, message_text, quoted

DOCS = Path(__file__).resolve().parents[2] / "docs"


def chat_part(document: str) -> str:
    start = document.index('<a id="chat"></a>')
    end = document.find('<a id="admin"></a>')
    return document[start : end if end != -1 else None].rstrip()


def section(document: str, anchor: str) -> str:
    """The part of screens.md under one screen's anchor, up to the next screen."""
    start = document.index(f'<a id="{anchor}"></a>')
    end = document.find('<a id="', start + 1)
    return document[start : end if end != -1 else None].rstrip()


async def test_the_chat_screens_are_drawn_as_text_as_committed(tmp_path: Path) -> None:
    document = (await generate(tmp_path / "docs", tmp_path / "work", admin=False)).read_text(encoding="utf-8")
    chart = tmp_path / "docs" / "screens" / "stats-chart.png"
    assert chart.read_bytes().startswith(b"\x89PNG")

    assert "python3 dev.py screens" in document.splitlines()[0]
    assert "## 차례" in document and "](#complex)" in document
    assert "**입력: `/start`**" in section(document, "start") and "김동네" in section(document, "start")
    card = section(document, "complex")
    assert "🏢 **성동삼성쉐르빌(주상복합)**" in card
    assert "`[ 🔎 새 검색 ] [ 🗺 동별 보기 ]`" in card  # the card's buttons, as rows
    sections = section(document, "complex-sections")
    assert "**누름: `[ 입주자대표 (13명) ]`**" in sections and "2/2" in sections
    assert "](screens/stats-chart.png)" in section(document, "stats-chart")
    assert "문자 #1" in section(document, "sms-results")
    for anchor in ("help", "cases", "case", "approvals", "newcase", "stats", "sms"):
        assert "**입력:" in section(document, anchor) or "**누름:" in section(document, anchor)
    # A numbered line of a message stays the message's text, not a Markdown list.
    assert "> 1. " not in document and "> 1\\. " in card

    # The frozen world draws the same screens on every run, so the committed gallery is this tree's own.
    committed = (DOCS / "screens.md").read_text(encoding="utf-8")
    stale = "docs/screens.md is not this tree's: run `python3 dev.py screens` and commit what it draws"
    assert chat_part(document) == chat_part(committed), stale
    assert chart.read_bytes() == (DOCS / "screens" / "stats-chart.png").read_bytes(), stale


@pytest.mark.skipif(chromium() is None and os.environ.get("DONGNE_REQUIRE_BROWSER") != "1", reason="no chromium")
async def test_the_admin_pages_are_photographed_at_a_phones_width_and_a_desks(tmp_path: Path) -> None:
    document = (await generate(tmp_path / "docs", tmp_path / "work")).read_text(encoding="utf-8")
    admin = document[document.index('<a id="admin"></a>') :]
    pictures = sorted((tmp_path / "docs" / "screens" / "admin").glob("*.png"))
    slugs = {path.name.rsplit("-", 1)[0] for path in pictures}
    asked_for = {"sign-in", "staff-list", "staff-member", "link-code", "reference", "audit", "sms-results", "tokens"}
    assert asked_for <= slugs
    for picture in pictures:
        assert f"screens/admin/{picture.name}" in admin
        width = picture.name.rsplit("-", 1)[1].removesuffix(".png")
        with Image.open(picture) as image:
            assert image.width == WIDTHS[width][0] and image.height <= TALLEST
    assert sum(path.stat().st_size for path in pictures) < 2_000_000


def message(text: str, entities: list[dict[str, object]], buttons: list[list[str]]) -> BotMessage:
    rows = [[InlineButton(label, callback_data="x") for label in row] for row in buttons]
    return BotMessage(chat_id=1, message_id=1, text=text, entities=entities, buttons=rows)


def test_a_message_keeps_its_bold_its_line_breaks_and_its_button_rows() -> None:
    shown = message(
        "🏢 성동삼성쉐르빌\n1. 회장 *이정숙*\n\n끝",
        [{"type": "bold", "offset": 3, "length": 7}],  # UTF-16 units: the emoji counts two
        [["✅ 승인", "↩️ 반려"], ["◀ 목록"]],
    )
    assert quoted(message_text(shown)) == ["> 🏢 **성동삼성쉐르빌**\\", "> 1\\. 회장 \\*이정숙\\*", ">", "> 끝"]
    assert button_rows(shown) == ["`[ ✅ 승인 ] [ ↩️ 반려 ]`", "`[ ◀ 목록 ]`"]


def test_an_indented_line_keeps_its_indent() -> None:
    shown = message("1. 2026-4-6\n    공약사항 이행", [], [])
    assert message_text(shown) == ["1\\. 2026-4-6", "&nbsp;&nbsp;&nbsp;&nbsp;공약사항 이행"]
