"""What staff type into a one-line field or a search box, cleaned by one rule in every domain: runs of
spaces, tabs and line breaks become one space, nothing typed is refused politely, and too long is refused
with the limit (the error's code names the field, so each edge says which one)."""

from __future__ import annotations

import re
from datetime import date

from core.errors import InvalidInput

MAX_QUERY_LENGTH = 50  # longer than any complex name the registry holds
# The ways the office writes a day: 2016.03.14, 2016-03-14, 2016/3/14, 2016. 3. 14. and 20160314.
_DATE = re.compile(r"(\d{4})\s*[.\-/ ]\s*(\d{1,2})\s*[.\-/ ]\s*(\d{1,2})\.?|(\d{4})(\d{2})(\d{2})")


def clean_text(value: str, field: str, limit: int) -> str:
    """A one-line field: ``invalid_<field>`` when empty or longer than ``limit``."""
    text = " ".join(value.split())
    if not text or len(text) > limit:
        raise InvalidInput(f"invalid_{field}", value, limit=limit)
    return text


def check_text(value: str | None, field: str, limit: int | None, *, required: bool = False) -> None:
    """A record's text field as stored: ``text_required`` when required and blank, ``text_too_long`` beyond
    ``limit`` (a column's width, so the refusal can name the field before the database would refuse it)."""
    if required and (value is None or not value.strip()):
        raise InvalidInput("text_required", field=field)
    if value is not None and limit is not None and len(value) > limit:
        raise InvalidInput("text_too_long", field=field, limit=limit, length=len(value))


def clean_query(text: str) -> str:
    """What a search box was given (a complex's name, a case's title)."""
    query = " ".join(text.split())
    if not query:
        raise InvalidInput("search_empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput("search_too_long", limit=MAX_QUERY_LENGTH)
    return query


def typed_date(text: str) -> date | None:
    """The day ``text`` names in any of the office's ways of writing one, or None when it names none (the
    caller refuses it with its own field's words)."""
    found = _DATE.fullmatch(text.strip())
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups() if part is not None)
    try:
        return date(year, month, day)
    except ValueError:
        return None
