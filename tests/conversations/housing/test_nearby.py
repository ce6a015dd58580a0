"""현장에서: a housing officer shares where they stand, opens the nearest complex, and sends its place on; a
writer places a complex from the chat."""

from core.housing.values import GeoPoint
from tests.builders import grant, make_complex, make_dong, make_staff
from tests.conversations.conftest import answer_to, shown

STATION = (37.5613, 127.0380)  # 왕십리역
NEAR = (37.5624, 127.0380)  # about 120 m north
FAR = (37.5730, 127.0380)  # about 1.3 km north
WRITER_TG = 4101


async def _writer(services, emulator, telegram_id=WRITER_TG, saeol_id="write01", name="박현장"):
    await make_staff(
        services, saeol_id=saeol_id, name=name, roles=("housing.read", "housing.write"), telegram_id=telegram_id
    )
    return emulator.user(telegram_id, first_name=name)


async def _reader(services):
    return await make_staff(services, saeol_id="read09", name="조회만")


async def test_a_shared_location_lists_the_nearest_complexes_and_each_opens_its_card(officer, uow_factory):
    await make_complex(uow_factory, name="먼단지", location=FAR)
    await make_complex(uow_factory, name="가까운단지", location=NEAR)
    await make_complex(uow_factory, name="위치없는단지")
    (listed,) = await officer.send_location(*STATION)
    assert listed.text.splitlines() == [
        shown("ko", "nearby.title", count=2),
        "• 가까운단지 (왕십리도선동) 122m",
        "• 먼단지 (왕십리도선동) 1.3km",
    ]
    assert listed.button_texts() == ["가까운단지 · 122m", "먼단지 · 1.3km"]
    card = (await officer.press("가까운단지 · 122m"))[-1]
    assert card.text.startswith("🏢 가까운단지")
    assert card.has_button("📍 위치 보기") and not card.has_button("📍 위치 수정")  # a reader may not place it
    (venue,) = await officer.press("📍 위치 보기", message=card)
    assert (venue.kind, venue.location) == ("venue", NEAR)
    assert (venue.venue_title, venue.venue_address) == ("가까운단지", "무학로6길 50 (왕십리도선동)")


async def test_a_complex_without_a_location_has_no_venue_button(officer, uow_factory):
    await make_complex(uow_factory, name="위치없는단지")
    card = (await officer.send("/complex 위치없는단지"))[-1]
    assert not [b for b in card.button_texts() if b.startswith("📍")]


async def test_a_location_abroad_or_with_nothing_near_is_answered_politely(officer, uow_factory):
    await make_complex(uow_factory, name="가까운단지", location=NEAR)
    (abroad,) = await officer.send_location(48.8584, 2.2945)
    assert abroad.text == shown("ko", "error.location_outside_korea")
    (nothing,) = await officer.send_location(35.1798, 129.0750)  # 부산
    assert nothing.text == shown("ko", "nearby.none", radius="16km") and not nothing.buttons


async def test_a_dong_scoped_officer_finds_only_their_dongs_complexes(officer, services, uow_factory):
    await make_complex(uow_factory, name="왕도단지", location=NEAR)
    await make_complex(uow_factory, name="성수단지", dong="성수1가제1동", dong_short="성수1", location=FAR)
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    async with uow_factory() as uow:
        staff = await uow.staff.find_staff_by_telegram_id(officer.id)
    assert staff is not None
    await grant(uow_factory, staff, "housing.read", dongs=(seongsu,))
    (listed,) = await officer.send_location(*STATION)
    assert listed.button_texts() == ["성수단지 · 1.3km"]


