"""What each ``dongne`` command does; ``bot.cli`` only parses arguments."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import hmac
import html
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from bot.app import Runtime
from bot.backups import backup_command, build_backups, copy_command
from bot.console import complain, explain, say
from bot.retention import retention_service
from bot.serving import admin_url, bot_username, opened_runtime, serve_admin_alone, serve_bot_and_admin
from bot.settings import Settings
from conversations.housing.reminders import reminder_text
from core.audit_labels import audit_labels
from core.community.sheets import sheet_words as community_sheet_words
from core.community.workbook_import import CommunityImport
from core.errors import DongneError, DuplicateStaff, InvalidInput
from core.housing.ledger_import import LedgerImport
from core.housing.sheets import SHEETS, sheet_words
from core.import_report import MAX_LISTED_PROBLEMS, ImportReport, Problem
from core.staff.access import check_password
from core.staff.directory import OPERATOR, SYSTEM_ACTOR
from core.staff.values import LinkCodeIssued
from core.texts.i18n import DEFAULT_LANGUAGE, t_plain
from storage.migrate import is_up_to_date, upgrade

# Two typos are forgiven; a third miss means the operator should start over rather than keep guessing.
PASSWORD_TRIES = 3


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo":
        # The demo's emulator and data generators load only for the demo, not with every command (`dongne run`'s
        # start-up among them).
        from bot.demo import run_demo

        code: int = await run_demo(settings, seed=args.seed, language="en" if args.english else "ko", pii=args.pii)
        return code
    async with opened_runtime(settings) as runtime:
        try:
            if args.command == "db" and args.db_command == "upgrade":
                await upgrade(runtime.engine)
                say("db_upgraded", url=runtime.engine.url.render_as_string(hide_password=True))
                return 0
            if not await is_up_to_date(runtime.engine):
                say("schema_outdated")
                return 2
            if args.command == "staff":
                return await _staff(args, runtime)
            if args.command == "demo-data":
                return await _demo_data(args, runtime)
            if args.command == "admin":
                return await _admin(args, runtime)
            if args.command == "reminders":
                return await _reminders(args, runtime)
            if args.command == "export":
                return await _export(args, runtime)
            if args.command == "import":
                return await _import(args, runtime)
            if args.command == "retention":
                return await _retention(args, runtime)
            if args.command in ("backup", "restore", "db"):
                return await _backups(args, runtime)
            if args.command == "run":
                return await serve_bot_and_admin(runtime)
        except DongneError as error:
            explain(error)
            return 1
    return 2


async def _backups(args: argparse.Namespace, runtime: Runtime) -> int:
    settings = runtime.settings
    backups = build_backups(settings, runtime.engine, runtime.uow, runtime.services.clock)
    if args.command == "db":
        return await copy_command(args.to, settings.effective_database_url, backups)
    return await backup_command(args, backups)


async def _demo_data(args: argparse.Namespace, runtime: Runtime) -> int:
    """Demo data goes into an empty database only; a database that is not is refused in one line, exit 2."""
    from bot.demo_data import load_demo_district  # as for the demo, loaded only when asked for

    try:
        summary = await load_demo_district(runtime.uow, runtime.services.clock, seed=args.seed)
    except DuplicateStaff as error:  # real staff hold Saeol IDs the demo's staff would get
        complain("demo_staff_taken", saeol_ids=error.params.get("saeol_id") or str(error))
        return 2
    except InvalidInput as error:
        if error.code != "database_not_empty":
            raise
        complain("database_not_empty")
        return 2
    say("demo_data_loaded", **summary.figures())
    return 0


async def _reminders(args: argparse.Namespace, runtime: Runtime) -> int:
    """Today's reminders to the housing staff: shown (``--dry-run``), or queued at once whatever the hour,
    unless today's are queued already; the running bot sends what is queued."""
    reminders = runtime.services.housing_reminders
    if args.dry_run:
        today = runtime.services.clock.today()
        digests = await reminders.digests(today)
        if not digests:
            say("reminders_nothing")
        for digest in digests:
            member = digest.recipient
            say("reminders_member", name=member.name, saeol_id=member.saeol_id)
            print(plain_text(reminder_text(DEFAULT_LANGUAGE, digest.payload(today))))
        return 0
    queued = await reminders.queue_daily(0)
    if queued is None:
        say("reminders_already")
    else:
        say("reminders_queued", count=queued)
    return 0


