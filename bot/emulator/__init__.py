"""A local Telegram Bot API emulator: the bot talks real HTTP to it, tests act as users.

Only the standard library and aiohttp are imported here; ``bot.emulator.echo`` (which needs
python-telegram-bot) is imported separately by whoever wants the echo bot.
"""

from .console import run_console
from .errors import ApiError
from .html_entities import HtmlParseError, ParsedText, parse_html
from .server import BotApiEmulator
from .user import BotMessage, EmulatedUser, InlineButton, parse_start_link

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "EmulatedUser",
    "HtmlParseError",
    "InlineButton",
    "ParsedText",
    "parse_html",
    "parse_start_link",
    "run_console",
]
