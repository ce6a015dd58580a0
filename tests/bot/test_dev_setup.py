"""``python3 dev.py test`` on a fresh Debian machine: it installs chromium and the Korean font (fonts-nanum) the
browser tests need, the font also where chromium is already there, through one apt-get call, and remembers a
failed attempt so later runs don't repeat it. apt-get and fc-list are stood in for here; the real install was
checked by hand on a machine without the font (tests/admin/test_browser.py then passes instead of skipping)."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dongne_dev_script", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Machine:
    """What dev.py sees: which programs are on PATH, what fc-list lists, and every apt-get call it makes."""

    def __init__(self, *, chromium: bool, korean_font: bool, apt_works: bool = True) -> None:
        self.chromium = chromium
        self.korean_font = korean_font
        self.apt_works = apt_works
        self.apt_calls: list[list[str]] = []

    def which(self, name: str) -> str | None:
        present = {"apt-get": True, "fc-list": True, "chromium": self.chromium}
        return f"/usr/bin/{name}" if present.get(name) else None

    def run(self, command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        if command[0].endswith("fc-list"):
            listed = "NanumGothic,나눔고딕\n" if self.korean_font else ""
            return subprocess.CompletedProcess(command, 0, listed, "")
        self.apt_calls.append(command)
        code = 0 if self.apt_works else 100
        return subprocess.CompletedProcess(command, code, "", "" if self.apt_works else "E: Unable to locate package")


@pytest.fixture
def dev(tmp_path, monkeypatch) -> ModuleType:
    module = load_dev()
    monkeypatch.setattr(module, "VENV", tmp_path)
    monkeypatch.setattr(module.os, "geteuid", lambda: 0)  # root: apt-get without sudo
    return module


def on(dev: ModuleType, monkeypatch, machine: Machine) -> Machine:
    monkeypatch.setattr(dev.shutil, "which", machine.which)
    monkeypatch.setattr(dev.subprocess, "run", machine.run)
    return machine


def installed(machine: Machine) -> list[list[str]]:
    return [call[call.index("install") + 2 :] for call in machine.apt_calls if "install" in call]


def test_with_chromium_but_no_korean_font_only_the_font_is_installed(dev, monkeypatch):
    machine = on(dev, monkeypatch, Machine(chromium=True, korean_font=False))
    dev.ensure_chromium()
    assert installed(machine) == [["fonts-nanum"]]


def test_a_bare_machine_gets_chromium_and_the_font_in_one_call(dev, monkeypatch):
    machine = on(dev, monkeypatch, Machine(chromium=False, korean_font=False))
    dev.ensure_chromium()
    assert installed(machine) == [["chromium", "fonts-nanum"]]


def test_a_machine_with_both_is_left_alone(dev, monkeypatch):
    machine = on(dev, monkeypatch, Machine(chromium=True, korean_font=True))
    dev.ensure_chromium()
    assert machine.apt_calls == []


def test_a_failed_install_is_remembered_and_not_tried_again(dev, monkeypatch, tmp_path, capsys):
    machine = on(dev, monkeypatch, Machine(chromium=True, korean_font=False, apt_works=False))
    dev.ensure_chromium()
    assert installed(machine) == [["fonts-nanum"]]
    assert machine.apt_calls[-1][-1] == "update"  # stale package lists? updating them failed too
    assert (tmp_path / ".dongne-chromium-tried").exists()
    assert "fonts-nanum" in capsys.readouterr().out
    calls = len(machine.apt_calls)
    dev.ensure_chromium()
    assert len(machine.apt_calls) == calls
