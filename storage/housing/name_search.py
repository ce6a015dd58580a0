"""Finding complexes by part of their name through their name's pieces (``complex_name_gram``, migration 0021)
rather than by reading every name."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select

from storage.housing.models import Complex, ComplexNameGram

GRAM_WIDTH = 3  # the longest piece the table holds
MOST_PIECES = 4  # more pieces narrow little further and each costs a lookup


def pieces_of(key: str) -> list[str]:
    """The pieces a fragment's complexes must all hold: itself up to three letters; beyond, three-letter
    pieces spread over it (the first and the last among them), at most four."""
    if len(key) <= GRAM_WIDTH:
        return [key]
    grams = list(dict.fromkeys(key[i : i + GRAM_WIDTH] for i in range(len(key) - GRAM_WIDTH + 1)))
    if len(grams) <= MOST_PIECES:
        return grams
    step = (len(grams) - 1) / (MOST_PIECES - 1)
    return list(dict.fromkeys(grams[round(i * step)] for i in range(MOST_PIECES)))


def name_contains(key: str) -> ColumnElement[bool]:
    """Complexes whose ``name_key`` contains ``key`` (already a name key): those holding every piece of it; for
    a fragment longer than a piece, the whole is checked on them too (its pieces may stand apart in a name)."""
    whole = Complex.name_key.contains(key, autoescape=True)
    if not key:
        return whole
    holding = [
        Complex.id.in_(select(ComplexNameGram.complex_id).where(ComplexNameGram.gram == piece))
        for piece in pieces_of(key)
    ]
    if len(key) <= GRAM_WIDTH:  # the piece is the fragment: holding it is containing it
        return holding[0]
    return and_(*holding, whole)
