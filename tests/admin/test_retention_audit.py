"""An IT admin reads the retention run in the audit log: its counts in words, and a change whose contacts the
run removed says so, with no stored key showing through."""

from __future__ import annotations

from datetime import datetime

from core.retention import RetentionCounts
from tests.admin.test_audit_lines import RAW, row_of
from tests.admin.test_audit_pages import table, write
from tests.builders import make_complex


async def test_the_run_and_a_change_without_its_contacts_read_as_words(client, admin, uow_factory):
    complex_id = await make_complex(uow_factory)
    at = datetime.fromisoformat("2026-11-25T04:00:00+09:00")
    counts = RetentionCounts(representatives=12, sms_messages=1320, audit_archived=4)
    await write(uow_factory, at, "retention.run", None, details=counts.as_details())
    await write(
        uow_factory,
        at,
        "housing.representative.edit",
        admin.id,
        target_type="complex",
        target_id=complex_id,
        details={"record_id": 1, "changes": {"name": ["김대표", "김대표1"]}, "contacts_removed": True},
    )
    rows = table(await (await client.get("/audit")).text())
    said = row_of(rows, "retention.run")[4]
    assert "입주자대표 연락처 삭제: 12" in said and "문자 수신번호 가림: 1,320" in said
    assert "감사 기록 보관 후 삭제: 4" in said
    changed = row_of(rows, "housing.representative.edit")[4]
    assert "보존기간이 지나 연락처 삭제됨" in changed
    for line in (said, changed):
        assert not RAW.search(line), line
