"""Button data: each kind of inline button is defined once, with its prefix and fields, and that one
definition both builds the data a button carries and parses it back when the button is pressed.

Telegram sends back whatever data a button was made with, and a client can forge any; so a press is
parsed like typed input: data that is not exactly what some definition builds matches nothing, and the
dialogue says the button is out of date instead of acting on it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback data


@dataclass(frozen=True, slots=True)
class Field:
    """One value carried by a button: its name, the text it must look like, and how it reads back."""

    name: str
    regex: str
    number: bool = False

    def text(self, value: object) -> str:
        shown = str(value)
        if not re.fullmatch(self.regex, shown):
            raise ValueError(f"{self.name}={value!r} does not fit button data ({self.regex})")
        return shown

    def read(self, text: str) -> Any:
        return int(text) if self.number else text


def number(name: str, digits: int = 9) -> Field:
    """An id or a count: up to ``digits`` digits."""
    return Field(name, rf"\d{{1,{digits}}}", number=True)


def page(name: str = "page", digits: int = 4) -> Field:
    """A page number; one step before the first is still well-formed, as a pager builds both neighbours
    (the dialogue says there is none, or refuses it)."""
    return Field(name, rf"-?\d{{1,{digits}}}", number=True)


def one_of(name: str, choices: Iterable[str]) -> Field:
    return Field(name, "|".join(re.escape(choice) for choice in choices))


def token(name: str) -> Field:
    """A short hex fingerprint, e.g. of the search a results page belongs to."""
    return Field(name, r"[0-9a-f]{8}")


def text(name: str, regex: str) -> Field:
    return Field(name, regex)


class ButtonData:
    """A kind of button: ``prefix`` (``namespace:action``) and its fields, joined by colons.

    ``OPEN = ButtonData("cx:open", number("complex_id"))``; ``OPEN(12)`` is ``"cx:open:12"`` and
    ``OPEN.parse("cx:open:12")`` is ``(12,)``; ``OPEN.parse("cx:open:x")`` is None."""

    def __init__(self, prefix: str, *fields: Field) -> None:
        self.prefix = prefix
        self.fields = fields
        parts = [re.escape(prefix), *(f"({field.regex})" for field in fields)]
        self._regex = re.compile(":".join(parts))

    def __call__(self, *values: object) -> str:
        if len(values) != len(self.fields):
            raise TypeError(f"{self.prefix} takes {len(self.fields)} values, got {len(values)}")
        data = ":".join([self.prefix, *(field.text(value) for field, value in zip(self.fields, values, strict=True))])
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    def parse(self, data: str | None) -> tuple[Any, ...] | None:
        """The values a press carries, or None when ``data`` is not this kind of button."""
        found = self._regex.fullmatch(data or "")
        if found is None:
            return None
        return tuple(field.read(value) for field, value in zip(self.fields, found.groups(), strict=True))

    @property
    def pattern(self) -> str:
        """For ``CallbackQueryHandler(pattern=...)``: every press of this kind, well-formed or not, so the
        handler can answer a malformed one politely."""
        return rf"^{re.escape(self.prefix)}(:|$)"

    def __repr__(self) -> str:
        return f"ButtonData({self.prefix!r}, {', '.join(field.name for field in self.fields)})"


def namespace(prefix: str) -> str:
    """The handler pattern for every button of a dialogue whose data starts ``prefix:``."""
    return rf"^{re.escape(prefix)}:"


def which(data: str | None, kinds: Iterable[ButtonData]) -> tuple[ButtonData, tuple[Any, ...]] | None:
    """Which of a dialogue's buttons ``data`` is, with its values; None for forged or stale data."""
    for kind in kinds:
        values = kind.parse(data)
        if values is not None:
            return kind, values
    return None
