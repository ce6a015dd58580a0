"""The housing dialogues' buttons that another dialogue's screen shows: the card's ✏️ 수정."""

from __future__ import annotations

from conversations.buttons import ButtonData, number

LEDGER = ButtonData("hl:go", number("complex_id"))