async def test_a_writer_places_a_complex_from_its_card(services, emulator, uow_factory, bot):
    complex_id = await make_complex(uow_factory, name="새단지")
    writer = await _writer(services, emulator)
    card = (await writer.send("/complex 새단지"))[-1]
    assert not card.has_button("📍 위치 보기")
    asked = (await writer.press("📍 위치 등록", message=card))[-1]
    assert asked.text == shown("ko", "nearby.ask_location", name="새단지")
    again = (await writer.send("여기요"))[-1]
    assert again.text == shown("ko", "nearby.ask_location_again")
    (abroad,) = await writer.send_location(48.8584, 2.2945)
    assert abroad.text == shown("ko", "error.location_outside_korea")
    (saved,) = await writer.send_location(*NEAR)
    assert saved.text == shown("ko", "nearby.saved", name="새단지")
    placed = await services.housing_field.located_complex(await _reader(services), complex_id)
    assert placed.location == GeoPoint(*NEAR)
    (venue,) = await writer.press("📍 위치 보기", message=saved)
    assert venue.location == NEAR
    # The next location shared is a search again, not another placing.
    (listed,) = await writer.send_location(*STATION)
    assert listed.button_texts() == ["새단지 · 122m"]
    card = (await writer.press("새단지 · 122m", message=listed))[-1]
    assert card.has_button("📍 위치 보기") and card.has_button("📍 위치 수정")


async def test_a_concurrent_change_is_refused_naming_who_and_saved_again_on_top(services, emulator, uow_factory, bot):
    complex_id = await make_complex(uow_factory, name="새단지")
    first = await _writer(services, emulator)
    second = await _writer(services, emulator, telegram_id=4102, saeol_id="write02", name="최동시")
    await first.send("/complex 새단지")
    await first.press("📍 위치 등록")
    await second.send("/complex 새단지")
    await second.press("📍 위치 등록")
    (saved,) = await second.send_location(*FAR)
    assert saved.text == shown("ko", "nearby.saved", name="새단지")
    (refused,) = await first.send_location(*NEAR)
    assert refused.text == shown(
        "ko", "nearby.changed_meanwhile", by="최동시", name="새단지", current="37.573000, 127.038000"
    )
    reader = await _reader(services)
    place = await services.housing_field.located_complex(reader, complex_id)
    assert place.location == GeoPoint(*FAR)  # nothing was overwritten
    (again,) = await first.press("📍 보내신 위치로 다시 저장", message=refused)
    assert again.text == shown("ko", "nearby.saved", name="새단지")
    place = await services.housing_field.located_complex(reader, complex_id)
    assert place.location == GeoPoint(*NEAR)
    # Pressed twice: the location was saved once, and the second press is told so.
    assert await answer_to(first, refused, refused.buttons[0][0].callback_data) == (
        shown("ko", "nearby.nothing_pending"),
        True,
    )


async def test_placing_can_be_cancelled_and_forged_buttons_change_nothing(services, emulator, uow_factory, bot):
    complex_id = await make_complex(uow_factory, name="새단지")
    writer = await _writer(services, emulator)
    await writer.send("/complex 새단지")
    asked = (await writer.press("📍 위치 등록"))[-1]
    cancelled = (await writer.press("취소", message=asked))[-1]
    assert cancelled.text == shown("ko", "common.cancelled")
    (listed,) = await writer.send_location(*STATION)  # a search, the placing being over
    assert listed.text == shown("ko", "nearby.none", radius="16km")
    for forged in ("hn:place:x", "hn:venue:", "hn:retry:1:2", "hn:what"):
        assert await answer_to(writer, listed, forged) == (shown("ko", "common.button_invalid"), True)
    assert await answer_to(writer, listed, f"hn:retry:{complex_id}") == (shown("ko", "nearby.nothing_pending"), True)
    (refused,) = await writer.press_data(listed, f"hn:venue:{complex_id}")
    assert refused.text == shown("ko", "error.complex_not_located", name="새단지")
    (missing,) = await writer.press_data(listed, "hn:place:99999")
    assert missing.text == shown("ko", "error.not_found")


async def test_a_reader_cannot_place_a_complex_even_with_a_forged_button(officer, uow_factory):
    complex_id = await make_complex(uow_factory, name="새단지")
    card = (await officer.send("/complex 새단지"))[-1]
    assert not card.has_button("📍 위치 등록")
    (refused,) = await officer.press_data(card, f"hn:place:{complex_id}")
    assert refused.text == shown("ko", "error.permission_denied")
    (listed,) = await officer.send_location(*STATION)  # no placing was started
    assert listed.text == shown("ko", "nearby.none", radius="16km")
