"""One masking rule for personal data, used by every output: phones keep their first and last
groups (010-****-5678), birth dates keep the year, e-mail keeps its first letter and domain, names their
first and last character (홍*동)."""

from __future__ import annotations

import phonenumbers

from core.errors import InvalidInput


def normalize_phone(raw: str) -> str:
    """A Korean number as the office writes it (010-1234-5678, 02-2286-1234), or InvalidInput."""
    text = raw.strip()
    if not text or len(text) > 20:
        raise InvalidInput("invalid_phone", raw)
    try:
        number = phonenumbers.parse(text, "KR")
    except phonenumbers.NumberParseException:
        raise InvalidInput("invalid_phone", raw) from None
    if not phonenumbers.is_valid_number(number) or number.country_code != 82:
        raise InvalidInput("invalid_phone", raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def check_normalized_phone(field: str, value: str | None) -> None:
    """A stored number is in the one form ``normalize_phone`` writes (010-1234-5678): masking and search rely on
    its groups, so an unnormalised number is refused rather than quietly stored. The refusal names ``field``."""
    if value is None:
        return
    try:
        normal = normalize_phone(value)
    except InvalidInput:
        raise InvalidInput("invalid_phone", field=field, value=value) from None
    if normal != value:
        raise InvalidInput("phone_not_normalized", field=field, value=value, expected=normal)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    groups = phone.split("-")
    if len(groups) == 3:
        return f"{groups[0]}-{'*' * len(groups[1])}-{groups[2]}"
    # An unformatted number still hides every digit but the last four.
    hidden = sum(ch.isdigit() for ch in phone) - 4
    out = []
    for ch in phone:
        if ch.isdigit() and hidden > 0:
            hidden -= 1
            ch = "*"
        out.append(ch)
    return "".join(out)


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_name(name: str | None) -> str | None:
    """홍길동 → 홍*동, 남궁민수 → 남**수, 김철 → 김*: the first and last character kept."""
    if not name:
        return name
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_names(names: str | None) -> str | None:
    """A list of names (one per line, or separated by commas): each name masked, the list kept as one line."""
    if not names:
        return names
    parts = [part.strip() for line in names.splitlines() for part in line.split(",")]
    return ", ".join(mask_name(part) or "" for part in parts if part)
