"""Korean particles chosen by the word they follow: "문자 #1을", "2026-4-2를", "목록 「공지」를".

Catalog texts write a particle in both forms, as a Korean writer would on paper: ``{name}을(를)``,
``은(는)``, ``이(가)``, ``과(와)``, ``(으)로``, ``(이)라는``. :func:`attach_particles` replaces each with
the one form that fits the sound the preceding word ends in, so no screen shows "을(를)". A word that
ends in a digit is read the Korean way (1 일, 2 이, 6 육 ...); a Latin letter by its Korean name
(L 엘, M 엠 ...). Closing quotes, brackets and HTML tags between the word and the particle are skipped."""

from __future__ import annotations

import re

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # the index of ㄹ among the 28 final-consonant slots (0: none)

# (final consonant?, is that consonant ㄹ?) of each digit's and Latin letter's Korean reading
_DIGITS = {
    "0": (True, False),  # 영
    "1": (True, True),  # 일
    "2": (False, False),  # 이
    "3": (True, False),  # 삼
    "4": (False, False),  # 사
    "5": (False, False),  # 오
    "6": (True, False),  # 육
    "7": (True, True),  # 칠
    "8": (True, True),  # 팔
    "9": (False, False),  # 구
}
_LETTERS = {"l": (True, True), "m": (True, False), "n": (True, False), "r": (True, True)}  # 엘 엠 엔 알

# both spellings a writer may use for each pair: (with final consonant, without)
_PAIRS = {
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(이)라": ("이라", "라"),
    "(이)나": ("이나", "나"),
    "(이)며": ("이며", "며"),
}
_PATTERN = re.compile("|".join(re.escape(form) for form in [*_PAIRS, "(으)로"]))
_SKIPPED = re.compile(r"(?:</?[a-zA-Z][^>]*>|[\s\"'」』”’)\]>*])+$")


def final_sound(word: str) -> tuple[bool, bool] | None:
    """Whether ``word`` ends in a final consonant, and whether that consonant is ㄹ; None when the
    last character says nothing (punctuation only, an empty text)."""
    stripped = _SKIPPED.sub("", word)
    if not stripped:
        return None
    last = stripped[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        return final != 0, final == _RIEUL
    if last in _DIGITS:
        return _DIGITS[last]
    if last.isascii() and last.isalpha():
        return _LETTERS.get(last.lower(), (False, False))
    return None


def particle(word: str, pair: str) -> str:
    """The form of ``pair`` (e.g. ``"을(를)"``, ``"(으)로"``) that follows ``word``."""
    sound = final_sound(word)
    if pair == "(으)로":
        if sound is None:
            return "(으)로"
        has_final, is_rieul = sound
        return "으로" if has_final and not is_rieul else "로"
    with_final, without = _PAIRS[pair]
    if sound is None:
        return pair
    return with_final if sound[0] else without


def attach_particles(text: str) -> str:
    """``text`` with every two-form particle resolved against the word before it."""

    def choose(match: re.Match[str]) -> str:
        return particle(text[: match.start()], match.group(0))

    return _PATTERN.sub(choose, text)
