"""단체(기관) 조회·등록·수정, held as the community department's clerk holds it: the report's 금옥마을 registered by
dialogue, found by name or by field, type and dong, its card as the report shows it, and changed a field at a
time, with a colleague's change in between."""

from tests.builders import make_staff
from tests.conversations.conftest import shown

READER_TG = 3102


async def staff_of(services, telegram_id=3101):
    return await services.staff.identify(telegram_id)


async def register_geumok(clerk):
    """The clerk registers 금옥마을 step by step, as the report's card has it."""
    await clerk.send("/community")
    await clerk.press("➕ 단체(기관) 등록")
    await clerk.press("소통공간")
    await clerk.press("비영리민간단체")
    await clerk.send("금옥마을")
    await clerk.press("⏭ 건너뛰기")  # 설립일자: the report leaves it blank
    await clerk.press("금호2.3가동")
    await clerk.send("매봉18길 11")
    await clerk.send("고은정")
    await clerk.send("01022861234")
    await clerk.send("02-2286-1234")
    await clerk.send("02-2286-1235")
    await clerk.press("⏭ 건너뛰기")  # 이메일
    await clerk.press("⏭ 건너뛰기")  # 홈페이지
    await clerk.send("2015")
    await clerk.send("10명")
    await clerk.send("175㎡")
    await clerk.send("221.55")
    await clerk.send("지하1/지상2")
    await clerk.send("도서관,강의실")
    await clerk.send("성동구")
    review = (await clerk.press("⏭ 건너뛰기"))[-1]  # 특이사항, the last field: the summary follows
    assert review.text.startswith(shown("ko", "cmc.review"))
    return await clerk.press("💾 저장")


async def test_the_clerk_registers_the_reports_organization_and_finds_it_again(clerk, services):
    saved = await register_geumok(clerk)
    assert saved[-2].text == shown("ko", "cmc.added.organization")
    card = saved[-1].text
    for line in (
        "🏘 금옥마을\n분야: 소통공간 · 유형: 비영리민간단체",
        "설립일자: — · 사업년도: 2015년 · 회원수: 10명",
        "관할동: 금호2.3가동 · 세부주소: 매봉18길 11",
        "전화번호: 02-2286-1234 · 팩스번호: 02-2286-1235",
        "▶ 시설현황",
        "대지: 175㎡ · 연면적: 221.55㎡",
        "규모: 지하1/지상2 · 주요시설: 도서관,강의실",
        "소유권: 성동구 · 특이사항: —",
    ):
        assert line in card, line
    assert "휴대번호: 010-****-1234" in card and "2286-1234 · 전" not in card.split("휴대번호")[1][:15]
    assert shown("ko", "cmc.masked_note") in card  # the clerk has no pii.view

    found = (await clerk.send("/community 금옥"))[-1]
    assert found.text.startswith("🏘 금옥마을") and "✏️ 수정" in found.button_texts()


async def test_a_reader_browses_by_field_type_and_dong_but_cannot_change(clerk, services, emulator):
    await register_geumok(clerk)
    await make_staff(services, saeol_id="reader01", roles=("community.read",), telegram_id=READER_TG)
    reader = emulator.user(READER_TG)
    asked = (await reader.send("/community"))[-1]
    assert asked.button_texts() == ["분야별", "유형별", "관할동별"]  # no ➕ for a reader
    fields = (await reader.press("분야별"))[-1]
    assert fields.button_texts() == ["소통공간", "단체(기관)", "소셜벤처", "기타"]
    listed = (await reader.press("소통공간"))[-1]
    assert listed.text.startswith("소통공간 단체(기관) 1곳입니다.") and "금옥마을 (금호2.3가동)" in listed.text
    await reader.press("관할동별")
    dongs = (await reader.press("금호2.3가동 (1)"))[-1]
    assert "금옥마을" in dongs.text
    await reader.press("유형별")
    empty = (await reader.press("법인"))[-1]
    assert shown("ko", "cmc.none_here") in empty.text
    card = (await reader.send("금옥마을"))[-1]
    assert card.text.startswith("🏘 금옥마을") and "✏️ 수정" not in card.button_texts()
    none = (await reader.send("없는단체"))[-1]
    assert none.text == shown("ko", "cmc.no_match", query="없는단체")


