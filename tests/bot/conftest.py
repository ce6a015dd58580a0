"""The command line's tests: each runs ``dongne`` with only the settings it gives, in a folder of its own."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest


def free_port() -> int:
    """A loopback port nobody listens on now: to serve on, or to be refused by at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("DONGNE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DONGNE_BOT_USERNAME", "dongne_office_bot")
    return tmp_path
