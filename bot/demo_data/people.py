"""Made-up people for the demo: names, birth dates, phones and units, all drawn from one seeded generator."""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import accumulate

from bot.demo_data.vocabulary import (
    EMAIL_DOMAINS,
    FEMALE_NAMES,
    MALE_NAMES,
    PHONE_EXCHANGES,
    ROMANIZED_SURNAMES,
    SURNAMES,
)
from core.errors import InvalidInput
from core.masking import normalize_phone

_SURNAME_NAMES = tuple(name for name, _ in SURNAMES)
_SURNAME_CUMULATIVE = tuple(accumulate(weight for _, weight in SURNAMES))


class People:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        # Whether a mobile's middle group is one the numbering plan allocates (a few blocks are not),
        # decided once per block so that a large set does not pay the phone library per person.
        self._middle_ok: dict[int, bool] = {}

    def surname(self) -> str:
        return self._rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUMULATIVE)[0]

    def name(self, gender: str, surname: str | None = None) -> str:
        given = self._rng.choice(MALE_NAMES if gender == "M" else FEMALE_NAMES)
        return (surname or self.surname()) + given

    def gender(self, male_share: float = 0.5) -> str:
        return "M" if self._rng.random() < male_share else "F"

    def birth_date(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1)
        span = (date(last_year, 12, 31) - start).days
        return start + timedelta(days=self._rng.randrange(span + 1))

    def mobile(self) -> str:
        while True:
            middle = self._rng.randrange(2000, 10000)
            ok = self._middle_ok.get(middle)
            if ok is None:
                ok = self._middle_ok[middle] = _is_valid_phone(f"010-{middle:04d}-0000")
            if ok:
                # The form normalize_phone writes, so stored numbers match what an edit would store.
                return f"010-{middle:04d}-{self._rng.randrange(10000):04d}"

    def office_phone(self) -> str:
        return f"02-{self._rng.choice(PHONE_EXCHANGES)}-{self._rng.randrange(10000):04d}"

    def email(self, name: str) -> str:
        local = ROMANIZED_SURNAMES.get(name[:1], "sd") + str(self._rng.randrange(10, 10000))
        return f"{local}@{self._rng.choice(EMAIL_DOMAINS)}"

    def unit(self, building_count: int, floors_max: int) -> str:
        """동호수 as the office writes it: 101동 1203호."""
        building = 100 + self._rng.randrange(1, max(1, building_count) + 1)
        floor = self._rng.randrange(1, max(1, floors_max) + 1)
        return f"{building}동 {floor}{self._rng.randrange(1, 5):02d}호"

    def day_in(self, first: date, last: date) -> date:
        return first + timedelta(days=self._rng.randrange((last - first).days + 1))


def _is_valid_phone(number: str) -> bool:
    try:
        return normalize_phone(number) == number
    except InvalidInput:
        return False


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
