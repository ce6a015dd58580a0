"""An IT admin reads the audit log: each entry's details are one Korean line ("대상 10명 · 장문 · 입주자대표 ·
왕십리도선동"), never the keys the code stored (``recipients: 10 / message_type: lms``). Every action the code
writes has its words in the catalogs, and a key nobody gave words still reads as "label: value"."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from core.sms.values import RecipientSelection
from core.texts.i18n import has_text, t_plain
from tests.admin.test_audit_pages import action_label, table, write
from tests.builders import grant, make_complex, make_dong, make_staff

ROOT = Path(__file__).resolve().parents[2]
# The audit writers: ``action="x.y"`` in a record call, and the benchmark workflow's f"benchmark.{action}".
WRITTEN = re.compile(r'action=(?:"([a-z_]+\.[a-z_]+)"|f"benchmark\.\{action\}")')
RAW = re.compile(r"[{}\[\]'\"]|\b[a-z]+_[a-z_]+\b|:\s*(lms|sms|representatives|managers)\b")


def detail(key: str, **params: object) -> str:
    return t_plain("ko", f"admin.audit.detail.{key}", **params)


def row_of(rows: list[list[str]], action: str) -> list[str]:
    return next(row for row in rows if row[2] == action_label(action))


async def test_a_text_message_reads_as_who_how_many_and_where(client, admin, uow_factory, services):
    wangdo = await make_dong(uow_factory, "왕십리도선동", "왕도")
    await make_complex(uow_factory, dong="왕십리도선동", representatives=10)
    sender = await grant(uow_factory, admin, "sms.send")
    long_text = "{이름}님, 11월 26일 10시 입주자대표회의에 참석해 주십시오. " * 3  # longer than 90 bytes: 장문
    await services.sms.send(sender, RecipientSelection("representatives", admin_dong_id=wangdo), long_text)

    page = await (await client.get("/audit")).text()
    sent = row_of(table(page), "sms.send")
    assert sent[4] == "대상 10명 · 장문 · 입주자대표 · 왕십리도선동"
    # On a phone the time may go below the day, but the day stays whole (never "2026-11-/25").
    assert '<td><span class="nowrap">2026-11-25</span> <span class="nowrap">10:00:00</span></td>' in page
    assert sent[3].startswith(t_plain("ko", "admin.audit.targets.sms_batch") + " #")
    assert "recipients" not in sent[4] and "lms" not in sent[4] and "representatives" not in sent[4]

    # The downloaded workbook says each entry in the same words as the page.
    book = load_workbook(BytesIO(await (await client.get("/audit/export.xlsx")).read()))
    rows = list(book[t_plain("ko", "admin.audit.sheet")].iter_rows(values_only=True))[4:]  # under the header
    [in_file] = [row for row in rows if row[6] == "sms.send"]
    assert in_file[5] == "대상 10명 · 장문 · 입주자대표 · 왕십리도선동"


async def test_every_action_the_code_writes_reads_as_korean_words(client, admin, services, uow_factory, clock):
    member = await make_staff(services, saeol_id="hong01", name="홍길동")
    wangdo = await make_dong(uow_factory, "왕십리도선동", "왕도")
    haengdang = await make_dong(uow_factory, "행당1동", "행1")
    now = clock.now()
    staff_target = {"target_type": "staff", "target_id": member.id}
    # Each writer's details as it stores them (grep ``audit.record``); a real sign-in and password are there already.
    entries = {
        "admin.sign_in_throttled": {"details": {"username": "guess", "address": "10.0.0.9", "wait_seconds": 120}},
        "admin.sign_out": {},
        "admin.token_create": {"target_type": "api_token", "target_id": 3, "details": {"name": "민원시스템"}},
        "admin.token_revoke": {
            "target_type": "api_token",
            "target_id": 3,
            "details": {"name": "민원시스템", "via": "staff_deactivated"},
        },
        "staff.add": {
            **staff_target,
            "details": {"old": None, "new": {"saeol_id": "hong01", "name": "홍길동", "department": "공동주택과"}},
        },
        "staff.edit": {
            **staff_target,
            "details": {"old": {"department": "공동주택과"}, "new": {"department": "마을공동체과"}},
        },
        "staff.deactivate": {**staff_target, "details": {"old": {"active": True}, "new": {"active": False}}},
        "staff.activate": {**staff_target, "details": {"old": {"active": False}, "new": {"active": True}}},
        "staff.unbind": {
            **staff_target,
            "details": {"old": {"telegram_user_id": 700123}, "new": {"telegram_user_id": None}},
        },
        "staff.link_code": {**staff_target},
        "staff.bind": {**staff_target, "details": {"telegram_user_id": 700123}},
        "role.grant": {
            **staff_target,
            "details": {
                "permission": "sms.send",
                "old": {"department_id": None, "dong_ids": []},
                "new": {"department_id": None, "dong_ids": [wangdo, haengdang]},
                "via": "migration_0008",
            },
        },
        "role.revoke": {
            **staff_target,
            "details": {
                "permission": "housing.read",
                "old": {"department_id": None, "dong_ids": [wangdo]},
                "new": None,
            },
        },
        "pii.view": {"target_type": "sms_batch", "target_id": 4, "details": {"via": "sms_results", "phones": 1320}},
        "benchmark.approve": {
            "target_type": "benchmark_case",
            "target_id": 1,
            "details": {"state_from": "approval_requested", "state_to": "approved"},
        },
        "benchmark.edit": {
            "target_type": "benchmark_case",
            "target_id": 1,
            "details": {
                "state_from": "registered",
                "state_to": "registered",
                "changes": {"title": ["주차 공유", "거주자 주차 공유"]},
            },
        },
        "audit.export": {
            "details": {
                "staff": "홍길동",
                "action": "pii.view",
                "date_from": "2026-11-01",
                "date_to": "2026-11-25",
                "count": 1320,
            }
        },
        "sms.cancel": {
            "target_type": "sms_batch",
            "target_id": 4,
            "details": {"messages": 12, "scheduled_at": "2026-11-26T00:30:00+00:00"},
        },
        "sms.list_save": {
            "target_type": "sms_saved_list",
            "target_id": 2,
            "details": {"name": "통장 회의", "entries": 12, "invalid": 1, "invalid_unmasked": False, "from": "entries"},
        },
        "sms.list_delete": {
            "target_type": "sms_saved_list",
            "target_id": 2,
            "details": {"name": "통장 회의", "entries": 12},
        },
    }
    for action, extra in entries.items():
        by_nobody = action == "admin.sign_in_throttled"  # a guess names no staff member: the username is the actor
        await write(uow_factory, now, action, None if by_nobody else admin.id, **extra)

    rows = table(await (await client.get("/audit")).text())
    said: dict[str, str] = {}
    for row in rows:  # newest first: the entries above, not the ones making the admin and the member wrote
        said.setdefault(row[2], row[4])
    expected = {
        "admin.sign_in_throttled": f"{detail('address', value='10.0.0.9')} · {detail('wait_seconds', value='120')}",
        "admin.token_revoke": t_plain("ko", "admin.audit.values.staff_deactivated"),
        "staff.add": "새올 아이디 hong01 · 이름 홍길동 · 부서 공동주택과",
        "staff.edit": "부서: 공동주택과 → 마을공동체과",
        "staff.deactivate": "",  # the action's name says it all
        "staff.unbind": "텔레그램 사용자 번호: 700123 → —",
        "staff.bind": "텔레그램 사용자 번호 700123",
        "role.grant": "문자 발송 · 범위: 전체 → 왕십리도선동, 행당1동 · "
        + t_plain("ko", "admin.audit.values.migration_0008"),
        "role.revoke": "공동주택 조회 · 범위 왕십리도선동",
        "pii.view": "전화번호 1,320건 · 문자 전송결과 화면",
        "benchmark.approve": "진행상태: 승인요청 → 승인",
        "benchmark.edit": "사업명: 주차 공유 → 거주자 주차 공유",
        "audit.export": f"직원 홍길동 · 작업 {action_label('pii.view')} · 기간 2026-11-01 ~ 2026-11-25 · 1,320건",
        "sms.cancel": "12건 · 예약 2026-11-26 09:30",  # the office's time
        "sms.list_save": "12명 · 가져온 곳 직접 입력 · 잘못된 번호 1건",
        "sms.list_delete": "12명",
    }
    for action, line in expected.items():
        assert said[action_label(action)] == line, action
    assert row_of(rows, "sms.list_save")[3] == f"{t_plain('ko', 'admin.audit.targets.sms_saved_list')} 통장 회의"
    for row in rows:  # no stored key, code or bracket shows through
        assert not RAW.search(row[4]), row


def test_every_action_written_in_the_code_has_its_name_and_words_in_both_languages():
    written: set[str] = set()
    for folder in ("core", "storage", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in WRITTEN.finditer(path.read_text(encoding="utf-8")):
                written.add(match[1] or "benchmark.*")
    assert {"sms.send", "role.grant", "admin.sign_in", "pii.view", "benchmark.*"} <= written
    benchmark_actions = {f"benchmark.{a}" for a in ("register", "edit", "attach", "review", "approve", "return")}
    for lang in ("ko", "en"):
        for action in (written - {"benchmark.*"}) | benchmark_actions:
            assert has_text(lang, f"admin.audit.actions.{action}"), (lang, action)


async def test_a_key_without_words_still_reads_as_label_and_value(client, admin, uow_factory, clock):
    at = datetime.fromisoformat("2026-11-25T09:00:00+09:00")
    await write(uow_factory, at, "sms.send", admin.id, details={"carrier_note": {"retry_after": 3, "final": True}})
    sent = row_of(table(await (await client.get("/audit")).text()), "sms.send")
    assert sent[4] == "Carrier note: Retry after 3, Final 예"
