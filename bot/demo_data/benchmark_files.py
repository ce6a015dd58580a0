"""Small but real files for the demo's 관련자료: a one-page PDF and a PNG picture, made in code so the demo
needs nothing on disk and every file opens in a viewer (and passes ``check_attachment``'s signature test)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence


def pdf_document(lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF showing ``lines`` in Helvetica. The standard fonts carry no Hangul, so the lines
    are ASCII (a Korean title is in the file's name, where Telegram shows it)."""
    text = ["BT", "/F1 14 Tf", "72 770 Td", "20 TL"]
    for line in lines:
        ascii_line = line.encode("ascii", "replace").decode("ascii")
        escaped = ascii_line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text += [f"({escaped}) Tj", "T*"]
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_picture(width: int, height: int, colours: Sequence[tuple[int, int, int]]) -> bytes:
    """An RGB PNG of horizontal bands in ``colours``, shaded left to right: a stand-in for a site photo."""
    rows = bytearray()
    for y in range(height):
        red, green, blue = colours[y * len(colours) // height]
        rows.append(0)  # filter: none
        for x in range(width):
            shade = 70 + 30 * x // max(1, width - 1)  # 70%..100%
            rows += bytes((red * shade // 100, green * shade // 100, blue * shade // 100))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
