"""Checks every chart and workbook test shares: a PNG's size from its header, drawing with no missing glyph,
and a sheet as a grid of values."""

from __future__ import annotations

import struct
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def no_glyph_warnings(draw: Callable[[], T]) -> T:
    """Draw, recording warnings instead of raising them, and fail on any missing glyph."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    return result


def grid(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]
