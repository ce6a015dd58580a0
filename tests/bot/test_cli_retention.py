"""``dongne retention``: the operator sees what the retention periods would remove, removes it, and finds the
old audit log in a workbook; counts are printed per kind, in Korean."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bot.cli import main
from bot.settings import load_settings
from core.retention import RetentionCounts, years_before
from core.texts.i18n import t_plain
from storage.audit.models import AuditEntry
from storage.community.models import GrantProject
from storage.db import create_engine

KINDS = tuple(RetentionCounts().as_details())


def on_database(statement, *, scalar: bool = False):
    async def run():
        engine = create_engine(load_settings().effective_database_url)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(statement)
                return result.scalar() if scalar else None
        finally:
            await engine.dispose()

    return asyncio.run(run())


def an_old_audit_entry() -> None:
    at = datetime(2019, 3, 4, 1, 0, tzinfo=UTC)
    on_database(insert(AuditEntry).values(at=at, action="admin.sign_in", details={"address": "10.0.0.9"}))


def counts_said(out: str) -> dict[str, int]:
    """The number on each kind's line, found by the catalog's text around it."""
    found = {}
    for kind in KINDS:
        before = t_plain("ko", f"cli.retention.{kind}", count="\0").split("\0")[0]
        line = next(line for line in out.splitlines() if line.startswith(before))
        found[kind] = int(line[len(before) :].rstrip("명건").replace(",", ""))
    return found


def test_the_operator_previews_then_removes_and_archives(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0  # the report's grant projects of 2015 and 2016, with their mobiles
    an_old_audit_entry()
    capsys.readouterr()

    assert main(["retention", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(t_plain("ko", "cli.retention.dry_run"))
    preview = counts_said(out)
    assert preview["grant_representatives"] > 0 and preview["audit_archived"] == 1
    assert not (cli_env / "data" / "audit-archive").exists()

    assert main(["retention", "--archive-dir", "보관"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(t_plain("ko", "cli.retention.done"))
    assert counts_said(out) == preview
    archives = list((cli_env / "보관").glob("audit-archive-*.xlsx"))
    assert len(archives) == 1
    today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    last = years_before(today, 3) - timedelta(days=1)
    said = t_plain("ko", "cli.retention.archive_written", path=Path("보관") / archives[0].name, last=f"{last:%Y-%m-%d}")
    assert out.strip().splitlines()[-1] == said
    past = GrantProject.year < today.year - 3
    with_mobile = select(func.count()).select_from(GrantProject).where(past, GrantProject.mobile.is_not(None))
    assert on_database(with_mobile, scalar=True) == 0

    assert main(["retention", "--dry-run"]) == 0
    assert set(counts_said(capsys.readouterr().out).values()) == {0}


def test_an_archive_folder_that_cannot_be_written_is_said_in_one_line_and_nothing_changes(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    an_old_audit_entry()
    (cli_env / "파일").write_text("not a folder")
    capsys.readouterr()
    assert main(["retention", "--archive-dir", "파일"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("감사 기록 보관 파일을 쓸 수 없습니다:")
    assert on_database(select(func.count()).select_from(AuditEntry), scalar=True) == 1
