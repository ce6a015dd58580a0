"""What staff type into a one-line field or a search box, cleaned by one rule in every domain: runs of
spaces, tabs and line breaks become one space, nothing typed is refused politely, and too long is refused
with the limit (the error's code names the field, so each edge says which one)."""

from __future__ import annotations

from core.errors import InvalidInput

MAX_QUERY_LENGTH = 50  # longer than any complex name the registry holds


def clean_text(value: str, field: str, limit: int) -> str:
    """A one-line field: ``invalid_<field>`` when empty or longer than ``limit``."""
    text = " ".join(value.split())
    if not text or len(text) > limit:
        raise InvalidInput(f"invalid_{field}", value, limit=limit)
    return text


def clean_query(text: str) -> str:
    """What a search box was given (a complex's name, a case's title)."""
    query = " ".join(text.split())
    if not query:
        raise InvalidInput("search_empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput("search_too_long", limit=MAX_QUERY_LENGTH)
    return query
