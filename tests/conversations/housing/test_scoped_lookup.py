"""단지 조회 under a grant scoped to dongs: the IT department narrows a housing officer to 성수 while the
bot runs, and the officer's very next update sees only 성수; widening it again works the same way."""

from tests.builders import grant, make_complex, make_dong
from tests.conversations.conftest import STAFF_TELEGRAM_ID, shown


async def test_a_grant_scoped_between_two_updates_takes_effect_on_the_next_one(officer, services, uow_factory):
    await make_complex(uow_factory, name="성수현대아파트", dong="성수1가제1동", dong_short="성수1")
    await make_complex(uow_factory, name="옥수현대아파트", dong="옥수동", dong_short="옥수")
    await officer.send("/complex")
    dongs = (await officer.press("🗺 동별 보기"))[-1]
    assert dongs.button_texts() == ["성수1가제1동 (1)", "옥수동 (1)"]

    # The admin endpoint scopes the grant to 성수, in the database, while the bot keeps running.
    member = await services.staff.identify(STAFF_TELEGRAM_ID)
    assert member is not None
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    await grant(uow_factory, member, "housing.read", dongs=(seongsu,))

    refused = (await officer.press("옥수동 (1)", message=dongs))[-1]  # the button shown before the change
    assert refused.text == shown("ko", "error.permission_denied")
    results = (await officer.send("/complex 현대아파트"))[-1]
    assert results.text.startswith("🏢 성수현대아파트")  # the only match left opens its card directly
    assert (await officer.send("/complex 옥수"))[-1].text == shown("ko", "lookup.no_match", query="옥수")
    await officer.send("/complex")
    assert (await officer.press("🗺 동별 보기"))[-1].button_texts() == ["성수1가제1동 (1)"]

    # Scope lifted: the whole district again, on the next update.
    await grant(uow_factory, member, "housing.read")
    results = (await officer.send("/complex 현대아파트"))[-1]
    assert results.text.startswith(shown("ko", "lookup.results", query="현대아파트", total=2))
