"""What every domain's files from the chat share: the size Telegram lets a bot download, and an image told
by its first bytes rather than by its name."""

from __future__ import annotations

# Telegram lets a bot download files up to 20 MB (getFile); nothing larger can reach us.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)

JPEG, PNG, WEBP, HEIC = "image/jpeg", "image/png", "image/webp", "image/heic"
# The file name each kind is kept under.
IMAGE_EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", HEIC: "heic"}
# ISO base media brands of the HEIF still images phones take (HEIC, and HEIF as some Android phones save).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


def image_type(content: bytes) -> str | None:
    """The content type of a photo a phone sends (JPEG, PNG, WebP or HEIC), judged by its signature; None for
    anything else, whatever its name says."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS:
        return HEIC
    return None
