"""No import circle among our packages, not even one hidden behind an import inside a function.

Run as a script, this module prints every circle as a chain (``a -> b -> a``), one a line, and exits 1 if
there is any; the test runs it in a process of its own, as the import contracts' test does
(tests/core/test_workbook.py): building the graph with import-linter's library can disable loggers that
later tests listen to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGES = ("bot", "conversations", "core", "storage")
ROOT = Path(__file__).resolve().parents[2]


def circles() -> list[list[str]]:
    """Each circle once, as the chain of modules from its first module back to it. grimp counts imports inside
    functions and under ``TYPE_CHECKING`` like any other, so a circle cannot hide there."""
    import grimp  # only in the subprocess: see the module's docstring

    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    found: dict[frozenset[str], list[str]] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is None:
                continue
            chain = [importer, *back]
            found.setdefault(frozenset(chain), chain)
    return sorted(found.values())


def test_no_import_circles() -> None:
    done = subprocess.run([sys.executable, __file__], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, "import circles:\n" + done.stdout + done.stderr


if __name__ == "__main__":
    chains = circles()
    for chain in chains:
        print(" -> ".join(chain))
    sys.exit(1 if chains else 0)
