"""``dongne``: the command line an IT admin and a developer use.

dongne db upgrade
dongne staff add --saeol-id hong01 --name 홍길동 --department 공동주택과 --role housing.read
dongne staff link-code --saeol-id hong01
dongne demo-data [--seed N]
dongne demo
dongne admin create --username kimit [--name 김전산] [--department 전산정보과] [--password-stdin]
dongne admin password --username kimit [--password-stdin]
dongne admin serve
dongne run
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.settings import SettingsError, load_settings
from conversations.i18n import DEFAULT_LANGUAGE, t_plain
from core.safe_text import is_safe_text

# 전산정보과, the IT department, grants permissions; its staff are the usual admins.
ADMIN_DEPARTMENT = "전산정보과"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dongne", description="Dongne (동네): district office records bot")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="bring the schema up to date (Alembic)")

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help="add a staff member and print a one-time link code")
    add.add_argument("--saeol-id", required=True, help="새올 아이디")
    add.add_argument("--name", required=True)
    add.add_argument("--department", required=True)
    add.add_argument("--role", action="append", default=[], help="permission, e.g. housing.read (repeatable)")
    add.add_argument("--telegram-id", type=int, help="bind this Telegram user id directly instead of a code")
    code = staff.add_parser("link-code", help="issue a new one-time link code")
    code.add_argument("--saeol-id", required=True)

    data = commands.add_parser("demo-data", help="load the deterministic demo district")
    data.add_argument("--seed", type=int, default=2016)

    demo = commands.add_parser("demo", help="try everything offline in a terminal chat")
    demo.add_argument("--seed", type=int, default=2016)
    demo.add_argument("--english", action="store_true", help="chat in English")
    demo.add_argument("--pii", action="store_true", help="demo staff may see unmasked personal data")

    admin = commands.add_parser("admin", help="the admin web endpoint").add_subparsers(
        dest="admin_command", required=True
    )
    create = admin.add_parser("create", help="make a staff member an admin (creating them if missing) with a password")
    create.add_argument("--username", required=True, help="새올 아이디, the admin's sign-in name")
    create.add_argument("--name", help="needed when the staff member does not exist yet")
    create.add_argument(
        "--department", default=ADMIN_DEPARTMENT, help=f"for a new staff member (default {ADMIN_DEPARTMENT})"
    )
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input (one line)"
    )
    password = admin.add_parser("password", help="set a new password for an admin (ends their sessions)")
    password.add_argument("--username", required=True, help="새올 아이디")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input (one line)"
    )
    admin.add_parser("serve", help="serve only the admin endpoint, without the bot")

    commands.add_parser("run", help="run the bot and the admin endpoint beside it")
    return parser


def unsafe_option(args: argparse.Namespace) -> str | None:
    """The first option whose value breaks the one text rule (core/safe_text.py), as typed: ``--name``.
    A terminal can pass control characters, and bytes that are not UTF-8 arrive as lone surrogates."""
    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not is_safe_text(v) for v in values):
            return "--" + dest.replace("_", "-")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    refused = unsafe_option(args)
    if refused is not None:
        print(t_plain(DEFAULT_LANGUAGE, "cli_error.unsafe_text", option=refused), file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"dongne: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Libraries that narrate every request or plugin at INFO would bury the office's own log lines.
    for chatty in ("alembic", "httpx", "httpcore", "aiosqlite", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    from bot import commands

    try:
        return asyncio.run(commands.dispatch(args, settings))
    except SettingsError as exc:
        print(f"dongne: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
