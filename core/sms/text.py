"""Message text rules: the type a text needs by its EUC-KR byte length, and personalisation.

Korean carriers count SMS and LMS length in EUC-KR bytes (a Hangul syllable is 2 bytes, ASCII 1). A
character EUC-KR cannot carry (emoji, rare Hanja, some symbols) is counted as 2 bytes, not 1: the UMS
substitutes something for it, and counting the wider case means a text we call SMS never turns out longer
than 90 bytes after substitution. Such characters are listed so the preview can warn that phones will not
show them as typed.

An LMS has a subject (제목), the batch's, shown above the text on phones. docs/ums.md names its limit: 40
characters and 60 EUC-KR bytes (30 Hangul syllables), the shorter of what Korean carriers take for an LMS
subject, so the UMS never cuts it. It is one line (line breaks fold into spaces) and follows the safe-text
rule of every edge. It is the batch's, the same on every phone, so ``{이름}`` and ``{단지명}`` are refused in
it rather than shown as typed. An LMS sent without one (the API's callers) gets its first line, shortened,
which is also what the chat offers."""

from __future__ import annotations

import re

from core.errors import InvalidInput
from core.safe_text import check_text
from core.sms.values import MessageType, Recipient, TextSize

SMS_LIMIT = 90
LMS_LIMIT = 2000
UNENCODABLE_WIDTH = 2
NAME_FIELD = "{이름}"
COMPLEX_FIELD = "{단지명}"
SUBJECT_CHAR_LIMIT = 40
SUBJECT_BYTE_LIMIT = 60
# The subject of an LMS whose every line is personal fields alone (nothing else to take a subject from).
FALLBACK_SUBJECT = "안내"
ELLIPSIS = "…"  # in EUC-KR (2 bytes), so a shortened subject still encodes
_SPACES = re.compile(r"\s+")


def byte_length(text: str) -> tuple[int, tuple[str, ...]]:
    """EUC-KR bytes of ``text`` and the characters it cannot encode."""
    try:
        return len(text.encode("euc-kr")), ()
    except UnicodeEncodeError:
        pass
    length = 0
    unencodable: list[str] = []
    for char in text:
        try:
            length += len(char.encode("euc-kr"))
        except UnicodeEncodeError:
            length += UNENCODABLE_WIDTH
            if char not in unencodable:
                unencodable.append(char)
    return length, tuple(unencodable)


def measure(text: str) -> TextSize:
    """The type ``text`` needs; empty or longer than an LMS is refused."""
    if not text.strip():
        raise InvalidInput("sms_text_empty")
    length, unencodable = byte_length(text)
    if length <= SMS_LIMIT:
        return TextSize(MessageType.SMS, length, SMS_LIMIT, unencodable)
    if length <= LMS_LIMIT:
        return TextSize(MessageType.LMS, length, LMS_LIMIT, unencodable)
    raise InvalidInput("sms_text_too_long", f"{length} bytes", length=length, limit=LMS_LIMIT)


def personalise(text: str, recipient: Recipient) -> str:
    return text.replace(NAME_FIELD, recipient.name).replace(COMPLEX_FIELD, recipient.complex_name or "")


def measure_batch(text: str, recipients: tuple[Recipient, ...]) -> TextSize:
    """The type for the whole batch: that of the longest personalised text (one type per batch)."""
    size = measure(text)
    if NAME_FIELD not in text and COMPLEX_FIELD not in text:
        return size
    sizes = [measure(personalise(text, recipient)) for recipient in recipients]
    return max(sizes, key=lambda s: s.byte_length, default=size)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _fits(subject: str) -> bool:
    return len(subject) <= SUBJECT_CHAR_LIMIT and byte_length(subject)[0] <= SUBJECT_BYTE_LIMIT


def clean_subject(raw: str) -> str:
    """An LMS subject as it is kept and sent: one line, not empty, within both limits; else InvalidInput."""
    check_text("subject", raw)
    subject = _one_line(raw)
    if not subject:
        raise InvalidInput("sms_subject_empty")
    if NAME_FIELD in subject or COMPLEX_FIELD in subject:
        raise InvalidInput("sms_subject_fields", subject)
    if not _fits(subject):
        length = byte_length(subject)[0]
        raise InvalidInput(
            "sms_subject_too_long",
            f"{len(subject)} characters, {length} bytes",
            length=length,
            limit=SUBJECT_BYTE_LIMIT,
            chars=len(subject),
            char_limit=SUBJECT_CHAR_LIMIT,
        )
    return subject


def default_subject(text: str) -> str:
    """The subject offered for ``text``: its first line with words in it, personal fields left out (a
    subject is the same on every phone), cut with "…" to fit the limits."""
    lines = [_one_line(line.replace(NAME_FIELD, "").replace(COMPLEX_FIELD, "")) for line in text.splitlines()]
    first = next((line for line in lines if line), FALLBACK_SUBJECT)
    if _fits(first):
        return first
    cut = first
    while cut and not _fits(cut.rstrip() + ELLIPSIS):
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS
