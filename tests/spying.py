"""Watching a driver's calls from a test: what went to SQLite's thread, which queries reached PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def spy(monkeypatch: pytest.MonkeyPatch, owner: type, name: str, note: Callable[..., Any]) -> list[Any]:
    """Calls of the async method ``owner.name`` go on as before; ``note(self, *args)`` of each is kept, in order,
    in the list returned (a None is not kept)."""
    noted: list[Any] = []
    original = getattr(owner, name)

    async def spied(self: Any, *args: Any, **kwargs: Any) -> Any:
        if (seen := note(self, *args)) is not None:
            noted.append(seen)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, spied)
    return noted
