"""A 성수 officer in the chat: every button that names another dong's complex or dong (an old message's, or
one typed by hand) is refused and shows nothing of it — the card, its sections, its history, the dong's
list — and the searches for complexes and representatives find 성수's alone."""

from tests.builders import grant, make_two_dongs
from tests.conversations.conftest import STAFF_TELEGRAM_ID, shown


async def test_a_dong_scoped_officer_reaches_no_other_dongs_complex_by_any_button(officer, services, uow_factory):
    district = await make_two_dongs(uow_factory)
    member = await services.staff.identify(STAFF_TELEGRAM_ID)
    assert member is not None
    await grant(uow_factory, member, "housing.read", dongs=(district.seongsu,))

    card = (await officer.send("/complex 성수현대"))[-1]
    assert card.text.startswith("🏢 성수현대아파트")
    refused = shown("ko", "error.permission_denied")
    other = district.wangdo_complex
    for data in (f"cx:open:{other}", f"cx:card:{other}", f"cx:sec:{other}:reps:0", f"hh:log:{other}:0"):
        reply = (await officer.press_data(card, data))[-1]
        assert reply.text == refused, data
        assert "쉐르빌" not in reply.text
    reply = (await officer.press_data(card, f"cx:dong:{district.wangdo}:0"))[-1]
    assert reply.text == refused

    assert (await officer.send("/complex 쉐르빌"))[-1].text == shown("ko", "lookup.no_match", query="쉐르빌")
    people = (await officer.send("/rep 대표"))[-1]
    assert "성수현대아파트" in people.text and "쉐르빌" not in people.text
    assert (await officer.send("/rep 왕도대표"))[-1].text == shown("ko", "housing_people.no_match", query="왕도대표")
