"""단지 조회 on a phone: a housing officer reads a complex's card on a 390-px phone, where Telegram fits
about 30 Hangul syllables a line, and opens its long lists page by page."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.demo_data import EXAMPLE_NAME, load_demo_district
from bot.emulator import BotMessage
from conversations.housing.card import CONTINUATION, SECTION_PAGE_SIZE, member_list
from storage.audit.models import AuditEntry
from storage.housing.models import ManagementOffice, Representative, ResidentGroup, SupportProject
from storage.uow import UnitOfWorkFactory
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import answer_to, shown

PHONE_LINE = 30  # Hangul syllables a 390-px phone shows on one line of a message
ENTRY = re.compile(r"^\d+\. ")
# A field shown as a lone dash: "팩스: -", "· - ·", "(-, 1965년생)", a line that is only "-".
LONE_DASH = re.compile(r"(^|[\s:(,])-($|[\s,)])", re.MULTILINE)


def width(line: str) -> float:
    """A line's width in Hangul syllables: digits, Latin letters, spaces and punctuation take about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line)


def entries(text: str, heading: str) -> list[list[str]]:
    """The numbered entries under ``heading`` (up to the next ▶ heading), each as its lines."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(heading)) + 1
    found: list[list[str]] = []
    for line in lines[start:]:
        if line.startswith("▶") or not line.strip():
            break
        if ENTRY.match(line):
            found.append([line])
        elif found and line.startswith("   "):
            found[-1].append(line)
    return found


async def change(uow_factory: UnitOfWorkFactory, *statements: Any) -> None:
    """What another officer's edit (or an import) did to the records in the meantime."""
    async with uow_factory(write=True) as uow:
        session = uow._session
        assert session is not None
        for statement in statements:
            await session.execute(statement)
        await uow.commit()


async def open_card(officer: Any, name: str = "쉐르빌") -> BotMessage:
    card = (await officer.send(f"/complex {name}"))[-1]
    assert card.text.startswith("🏢 ")
    return card


