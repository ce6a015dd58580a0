"""The buttons of 문자 보내기 and 전송결과 조회, each kind defined once: the draft's steps are built in one module
and answered in another, and a sent batch's screen links to its results."""

from __future__ import annotations

from conversations.buttons import ButtonData, number, one_of, page, text, token

# -- 문자 보내기: who ---------------------------------------------------------------------------------
CANCEL = ButtonData("sm:cancel")
KIND = ButtonData("sm:k", text("kind", r"\w{1,20}"))  # the dialogue refuses a kind it does not offer
SAVED_LISTS = ButtonData("sm:k:saved")  # among the kinds, answered before KIND
SCOPE = ButtonData("sm:s", one_of("scope", ("all", "dong", "cx", "field", "type", "org")))
DONG = ButtonData("sm:d", number("dong_id"))
COMPLEX = ButtonData("sm:c", number("complex_id"), number("page", 4))
COMPLEX_PAGE = ButtonData("sm:cp", page())
COMPLEXES_DONE = ButtonData("sm:cd")
# Community organisations' representatives: by 분야 or 유형 (their codes), or organisations found by name.
FIELD = ButtonData("sm:f", text("field", r"[a-z_]{1,30}"))
LEGAL_TYPE = ButtonData("sm:t", text("legal_type", r"[a-z_]{1,30}"))
ORGANIZATION = ButtonData("sm:o", number("organization_id"), number("page", 4))
ORGANIZATION_PAGE = ButtonData("sm:op", page())
ORGANIZATIONS_DONE = ButtonData("sm:od")
# Offered by index (or * for every position): a position's name may not fit in a button's 64 bytes.
POSITION = ButtonData("sm:p", text("position", r"\*|\d{1,3}"))

# -- saved lists -------------------------------------------------------------------------------------
LIST = ButtonData("sm:l", number("list_id"))
LIST_DELETE = ButtonData("sm:ld", number("list_id"))
LIST_DELETE_YES = ButtonData("sm:lx", number("list_id"))
LISTS_BACK = ButtonData("sm:lb")
SAVE_LIST = ButtonData("sm:sv")
SAVE_LIST_BACK = ButtonData("sm:svb")

# -- what, and when ----------------------------------------------------------------------------------
REPICK = ButtonData("sm:re")
RETEXT = ButtonData("sm:rt")
SUBJECT = ButtonData("sm:sj")
DEFAULT_SUBJECT = ButtonData("sm:sjd")
RECIPIENTS = ButtonData("sm:rp", page(digits=6))
BACK_TO_PREVIEW = ButtonData("sm:pv")
SEND_NOW = ButtonData("sm:now")
SCHEDULE = ButtonData("sm:sch")
SEND = ButtonData("sm:go", token("nonce"))

# -- the schedule picker: the buttons carry the date itself --------------------------------------------
DAY_PAGE = ButtonData("sm:dp", page(digits=2))
DAY = ButtonData("sm:dh", text("day", r"\d{8}"))
HOUR = ButtonData("sm:hm", text("day", r"\d{8}"), number("hour", 2))
AT = ButtonData("sm:at", text("day", r"\d{8}"), number("hour", 2), number("minute", 2))

# -- 전송결과 조회 -------------------------------------------------------------------------------------
RESULTS = ButtonData("sr:l", page())
SCHEDULED = ButtonData("sr:s", page())
BATCH = ButtonData("sr:b", number("batch_id"), page())
FAILED = ButtonData("sr:b", number("batch_id"), page(), one_of("failed_only", ("f",)))  # a batch's failed alone
EXCEL = ButtonData("sr:x", number("batch_id"))
CANCEL_BATCH = ButtonData("sr:c", number("batch_id"))
CONFIRM_CANCEL = ButtonData("sr:cy", number("batch_id"))
