"""The screen gallery: docs/screens.md shows every main chat screen as text and the admin pages as pictures,
drawn from the running code in a frozen demo world, so a reviewer sees every screen without running anything.
A dev tool: ``tools/`` is not part of the wheel."""

from __future__ import annotations

from pathlib import Path

from .admin import draw_admin, fresh_folder
from .chat import draw_chat
from .document import ADMIN_IMAGES, write
from .world import frozen_world


async def generate(docs: Path, workdir: Path, *, admin: bool = True) -> Path:
    """Draw the gallery into ``docs`` (screens.md, screens/*.png and, with ``admin``, screens/admin/*.png)
    from a throwaway database under ``workdir``; returns the path of screens.md."""
    async with frozen_world(workdir) as world:
        gallery = await draw_chat(world)
        pages = None
        if admin:
            folder = docs / ADMIN_IMAGES
            fresh_folder(folder)
            pages = await draw_admin(world, folder)
    return write(docs, gallery, pages)
