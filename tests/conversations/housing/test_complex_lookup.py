"""단지 조회, held as a housing officer in the field would hold it."""

from core.housing.lookup import PAGE_SIZE
from tests.builders import make_complex, make_staff
from tests.conversations.conftest import shown


async def test_the_officer_finds_the_seed_complex_and_reads_its_card(officer, uow_factory):
    await make_complex(
        uow_factory, representatives=7, groups=1, projects=1, with_office=True, remarks="2016년 승강기 교체 민원 있음"
    )
    asked = await officer.send("/complex")
    assert asked[-1].text == shown("ko", "lookup.ask_name")
    card = (await officer.send("삼성 쉐르빌"))[-1]
    assert card.text.startswith("🏢 성동삼성쉐르빌(주상복합)")
    for line in (
        "동 명: 왕십리도선동 · 주소: 무학로6길 50",
        "동수/세대수: 3개동 342세대 · 층수: 4/27",
        "구분: 의무관리 아파트 · 사용승인: 2006.09.13",
        "관리소장: 이정호 · 생년월일: 1965년생",
        "휴대번호: 010-****-5678 · 배치일: 2013.04.23",
        "입주자대표 (7명)",
        "6. 총무 김대표6 (여, 1965년생) 101동 601호\n   010-****-5005 · 임기 2016.03.14~2018.03.13",
        "… 외 1명",
        "1. 공동체활성화 · 지원사업1\n   2016.03.28~2016.11.30 · 1,590천원",
        "2016년 승강기 교체 민원 있음",
        shown("ko", "card.masked_note"),
    ):
        assert line in card.text, line
    assert "5678" in card.text and "2345" not in card.text  # the mobile's middle digits stay hidden
    reps = (await officer.press("입주자대표 (7명)"))[-1]
    assert reps.message_id == card.message_id  # the section opens in place of the card
    assert "7. 총무 김대표7 (남, 1966년생) 101동 701호\n   010-****-5006 · 임기 2016.03.14~2018.03.13" in reps.text
    back = (await officer.press("◀ 단지 정보로"))[-1]
    assert back.text == card.text


async def test_an_officer_with_pii_view_sees_full_numbers(bot, services, emulator, uow_factory):
    await make_complex(uow_factory, representatives=1, with_office=True)
    await make_staff(services, saeol_id="pii01", roles=("housing.read", "pii.view"), telegram_id=4001)
    chief = emulator.user(4001)
    card = (await chief.send("/complex 쉐르빌"))[-1]
    assert "휴대번호: 010-2345-5678" in card.text and "1965.03.02" in card.text
    assert shown("ko", "card.masked_note") not in card.text


async def test_many_matches_come_as_pages_of_buttons(officer, uow_factory):
    for i in range(PAGE_SIZE + 2):
        await make_complex(uow_factory, name=f"래미안{i:02d}")
    results = (await officer.send("/complex 래미안"))[-1]
    assert results.text.startswith(shown("ko", "lookup.results", query="래미안", total=PAGE_SIZE + 2))
    assert "래미안00 · 왕십리도선동" in results.button_texts() and "1/2" in results.button_texts()
    page2 = (await officer.press("다음 ▶"))[-1]
    assert page2.message_id == results.message_id and "래미안09 · 왕십리도선동" in page2.button_texts()
    card = (await officer.press("래미안09 · 왕십리도선동"))[-1]
    assert card.text.startswith("🏢 래미안09")


async def test_the_same_button_pressed_twice_changes_nothing_and_raises_no_error(officer, uow_factory, emulator):
    for i in range(PAGE_SIZE + 2):
        await make_complex(uow_factory, name=f"푸르지오{i:02d}")
    results = (await officer.send("/complex 푸르지오"))[-1]
    await officer.press("다음 ▶", message=results)
    again = await officer.press("다음 ▶", message=results, expect_reply=False)
    assert again == [] or again[-1].message_id == results.message_id
    assert not [m for m in officer.messages if m.text == shown("ko", "error.unexpected")]


async def test_browsing_by_administrative_dong(officer, uow_factory):
    await make_complex(uow_factory, name="행당한진타운", dong="행당제1동", dong_short="행1")
    await make_complex(uow_factory, name="옥수하이츠", dong="옥수동", dong_short="옥수")
    await officer.send("/complex")
    dongs = (await officer.press("🗺 동별 보기"))[-1]
    assert dongs.button_texts() == ["행당제1동 (1)", "옥수동 (1)"]
    listed = (await officer.press("옥수동 (1)"))[-1]
    assert listed.text.startswith(shown("ko", "lookup.dong_results", dong="옥수동", total=1))
    card = (await officer.press("옥수하이츠 · 옥수동"))[-1]
    assert card.text.startswith("🏢 옥수하이츠")


async def test_a_name_with_markup_characters_displays_as_written(officer, uow_factory):
    await make_complex(uow_factory, name="<김&이>빌라")
    card = (await officer.send("/complex <김&이>"))[-1]
    assert card.text.startswith("🏢 <김&이>빌라")


async def test_no_match_says_so_and_offers_browsing(officer, uow_factory):
    await make_complex(uow_factory)
    reply = (await officer.send("/complex 없는아파트"))[-1]
    assert reply.text == shown("ko", "lookup.no_match", query="없는아파트")
    assert reply.button_texts() == ["🗺 동별 보기"]


async def test_cancel_leaves_the_dialogue(officer, uow_factory):
    await make_complex(uow_factory)
    await officer.send("/complex")
    assert (await officer.send("/cancel"))[-1].text == shown("ko", "common.cancelled")
    after = (await officer.send("쉐르빌"))[-1]
    assert after.text == shown("ko", "common.use_menu")
    assert (await officer.send("/cancel"))[-1].text == shown("ko", "common.nothing_to_cancel")


async def test_english_on_request(officer, uow_factory):
    await make_complex(uow_factory, representatives=1, with_office=True)
    await officer.send("/language")
    changed = await officer.press("English")
    assert shown("en", "language.changed") in [m.text for m in changed]
    card = (await officer.send("/complex 쉐르빌"))[-1]
    assert "Buildings/households: 3 buildings, 342 households · Floors: 4/27" in card.text
    assert "Manager: 이정호 · Born: born 1965" in card.text
    await officer.send("/language")
    await officer.press("한국어")
    assert (await officer.send("/help"))[-1].text.startswith(shown("ko", "help.head"))
