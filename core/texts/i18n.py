"""Catalogs of every text the bot says, in Korean (default) and English.

Texts are HTML for ``parse_mode=HTML``; :func:`t` escapes every parameter so a name like ``<김&이>``
shows as written. :func:`t_plain` is for places Telegram shows as plain text (callback answers)."""

from __future__ import annotations

import html
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from core.texts.particles import attach_particles

DEFAULT_LANGUAGE = "ko"
LANGUAGES = ("ko", "en")
_LOCALES = Path(__file__).with_name("locales")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    """All of a language's texts. Each dialogue keeps its texts in a file of its own under
    ``locales/<language>/``; a key defined in two files is a mistake, refused here."""
    merged: dict[str, str] = {}
    for path in sorted((_LOCALES / language).glob("*.toml")):
        with path.open("rb") as handle:
            texts = _flatten(tomllib.load(handle))
        clash = merged.keys() & texts.keys()
        if clash:
            raise ValueError(f"{path.name} defines texts already defined elsewhere: {sorted(clash)}")
        merged.update(texts)
    return merged


def language_of(preferred: str | None) -> str:
    """Our language for a stored preference or a Telegram ``language_code`` (e.g. ``en-US``)."""
    if preferred:
        base = preferred.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


def _template(language: str, key: str) -> str:
    texts = catalog(language_of(language))
    if key in texts:
        return texts[key]
    return catalog(DEFAULT_LANGUAGE)[key]  # a key missing everywhere is a bug: let it raise


def t(language: str, key: str, **params: object) -> str:
    """An HTML text with parameters escaped."""
    safe = {name: _escaped(value) for name, value in params.items()}
    return _particles(language, _template(language, key).format(**safe))


def _escaped(value: object) -> object:
    """Numbers stay numbers, so a catalog text can write ``{length:,}`` for "2,000"; everything else is
    escaped text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return html.escape(str(value), quote=False)


def t_plain(language: str, key: str, **params: object) -> str:
    """A plain text (no HTML), e.g. for callback query answers."""
    return _particles(language, _template(language, key).format(**params))


def _particles(language: str, text: str) -> str:
    """Korean texts choose 을/를, 은/는 ... by the word a parameter put before them."""
    return attach_particles(text) if language_of(language) == "ko" else text


def grouped(value: int) -> str:
    """A count or an amount as staff read figures on paper: thousands separated ("1,320"), in Korean and
    English alike. Years, case numbers and other identifiers are not figures and stay as they are."""
    return f"{value:,}"


def has_text(language: str, key: str) -> bool:
    return key in catalog(language_of(language)) or key in catalog(DEFAULT_LANGUAGE)
