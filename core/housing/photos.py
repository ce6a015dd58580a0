"""사진: photos of a complex, sent in the chat by the housing department.

A photo is added by a member holding ``housing.write`` for the complex's dong, listed by one holding
``housing.read`` for it, and removed (naming the version the member saw) by a writer again. Only the
images phones send are taken — JPEG, PNG, WebP and HEIC, told by their first bytes, whatever the file is
called — up to the 20 MB Telegram lets a bot download. The bytes are kept once per content in the data
directory's photo store, named by their SHA-256: the same image for another complex shares the file, the
same image for the same complex is refused as already there, and the file goes when its last photo does.
Each addition and removal is audited as ``housing.photo.add`` / ``housing.photo.remove`` on the complex."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path

from core.clock import Clock
from core.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from core.files import IMAGE_EXTENSIONS, MAX_FILE_BYTES, MAX_FILE_MB, image_type
from core.housing.records import audit_change, covered_complex
from core.housing.values import ComplexPhotos, NewPhoto, PhotoInfo
from core.permissions import Permission, covers_dong, require
from core.values import StaffMember
from storage.uow import UnitOfWorkFactory

MAX_CAPTION = 200
SENT_AS = ("photo", "document")


class PhotoGone(StaleRecord):
    """The photo was removed (or changed) after the member listed it."""

    code = "photo_gone"


class PhotoStore:
    """The photo files: ``<root>/<first two hex digits>/<sha256>.<extension>``, written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def relative_path(sha256: str, content_type: str) -> str:
        return f"{sha256[:2]}/{sha256}.{IMAGE_EXTENSIONS[content_type]}"

    def path(self, relative: str) -> Path:
        return self.root / relative

    def keep(self, relative: str, content: bytes) -> None:
        target = self.path(relative)
        if target.exists() and target.stat().st_size == len(content):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, relative: str) -> bytes:
        return self.path(relative).read_bytes()

    def discard(self, relative: str) -> None:
        self.path(relative).unlink(missing_ok=True)


def clean_caption(caption: str | None) -> str | None:
    """A caption on one line, cut to what the ledger keeps."""
    if caption is None:
        return None
    text = " ".join("".join(c if c.isprintable() else " " for c in caption).split())
    if len(text) > MAX_CAPTION:
        text = text[: MAX_CAPTION - 1] + "…"
    return text or None


def check_image(content: bytes) -> str:
    """The image's content type, or the rule it breaks."""
    if not content:
        raise InvalidInput("photo_empty")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("photo_too_large", limit_mb=MAX_FILE_MB)
    content_type = image_type(content)
    if content_type is None:
        raise InvalidInput("photo_not_image")
    return content_type


class HousingPhotos:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, store: PhotoStore) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store
        # The bot is one process (storage.instance_lock): adding and removing take turns, so a file is never
        # discarded between another photo's check that it is there and that photo's commit.
        self._files = asyncio.Lock()

    async def album(self, actor: StaffMember, complex_id: int) -> ComplexPhotos:
        require(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            detail = await uow.housing.load_complex_detail(complex_id)
            if detail is None:
                raise NotFound(f"complex {complex_id}")
            if not covers_dong(actor, Permission.HOUSING_READ, detail.admin_dong_id):
                raise PermissionDenied(
                    f"{actor.saeol_id} does not cover the dong of complex {complex_id}",
                    permission=Permission.HOUSING_READ.value,
                )
            photos = await uow.photos.list(complex_id)
        return ComplexPhotos(
            complex_id=complex_id,
            complex_name=detail.name,
            photos=tuple(photos),
            writable=covers_dong(actor, Permission.HOUSING_WRITE, detail.admin_dong_id),
        )

    async def add(
        self,
        actor: StaffMember,
        complex_id: int,
        content: bytes,
        *,
        caption: str | None,
        telegram_file_id: str | None,
        sent_as: str,
    ) -> PhotoInfo:
        """Keep one photo; ``InvalidInput("photo_duplicate")`` when the complex already has this image."""
        require(actor, Permission.HOUSING_WRITE)
        if sent_as not in SENT_AS:
            raise InvalidInput("photo_not_image")
        content_type = check_image(content)
        sha256 = hashlib.sha256(content).hexdigest()
        relative = PhotoStore.relative_path(sha256, content_type)
        async with self._files, self._uow(write=True) as uow:
            await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)
            if await uow.photos.find(complex_id, sha256) is not None:
                raise InvalidInput("photo_duplicate")
            await asyncio.to_thread(self._store.keep, relative, content)
            photo = NewPhoto(
                complex_id=complex_id,
                caption=clean_caption(caption),
                sha256=sha256,
                size=len(content),
                content_type=content_type,
                file_path=relative,
                telegram_file_id=telegram_file_id,
                sent_as=sent_as,
                uploaded_at=self._clock.now(),
                uploaded_by=actor.id,
            )
            new_id = await uow.photos.add(photo)
            if new_id is None:
                raise InvalidInput("photo_duplicate")
            changes: dict[str, list[object]] = {
                "caption": [None, photo.caption],
                "sha256": [None, sha256],
                "size": [None, photo.size],
                "content_type": [None, content_type],
            }
            await audit_change(uow, self._clock, actor, "housing.photo.add", complex_id, new_id, changes)
            await uow.commit()
            saved = await uow.photos.get(complex_id, new_id)
        assert saved is not None
        return saved

    async def remove(self, actor: StaffMember, complex_id: int, photo_id: int, version: int) -> PhotoInfo:
        """Remove the photo seen at ``version``; its file goes too unless another photo keeps the same bytes.
        ``PhotoGone`` when it was removed meanwhile (a confirmation pressed twice)."""
        require(actor, Permission.HOUSING_WRITE)
        async with self._files, self._uow(write=True) as uow:
            await covered_complex(uow, actor, complex_id, Permission.HOUSING_WRITE)
            current = await uow.photos.get(complex_id, photo_id)
            if current is None or current.version != version:
                raise PhotoGone(f"photo {photo_id}")
            if not await uow.photos.remove(complex_id, photo_id, version):
                raise PhotoGone(f"photo {photo_id}")
            changes: dict[str, list[object]] = {
                "caption": [current.caption, None],
                "sha256": [current.sha256, None],
                "size": [current.size, None],
                "content_type": [current.content_type, None],
            }
            await audit_change(uow, self._clock, actor, "housing.photo.remove", complex_id, photo_id, changes)
            await uow.commit()
            if current.file_path and await uow.photos.references(current.sha256) == 0:
                await asyncio.to_thread(self._store.discard, current.file_path)
        return current

    async def content(self, actor: StaffMember, complex_id: int, photo_id: int) -> bytes:
        """The photo's bytes from the store, for sending it again where Telegram no longer knows its file id
        (another bot token, or a photo added without one)."""
        require(actor, Permission.HOUSING_READ)
        async with self._uow() as uow:
            detail = await uow.housing.load_complex_detail(complex_id)
            if detail is None or not covers_dong(actor, Permission.HOUSING_READ, detail.admin_dong_id):
                raise NotFound(f"photo {photo_id}")
            photo = await uow.photos.get(complex_id, photo_id)
        if photo is None or not photo.file_path:
            raise PhotoGone(f"photo {photo_id}")
        try:
            return await asyncio.to_thread(self._store.read, photo.file_path)
        except FileNotFoundError:
            raise PhotoGone(f"photo {photo_id}: its file is missing") from None
