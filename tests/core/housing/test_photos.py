"""사진: a complex's photos as core keeps them — images only, by content, once per complex, in the dong the
member covers, each change audited."""

import hashlib

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.files import MAX_FILE_BYTES, image_type
from core.housing.photos import PhotoGone, clean_caption
from storage.audit.models import AuditEntry
from tests.builders import grant, make_complex, make_dong, make_png, make_staff

WRITER = ("housing.read", "housing.write")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(32)


def test_an_image_is_told_by_its_bytes_not_its_name():
    assert image_type(make_png(1)) == "image/png"
    assert image_type(JPEG) == "image/jpeg"
    assert image_type(WEBP) == "image/webp"
    assert image_type(HEIC) == "image/heic"
    assert image_type(b"%PDF-1.7\n") is None
    assert image_type("사진입니다".encode()) is None
    assert image_type(b"\x00\x00\x00\x18ftypmp42") is None  # a video in the same container is not a photo


def test_a_caption_is_kept_on_one_line_and_cut_to_what_the_ledger_keeps():
    assert clean_caption("  정문\n 전경 ") == "정문 전경"
    assert clean_caption("   ") is None
    assert clean_caption(None) is None
    long = clean_caption("가" * 500)
    assert long is not None and len(long) == 200 and long.endswith("…")


async def audit_of(uow_factory, action):
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(AuditEntry.target_type, AuditEntry.target_id, AuditEntry.details).where(AuditEntry.action == action)
        )
        return rows.all()


async def test_photos_are_added_listed_and_removed_with_the_file_kept_once_by_content(services, uow_factory, tmp_path):
    first = await make_complex(uow_factory)
    second = await make_complex(uow_factory, name="옥수하이츠", dong="옥수동", dong_short="옥수")
    member = await make_staff(services, roles=WRITER)
    image = make_png(7)
    digest = hashlib.sha256(image).hexdigest()
    added = await services.photos.add(member, first, image, caption="정문 전경", telegram_file_id="F1", sent_as="photo")
    assert (added.caption, added.size, added.content_type, added.uploaded_by) == (
        "정문 전경",
        len(image),
        "image/png",
        "홍길동",
    )
    stored = tmp_path / "photos" / digest[:2] / f"{digest}.png"
    assert stored.read_bytes() == image
    also = await services.photos.add(member, second, image, caption=None, telegram_file_id="F2", sent_as="document")
    assert also.file_path == added.file_path  # one file for the same bytes
    with pytest.raises(InvalidInput) as twice:
        await services.photos.add(member, first, image, caption="다시", telegram_file_id="F3", sent_as="photo")
    assert twice.value.code == "photo_duplicate"
    album = await services.photos.album(member, first)
    assert [p.caption for p in album.photos] == ["정문 전경"] and album.writable

    await services.photos.remove(member, first, added.id, added.version)
    assert stored.exists()  # the other complex still keeps it
    with pytest.raises(PhotoGone):
        await services.photos.remove(member, first, added.id, added.version)  # pressed twice
    await services.photos.remove(member, second, also.id, also.version)
    assert not stored.exists()  # the last one took the file with it
    assert (await services.photos.album(member, first)).photos == ()

    added_log = await audit_of(uow_factory, "housing.photo.add")
    assert [(kind, target) for kind, target, _ in added_log] == [("complex", first), ("complex", second)]
    assert added_log[0][2] == {
        "record_id": added.id,
        "changes": {
            "caption": [None, "정문 전경"],
            "sha256": [None, digest],
            "size": [None, len(image)],
            "content_type": [None, "image/png"],
        },
    }
    removed_log = await audit_of(uow_factory, "housing.photo.remove")
    assert [details["record_id"] for _, _, details in removed_log] == [added.id, also.id]
    assert removed_log[0][2]["changes"]["caption"] == ["정문 전경", None]


