"""The buttons of a case that several benchmarking dialogues show or answer: the card's, the notices', and
the list's way back. A dialogue's own steps define their buttons in its module."""

from __future__ import annotations

from conversations.buttons import ButtonData, number

OPEN = ButtonData("bc:open", number("case_id"))
CARD = ButtonData("bc:card", number("case_id"))
HISTORY = ButtonData("bc:hist", number("case_id"))
FILE_LIST = ButtonData("bc:files", number("case_id"))
FILE = ButtonData("bc:file", number("attachment_id"))
FULL = ButtonData("bc:full", number("case_id"))
ATTACH = ButtonData("bc:att", number("case_id"), number("version"))
BACK_TO_LIST = ButtonData("bl:back")

APPROVE = ButtonData("ap:ok", number("case_id"), number("round", 6))
RETURN = ButtonData("ap:rt", number("case_id"), number("round", 6))
REVIEW = ButtonData("br:rv", number("case_id"), number("version"))
PROGRESS = ButtonData("br:pg", number("case_id"), number("version"))
WITHDRAW = ButtonData("br:wd", number("case_id"), number("round"))
EDIT = ButtonData("be:go", number("case_id"), number("version"))
