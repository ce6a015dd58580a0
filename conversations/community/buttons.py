"""The community dialogues' buttons that one dialogue shows and another answers: a card's ✏️ 수정 opens the
edit dialogue, a saved record's screen opens the lookup's card, ➕ 등록 opens the add dialogue."""

from __future__ import annotations

from conversations.buttons import ButtonData, number, one_of
from core.community.fields import RECORDS

ORGANIZATION_CARD = ButtonData("co:open", number("organization_id"))
PROJECT_SCREEN = ButtonData("cg:open", number("project_id"))
EDIT = ButtonData("cme:start", one_of("record", RECORDS), number("record_id"))
ADD = ButtonData("cma:start", one_of("record", RECORDS))
