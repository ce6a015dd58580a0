"""The chat screens: a demo staff member of 기획예산과 walks through the bot as a new officer would, and every
reply the bot gives is kept as a shot (what the member did, and the messages it sent or changed).

Buttons are pressed by their catalog texts (or by their place on a list), so a reworded button still leads
to its screen; a button that is gone stops the gallery with the emulator's LookupError, which names it."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field

import openpyxl

from bot.emulator import BotMessage, EmulatedUser
from core.permissions import Permission
from core.services import Services
from core.staff.directory import SYSTEM_ACTOR
from core.texts.i18n import t_plain

from .world import World

COMPLEX_QUERY = "쉐르빌"
LARGE_COMPLEX_QUERY = "한신휴플러스하이츠"  # 13 representatives: more than its card shows
STATION = (37.5613, 127.038)  # 왕십리역, where the member shares their location
CASE_TITLE = "경로당 스마트 돌봄 서비스"
SMS_TEXT = "{이름} 소장님, 관리비 부과 내역 점검을 안내드립니다."
SMS_DONG = "왕십리도선동"
COMMUNITY_QUERY = "금옥"  # the report's 단체(기관) 조회 example, 금옥마을
COMMUNITY_MEMBERS = "12"
COMMUNITY_YEAR = 2015
LEDGER_TERM_END = "2028.03.31"
LEDGER_UNIT = "101동 1205호"
COLLEAGUE_SAEOL_ID = "park02"
LEDGER_FILE = "공동주택_대장_수정.xlsx"
LEDGER_COMPLEX = "성동삼성쉐르빌(주상복합)"
LEDGER_CORRECTIONS = (("단지", "비고", "2016년 외벽 재도색 완료"), ("입주자대표", "임기 시작", "2026.03.16"))
REPORTS_WITHIN = 30.0


@dataclass
class Shot:
    action: str  # what the member did, as Markdown: a typed text or a pressed button
    messages: list[BotMessage]


@dataclass
class Screen:
    anchor: str
    title: str
    shots: list[Shot] = field(default_factory=list)


@dataclass
class ChatGallery:
    screens: list[Screen] = field(default_factory=list)
    images: dict[int, bytes] = field(default_factory=dict)  # message id -> the photo it carries


def label(key: str, **params: object) -> str:
    return t_plain("ko", key, **params)


class Walk:
    """The member's chat, writing down each step into the screen being drawn."""

    def __init__(self, chat: EmulatedUser, gallery: ChatGallery) -> None:
        self.chat = chat
        self.gallery = gallery
        self.screen: Screen | None = None

    def open(self, anchor: str, title: str) -> None:
        self.screen = Screen(anchor, title)
        self.gallery.screens.append(self.screen)

    def _keep(self, action: str, messages: list[BotMessage]) -> list[BotMessage]:
        assert self.screen is not None
        for message in messages:
            if message.kind == "photo" and message.file_bytes:
                self.gallery.images[message.message_id] = message.file_bytes
        self.screen.shots.append(Shot(action, messages))
        return messages

    async def send(self, text: str) -> list[BotMessage]:
        return self._keep(f"입력: `{text}`", await self.chat.send(text))

    async def press(self, text: str, message: BotMessage | None = None) -> list[BotMessage]:
        return self._keep(f"누름: `[ {text} ]`", await self.chat.press(text, message=message))

    async def share_location(self, latitude: float, longitude: float) -> list[BotMessage]:
        return self._keep(f"위치 보냄: `{latitude}, {longitude}`", await self.chat.send_location(latitude, longitude))

    async def send_document(self, file_name: str, content: bytes) -> list[BotMessage]:
        return self._keep(f"파일 보냄: `{file_name}`", await self.chat.send_document(file_name, content, timeout=30))

    async def quietly(self, text: str) -> list[BotMessage]:
        """A step that only leads to the next screen, not shown."""
        return await self.chat.send(text)


def buttons_of(messages: list[BotMessage]) -> list[str]:
    return messages[-1].button_texts() if messages else []


async def greeting_and_help(walk: Walk) -> None:
    walk.open("start", "시작 인사와 주 메뉴 (/start)")
    await walk.send("/start")
    walk.open("help", "도움말 (/help)")
    await walk.send("/help")


async def complex_card(walk: Walk) -> None:
    walk.open("complex", "단지 카드 (/complex)")
    await walk.send(f"/complex {COMPLEX_QUERY}")
    # The report's example complex fits its card whole; a larger one shows a list's beginning and a button for
    # the whole of it, paged. Each section button is pressed on a fresh card.
    walk.open("complex-sections", "긴 목록이 있는 단지 카드와 그 버튼")
    card = await walk.send(f"/complex {LARGE_COMPLEX_QUERY}")
    # Searching, the map pin, the ledger's changes and the history have screens of their own.
    searching = {
        t_plain("ko", "lookup.new_search"),
        t_plain("ko", "lookup.by_dong"),
        label("nearby.venue_button"),
        label("nearby.place_change_button"),
        label("nearby.place_button"),
        label("hl.edit_button"),
        label("hh.button"),
        label("hp.add_button"),
    }
    for text in [label for label in buttons_of(card) if label not in searching]:
        fresh = await walk.quietly(f"/complex {LARGE_COMPLEX_QUERY}")
        section = await walk.press(text, fresh[-1])
        if t_plain("ko", "common.next") in buttons_of(section):
            await walk.press(t_plain("ko", "common.next"), section[-1])


async def ledger(walk: Walk, world: World) -> None:
    walk.open("ledger", "대장 수정 (단지 카드의 ✏️ 수정)")
    card = await walk.quietly(f"/complex {COMPLEX_QUERY}")
    await walk.press(label("hl.edit_button"), card[-1])
    listed = await walk.press(label("hl.record.representative"))
    chair = buttons_of(listed)[0]
    await walk.press(chair, listed[-1])
    await walk.press(label("hl.field.representative.term_end"))
    await walk.send(LEDGER_TERM_END)
    walk.open("ledger-conflict", "그사이 다른 직원이 바꾼 기록: 제 변경을 다시 적용")
    card = await walk.quietly(f"/complex {COMPLEX_QUERY}")
    await walk.press(label("hl.edit_button"), card[-1])
    listed = await walk.press(label("hl.record.representative"))
    await walk.press(chair, listed[-1])
    await walk.press(label("hl.field.representative.building_unit"))
    await colleague_changes(world, chair.split()[-1])
    await walk.send(LEDGER_UNIT)
    await walk.press(label("hl.again"))
    walk.open("history", "변경 이력 (단지 카드의 🕘)")
    card = await walk.quietly(f"/complex {COMPLEX_QUERY}")
    await walk.press(label("hh.button"), card[-1])


async def housing_statistics(walk: Walk) -> None:
    walk.open("housing-stats", "공동주택 현황 통계 (/housing_stats)")
    table = await walk.send("/housing_stats")
    by_dong = await walk.press(label("hs.button.dong"), table[-1])
    walk.open("housing-stats-second", "보고서의 두 번째 화면: 년도별 현황과 지원 현황")
    by_year = await walk.press(label("hs.button.year"), by_dong[-1])
    await walk.press(label("hs.button.support"), by_year[-1])
    walk.open("housing-stats-filter", "연도와 동으로 좁혀 보기, 차트와 엑셀")
    narrowed = await walk.send("/housing_stats 2014")
    await walk.press(label("hs.button.dong"), narrowed[-1])
    await walk.press(label("hs.button.chart"))
    await walk.press(label("hs.button.workbook"))


async def ledger_workbooks(walk: Walk) -> None:
    """The ledger taken away as a workbook, corrected on the PC and brought back: checked, then applied."""
    walk.open("ledger-export", "공동주택 대장 엑셀 받기 (/housing_export)")
    exported = [m for m in await walk.send("/housing_export") if m.kind == "document"]
    ledger = exported[-1].file_bytes if exported else None
    assert ledger is not None, "the ledger's workbook did not arrive"
    walk.open("ledger-import", "고친 대장 엑셀 가져오기: 점검 뒤 ✅ 적용 (/housing_import)")
    await walk.send("/housing_import")
    checked = await walk.send_document(LEDGER_FILE, corrected_ledger(ledger))
    await walk.press(label("hx.chat.apply"), checked[-1])


