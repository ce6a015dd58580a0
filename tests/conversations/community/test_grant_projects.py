"""우리마을 지원사업, held as the community department's clerk holds it: a housing complex's open-call project
registered by dialogue, its complex found by name, listed by year and sponsor, seen on the complex's own card by
the housing officer, and changed afterwards."""

from dataclasses import replace

from tests.builders import make_complex, make_staff
from tests.conversations.conftest import shown
from tests.core.community.test_validation import BIRTH_OF_A_FAMILY


async def clerk_member(services):
    return await services.staff.identify(3101)


async def test_a_housing_calls_project_names_its_complex_and_shows_on_the_complex_card(
    clerk, services, uow_factory, officer
):
    await make_complex(uow_factory)
    await clerk.send("/grants")
    await clerk.press("➕ 지원사업 등록")
    await clerk.press("공동주택")
    refused = (await clerk.send("이천십육"))[-1]
    assert "년도" in refused.text and "네 자리" in refused.text
    asked = (await clerk.send("2016"))[-1]
    assert "단지" in asked.text and "쉐르빌" in asked.text  # the hint: type part of the complex's name
    nothing = (await clerk.send("없는아파트"))[-1]
    assert nothing.text == shown("ko", "error.community_no_complex", query="없는아파트")
    offered = (await clerk.send("쉐르빌"))[-1]
    assert offered.button_texts()[0] == "성동삼성쉐르빌(주상복합) (왕십리도선동)"
    await clerk.press("성동삼성쉐르빌(주상복합) (왕십리도선동)")
    await clerk.send("왕십리도선동")  # 활동지역
    await clerk.send("공동주택 공동체 활성화")  # 공모분야
    await clerk.send("쉐르빌 이웃 만들기")  # 사업명
    await clerk.send("주민 한마당과 텃밭 가꾸기")
    await clerk.send("김대표")
    await clerk.send("010-5512-3344")
    await clerk.send("25")
    decimal = (await clerk.send("1,200.5"))[-1]  # 시비
    assert decimal.text == shown("ko", "error.funds_whole_thousand")
    await clerk.send("없음")
    await clerk.send("1,200")  # 구비
    await clerk.send("300")  # 자부담
    review = (await clerk.press("⏭ 건너뛰기"))[-1]  # 비고
    assert "단지: 성동삼성쉐르빌(주상복합)" in review.text
    assert "지원금액(천원): 시비 없음 · 구비 1,200천원 · 자부담 300천원" in review.text
    saved = await clerk.press("💾 저장")
    assert saved[-1].text.startswith("📋 쉐르빌 이웃 만들기") and "010-****-3344" in saved[-1].text

    card = (await officer.send("/complex 쉐르빌"))[-1]
    assert shown("ko", "card.community_heading", count=1) in card.text
    assert "1. 2016년 쉐르빌 이웃 만들기\n   시비 0 · 구비 1,200 · 자부담 300천원" in card.text


async def test_a_years_projects_are_listed_by_sponsor_and_one_is_changed(clerk, services, emulator):
    member = await clerk_member(services)
    await services.grant_projects.register(member, BIRTH_OF_A_FAMILY)
    district = replace(BIRTH_OF_A_FAMILY, sponsor="district", name="마장동 골목 축제", city_funds=0, district_funds=800)
    await services.grant_projects.register(member, district)
    await services.grant_projects.register(member, replace(BIRTH_OF_A_FAMILY, year=2014, name="지난해 사업"))

    years = (await clerk.send("/grants"))[-1]
    assert years.button_texts()[:2] == ["2015년 (2)", "2014년 (1)"]
    await clerk.press("2015년 (2)")
    listed = (await clerk.press("전체"))[-1]
    assert listed.text.startswith(shown("ko", "cmc.project_list", year=2015, sponsor="전체", total=2))
    assert listed.text.index("서울시") < listed.text.index("성동구")  # the report's order of sponsors
    city = (await clerk.press("↩ 사업구분") and await clerk.press("서울시"))[-1]
    assert "가족의 탄생" in city.text and "마장동" not in city.text
    screen = (await clerk.press("가족의 탄생 (국경을 넘어 마을로)"))[-1]
    assert "활동지역: 하왕십리동 · 공모분야: 다문화마을공동체" in screen.text
    assert "지원금액(천원): 시비 4,570천원 · 구비 없음 · 자부담 없음" in screen.text

    await clerk.press("✏️ 수정", message=screen)
    await clerk.press("구비")
    saved = await clerk.send("500")
    assert "구비 500천원" in saved[-1].text
    await clerk.press("사업구분")
    moved = await clerk.press("공동주택")  # to a housing call: its complex is asked for next
    assert shown("ko", "cmc.needs_complex") in [m.text for m in moved]
    await clerk.press("✖ 취소")

    assert (await clerk.send("/grants 20x5"))[-1].text == shown("ko", "error.grants_bad_year", value="20x5")
    forged = await clerk.press_data(years, "cg:l:2015:all:-1", expect_reply=False)
    assert not [m for m in forged if m.text == shown("ko", "error.unexpected")]


async def test_a_reader_sees_projects_but_no_edit_or_add(clerk, services, emulator):
    await services.grant_projects.register(await clerk_member(services), BIRTH_OF_A_FAMILY)
    await make_staff(services, saeol_id="reader01", roles=("community.read",), telegram_id=3102)
    reader = emulator.user(3102)
    years = (await reader.send("/grants"))[-1]
    assert years.button_texts() == ["2015년 (1)"]
    listed = (await reader.send("/grants 2015"))[-1]
    screen = (await reader.press("가족의 탄생 (국경을 넘어 마을로)", message=listed))[-1]
    assert "✏️ 수정" not in screen.button_texts() and "010-****-3344" in screen.text
    forged = await reader.press_data(screen, "cme:start:project:1")  # an edit button the reader never had
    assert forged[-1].text == shown("ko", "error.permission_denied")
