"""입주자대표 찾기 in the chat: an officer looks for a representative by name with /rep, or from the
complex search's prompt, pages through the matches and opens one's complex; another dong's people stay
out of reach of a dong-scoped officer, and forged buttons change nothing."""

from core.housing.people import PAGE_SIZE
from tests.builders import grant, make_complex, make_dong
from tests.conversations.conftest import STAFF_TELEGRAM_ID, answer_to, shown


async def test_an_officer_finds_a_representative_by_name_and_opens_the_complex(officer, uow_factory):
    await make_complex(uow_factory, name="성동삼성쉐르빌(주상복합)", representatives=PAGE_SIZE + 1)
    results = (await officer.send("/rep 김대표"))[-1]
    lines = results.text.split("\n")
    assert lines[0] == shown("ko", "housing_people.results", query="김대표", total=PAGE_SIZE + 1)
    assert lines[1].startswith("• ") and "김대표1 · 성동삼성쉐르빌(주상복합) (왕십리도선동) · 010-****-5000" in lines[1]
    assert lines[-1] == shown("ko", "housing_people.masked_note")
    assert results.button_texts()[-2:] == ["1/2", "다음 ▶"]

    more = (await officer.press("다음 ▶", message=results))[-1]
    assert len(more.button_texts()) == 1 + 2  # one person, then ◀ 이전 · 2/2
    card = (await officer.press(more.button_texts()[0], message=more))[-1]
    assert card.text.startswith("🏢 성동삼성쉐르빌(주상복합)")


async def test_the_search_prompt_offers_the_representative_search(officer, uow_factory):
    await make_complex(uow_factory, name="쉐르빌", representatives=1)
    prompt = (await officer.send("/complex"))[-1]
    asked = (await officer.press("👤 대표자 이름으로 찾기", message=prompt))[-1]
    assert asked.text == shown("ko", "housing_people.ask_name")
    found = (await officer.send("대표1"))[-1]
    assert found.text.startswith(shown("ko", "housing_people.results", query="대표1", total=1))
    assert (await officer.send("이순신"))[-1].text == shown("ko", "housing_people.no_match", query="이순신")


async def test_a_dong_scoped_officer_does_not_find_another_dongs_people(officer, services, uow_factory):
    await make_complex(uow_factory, name="쉐르빌", representatives=1)
    await make_complex(uow_factory, name="옥수현대", dong="옥수동", dong_short="옥수", representatives=1)
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    member = await services.staff.identify(STAFF_TELEGRAM_ID)
    assert member is not None
    await grant(uow_factory, member, "housing.read", dongs=(oksu,))
    results = (await officer.send("/rep 김대표"))[-1]
    assert results.text.startswith(shown("ko", "housing_people.results", query="김대표", total=1))
    assert "쉐르빌" not in results.text and results.button_texts() == ["김대표1 · 옥수현대"]

    text, alert = await answer_to(officer, results, "hr:q:-1:00000000")
    assert alert and text == shown("ko", "common.button_invalid")
    stale = (await officer.press_data(results, "hr:q:1:00000000"))[-1]
    assert stale.text == shown("ko", "error.stale_search")
