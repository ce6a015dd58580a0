"""Message text rules: the type a text needs by its EUC-KR byte length, and personalisation.

Korean carriers count SMS and LMS length in EUC-KR bytes (a Hangul syllable is 2 bytes, ASCII 1). A
character EUC-KR cannot carry (emoji, rare Hanja, some symbols) is counted as 2 bytes, not 1: the UMS
substitutes something for it, and counting the wider case means a text we call SMS never turns out longer
than 90 bytes after substitution. Such characters are listed so the preview can warn that phones will not
show them as typed."""

from __future__ import annotations

from core.errors import InvalidInput
from core.sms.values import MessageType, Recipient, TextSize

SMS_LIMIT = 90
LMS_LIMIT = 2000
UNENCODABLE_WIDTH = 2
NAME_FIELD = "{이름}"
COMPLEX_FIELD = "{단지명}"


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
