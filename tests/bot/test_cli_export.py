"""``dongne export``: the operator writes the housing ledger's template and the whole ledger, unmasked and
audited, as files an officer opens in Excel."""

from __future__ import annotations

import asyncio
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.settings import load_settings
from storage.audit.models import AuditEntry
from storage.db import create_engine


def audit_actions() -> list[tuple[str, dict]]:
    async def read() -> list[tuple[str, dict]]:
        engine = create_engine(load_settings().effective_database_url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(select(AuditEntry.action, AuditEntry.details))
                return [(action, details) for action, details in rows]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_the_operator_writes_the_template_and_the_whole_ledger(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["demo-data"]) == 0
    capsys.readouterr()

    assert main(["export", "template", "housing", "양식.xlsx"]) == 0
    assert "양식.xlsx에 저장했습니다 (시트 9개)" in capsys.readouterr().out
    template = load_workbook(BytesIO((cli_env / "양식.xlsx").read_bytes()))
    assert main(["export", "template", "housing"]) == 0  # without a file: the catalog's name for it
    assert (cli_env / "공동주택_대장_양식.xlsx").read_bytes()[:2] == b"PK"
    assert template.sheetnames[1:7] == ["단지", "관리사무소", "입주자대표", "자생단체", "지원사업", "민원"]

    assert main(["export", "housing", "대장.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "대장.xlsx에 저장했습니다: 단지 164행, 관리사무소 " in out and "입주자대표 563행" in out
    ledger = load_workbook(BytesIO((cli_env / "대장.xlsx").read_bytes()), read_only=True)
    chair = next(
        row for row in ledger["입주자대표"].iter_rows(values_only=True) if row and row[0] == "성동삼성쉐르빌(주상복합)"
    )
    assert "010-3291-4475" in chair  # the operator's copy is whole
    exported = [details for action, details in audit_actions() if action == "pii.view"]
    assert len(exported) == 1 and exported[0]["via"] == "cli" and exported[0]["rows"]["representative"] == 563
