"""What the two members of a handover read in Telegram."""

from conversations.staff.notices import render_notification
from core.handover import GIVEN, RECEIVED
from core.notifications.values import Notice
from tests.builders import NOW


def _notice(kind, payload, language="ko"):
    return Notice(
        id=1, recipient_id=1, telegram_user_id=1, language=language, recipient_active=True,
        kind=kind, case_id=None, payload=payload, attempts=0, created_at=NOW,
    )  # fmt: skip


def test_the_successor_reads_what_they_received_and_where_to_find_it():
    payload = {"other": "이숙영", "cases": 2, "saved_lists": 1, "complaints": 3, "case_nos": ["2026-4-1", "2026-4-2"]}
    text, keyboard = render_notification(_notice(RECEIVED, payload))
    assert keyboard is None
    assert text.split("\n") == [
        "📦 <b>이숙영 님의 업무를 인계받았습니다</b>",
        "벤치마킹 사례 2건 · 민원 3건 · 문자 수신자 목록 1개",
        "사례: 2026-4-1, 2026-4-2",
        "/cases, /complaints, /sms에서 확인하실 수 있습니다.",
    ]


def test_the_departing_member_reads_to_whom_and_that_the_roles_ended_in_their_language():
    payload = {"other": "Park", "cases": 0, "saved_lists": 0, "complaints": 1, "roles_ended": True}
    text, _ = render_notification(_notice(GIVEN, payload, language="en"))
    assert text.split("\n") == [
        "📦 <b>Your work was handed to Park</b>",
        "Benchmarking cases 0 · complaints 1 · SMS recipient lists 0",
        "This account's roles have been ended.",
    ]
