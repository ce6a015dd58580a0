"""What ``pip install .`` ships: every file of the four packages, so an operator's install (not editable, unlike
the tests' and dev.py's) has its templates, catalogs and migrations. A file added to a package without being
packaged fails here; .ci/operator_install.sh then runs the installed wheel against PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "conversations", "core", "storage")
# What setuptools reads to build, besides the packages themselves.
BUILD_FILES = ("pyproject.toml", "README.md", "MANIFEST.in")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


def source_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def build_wheel(into: Path) -> Path:
    """The wheel built from a copy of the tree as it is now (committed or not), so no earlier build/ is reused."""
    source = into / "source"
    source.mkdir()
    for name in BUILD_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=NOT_SHIPPED)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(into), "."],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = into.glob("dongne-*.whl")
    return wheel


def test_the_wheel_ships_every_file_of_the_packages(tmp_path):
    expected = source_files()
    assert "bot/admin/templates/sign_in.html" in expected and "storage/migrations/script.py.mako" in expected
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        shipped = {name for name in wheel.namelist() if not name.startswith("dongne-")}
    assert sorted(expected - shipped) == []
    assert sorted(shipped - expected) == []
