"""``python3 dev.py screens`` (or ``python -m tools.screens``): draws docs/screens.md and its pictures."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from . import generate

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 dev.py screens", description=__doc__)
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="where screens.md and screens/ go")
    parser.add_argument("--chat-only", action="store_true", help="leave the admin pages (and chromium) out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="dongne-screens-") as workdir:
        target = asyncio.run(generate(args.docs, Path(workdir), admin=not args.chat_only))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
