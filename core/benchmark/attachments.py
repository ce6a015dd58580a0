"""관련자료: which files a case may carry. The kind is judged by the file's first bytes as well as its
name, so a renamed program or a broken upload is refused rather than stored and sent on to colleagues."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from core.benchmark.values import NewAttachment
from core.errors import InvalidInput
from core.files import MAX_FILE_BYTES, MAX_FILE_MB

MAX_ATTACHMENTS_PER_CASE = 10
MAX_FILE_NAME = 150

_ZIP = b"PK\x03\x04"  # OOXML (docx, xlsx, pptx) and HWPX are zip containers
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office and HWP 5
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "hwp": (_OLE,),
    "hwpx": (_ZIP,),
    "doc": (_OLE,),
    "docx": (_ZIP,),
    "xls": (_OLE,),
    "xlsx": (_ZIP,),
    "ppt": (_OLE,),
    "pptx": (_ZIP,),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "txt": (),
}
MIME_TYPES = {
    "pdf": "application/pdf",
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain",
}
ALLOWED_EXTENSIONS = tuple(_SIGNATURES)
PHOTO, DOCUMENT = "photo", "document"


@dataclass(frozen=True, slots=True)
class CheckedFile:
    kind: str
    file_name: str
    mime_type: str
    size: int
    sha256: str

    def stored(
        self,
        content: bytes,
        *,
        case_id: int | None,
        telegram_file_id: str | None,
        uploaded_by_id: int,
        uploaded_at: datetime,
    ) -> NewAttachment:
        """The file as a case keeps it, whether sent in the chat or loaded with the demo history."""
        return NewAttachment(
            case_id=case_id,
            kind=self.kind,
            file_name=self.file_name,
            mime_type=self.mime_type,
            size=self.size,
            sha256=self.sha256,
            content=content,
            telegram_file_id=telegram_file_id,
            uploaded_by_id=uploaded_by_id,
            uploaded_at=uploaded_at,
        )


def _is_text(content: bytes) -> bool:
    for encoding in ("utf-8", "euc-kr"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text)
    return False


def _clean_name(file_name: str | None, extension: str) -> str:
    name = PurePath((file_name or "").replace("\\", "/")).name.strip()
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')
    if not name:
        name = f"첨부.{extension}"
    if len(name) > MAX_FILE_NAME:
        stem = name[: MAX_FILE_NAME - len(extension) - 1]
        name = f"{stem}.{extension}"
    return name


def check_attachment(file_name: str | None, content: bytes, *, photo: bool = False) -> CheckedFile:
    """A file the staff member sent, accepted or refused with the rule it breaks."""
    allowed = ", ".join(ALLOWED_EXTENSIONS)
    if not content:
        raise InvalidInput("attachment_empty")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("attachment_too_large", limit_mb=MAX_FILE_MB)
    if photo:
        extension = "png" if content.startswith(_SIGNATURES["png"][0]) else "jpg"
        file_name = file_name or f"사진.{extension}"
    else:
        # Judged on the name as it will be kept: "보고서.pdf " is a PDF too.
        extension = PurePath((file_name or "").strip()).suffix.lower().lstrip(".")
    if extension not in _SIGNATURES:
        raise InvalidInput("attachment_kind", allowed=allowed)
    signatures = _SIGNATURES[extension]
    if signatures and not any(content.startswith(signature) for signature in signatures):
        raise InvalidInput("attachment_content", allowed=allowed)
    if not signatures and not _is_text(content):
        raise InvalidInput("attachment_content", allowed=allowed)
    return CheckedFile(
        kind=PHOTO if photo or extension in {"jpg", "jpeg", "png"} else DOCUMENT,
        file_name=_clean_name(file_name, extension),
        mime_type=MIME_TYPES[extension],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
