"""A complex's photos: listed, added (one row per image and complex) and removed under their version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.housing.values import NewPhoto, PhotoInfo
from storage.housing.models import Photo
from storage.staff.models import Staff


class PhotoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self, complex_id: int) -> list[PhotoInfo]:
        """Oldest first, so the album keeps the order photos were added in."""
        rows = await self._session.execute(
            select(Photo, Staff.name)
            .outerjoin(Staff, Staff.id == Photo.uploaded_by)
            .where(Photo.complex_id == complex_id)
            .order_by(Photo.uploaded_at, Photo.id)
        )
        return [_info(photo, name) for photo, name in rows]

    async def get(self, complex_id: int, photo_id: int) -> PhotoInfo | None:
        row = (
            await self._session.execute(
                select(Photo, Staff.name)
                .outerjoin(Staff, Staff.id == Photo.uploaded_by)
                .where(Photo.complex_id == complex_id, Photo.id == photo_id)
            )
        ).first()
        return _info(row[0], row[1]) if row else None

    async def find(self, complex_id: int, sha256: str) -> PhotoInfo | None:
        row = (
            await self._session.execute(
                select(Photo, Staff.name)
                .outerjoin(Staff, Staff.id == Photo.uploaded_by)
                .where(Photo.complex_id == complex_id, Photo.sha256 == sha256)
            )
        ).first()
        return _info(row[0], row[1]) if row else None

    async def add(self, photo: NewPhoto) -> int | None:
        """The new photo's id; None when the complex already has this image (the unique index decides, so
        two members adding it at once cannot both succeed)."""
        values: dict[str, Any] = {
            "complex_id": photo.complex_id,
            "caption": photo.caption,
            "sha256": photo.sha256,
            "size": photo.size,
            "content_type": photo.content_type,
            "file_path": photo.file_path,
            "telegram_file_id": photo.telegram_file_id,
            "sent_as": photo.sent_as,
            "uploaded_at": photo.uploaded_at,
            "uploaded_by": photo.uploaded_by,
            "version": 1,
        }
        try:
            async with self._session.begin_nested():
                new_id = await self._session.scalar(insert(Photo).values(**values).returning(Photo.id))
        except IntegrityError:
            return None
        assert new_id is not None
        return int(new_id)

    async def remove(self, complex_id: int, photo_id: int, version: int) -> bool:
        """False when the photo is gone or has moved past ``version`` (the version is in the DELETE's WHERE)."""
        result = await self._session.execute(
            delete(Photo).where(Photo.complex_id == complex_id, Photo.id == photo_id, Photo.version == version)
        )
        return bool(getattr(result, "rowcount", 0))

    async def references(self, sha256: str) -> int:
        """How many photos, of any complex, keep these bytes."""
        count = await self._session.scalar(select(func.count()).select_from(Photo).where(Photo.sha256 == sha256))
        return int(count or 0)


def _info(photo: Photo, uploader: str | None) -> PhotoInfo:
    return PhotoInfo(
        id=photo.id,
        complex_id=photo.complex_id,
        caption=photo.caption,
        sha256=photo.sha256,
        size=photo.size,
        content_type=photo.content_type,
        file_path=photo.file_path,
        telegram_file_id=photo.telegram_file_id,
        sent_as=photo.sent_as,
        uploaded_at=photo.uploaded_at,
        uploaded_by=uploader,
        version=photo.version,
    )