def corrected_ledger(content: bytes) -> bytes:
    """The officer's correction on their PC: the example complex's remark, and a representative's term."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet, column, value in LEDGER_CORRECTIONS:
        rows = list(book[sheet].iter_rows())
        header = next(i for i, row in enumerate(rows) if row[0].value == label("hx.key.complex"))
        titles = [c.value for c in rows[header]]
        row = next(r for r in rows[header + 1 :] if r[0].value == LEDGER_COMPLEX)
        row[titles.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def colleague_changes(world: World, name: str) -> None:
    """Another housing officer saves the same representative while the member is typing."""
    services = world.runtime.services
    colleague, _ = await services.staff.add_staff(
        SYSTEM_ACTOR,
        saeol_id=COLLEAGUE_SAEOL_ID,
        name="박주택",
        department="공동주택과",
        permissions=[Permission.HOUSING_READ.value, Permission.HOUSING_WRITE.value],
    )
    found = await services.housing.search_complexes(colleague, COMPLEX_QUERY)
    complex_id = found.items[0].id
    ledger = await services.ledger.open(colleague, complex_id)
    [member] = [r for r in ledger.representatives if r.values["name"] == name]
    await services.ledger.edit(
        colleague, complex_id, "representative", member.id, member.version, {"building_unit": "101동 1204호"}
    )


async def nearby(walk: Walk) -> None:
    walk.open("nearby", "가까운 단지 (위치 보내기)")
    listed = await walk.share_location(*STATION)
    walk.open("venue", "단지 카드의 📍 위치 보기")
    card = await walk.press(buttons_of(listed)[0], listed[-1])
    await walk.press(label("nearby.venue_button"), card[-1])


async def benchmarking(walk: Walk) -> None:
    walk.open("cases", "벤치마킹 목록 (/cases)")
    listing = await walk.send("/cases")
    walk.open("case", "벤치마킹 사례")
    await walk.press(buttons_of(listing)[0], listing[-1])
    walk.open("approvals", "내 승인 대기 (/approvals)")
    pending = await walk.send("/approvals")
    if buttons_of(pending):
        walk.open("approval", "승인 요청 한 건")
        await walk.press(buttons_of(pending)[0], pending[-1])
    walk.open("newcase", "벤치마킹 등록의 첫 단계 (/newcase)")
    await walk.send("/newcase")
    await walk.send(CASE_TITLE)
    await walk.send("/cancel")


async def statistics(walk: Walk) -> None:
    walk.open("stats", "벤치마킹 통계 (/stats)")
    await walk.send("/stats")
    walk.open("stats-chart", "통계 차트")
    await walk.press(label("bm.stats.chart"))


async def village_community(walk: Walk) -> None:
    """The report's section 2: an organisation's card, the year's grant projects, a registration, the dashboard."""
    walk.open("community", "마을공동체 단체(기관) 조회 (/community)")
    await walk.send("/community")
    card = await walk.send(f"/community {COMMUNITY_QUERY}")
    walk.open("community-browse", "분야·유형·관할동별로 보기")
    await walk.press(label("cmc.by.field"), card[-1])
    await walk.press(label("cm.field.space"))
    walk.open("community-edit", "단체(기관) 수정 (카드의 ✏️ 수정)")
    card = await walk.quietly(f"/community {COMMUNITY_QUERY}")
    await walk.press(label("cmc.edit_button"), card[-1])
    await walk.press(label("cmc.label.organization.member_count"))
    await walk.send(COMMUNITY_MEMBERS)
    await walk.press(label("cmc.done"))
    walk.open("grants", "우리마을 지원사업 (/grants)")
    listed = await walk.send(f"/grants {COMMUNITY_YEAR}")
    await walk.press(buttons_of(listed)[0], listed[-1])
    walk.open("grant-add", "지원사업 등록: 공동주택 공모사업의 단지를 이름으로 찾아 고르기")
    years = await walk.send("/grants")
    await walk.press(label("cmc.add.project"), years[-1])
    await walk.press(label("cm.sponsor.housing"))
    await walk.send("2016")
    offered = await walk.send(COMPLEX_QUERY)
    await walk.press(buttons_of(offered)[0], offered[-1])
    walk.open("community-stats", "마을공동체 현황 (/community_stats): 보고서의 화면, 차트와 엑셀")
    board = await walk.send(f"/community_stats {COMMUNITY_YEAR}")
    await walk.press(label("cms.chart_button"), board[-1])
    await walk.press(label("cms.workbook_button"))


async def text_messages(walk: Walk, world: World) -> None:
    walk.open("sms", "문자 보내기: 받는 분 고르기부터 미리보기와 발송까지 (/sms)")
    await walk.send("/sms")
    await walk.press(label("sms.kind_button.managers"))
    await walk.press(label("sms.scope_button.dong"))
    await walk.press(SMS_DONG)
    await walk.send(SMS_TEXT)
    await walk.press(label("sms.new.send_now"))
    await walk.press(label("sms.new.send"))
    await reports_arrived(world)
    walk.open("sms-results", "문자 전송결과 (/sms_results)")
    results = await walk.send("/sms_results")
    if buttons_of(results):
        await walk.press(buttons_of(results)[0], results[-1])


async def reports_arrived(world: World) -> None:
    """Until the fake UMS has handed every delivery report to the endpoint and the bot has told the member
    whatever it tells, so the results show the batch settled and no notice lands in a later screen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPORTS_WITHIN
    ums = world.ums
    while not (ums.accepted and ums.pushed_ok >= len(ums.accepted)):
        if loop.time() > deadline:
            raise TimeoutError(f"{ums.pushed_ok} of {len(ums.accepted)} delivery reports arrived")
        await asyncio.sleep(0.05)
    await notifications_settled(world.runtime.services, deadline)


async def notifications_settled(services: Services, deadline: float) -> None:
    loop = asyncio.get_running_loop()
    while await services.notifications.undelivered_count():
        if loop.time() > deadline:
            raise TimeoutError("notifications still queued")
        await asyncio.sleep(0.05)


async def draw_chat(world: World) -> ChatGallery:
    gallery = ChatGallery()
    walk = Walk(world.chat, gallery)
    for part in (greeting_and_help, complex_card, nearby):
        await part(walk)
    await ledger(walk, world)
    await housing_statistics(walk)
    await ledger_workbooks(walk)
    for part in (benchmarking, statistics):
        await part(walk)
    await village_community(walk)
    await text_messages(walk, world)
    return gallery