async def test_the_card_of_a_large_complex_reads_on_a_phone_without_a_broken_line(officer, uow_factory):
    await make_complex(uow_factory, households=1320, representatives=12, groups=4, projects=5, with_office=True)
    card = await open_card(officer)
    too_wide = [line for line in card.text.split("\n") if width(line) > PHONE_LINE]
    assert too_wide == []
    reps = entries(card.text, "▶ 입주자대표")
    assert len(reps) == 6 and all(len(lines) <= 2 for lines in reps)
    assert reps[0] == ["1. 회장 김대표1 (남, 1960년생) 101동 101호", "   010-****-5000 · 임기 2016.03.14~2018.03.13"]
    assert all(len(lines) <= 3 for lines in entries(card.text, "▶ 자생단체"))
    assert entries(card.text, "▶ 지원사업")[0] == [
        "1. 공동체활성화 · 지원사업1",
        "   2016.03.28~2016.11.30 · 1,590천원",
    ]
    for figure in ("1,320세대", "33~62.7㎡ 0", "66~95.7㎡ 660", "99~128.7㎡ 660", "(5건, 합계 7,960천원)"):
        assert figure in card.text, figure
    assert "… 외 6명" in card.text  # people are counted in 명
    assert "… 외 1건" in card.text and "… 외 2건" in card.text  # groups and projects are things: 건
    assert not LONE_DASH.search(card.text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", card.text)  # a date with hyphens breaks at them on a phone
    # Every list longer than the card shows gets a button with its size; the office, shown whole, none.
    assert card.button_texts() == [
        "입주자대표 (12명)",
        "자생단체 (4개)",
        "지원사업 (5건)",
        "📮 민원 (처리 중 0건)",
        "🕘 변경 이력",
        "🔎 새 검색",
        "🗺 동별 보기",
    ]


async def test_the_officer_pages_through_all_representatives_ten_at_a_time(officer, uow_factory):
    await make_complex(uow_factory, representatives=25, with_office=True)
    card = await open_card(officer)
    first = (await officer.press("입주자대표 (25명)"))[-1]
    assert first.message_id == card.message_id
    assert first.button_texts() == ["1/3", "다음 ▶", "◀ 단지 정보로"]
    listed = entries(first.text, "▶ 입주자대표")
    assert len(listed) == SECTION_PAGE_SIZE and listed[0][0].startswith("1. 회장 김대표1 ")
    assert all(len(lines) <= 2 and all(width(line) <= PHONE_LINE for line in lines) for lines in listed)
    second = (await officer.press("다음 ▶"))[-1]
    assert second.button_texts() == ["◀ 이전", "2/3", "다음 ▶", "◀ 단지 정보로"]
    assert [lines[0].split(" ")[0] for lines in entries(second.text, "▶ 입주자대표")] == [
        f"{n}." for n in range(11, 21)
    ]
    last = (await officer.press("다음 ▶"))[-1]
    assert last.button_texts() == ["◀ 이전", "3/3", "◀ 단지 정보로"]
    names = [lines[0] for lines in entries(last.text, "▶ 입주자대표")]
    assert len(names) == 5 and names[-1].startswith("25. 총무 김대표25 ")
    back = (await officer.press("◀ 단지 정보로"))[-1]
    assert back.message_id == card.message_id and back.text == card.text


async def test_groups_and_projects_open_whole_lists_too(officer, uow_factory):
    await make_complex(uow_factory, groups=4, projects=12)
    await open_card(officer)
    groups = (await officer.press("자생단체 (4개)"))[-1]
    assert [lines[0] for lines in entries(groups.text, "▶ 자생단체")][-1].startswith("4. 사랑회4 (기타 자생단체)")
    assert "1/1" not in groups.button_texts() and groups.button_texts() == ["◀ 단지 정보로"]
    await officer.press("◀ 단지 정보로")
    projects = (await officer.press("지원사업 (12건)"))[-1]
    assert projects.button_texts() == ["1/2", "다음 ▶", "◀ 단지 정보로"]
    assert len(entries(projects.text, "▶ 지원사업")) == SECTION_PAGE_SIZE
    rest = (await officer.press("다음 ▶"))[-1]
    assert [lines[0] for lines in entries(rest.text, "▶ 지원사업")] == [
        "11. 공동체활성화 · 지원사업11",
        "12. 공동체활성화 · 지원사업12",
    ]


async def test_a_complex_with_nothing_on_file_shows_words_and_no_buttons_for_empty_sections(officer, uow_factory):
    await make_complex(uow_factory)
    card = await open_card(officer)
    assert card.button_texts() == ["📮 민원 (처리 중 0건)", "🕘 변경 이력", "🔎 새 검색", "🗺 동별 보기"]
    text = card.text
    assert "▶ 관리사무소\n미등록" in text
    for heading in (
        "▶ 입주자대표 (0명)\n없음",
        "▶ 자생단체 (0개)\n없음",
        "▶ 지원사업 (0건, 합계 0천원)\n없음",
        "▶ 비고\n없음",
    ):
        assert heading in text, heading
    assert not LONE_DASH.search(text)


async def test_a_missing_field_is_left_out_or_named_never_a_dash(officer, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=2, groups=1, projects=1, with_office=True)
    await change(
        uow_factory,
        update(ManagementOffice)
        .where(ManagementOffice.complex_id == complex_id)
        .values(manager_name=None, manager_birth_date=None, fax=None, manager_license_grade=None),
        update(Representative)
        .where(Representative.name == "김대표2")
        .values(gender=None, birth_date=None, building_unit=None, phone=None, term_start=None, term_end=None),
        update(ResidentGroup).values(leader_email=None, leader_phone=None, member_count=None, formed_on=None),
        update(SupportProject).values(period_start=None, period_end=None, amount=12345, returned_amount=1000),
    )
    text = (await open_card(officer)).text
    assert not LONE_DASH.search(text)
    assert "관리소장: 미등록\n자격증: 2012-7166\n" in text
    assert "전화번호: 02-2292-1234\n" in text  # the fax the office has not given is left out
    assert entries(text, "▶ 입주자대표")[1] == ["2. 부회장 김대표2"]  # one line: nothing else is on file
    assert entries(text, "▶ 자생단체")[0] == ["1. 사랑회1 (공동체활성화 단체)", "   회장 박회장"]
    assert entries(text, "▶ 지원사업")[0] == ["1. 공동체활성화 · 지원사업1", "   12,345천원 (반납 1,000천원)"]


async def test_long_remarks_open_in_full_and_short_ones_need_no_button(officer, uow_factory):
    await make_complex(uow_factory, name="짧은비고아파트", remarks="승강기 교체 민원 있음")
    await make_complex(uow_factory, name="긴비고아파트", remarks="관리비 " * 100)
    short = await open_card(officer, "짧은비고")
    assert "승강기 교체 민원 있음" in short.text and short.button_texts() == [
        "📮 민원 (처리 중 0건)",
        "🕘 변경 이력",
        "🔎 새 검색",
        "🗺 동별 보기",
    ]
    card = await open_card(officer, "긴비고")
    assert card.has_button("비고 전체")
    full = (await officer.press("비고 전체"))[-1]
    assert full.text.count("관리비") == 100


async def test_buttons_of_an_older_card_say_so_and_show_the_card_as_it_stands(officer, uow_factory):
    complex_id = await make_complex(uow_factory, representatives=12, with_office=True)
    card = await open_card(officer)
    await officer.press("입주자대표 (12명)")
    page2 = (await officer.press("다음 ▶"))[-1]
    # Meanwhile five members leave the council: seven fit on one page, and the second page is gone.
    leaving = [f"김대표{n}" for n in range(8, 13)]
    await change(uow_factory, delete(Representative).where(Representative.name.in_(leaving)))
    replayed = f"cx:sec:{complex_id}:reps:1"
    assert await answer_to(officer, page2, replayed) == (shown("ko", "lookup.section_outdated"), False)
    now = officer.messages[-1]
    assert now.message_id == card.message_id and now.text.startswith("🏢 ")
    assert "▶ 입주자대표 (7명)" in now.text and now.has_button("입주자대표 (7명)")
    # Two more leave: the card now shows the whole council, so even its first page is out of date.
    await change(uow_factory, delete(Representative).where(Representative.name.in_(["김대표6", "김대표7"])))
    assert await answer_to(officer, now, f"cx:sec:{complex_id}:reps:0") == (
        shown("ko", "lookup.section_outdated"),
        False,
    )
    now = officer.messages[-1]
    assert "▶ 입주자대표 (5명)" in now.text and not now.has_button("입주자대표 (5명)")
    # A 관리사무소 button of a card sent before the card showed the office whole.
    assert await answer_to(officer, now, f"cx:sec:{complex_id}:office:0") == (
        shown("ko", "lookup.section_outdated"),
        False,
    )
    # A page no pager ever offers is forged, not old.
    assert await answer_to(officer, now, f"cx:sec:{complex_id}:reps:-1") == (shown("ko", "common.button_invalid"), True)


async def test_the_reports_example_complex_reads_field_for_field_on_a_phone(officer, uow_factory, clock):
    """The demo district's 성동삼성쉐르빌, the complex of the report's 1-가 screen."""
    await load_demo_district(uow_factory, clock)
    card = await open_card(officer, EXAMPLE_NAME)
    text = card.text
    for screen in (
        "동 명: 왕십리도선동 · 주소: 무학로6길 50",
        "동수/세대수: 3개동 342세대 · 층수: 4/27",
        "구분: 의무관리 아파트 · 사용승인: 2006.09.13",
        "면적별 가구수: 33㎡이하 0 · 33~62.7㎡ 0\n   66~95.7㎡ 40 · 99~128.7㎡ 302 · 132㎡이상 0",
        "자격증: 2012-7166 · 자격구분: 주택관리사",
        "배치일: 2013.04.23",
        "1. 쉐르빌사랑회 (공동체활성화 단체) · 회원 0명",
        "구성일 2016.04.29",
        "1. 공동체활성화 · 삼성쉐르빌\n   2016.03.28~2016.11.30 · 1,590천원",
    ):
        assert screen in text, screen
    reps = entries(text, "▶ 입주자대표")
    assert [lines[0].split(" ")[1] for lines in reps] == ["회장", "감사", "이사", "이사", "이사", "총무"]
    # The report's council (2016.03.14~2018.03.13), re-elected up to the demo's day.
    assert all(len(lines) == 2 and lines[1].endswith(" · 임기 2026.03.14~2028.03.13") for lines in reps)
    assert [line for line in text.split("\n") if width(line) > PHONE_LINE] == []
    assert not LONE_DASH.search(text)
    # The card shows every section whole: no section buttons; the complex's complaints and its place.
    assert card.button_texts() == ["📮 민원 (처리 중 0건)", "🕘 변경 이력", "📍 위치 보기", "🔎 새 검색", "🗺 동별 보기"]


async def test_an_officer_with_pii_view_pages_through_full_numbers_each_view_audited(
    bot, services, emulator, uow_factory
):
    complex_id = await make_complex(uow_factory, representatives=12)
    await make_staff(services, saeol_id="pii02", roles=("housing.read", "pii.view"), telegram_id=4002)
    chief = emulator.user(4002)
    card = await open_card(chief)
    assert "1. 회장 김대표1 (남, 1960.01.15) 101동 101호\n   010-1234-5000 · 임기 2016.03.14~2018.03.13" in card.text
    await chief.press("입주자대표 (12명)")
    second = (await chief.press("다음 ▶"))[-1]
    listed = entries(second.text, "▶ 입주자대표")
    assert listed[-1] == [
        "12. 총무 김대표12 (여, 1971.01.15) 101동 1201호",
        "   010-1234-5011 · 임기 2016.03.14~2018.03.13",
    ]
    assert all(width(line) <= PHONE_LINE for lines in listed for line in lines)
    async with uow_factory() as uow:
        session = uow._session
        assert session is not None
        views = await session.scalar(
            select(func.count()).where(AuditEntry.action == "pii.view", AuditEntry.target_id == complex_id)
        )
    assert views == 3  # the card and each page it opened


def test_a_long_members_list_shows_the_names_that_fit_one_line_and_how_many_more():
    names = "\n".join(f"{surname}영순" for surname in "김이박최정강조윤장임한오서신권황")
    line = CONTINUATION + member_list("ko", names)
    assert line == "   명단 김영순, 이영순, 박영순, 최영순, 정영순 외 11명"
    assert width(line) <= PHONE_LINE
    assert member_list("ko", "김*자, 이*호") == "명단 김*자, 이*호"