async def _retention(args: argparse.Namespace, runtime: Runtime) -> int:
    """Personal data past its retention period removed, as the operator (audited), or only counted."""
    archive_dir = Path(args.archive_dir) if args.archive_dir else runtime.settings.effective_retention_archive_dir
    service = retention_service(runtime.settings, runtime.uow, runtime.services.clock)
    run = await service.run(OPERATOR, audit_labels(DEFAULT_LANGUAGE), archive_dir, dry_run=args.dry_run)
    say("retention.dry_run" if run.dry_run else "retention.done")
    for kind, count in run.counts.as_details().items():
        say(f"retention.{kind}", count=f"{count:,}")
    if run.archive is not None:
        last = run.archived_before - timedelta(days=1)
        say("retention.archive_written", path=run.archive, last=f"{last:%Y-%m-%d}")
    return 0


async def _export(args: argparse.Namespace, runtime: Runtime) -> int:
    """The housing ledger's template, or the whole ledger, as the operator (unmasked, audited)."""
    book = runtime.services.ledger_book
    if args.export_what == "template" and args.export_template == "community":
        path = Path(args.file or t_plain(DEFAULT_LANGUAGE, "cli.export.community_template_file"))
        content = await runtime.services.community_book.template(OPERATOR, DEFAULT_LANGUAGE)
        await asyncio.to_thread(path.write_bytes, content)
        say("export.community_template_written", path=path)
        return 0
    if args.export_what == "community":
        return await _export_community(args, runtime)
    if args.export_what == "template":
        path = Path(args.file or t_plain(DEFAULT_LANGUAGE, "cli.export.template_file"))
        await asyncio.to_thread(path.write_bytes, await book.template(OPERATOR, DEFAULT_LANGUAGE))
        say("export.template_written", path=path, sheets=len(SHEETS) + 3)
        return 0
    today = runtime.services.clock.today()
    path = Path(args.file or t_plain(DEFAULT_LANGUAGE, "cli.export.ledger_file", date=f"{today:%Y%m%d}"))
    exported = await book.export(OPERATOR, DEFAULT_LANGUAGE, via="cli")
    await asyncio.to_thread(path.write_bytes, exported.content)
    words = sheet_words(DEFAULT_LANGUAGE)
    counts = ", ".join(
        t_plain(DEFAULT_LANGUAGE, "cli.export.count", sheet=words.sheets[sheet], rows=f"{rows:,}")
        for sheet, rows in exported.rows.items()
    )
    say("export.ledger_written", path=path, counts=counts)
    return 0


async def _export_community(args: argparse.Namespace, runtime: Runtime) -> int:
    """Every community organisation and grant project as the operator (unmasked, audited)."""
    today = runtime.services.clock.today()
    path = Path(args.file or t_plain(DEFAULT_LANGUAGE, "cli.export.community_file", date=f"{today:%Y%m%d}"))
    exported = await runtime.services.community_book.export(OPERATOR, DEFAULT_LANGUAGE, via="cli")
    await asyncio.to_thread(path.write_bytes, exported.content)
    words = community_sheet_words(DEFAULT_LANGUAGE)
    counts = ", ".join(
        t_plain(DEFAULT_LANGUAGE, "cli.export.count", sheet=words.sheets[record], rows=f"{rows:,}")
        for record, rows in exported.rows.items()
    )
    say("export.community_written", path=path, counts=counts)
    return 0


async def _import(args: argparse.Namespace, runtime: Runtime) -> int:
    """The housing ledger from a workbook as the operator: checked and reported, then loaded whole or not at
    all (0: loaded or, with --dry-run, nothing wrong; 1: problems, nothing loaded)."""
    path = Path(args.file)
    try:
        content = await asyncio.to_thread(path.read_bytes)
    except OSError as error:
        complain("file_unreadable", path=path, detail=error.strerror or error)
        return 1
    lang = DEFAULT_LANGUAGE
    service: LedgerImport | CommunityImport = (
        runtime.services.community_import if args.import_what == "community" else runtime.services.ledger_import
    )
    if args.dry_run:
        report = await service.check(OPERATOR, content, path.name, lang, max_rows=args.max_rows)
    else:
        report = await service.apply(OPERATOR, content, path.name, lang, max_rows=args.max_rows)
    for line in import_report_lines(report, lang):
        print(line)
    if args.report and (report.problems or report.notices):
        written = Path(args.report)
        await asyncio.to_thread(written.write_bytes, service.problems_workbook(report, lang))
        say("import.report_written", path=written)
    if not report.ok:
        say("import.dry_run_problems" if args.dry_run else "import.refused", count=f"{report.problem_count:,}")
        return 1
    if args.dry_run:
        say("import.dry_run_ok")
    else:
        say("import.applied" if report.has_changes else "import.nothing", file=path.name)
    return 0


