#!/usr/bin/env python3
"""Set up and run Dongne on a fresh machine that has nothing but Python 3.11+.

    python3 dev.py demo     # virtualenv + install, then the offline terminal demo (SQLite, local emulator)
    python3 dev.py test     # virtualenv + install with test tools (and Debian's chromium and Korean font where
                            # apt-get may install them), then the whole suite (SQLite and PostgreSQL)
    python3 dev.py lint     # ruff, mypy and the import-layer contracts
    python3 dev.py screens  # test environment, then redraws docs/screens.md (chat as text, admin pages as pictures)

The virtualenv lives in .venv and is reinstalled only when pyproject.toml changes. Extra arguments after
the command go to the tool (e.g. ``python3 dev.py test -k lookup``)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("DONGNE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 the machine has
        sys.exit("Dongne needs Python 3.11 or newer")
    marker = VENV / f".dongne-installed-{extras or 'base'}"
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if marker.exists() and marker.read_text() == fingerprint:
        return
    if not (BIN / "python").exists():
        print(f"Creating a virtualenv in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"Installing dongne{f'[{extras}]' if extras else ''} ...", flush=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "-q", "-e", target], check=True, cwd=ROOT)
    marker.write_text(fingerprint)


def korean_font_installed() -> bool:
    """Whether fontconfig offers a font with Hangul (without one, chromium draws Korean as empty boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:  # fontconfig comes with chromium; without it there is no font to find either
        return False
    listed = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True)
    return listed.returncode == 0 and bool(listed.stdout.strip())


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium; Playwright never downloads a browser here. Where chromium or a
    Korean font (Debian's fonts-nanum: without it every Hangul heading is a row of empty boxes) is missing and
    apt-get may run (as root, or through password-less sudo), install them; elsewhere those tests skip and say
    how to install them. A failed attempt is remembered in the virtualenv, so later runs don't repeat it."""
    tried = VENV / ".dongne-chromium-tried"
    if tried.exists() or not shutil.which("apt-get"):
        return
    packages = [] if shutil.which("chromium") or shutil.which("chromium-browser") else ["chromium"]
    if not korean_font_installed():
        packages.append("fonts-nanum")
    if not packages:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and (not shutil.which("sudo") or subprocess.run([*sudo, "true"], capture_output=True).returncode):
        return
    apt = [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q", "-y"]
    install = [*apt, "install", "--no-install-recommends", *packages]
    print(f"Installing Debian's {' and '.join(packages)} for the browser tests (apt-get install) ...", flush=True)
    done = subprocess.run(install, capture_output=True, text=True)
    if done.returncode:  # no package lists yet (a slim image) or stale ones: update them and try once more
        done = subprocess.run([*apt, "update"], capture_output=True, text=True)
        if done.returncode == 0:
            done = subprocess.run(install, capture_output=True, text=True)
    if done.returncode:
        tried.write_text(done.stderr)
        print(
            f"Could not install {' and '.join(packages)}; the browser tests will be skipped (delete {tried} to retry):"
        )
        print(done.stderr.strip()[-1500:], flush=True)


def run(*command: str) -> int:
    return subprocess.run(list(command), cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "lint", "screens"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_environment("")
        return run(str(BIN / "dongne"), "demo", *rest)
    ensure_environment("test")
    if command == "test":
        ensure_chromium()
        return run(str(BIN / "python"), "-m", "pytest", *rest)
    if command == "screens":  # the admin pages are photographed in the same chromium as the browser tests
        ensure_chromium()
        return run(str(BIN / "python"), "-m", "tools.screens", *rest)
    for step in (
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "lint-imports")],
        [str(BIN / "mypy"), "core", "storage", "conversations", "bot", "tools"],
    ):
        if code := run(*step):
            return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
