"""`python -m bot.emulator`: chat in the terminal with the bare echo bot through the emulator."""

from __future__ import annotations

import asyncio

from .console import run_console
from .echo import build_echo_application, start_polling_app, stop_polling_app
from .server import BotApiEmulator


async def main() -> None:
    async with BotApiEmulator() as emu:
        app = build_echo_application(emu.api_root, emu.token)
        await start_polling_app(app)
        try:
            await run_console(emu.user(1001, first_name="길동", last_name="홍"), first_input="안녕하세요")
        finally:
            await stop_polling_app(app)


if __name__ == "__main__":
    asyncio.run(main())
