"""Text no edge lets in: the one rule the admin pages, the JSON API, the bot and the command line apply to
whatever they are given, before any service sees it.

PostgreSQL cannot store NUL in a text column and a lone surrogate (JSON's ``"\\ud800"``) cannot be
encoded as UTF-8, so such input used to reach the database and fail there with a 500, on one engine and
not the other. The other C0 control characters (and DEL) are invisible on every screen and in every
export and are never meant. Tab, line feed and carriage return are ordinary typing and stay allowed;
where a field is one line, its service folds them into spaces."""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.errors import InvalidInput

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSAFE_TEXT = "unsafe_text"  # the InvalidInput code, translated at each edge


def is_safe_text(text: str) -> bool:
    return _UNSAFE.search(text) is None


def check_text(field: str, text: str) -> None:
    """Refuse ``text`` (the value of ``field``) if it holds a character of the rule."""
    if not is_safe_text(text):
        raise InvalidInput(UNSAFE_TEXT, f"{field} holds a control character or a lone surrogate", field=field)


def check_fields(fields: Mapping[str, str] | list[tuple[str, str]]) -> None:
    """Every name and value of a form or a query: a name counts as its own field."""
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    for name, value in pairs:
        check_text("(name)", name)
        check_text(name, value)


def check_json(document: object) -> None:
    """Every key and string of a parsed JSON document; the refusal names the path (``items[2].name``).
    Walked with a list, not recursion: a document json.loads accepts may be nested deeper than Python's
    recursion limit allows a second time."""
    pending: list[tuple[str, object]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            check_text(path or "(body)", value)
        elif isinstance(value, dict):
            for key in value:
                check_text(path or "(body)", key)
            pending.extend((f"{path}.{key}" if path else key, item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value))))
