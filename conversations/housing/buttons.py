"""The ledger's buttons that another screen shows: the card's ✏️ 수정 and 🕘 변경 이력, and the 수정 dialogue's
➕ 추가 and 🗑 삭제, which begin the 추가 and 삭제 dialogues."""

from __future__ import annotations

from conversations.buttons import ButtonData, number, one_of, page, token
from core.housing.fields import LIST_RECORDS

LEDGER = ButtonData("hl:go", number("complex_id"))
ADD = ButtonData("hl:new", number("complex_id"), one_of("record", ("office", *LIST_RECORDS)))
REMOVE = ButtonData(
    "hl:rm", number("complex_id"), one_of("record", ("office", *LIST_RECORDS)), number("record_id"), number("version")
)
# A page of the complex's history (conversations.housing.history).
HISTORY = ButtonData("hh:log", number("complex_id"), page())

# The card's 📷 사진 (N) (an album of ten from ``page``) and ➕ 사진 추가, which begin the photo dialogues.
ALBUM = ButtonData("hp:album", number("complex_id"), page())
ADD_PHOTOS = ButtonData("hp:add", number("complex_id"))
# 입주자대표 찾기: asked for from the complex search's prompt, and its results' pager (``search`` is the
# fingerprint of the search a page belongs to).
REPRESENTATIVES = ButtonData("hr:ask")
REPRESENTATIVE_RESULTS = ButtonData("hr:q", page(), token("search"))