async def test_bad_values_are_refused_politely_and_asked_again(clerk, services):
    await clerk.send("/community")
    await clerk.press("➕ 단체(기관) 등록")
    typed = (await clerk.send("아무거나"))[-1]
    assert typed.text == shown("ko", "cmc.use_buttons")  # 분야 is chosen with buttons
    await clerk.press("소셜벤처")
    await clerk.press("사회적경제")
    too_long = (await clerk.send("가" * 101))[-1]
    assert "100자 이내" in too_long.text and "단체(기관)명" in too_long.text
    await clerk.send("성수 마을부엌")
    future = (await clerk.send("2999.01.01"))[-1]
    assert shown("ko", "cmc.step", record="단체(기관) 등록", number=5, total=20) in future.text  # 관할동 next
    # The founding date in the future is refused when saved, and asked again.
    await clerk.press("성수1가제2동")
    await clerk.send("주소")
    await clerk.send("대표")
    bad_phone = (await clerk.send("010-12"))[-1]
    assert "알아볼 수 없습니다" in bad_phone.text
    review = (await clerk.press("⏩ 나머지 건너뛰고 확인"))[-1]
    assert "성수 마을부엌" in review.text
    refused = await clerk.press("💾 저장")
    assert any("설립일자" in m.text and "이후일 수 없습니다" in m.text for m in refused)
    assert "설립일자" in refused[-1].text  # asked again
    await clerk.send("2014.03.01")
    await clerk.press("⏩ 나머지 건너뛰고 확인")
    saved = await clerk.press("💾 저장")
    assert saved[-1].text.startswith("🏘 성수 마을부엌")
    twice = await clerk.press_data(saved[-2], "cma:save", expect_reply=False)  # a double tap
    assert not [m for m in twice if m.text.startswith("🏘")]  # a second press registers nothing more
    assert (await services.organizations.search(await staff_of(services), "마을부엌")).total == 1


async def test_the_clerk_changes_a_field_and_a_colleagues_change_in_between_is_shown(clerk, services, emulator):
    await register_geumok(clerk)
    card = (await clerk.send("/community 금옥"))[-1]
    fields = (await clerk.press("✏️ 수정", message=card))[-1]
    assert "회원수" in fields.button_texts() and "대지" in fields.button_texts()
    await clerk.press("회원수")
    refused = (await clerk.send("열 명"))[-1]
    assert "회원수" in refused.text and "정수로" in refused.text
    saved = await clerk.send("12")
    assert shown("ko", "cmc.saved", field="회원수") in [m.text for m in saved]
    assert "회원수: 12명" in saved[-1].text

    # Meanwhile a colleague changes the address from the card they opened.
    roles = ("community.read", "community.write")
    await make_staff(services, saeol_id="village03", name="이웃담당", roles=roles, telegram_id=3103)
    colleague = emulator.user(3103)
    await colleague.send("/community 금옥")
    await colleague.press("✏️ 수정")
    await colleague.press("세부주소")
    await colleague.send("매봉18길 13")

    await clerk.press("회원수")
    conflict = (await clerk.send("11"))[-1]
    assert conflict.text.startswith(shown("ko", "cmc.error.community_changed_meanwhile", name="이웃담당"))
    assert "매봉18길 13" in conflict.text and "회원수: 12명" in conflict.text
    applied = await clerk.press("🔁 다시 적용")
    assert "회원수: 11명" in applied[-1].text and "매봉18길 13" in applied[-1].text
    done = (await clerk.press("✅ 수정 마침"))[-1]
    assert done.text == shown("ko", "cmc.closed")


async def test_a_restart_midway_through_registering_loses_nothing(clerk, bot, services, kill):
    await clerk.send("/community")
    await clerk.press("➕ 단체(기관) 등록")
    await clerk.press("단체(기관)")
    await clerk.press("주민모임")
    await clerk.send("응봉 책모임")
    await bot.app.update_persistence()  # the periodic flush before the kill
    await kill()
    await clerk.press("⏭ 건너뛰기")  # 설립일자, asked before the restart
    await clerk.press("금호2.3가동")
    await clerk.press("⏩ 나머지 건너뛰고 확인")
    saved = await clerk.press("💾 저장")
    assert saved[-1].text.startswith("🏘 응봉 책모임\n분야: 단체(기관) · 유형: 주민모임")


async def test_forged_and_stale_buttons_are_refused_politely(clerk, services):
    await register_geumok(clerk)
    results = (await clerk.send("/community 금옥"))[-1]
    for forged in ("co:f:club:0", "co:d:1:-1", "co:by:everything", "cme:start:organization:x"):
        replies = await clerk.press_data(results, forged, expect_reply=False)
        assert not [m for m in replies if m.text == shown("ko", "error.unexpected")], forged
    stale = await clerk.press_data(results, "co:q:1:deadbeef")
    assert stale[-1].text == shown("ko", "error.community_stale_search")
    missing = await clerk.press_data(results, "co:open:999999")
    assert missing[-1].text == shown("ko", "error.not_found")


async def test_english_on_request(clerk):
    await register_geumok(clerk)
    await clerk.send("/language")
    await clerk.press("English")
    card = (await clerk.send("/community 금옥"))[-1]
    assert card.text.startswith("🏘 금옥마을\nField: Community space · Type: Non-profit civic group")
    assert "▶ Facility" in card.text and "Land: 175 m² · Floor area: 221.55 m²" in card.text
    assert "✏️ Edit" in card.button_texts()
