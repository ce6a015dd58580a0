"""What names and titles are searched by, stored beside them (``complex.name_key``,
``benchmark_case.title_key``) so a search is one indexed LIKE on every engine."""

from __future__ import annotations


def name_key(name: str) -> str:
    """Spacing and case do not matter (``삼성 쉐르빌`` finds ``삼성쉐르빌``)."""
    return "".join(name.split()).casefold()
