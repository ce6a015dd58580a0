"""Phone numbers and recipient lists: Korean mobiles only, invalid numbers listed and left out, one message
per phone however many rows name it."""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers

from core.masking import mask_phone
from core.sms.values import InvalidRecipient, Recipient, RecipientList, SmsCandidate

MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE})


def korean_mobile(raw: str) -> str | None:
    """The number in national digits (01012345678) when ``raw`` is a valid Korean mobile, else None."""
    try:
        number = phonenumbers.parse(raw, "KR")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 82 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return "0" + str(number.national_number)


def build_recipient_list(candidates: Iterable[SmsCandidate]) -> RecipientList:
    recipients: dict[str, Recipient] = {}
    invalid: list[InvalidRecipient] = []
    without_phone = 0
    duplicates = 0
    for candidate in candidates:
        if not candidate.phone or not candidate.phone.strip():
            without_phone += 1
            continue
        phone = korean_mobile(candidate.phone)
        if phone is None:
            invalid.append(InvalidRecipient(candidate.name, candidate.complex_name, candidate.phone))
        elif phone in recipients:
            duplicates += 1
        else:
            recipients[phone] = Recipient(
                candidate.name, phone, candidate.complex_id, candidate.complex_name, candidate.position
            )
    return RecipientList(tuple(recipients.values()), tuple(invalid), without_phone, duplicates)


def display_phone(digits: str) -> str:
    """01012345678 -> 010-1234-5678 (010-123-4567 for the old ten-digit numbers)."""
    if len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits


def phone_as_shown(digits: str, *, unmasked: bool) -> str:
    """A stored number as a reader sees it: whole for one who may see it, else 010-****-5678."""
    phone = display_phone(digits)
    return phone if unmasked else (mask_phone(phone) or "")
