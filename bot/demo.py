"""``dongne demo``: every dialogue offline, in a terminal.

It builds a throwaway SQLite database with the demo district, starts the local Bot API emulator and
the real bot against it, and opens a chat as a demo staff member: type messages, or a button's number
to press it. No token, no internet.

Text messages go to the fake UMS (bot/ums/fake.py) on loopback, through the same dispatcher and signed
delivery-report receiver as ``dongne run``, so ``/sms`` and ``/sms_results`` show the whole loop: accepted,
then delivered, or failed with the reason for the few numbers the fake is told to fail."""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import SecretStr

from bot.demo_data import COORDINATING_DEPARTMENT, load_demo_district
from bot.emulator import run_console
from bot.serving import DEMO_USER_ID, opened_runtime, serve_report_inbox, start_demo_chat
from bot.settings import Settings
from bot.ums.fake import FakeUms
from core.permissions import Permission
from core.staff.directory import SYSTEM_ACTOR
from core.texts.i18n import t_plain
from storage.migrate import upgrade

DEMO_SAEOL_ID = "demo01"
# The persona sits in 기획예산과 and holds both benchmarking roles, so one chat reaches every benchmarking
# dialogue: registering and deciding as the coordinator, reviewing and reporting as the executing officer.
# With sms.send it also sends text messages, which the fake UMS below receives, and with housing.write it keeps
# the housing ledger: complexes, councils, photos and complaints; with community.write it keeps the village
# community's organisations and grant projects.
DEMO_DEPARTMENT = COORDINATING_DEPARTMENT
BENCHMARK_ROLES = (Permission.BENCHMARK_COORDINATE.value, Permission.BENCHMARK_EXECUTE.value)
DEMO_HOST = "127.0.0.1"
# Shared by the fake UMS and the report receiver only; both listen on loopback for the demo's lifetime.
DEMO_UMS_SECRET = "dongne-demo-ums-secret"
# The seed's example complex (성동삼성쉐르빌, the same in every demo district): its manager 이상훈 and its 회장
# 이정숙 are "unreachable" at the fake UMS, so the results show a failure and its reason beside the deliveries.
DEMO_FAILED_NUMBERS = frozenset({"01044182307", "01032914475"})
LOG_NAME = "bot.log"


async def run_demo(
    settings: Settings,
    *,
    seed: int,
    language: str,
    pii: bool,
    read_line: Callable[[], Awaitable[str | None]] | None = None,
) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="dongne-demo-"))
    # The chat owns the terminal, so the bot logs into this run's own directory (never into a file another
    # run shares). The greeting says where; a run that logged a warning keeps its log when it ends.
    log_file = workdir / LOG_NAME
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    file_handler = logging.FileHandler(log_file, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    trouble = _Trouble()
    root.handlers = [file_handler, trouble]
    root.setLevel(logging.INFO)
    try:
        async with contextlib.AsyncExitStack() as stack:
            ums = FakeUms(secret=DEMO_UMS_SECRET.encode())
            ums.faults.failed_numbers.update(DEMO_FAILED_NUMBERS)
            stack.push_async_callback(ums.stop)
            await ums.start(DEMO_HOST)
            demo_settings = settings.model_copy(
                update={
                    "database_url": f"sqlite+aiosqlite:///{workdir / 'demo.sqlite3'}",
                    # The demo's photos, and no nightly backup or retention run: a demo left running overnight
                    # must not rotate the office's real backups out of their folder.
                    "data_dir": workdir,
                    "backup_hour": None,
                    "retention_hour": None,
                    "persistence_interval": 1.0,
                    "ums_url": ums.url,
                    "ums_secret": SecretStr(DEMO_UMS_SECRET),
                    # The fake has no contract rate to respect: a batch to every manager goes out at once.
                    "ums_messages_per_second": 0.0,
                }
            )
            runtime = await stack.enter_async_context(opened_runtime(demo_settings))
            print(t_plain(language, "demo.preparing"), flush=True)
            await upgrade(runtime.engine)
            roles = [
                Permission.HOUSING_READ.value,
                Permission.HOUSING_WRITE.value,
                *([Permission.PII_VIEW.value] if pii else []),
                *BENCHMARK_ROLES,
                Permission.SMS_SEND.value,
                Permission.COMMUNITY_READ.value,
                Permission.COMMUNITY_WRITE.value,
            ]
            staff, _ = await runtime.services.staff.add_staff(
                SYSTEM_ACTOR,
                saeol_id=DEMO_SAEOL_ID,
                name=t_plain(language, "demo.staff_name"),
                department=DEMO_DEPARTMENT,
                permissions=roles,
                telegram_user_id=DEMO_USER_ID,
            )
            await runtime.services.staff.set_language(staff, language)
            # The persona exists first so the demo's desk cases (to review, to report on, returned, waiting for
            # approval) are loaded as theirs.
            summary = await load_demo_district(runtime.uow, runtime.services.clock, seed=seed, persona=staff.saeol_id)
            ums.report_url = await serve_report_inbox(stack, runtime, DEMO_HOST)
            _, user = await start_demo_chat(stack, runtime, language)
            await run_console(
                user,
                greeting=t_plain(
                    language,
                    "demo.intro",
                    data=t_plain(language, "cli.demo_data_loaded", **summary.figures()),
                    roles=", ".join(t_plain(language, f"admin.audit.permissions.{role}") for role in roles),
                    log=log_file,
                ),
                language=language,
                read_line=read_line,
            )
    finally:
        root.handlers, root.level = saved_handlers, saved_level
        file_handler.close()
        _clean_up(workdir, log_file if trouble.noticed else None, language)
    return 0


class _Trouble(logging.Handler):
    """Notices whether anything went wrong, so the log is kept only when there is something to read in it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.noticed = False

    def emit(self, record: logging.LogRecord) -> None:
        self.noticed = True


def _clean_up(workdir: Path, keep: Path | None, language: str) -> None:
    """The throwaway database goes; the log stays, and the terminal says where, when it recorded a problem."""
    if keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
        return
    for path in workdir.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path != keep:
            path.unlink(missing_ok=True)
    print(t_plain(language, "demo.log_kept", log=keep), flush=True)
