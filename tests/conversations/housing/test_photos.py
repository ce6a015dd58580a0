"""단지 사진 through the chat: a writer adds photos (one, an album, image files), what is not a photo or is too
large is refused politely, the album comes back ten at a time, a photo is removed once; a reader only looks,
and another dong's complex stays closed."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete, select

from bot.emulator import EmulatedUser
from core.files import MAX_FILE_BYTES
from storage.audit.models import AuditEntry
from storage.housing.models import Photo
from tests.builders import grant, make_complex, make_png, make_staff, make_two_dongs
from tests.conversations.conftest import answer_to, shown

WRITER_TG, READER_TG = 3301, 3302
WRITER = ("housing.read", "housing.write")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
async def writer(bot, services, emulator) -> EmulatedUser:
    await make_staff(services, saeol_id="photo1", name="박사진", roles=WRITER, telegram_id=WRITER_TG)
    return emulator.user(WRITER_TG, first_name="사진")


@pytest.fixture
async def reader(bot, services, emulator) -> EmulatedUser:
    await make_staff(services, saeol_id="look1", name="이열람", roles=("housing.read",), telegram_id=READER_TG)
    return emulator.user(READER_TG, first_name="열람")


async def photos(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(select(Photo.caption, Photo.sha256, Photo.sent_as).order_by(Photo.id))
        return rows.all()


async def audited(uow_factory, action):
    async with uow_factory() as uow:
        return list(await uow._session.scalars(select(AuditEntry.target_id).where(AuditEntry.action == action)))


async def start_adding(chat: EmulatedUser, name: str = "쉐르빌", button: str = "➕ 사진 추가") -> None:
    card = (await chat.send(f"/complex {name}"))[-1]
    replies = await chat.press(button, message=card)
    assert "올릴 사진을 보내 주십시오" in replies[-1].text


async def test_a_writer_adds_photos_and_image_files_and_what_is_not_a_photo_is_refused(
    writer, uow_factory, runtime, tmp_path
):
    complex_id = await make_complex(uow_factory)
    await start_adding(writer)
    gate = make_png(1)
    saved = (await writer.send_photo(gate, caption="정문 전경"))[-1]
    assert saved.text == shown("ko", "hp.saved_one", count=1) and saved.has_button("✅ 완료")
    again = (await writer.send_photo(gate, caption="다시 보낸 정문"))[-1]
    assert again.text == shown("ko", "error.photo_duplicate")
    pdf = (await writer.send_document("관리규약.pdf", PDF, mime_type="application/pdf"))[-1]
    assert pdf.text == shown("ko", "error.photo_not_image")
    renamed = (await writer.send_document("정문.jpg", "사진이 아닌 글".encode(), mime_type="image/jpeg"))[-1]
    assert renamed.text == shown("ko", "error.photo_not_image")
    large = bytearray(MAX_FILE_BYTES + 1)
    large[:8] = b"\x89PNG\r\n\x1a\n"
    too_large = (await writer.send_document("항공사진.png", bytes(large), mime_type="image/png"))[-1]
    assert too_large.text == shown("ko", "error.attachment_too_large", limit_mb=20)
    text = (await writer.send("사진 보냅니다"))[-1]
    assert text.text == shown("ko", "hp.photos_expected")
    as_file = (await writer.send_document("놀이터.png", make_png(2), mime_type="image/png", caption="놀이터"))[-1]
    assert as_file.text == shown("ko", "hp.saved_one", count=2)

    assert [(c, s) for c, _, s in await photos(uow_factory)] == [("정문 전경", "photo"), ("놀이터", "document")]
    for _, digest, _ in await photos(uow_factory):
        assert (tmp_path / "photos" / digest[:2] / f"{digest}.png").is_file()
    assert await audited(uow_factory, "housing.photo.add") == [complex_id, complex_id]
    card = (await writer.press("✅ 완료"))[-1]
    assert "📷 등록된 사진 2장" in card.text and card.has_button("📷 사진 (2)")


async def test_an_album_from_a_phone_gets_one_summary_however_many_photos_it_holds(writer, uow_factory):
    await make_complex(uow_factory)
    await start_adding(writer)
    await writer.send_photo(make_png(1))
    replies = await writer.send_album(
        [make_png(2), make_png(3), make_png(1), make_png(4)], captions=["101동", None, None, "경로당"]
    )
    summary = replies[-1]  # one message, brought up to date for each photo (the one before lost its button)
    assert [m for m in replies if m.has_button("✅ 완료")] == [summary]
    assert summary.text.splitlines() == [
        shown("ko", "hp.album_summary", received=4, saved=3, added=4),
        shown("ko", "hp.album_duplicates", count=1),
        shown("ko", "hp.more_or_done"),
    ]
    assert summary.edit_count == 3 and summary.has_button("✅ 완료")
    files = await writer.send_album([("배치도.png", make_png(5)), ("메모.txt", "주차장 확장 예정".encode())])
    assert files[-1].text.splitlines()[:2] == [
        shown("ko", "hp.album_summary", received=2, saved=1, added=5),
        shown("ko", "hp.album_refused", number=2, reason=shown("ko", "error.photo_not_image")),
    ]
    assert [c for c, _, _ in await photos(uow_factory)] == [None, "101동", None, "경로당", None]


async def test_the_album_comes_back_ten_at_a_time_with_captions_and_a_button_for_the_rest(writer, uow_factory):
    await make_complex(uow_factory)
    await start_adding(writer)
    await writer.send_album([make_png(n) for n in range(1, 11)], captions=["정문"])
    await writer.send_album([make_png(11), make_png(12)])
    card = (await writer.press("✅ 완료"))[-1]
    first = await writer.press("📷 사진 (12)", message=card)
    album, footer = first[:-1], first[-1]
    assert [m.kind for m in album] == ["photo"] * 10
    assert album[0].text == "1. 정문 — 박사진, 2026-11-25 10:00"
    assert album[9].text == "10. (설명 없음) — 박사진, 2026-11-25 10:00"
    assert footer.text == shown("ko", "hp.album_footer", name="성동삼성쉐르빌(주상복합)", first=1, last=10, total=12)
    assert footer.button_texts() == ["다음 사진 ▶", "➕ 사진 추가", "🗑 사진 삭제", "◀ 단지 카드"]
    second = await writer.press("다음 사진 ▶", message=footer)
    assert [m.text.split(" — ")[0] for m in second[:-1]] == ["11. (설명 없음)", "12. (설명 없음)"]
    assert not second[-1].has_button("다음 사진 ▶")
    # The second album's button on a screen from before photos were removed: a note and a way back to the start.
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            delete(Photo).where(Photo.id.in_(select(Photo.id).order_by(Photo.id.desc()).limit(3)))
        )
        await uow.commit()
    outdated = await writer.press("다음 사진 ▶", message=footer)
    assert outdated[-1].text == shown("ko", "hp.outdated_page") and outdated[-1].has_button("📷 사진 (9)")
    assert (await answer_to(writer, footer, "hp:album:abc:0"))[1] is True  # forged
    assert (await answer_to(writer, footer, "hp:album:1:-1"))[1] is True  # before the first page


async def test_a_photo_is_removed_once_and_its_file_goes_with_its_last_use(writer, uow_factory, tmp_path):
    complex_id = await make_complex(uow_factory)
    await start_adding(writer)
    await writer.send_photo(make_png(1), caption="정문")
    await writer.send_photo(make_png(2), caption="놀이터")
    await writer.send_photo(make_png(3), caption="단지 안 어린이 놀이터와 경로당 사이의 보행로, 2026년 정비 후")
    footer = (await writer.press("📷 사진 (3)", message=(await writer.press("✅ 완료"))[-1]))[-1]
    listed = (await writer.press("🗑 사진 삭제", message=footer))[-1]
    assert listed.text == shown("ko", "hp.pick", name="성동삼성쉐르빌(주상복합)")
    assert listed.button_texts()[2] == "3. 단지 안 어린이 놀이터와 경로당 사이의 보… — 박사진, 2026-11-25 10:00"
    asked = (await writer.press("1. 정문 — 박사진, 2026-11-25 10:00", message=listed))[-1]
    assert "이 사진을 삭제하시겠습니까?" in asked.text
    yes = asked.button("🗑 삭제합니다")
    assert yes is not None and yes.callback_data is not None
    done = (await writer.press("🗑 삭제합니다", message=asked))[-1]
    assert done.text == shown("ko", "hp.removed", caption="정문", total=2)
    # The same confirmation again (a second tap that reached the bot late): nothing more is removed.
    again = (await writer.press_data(done, yes.callback_data))[-1]
    assert again.text == shown("ko", "hp.gone")
    assert [c for c, _, _ in await photos(uow_factory)][:1] == ["놀이터"]
    digest = hashlib.sha256(make_png(1)).hexdigest()
    assert not (tmp_path / "photos" / digest[:2] / f"{digest}.png").exists()
    assert await audited(uow_factory, "housing.photo.remove") == [complex_id]
    assert (await answer_to(writer, done, "hp:rm:1:x:1"))[1] is True  # forged


async def test_a_reader_sees_the_album_but_neither_adds_nor_removes(writer, reader, uow_factory):
    complex_id = await make_complex(uow_factory)
    await start_adding(writer)
    await writer.send_photo(make_png(1), caption="정문")
    card = (await reader.send("/complex 쉐르빌"))[-1]
    assert card.has_button("📷 사진 (1)") and not card.has_button("➕ 사진 추가")
    footer = (await reader.press("📷 사진 (1)", message=card))[-1]
    assert footer.button_texts() == ["◀ 단지 카드"]
    refused = (await reader.press_data(footer, f"hp:add:{complex_id}"))[-1]
    assert refused.text == shown("ko", "hp.not_writer")
    refused = (await reader.press_data(footer, f"hp:pick:{complex_id}:0"))[-1]
    assert refused.text == shown("ko", "hp.not_writer")
    [photo_id] = [row for row in await photos_ids(uow_factory)]
    refused = (await reader.press_data(footer, f"hp:rm:{complex_id}:{photo_id}:1"))[-1]
    assert refused.text == shown("ko", "error.permission_denied")
    assert len(await photos(uow_factory)) == 1


async def photos_ids(uow_factory):
    async with uow_factory() as uow:
        return list(await uow._session.scalars(select(Photo.id)))


async def test_a_member_scoped_to_a_dong_cannot_reach_another_dongs_photos(bot, services, emulator, uow_factory):
    dongs = await make_two_dongs(uow_factory, representatives=0)
    member = await make_staff(services, saeol_id="scope1", name="김동담당", roles=WRITER, telegram_id=WRITER_TG)
    member = await grant(uow_factory, member, "housing.read", dongs=(dongs.wangdo,))
    await grant(uow_factory, member, "housing.write", dongs=(dongs.wangdo,))
    chat = emulator.user(WRITER_TG, first_name="담당")
    await start_adding(chat)
    saved = (await chat.send_photo(make_png(1)))[-1]
    assert saved.text == shown("ko", "hp.saved_one", count=1)
    for data in (f"hp:album:{dongs.seongsu_complex}:0", f"hp:add:{dongs.seongsu_complex}"):
        replies = await chat.press_data(saved, data)
        assert [m.text for m in replies if m.message_id != saved.message_id] == [shown("ko", "error.permission_denied")]
    async with uow_factory() as uow:
        kept = list(await uow._session.scalars(select(Photo.complex_id)))
    assert kept == [dongs.wangdo_complex]


async def test_photos_telegram_no_longer_knows_are_sent_from_the_data_directory(writer, services, uow_factory):
    """Another bot token, or photos kept before it: their file ids mean nothing to Telegram now."""
    complex_id = await make_complex(uow_factory)
    member = await make_staff(services, saeol_id="load1", name="김적재", roles=WRITER)
    for n, sent_as in ((1, "photo"), (2, "photo"), (3, "document")):
        await services.photos.add(
            member, complex_id, make_png(n), caption=f"옛 사진 {n}", telegram_file_id=f"gone-{n}", sent_as=sent_as
        )
    card = (await writer.send("/complex 쉐르빌"))[-1]
    replies = await writer.press("📷 사진 (3)", message=card)
    sent = [(m.kind, m.text, m.file_bytes) for m in replies[:-1]]
    assert sent == [
        ("photo", "1. 옛 사진 1 — 김적재, 2026-11-25 10:00", make_png(1)),
        ("photo", "2. 옛 사진 2 — 김적재, 2026-11-25 10:00", make_png(2)),
        ("document", "3. 옛 사진 3 — 김적재, 2026-11-25 10:00", make_png(3)),
    ]
    assert replies[-1].text == shown("ko", "hp.album_footer", name="성동삼성쉐르빌(주상복합)", first=1, last=3, total=3)
    # One photo alone is sent as a photo of its own (Telegram's albums hold two or more).
    await services.photos.add(
        member, complex_id, make_png(4), caption="옛 사진 4", telegram_file_id="gone-4", sent_as="photo"
    )
    album = await services.photos.album(member, complex_id)
    for photo in album.photos[:3]:
        await services.photos.remove(member, complex_id, photo.id, photo.version)
    single = await writer.press_data(replies[-1], f"hp:album:{complex_id}:0")
    assert [(m.kind, m.file_bytes) for m in single[:-1]] == [("photo", make_png(4))]


async def test_a_restart_midway_through_an_upload_keeps_the_dialogue_and_its_count(writer, bot, uow_factory, kill):
    await make_complex(uow_factory)
    await start_adding(writer)
    await writer.send_photo(make_png(1), caption="정문")
    await bot.app.update_persistence()  # the periodic flush before the kill
    await kill()
    saved = (await writer.send_photo(make_png(2), caption="후문"))[-1]
    assert saved.text == shown("ko", "hp.saved_one", count=2)
    card = (await writer.press("✅ 완료", message=saved))[-1]
    assert card.has_button("📷 사진 (2)")
    # 완료 on the finished screen: the dialogue is over, and the press is answered politely.
    assert (await answer_to(writer, saved, "hp:done"))[1] is True