async def test_what_is_not_a_photo_is_refused_and_nothing_is_kept(services, uow_factory, tmp_path):
    complex_id = await make_complex(uow_factory)
    member = await make_staff(services, roles=WRITER)
    for content, code in (
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "photo_not_image"),
        ("회의록 본문".encode(), "photo_not_image"),
        (b"", "photo_empty"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await services.photos.add(
                member, complex_id, content, caption=None, telegram_file_id=None, sent_as="document"
            )
        assert refused.value.code == code
    too_large = bytearray(MAX_FILE_BYTES + 1)
    too_large[:3] = b"\xff\xd8\xff"
    with pytest.raises(InvalidInput) as large:
        await services.photos.add(
            member, complex_id, bytes(too_large), caption=None, telegram_file_id=None, sent_as="photo"
        )
    assert large.value.code == "photo_too_large" and large.value.params == {"limit_mb": 20}
    for kind, content in (("jpeg", JPEG), ("webp", WEBP), ("heic", HEIC)):
        saved = await services.photos.add(
            member, complex_id, content, caption=kind, telegram_file_id=None, sent_as="document"
        )
        assert saved.content_type == f"image/{kind}"
    assert sorted(p.name.rsplit(".")[1] for p in (tmp_path / "photos").rglob("*.*")) == ["heic", "jpg", "webp"]
    assert await audit_of(uow_factory, "housing.photo.add") != []


async def test_a_member_sees_and_changes_only_their_dongs_photos(services, uow_factory):
    wangdo_complex = await make_complex(uow_factory)
    oksu_complex = await make_complex(uow_factory, name="옥수하이츠", dong="옥수동", dong_short="옥수")
    wangdo = await make_dong(uow_factory)
    writer = await make_staff(services, roles=WRITER)
    photo = await services.photos.add(
        writer, oksu_complex, make_png(1), caption=None, telegram_file_id=None, sent_as="photo"
    )
    scoped = await make_staff(services, saeol_id="kim01", name="김주무", roles=WRITER)
    scoped = await grant(uow_factory, scoped, "housing.read", dongs=(wangdo,))
    scoped = await grant(uow_factory, scoped, "housing.write", dongs=(wangdo,))
    with pytest.raises(PermissionDenied):
        await services.photos.album(scoped, oksu_complex)
    with pytest.raises(PermissionDenied):
        await services.photos.add(
            scoped, oksu_complex, make_png(2), caption=None, telegram_file_id=None, sent_as="photo"
        )
    with pytest.raises(PermissionDenied):
        await services.photos.remove(scoped, oksu_complex, photo.id, photo.version)
    await services.photos.add(scoped, wangdo_complex, make_png(3), caption=None, telegram_file_id=None, sent_as="photo")

    reader = await make_staff(services, saeol_id="lee01", name="이열람", roles=("housing.read",))
    album = await services.photos.album(reader, oksu_complex)
    assert len(album.photos) == 1 and not album.writable
    with pytest.raises(PermissionDenied):
        await services.photos.add(
            reader, oksu_complex, make_png(4), caption=None, telegram_file_id=None, sent_as="photo"
        )
    with pytest.raises(PermissionDenied):
        await services.photos.remove(reader, oksu_complex, photo.id, photo.version)
    assert len((await services.photos.album(writer, oksu_complex)).photos) == 1


async def test_a_photos_bytes_are_read_back_for_its_readers_only(services, uow_factory, tmp_path):
    complex_id = await make_complex(uow_factory)
    oksu = await make_dong(uow_factory, "옥수동", "옥수")
    writer = await make_staff(services, roles=WRITER)
    photo = await services.photos.add(
        writer, complex_id, make_png(5), caption=None, telegram_file_id=None, sent_as="photo"
    )
    assert await services.photos.content(writer, complex_id, photo.id) == make_png(5)
    elsewhere = await make_staff(services, saeol_id="oksu1", name="옥수담당", roles=("housing.read",))
    elsewhere = await grant(uow_factory, elsewhere, "housing.read", dongs=(oksu,))
    with pytest.raises(NotFound):
        await services.photos.content(elsewhere, complex_id, photo.id)
    assert photo.file_path is not None
    (tmp_path / "photos" / photo.file_path).unlink()  # lost from the disk
    with pytest.raises(PhotoGone):
        await services.photos.content(writer, complex_id, photo.id)
