"""``dongne``: the command line an IT admin and a developer use.

dongne db upgrade
dongne staff add --saeol-id hong01 --name 홍길동 --department 공동주택과 [--new-department] --role housing.read
dongne staff link-code --saeol-id hong01
dongne demo-data [--seed N]
dongne demo
dongne admin create --username kimit [--name 김전산] [--department 전산정보과] [--password-stdin]
dongne admin password --username kimit [--password-stdin]
dongne admin serve
dongne retention [--dry-run] [--archive-dir DIR]
dongne backup [FILE]
dongne restore FILE [--force]
dongne db copy --to URL
dongne run
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import traceback
from collections.abc import Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from telegram.error import InvalidToken, NetworkError

from bot import commands
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from core.safe_text import is_safe_text
from core.texts.i18n import DEFAULT_LANGUAGE, t_plain

# 전산정보과, the IT department, grants permissions; its staff are the usual admins.
ADMIN_DEPARTMENT = "전산정보과"
# The database drivers: an OSError raised inside them is the database's, whatever command was running.
DATABASE_MODULES = ("asyncpg", "aiosqlite", "sqlite3", "sqlalchemy")

log = logging.getLogger("dongne.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dongne", description="Dongne (동네): district office records bot")
    parser.add_argument(
        "--verbose", action="store_true", help="when the database or Telegram cannot be used, print the traceback too"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="the database: schema upgrades, copies to another database").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="bring the schema up to date (Alembic)")
    db.add_parser("copy", help="copy every row into another, empty database (SQLite <-> PostgreSQL)").add_argument(
        "--to", required=True, metavar="URL", help="the target, e.g. postgresql+asyncpg://dongne@db-host/dongne"
    )

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help="add a staff member and print a one-time link code")
    add.add_argument("--saeol-id", required=True, help="새올 아이디")
    add.add_argument("--name", required=True)
    add.add_argument("--department", required=True)
    add.add_argument("--role", action="append", default=[], help="permission, e.g. housing.read (repeatable)")
    add.add_argument("--telegram-id", type=int, help="bind this Telegram user id directly instead of a code")
    add.add_argument(
        "--new-department", action="store_true", help="create the department if it does not exist yet (else refused)"
    )
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

    reminders = commands.add_parser(
        "reminders", help="queue today's reminders to the housing staff now (the bot sends them), once a day"
    )
    reminders.add_argument("--dry-run", action="store_true", help="only show who would be told what")

    export = commands.add_parser("export", help="the office's workbooks").add_subparsers(
        dest="export_what", required=True
    )
    template = export.add_parser("template", help="an empty workbook to fill in").add_subparsers(
        dest="export_template", required=True
    )
    template.add_parser("housing", help="the housing ledger's template").add_argument(
        "file", nargs="?", default=None, help="where to write it (default 공동주택_대장_양식.xlsx)"
    )
    template.add_parser(
        "community", help="the village community's template (organisations, grant projects)"
    ).add_argument("file", nargs="?", default=None, help="where to write it (default 마을공동체_양식.xlsx)")
    export.add_parser(
        "community", help="every community organisation and grant project, unmasked (audited)"
    ).add_argument("file", nargs="?", default=None, help="where to write it (default 마을공동체_<date>.xlsx)")
    export.add_parser("housing", help="the whole housing ledger, unmasked (audited)").add_argument(
        "file", nargs="?", default=None, help="where to write it (default 공동주택_대장_<date>.xlsx)"
    )

    imports = commands.add_parser("import", help="bring the office's workbooks in").add_subparsers(
        dest="import_what", required=True
    )
    housing = imports.add_parser("housing", help="the housing ledger from a workbook: all of it, or nothing")
    housing.add_argument("file", help="an .xlsx in the template's shape (dongne export template housing)")
    community = imports.add_parser(
        "community", help="village community organisations and grant projects from a workbook: all of it, or nothing"
    )
    community.add_argument("file", help="an .xlsx in the template's shape (dongne export template community)")
    for importing in (housing, community):
        importing.add_argument(
            "--dry-run", action="store_true", help="only check it: every problem, and what would change"
        )
        importing.add_argument(
            "--report", metavar="FILE", default=None, help="also write the problems and notes to FILE (.xlsx)"
        )
        importing.add_argument(
            "--max-rows",
            type=int,
            default=None,
            metavar="N",
            help="allow up to N rows in all (default 100,000, as for a file sent to the bot): a whole registry's load",
        )

    retention = commands.add_parser(
        "retention", help="remove personal data kept past its retention period and archive the old audit log"
    )
    retention.add_argument("--dry-run", action="store_true", help="only count what would change")
    retention.add_argument(
        "--archive-dir",
        metavar="DIR",
        default=None,
        help="where the audit log's archive goes (DONGNE_RETENTION_ARCHIVE_DIR)",
    )
    backup = commands.add_parser("backup", help="write the database and the data directory's files to one archive")
    backup.add_argument(
        "file", nargs="?", default=None, help="where (default DONGNE_BACKUP_DIR/dongne-backup-<time>.tar.gz)"
    )
    restore = commands.add_parser("restore", help="restore an archive of 'dongne backup' into an empty database")
    restore.add_argument("file", help="the archive")
    restore.add_argument("--force", action="store_true", help="replace what the database holds")

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
    configure_logging(settings.log_level, settings.log_format)
    try:
        return asyncio.run(commands.dispatch(args, settings))
    except SettingsError as exc:
        print(f"dongne: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        line = setting_at_fault(error, settings)
        if line is None:
            raise
        # The operator gets the setting to fix in one line; the traceback is for whoever digs further.
        log.debug("dongne %s failed", args.command, exc_info=error)
        print(f"dongne: {line}", file=sys.stderr)
        if args.verbose:
            traceback.print_exception(error, file=sys.stderr)
        return 2


def setting_at_fault(error: BaseException, settings: Settings) -> str | None:
    """One line naming the setting behind a failure to reach the database or Telegram, or None for any other
    failure (a bug keeps its traceback). Every command meets these the same way, so they are told apart here."""
    cause = _root_cause(error)
    detail = " ".join(str(cause).split()) or type(cause).__name__
    if isinstance(error, InvalidToken):
        return _text("bot_token_refused", detail=detail)
    if isinstance(error, NetworkError):
        return _text("bot_api_unreachable", url=settings.telegram_api_url, detail=detail)
    if isinstance(error, DBAPIError) or (isinstance(error, OSError) and _raised_in(error, DATABASE_MODULES)):
        url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
        return _text("database_unreachable", url=url, detail=detail)
    return None


def _root_cause(error: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's and PTB's wrappers: it says what actually happened."""
    seen = {id(error)}
    while error.__cause__ is not None and id(error.__cause__) not in seen:
        error = error.__cause__
        seen.add(id(error))
    return error


def _raised_in(error: BaseException, modules: tuple[str, ...]) -> bool:
    frames = traceback.walk_tb(error.__traceback__)
    return any(str(frame.f_globals.get("__name__", "")).startswith(modules) for frame, _ in frames)


def _text(key: str, **params: object) -> str:
    return t_plain(DEFAULT_LANGUAGE, f"cli_error.{key}", **params)


if __name__ == "__main__":
    raise SystemExit(main())