def import_report_lines(report: ImportReport, lang: str, *, listed: int = MAX_LISTED_PROBLEMS) -> list[str]:
    """A check's report as the terminal shows it: each sheet's counts, every problem the report kept (the
    first ``listed``), and the notes."""
    lines = [
        t_plain(
            lang,
            "cli.import.summary",
            sheet=s.sheet,
            added=f"{s.added:,}",
            changed=f"{s.changed:,}",
            unchanged=f"{s.unchanged:,}",
        )
        for s in report.sheets
    ]
    lines += [_problem_line(p, lang) for p in report.problems[:listed]]
    if report.problem_count > listed:
        lines.append(t_plain(lang, "cli.import.more_problems", count=f"{report.problem_count - listed:,}"))
    if report.notices:
        lines.append(t_plain(lang, "cli.import.notices", count=f"{len(report.notices):,}"))
        lines += [_problem_line(p, lang) for p in report.notices[:listed]]
    return lines


def _problem_line(problem: Problem, lang: str) -> str:
    if problem.row is None:
        return t_plain(lang, "cli.import.problem_whole", sheet=problem.sheet, reason=problem.reason)
    return t_plain(
        lang,
        "cli.import.problem",
        sheet=problem.sheet,
        row=problem.row,
        column=problem.column,
        value=problem.value,
        reason=problem.reason,
    )


def plain_text(text: str) -> str:
    """A chat text (HTML) as the terminal shows it."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def _staff(args: argparse.Namespace, runtime: Runtime) -> int:
    directory = runtime.services.staff
    if args.staff_command == "add":
        roles = [part.strip() for value in args.role for part in value.split(",") if part.strip()]
        try:
            staff, issued = await directory.add_staff(
                SYSTEM_ACTOR,
                saeol_id=args.saeol_id,
                name=args.name,
                department=args.department,
                permissions=roles,
                telegram_user_id=args.telegram_id,
                create_department=args.new_department,
            )
        except InvalidInput as error:
            if error.code != "unknown_department":
                raise
            near = error.params.get("near")
            complain("unknown_department" if near else "unknown_department_unlike_any", department=error, near=near)
            return 1
        say("staff_added", name=staff.name, saeol_id=staff.saeol_id, roles=", ".join(sorted(staff.permissions)) or "-")
        if issued is None:
            say("staff_bound", telegram_id=args.telegram_id)
        else:
            await _print_code(issued, runtime.settings)
        return 0
    issued = await directory.issue_link_code(SYSTEM_ACTOR, args.saeol_id)
    await _print_code(issued, runtime.settings)
    return 0


async def _print_code(issued: LinkCodeIssued, settings: Settings) -> None:
    say("link_code", code=issued.code, expires=_minute(issued.expires_at))
    username = await bot_username(settings)
    if username:
        say("deep_link", url=f"https://t.me/{username}?start={issued.code}")
    else:
        say("deep_link_unknown", code=issued.code)


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


# -- dongne admin create / password ---------------------------------------------------------------------


async def _admin(args: argparse.Namespace, runtime: Runtime) -> int:
    if args.admin_command == "serve":
        return await serve_admin_alone(runtime)
    creating = args.admin_command == "create"
    # Only ``admin create`` takes the name and department of a member it may add.
    name, department = (args.name, args.department) if creating else (None, None)
    administration = runtime.services.staff_admin
    # Everything that can be refused is refused before the password is typed twice.
    await administration.admin_to_be(args.username, creating=creating, name=name)
    password = read_password(from_stdin=args.password_stdin)
    if password is None:
        return 1
    made = await administration.make_admin(args.username, password, creating=creating, name=name, department=department)
    staff = made.staff
    if made.created:
        say("admin_created", name=staff.name, saeol_id=staff.saeol_id, department=staff.department)
    elif made.granted:
        say("admin_granted", name=staff.name, saeol_id=staff.saeol_id, department=staff.department)
    say("admin_password_set", name=staff.name, saeol_id=staff.saeol_id)
    say("admin_sign_in", url=admin_url(runtime.settings, path="/sign-in"), saeol_id=staff.saeol_id)
    return 0


def read_password(*, from_stdin: bool) -> str | None:
    """The new password: one line of stdin for scripts, else typed twice without echo. None when refused."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        try:
            return check_password(line)
        except InvalidInput as error:
            explain(error)
            return None
    try:
        for _ in range(PASSWORD_TRIES):
            first = getpass.getpass(t_plain(DEFAULT_LANGUAGE, "cli.password_prompt"))
            try:
                check_password(first)
            except InvalidInput as error:
                explain(error)
                continue
            again = getpass.getpass(t_plain(DEFAULT_LANGUAGE, "cli.password_again"))
            if hmac.compare_digest(first.encode(), again.encode()):
                return first
            complain("password_mismatch")
    except EOFError:  # no terminal and nothing on stdin: a script that forgot --password-stdin
        print(file=sys.stderr)
        complain("password_no_terminal")
        return None
    complain("password_tries", tries=PASSWORD_TRIES)
    return None
